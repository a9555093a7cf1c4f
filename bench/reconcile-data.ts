// Deterministic tax-account data for the reconciliation benchmark: one customer with exactly `claims` claims
// and `payments` payments, built directly as domain objects (the sandbox ledger simulates day by day and needs
// ~27 s and ~3 GB to produce 10^6 claims, which would swamp the memory figure being measured).
//
// The shape follows the sandbox ledger (src/testing/README.md): withholding, VAT, employer's contribution,
// advance tax in four instalments, residual tax, fines, late-payment interest and enforcement fees linked to
// their principal by `principalClaimId`, credits (VAT refunds, contribution corrections, tax refunds) set off
// against due debts the day after they arise with the rest paid out. Payments are placed on one or two
// instalments (exact, split in two, one payment for two instalments, overpaid with the excess unplaced or
// refunded), some are not placed at all (no KID). Everything is integer øre and adds up: every instalment's
// remaining amount is its original minus its placements, set-offs and payouts, and every payment's amount is
// its placements plus payouts plus unplaced amount, so the reconciliation's zero-tolerance assertions pass.
//
// Objects are built as a JSON parser would leave them: one fresh object per field and fresh strings for ids and
// dates (not shared), so the memory figures are those of facts fetched over HTTP.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sliceByDate } from '../src/testing/sandbox/ledger/ledger-queries.js';
import type { Claim, Instalment, PaymentPlacement, SetOffPlacement } from '../src/domain/claim.model.js';
import type { ClaimGroupTotals, ClaimPeriod, IsoDate, Period, Totals } from '../src/domain/common.model.js';
import type { Payment, PaymentClaimPlacement } from '../src/domain/payment.model.js';
import type { Payout } from '../src/domain/payout.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../src/domain/responses.model.js';
import type { CustomerConfig } from '../src/config/module-options.interface.js';
import type {
  BankTransaction,
  CustomerRef,
  JournalAdapter,
  JournalEntry,
  PostResult,
} from '../src/journal/journal-adapter.interface.js';
import type { KobApiCustomer } from '../src/api/krav-og-betalinger.client.js';
import type { AccessCheck } from '../src/auth/access/access-state.model.js';
import type { FactSource } from '../src/reconciliation/fact-source.js';
import type { AccessChecker } from '../src/reconciliation/reconciliation.service.js';

/** A valid organisation number that none of the documented sandbox organisations uses. */
export const BENCH_ORG = '310334200';
const OWNER_NAME = 'SOLID MAUR 1 AS';
const OWN_ACCOUNT = '******75134';
const TAX_ACCOUNT = '76940524802';
const TAX_ACCOUNT_IBAN = 'NO42 7694 0524 802';
/** Day 0 = 2024-07-01; the run's date is day SPAN_DAYS. */
const BASE_MS = Date.UTC(2024, 6, 1);
const SPAN_DAYS = 730;
/** Claims are created up to this many days before the run's date (the rest of the span lets them fall due). */
const CREATION_DAYS = 700;

export interface ReconcileDataOptions {
  claims: number;
  /** Default: as many as claims. */
  payments?: number;
  seed?: number;
  /** Also make the host's bank lines for the payments (for bank matching). Default true. */
  bankLines?: boolean;
  /** Customer id (each data set in one process should have its own). Default `bench`. */
  customerId?: string;
  /**
   * Share repeated strings (account numbers, names, types, dates of one day) instead of giving each occurrence
   * its own copy, as a parser that interns strings would. Ids stay unique. Makes the facts of 10^6 claims fit a
   * heap that leaves room for the run. Default false (each occurrence its own string, as JSON.parse leaves it).
   */
  shareStrings?: boolean;
}

export interface ReconcileDataStats {
  claims: number;
  debtClaims: number;
  creditClaims: number;
  interestAndFeeClaims: number;
  instalments: number;
  payments: number;
  paymentPlacements: number;
  paymentsOnTwoInstalments: number;
  unplacedPayments: number;
  setOffs: number;
  payouts: number;
  refunds: number;
  openClaims: number;
  bankLines: number;
}

export interface ReconcileData {
  customer: CustomerConfig;
  startDate: IsoDate;
  asOf: IsoDate;
  /** In creation order. */
  claims: Claim[];
  /** In date order. */
  payments: Payment[];
  payouts: Payout[];
  /** `aapnekrav` at `asOf`: copies of the open claims and unplaced payments (a separate response). */
  openClaims: OpenClaims;
  bankTransactions: BankTransaction[];
  stats: ReconcileDataStats;
}

// ---------------------------------------------------------------------------------------------------------
// Small deterministic helpers

/** mulberry32: fast, seedable, good enough for drawing a benchmark's data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const YEAR_PART: string[] = [];
const MONTH_DAY_PART: string[] = [];
for (let d = 0; d <= SPAN_DAYS + 400; d++) {
  const iso = new Date(BASE_MS + d * 86_400_000).toISOString();
  YEAR_PART.push(iso.slice(0, 5));
  MONTH_DAY_PART.push(iso.slice(5, 10));
}

/** The whole date of each day, for {@link ReconcileDataOptions.shareStrings}. */
const SHARED_DAY = YEAR_PART.map((y, d) => y + MONTH_DAY_PART[d]);

/** Set by generateReconcileData for the time of one generation (the generator is synchronous). */
let shareStrings = false;

/** ISO date of day `d`, as a fresh string (two parts of 5 characters make a new flat string in V8). */
function iso(d: number): IsoDate {
  return shareStrings ? SHARED_DAY[d] : YEAR_PART[d] + MONTH_DAY_PART[d];
}

/**
 * A fresh copy of a constant string, as JSON.parse would make it for each occurrence (V8 does not share equal
 * string values of a parsed document): short strings by concatenation, longer ones through a buffer (a
 * concatenation of 13+ characters would be a cheaper cons string).
 */
function fresh(s: string): string {
  if (shareStrings) return s;
  if (s.length < 13) {
    const m = s.length >> 1;
    return s.slice(0, m) + s.slice(m);
  }
  return Buffer.from(s, 'utf8').toString('utf8');
}

function dayOf(date: IsoDate): number {
  return Math.round((Date.parse(date) - BASE_MS) / 86_400_000);
}

// ---------------------------------------------------------------------------------------------------------
// Claim kinds (weights per 100 claims)

interface Kind {
  type: string;
  group: string;
  weight: number;
  credit?: boolean;
  /** Linked to an earlier debt claim by `principalClaimId`. */
  linked?: boolean;
  instalments?: number;
  dueDays: number;
  /** Amount range in whole kroner. */
  min: number;
  max: number;
  text: string;
  assessment: string;
}

// type, group, weight, flags (c = credit, l = linked to a principal, 4 = four instalments), days to due,
// kroner min and max, text, assessment (e = egenfastsatt, m = myndighetsfastsatt, b = blank).
type KindRow = [string, string, number, string, number, number, number, string, 'e' | 'm' | 'b'];
const KIND_TABLE: KindRow[] = [
  ['FORSKTREKK', 'Forskuddstrekk', 35, '', 1, 5_000, 60_000, 'Forskuddstrekk', 'e'],
  ['Mva-melding', 'Merverdiavgift', 15, '', 14, 10_000, 250_000, 'Merverdiavgift', 'e'],
  ['ARBGAVG', 'Arbeidsgiveravgift', 14, '', 14, 5_000, 120_000, 'Arbeidsgiveravgift', 'e'],
  ['UTSKR_FORSKSKATT', 'Skatt', 3, '4', 30, 20_000, 400_000, 'Utskrevet forskuddsskatt', 'm'],
  ['RESTSKATT', 'Skatt', 3, '', 21, 2_000, 150_000, 'Restskatt', 'm'],
  ['TVANGSMULKT', 'Andre krav', 3, '', 14, 500, 20_000, 'Tvangsmulkt', 'm'],
  ['Forsinkelsesrente', '', 14, 'l', 21, 100, 5_000, 'Forsinkelsesrente', 'b'],
  ['UTLEGGSGEBYR', 'Andre krav', 6, 'l', 14, 700, 1_300, 'Utleggsgebyr', 'm'],
  ['Mva-melding', 'Merverdiavgift', 4, 'c', 14, 5_000, 150_000, 'Merverdiavgift til gode', 'e'],
  ['AVVIK_ARBGAVG_KREDIT', 'Arbeidsgiveravgift', 2, 'c', 14, 1_000, 40_000, 'Arbeidsgiveravgift, korr.', 'e'],
  ['RESTERENDE_SKT_TILB', 'Skatt', 1, 'c', 21, 1_000, 80_000, 'Skatt til gode', 'm'],
];
const ASSESSMENT = { e: 'egenfastsatt', m: 'myndighetsfastsatt', b: 'blank' } as const;

const KINDS: Kind[] = KIND_TABLE.map(([type, group, weight, flags, dueDays, min, max, text, assessed]) => {
  const kind: Kind = { type, group, weight, dueDays, min, max, text, assessment: ASSESSMENT[assessed] };
  if (flags.includes('c')) kind.credit = true;
  if (flags.includes('l')) kind.linked = true;
  if (flags.includes('4')) kind.instalments = 4;
  return kind;
});
const TOTAL_WEIGHT = KINDS.reduce((n, k) => n + k.weight, 0);

function drawKind(r: number): Kind {
  let x = r * TOTAL_WEIGHT;
  for (const k of KINDS) {
    if (x < k.weight) return k;
    x -= k.weight;
  }
  return KINDS[0];
}

// ---------------------------------------------------------------------------------------------------------

interface DebtRef {
  claim: Claim;
  inst: Instalment;
  createdDay: number;
  dueDay: number;
  /** Still to cover while generating. */
  left: number;
}

/**
 * Builds one customer's facts: exactly `claims` claims and `payments` payments between 2024-07-01 and the run's
 * date 2026-06-30, all on or after the customer's booking start (2024-07-01). Deterministic for a seed.
 */
export function generateReconcileData(options: ReconcileDataOptions): ReconcileData {
  shareStrings = options.shareStrings === true;
  try {
    return generate(options);
  } finally {
    shareStrings = false;
  }
}

function generate(options: ReconcileDataOptions): ReconcileData {
  const nClaims = options.claims;
  const nPayments = options.payments ?? nClaims;
  const rnd = prng(options.seed ?? 1);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const asOfDay = SPAN_DAYS;
  const stats: ReconcileDataStats = {
    claims: 0,
    debtClaims: 0,
    creditClaims: 0,
    interestAndFeeClaims: 0,
    instalments: 0,
    payments: 0,
    paymentPlacements: 0,
    paymentsOnTwoInstalments: 0,
    unplacedPayments: 0,
    setOffs: 0,
    payouts: 0,
    refunds: 0,
    openClaims: 0,
    bankLines: 0,
  };

  // 1. Claims, in creation order.
  const claims: Claim[] = [];
  const debts: DebtRef[] = [];
  const credits: { claim: Claim; inst: Instalment; day: number }[] = [];
  const principals: Claim[] = [];
  let instalmentSeq = 10_000_000;
  for (let i = 0; i < nClaims; i++) {
    const day = Math.floor((i * CREATION_DAYS) / nClaims);
    let kind = drawKind(rnd());
    const principal =
      kind.linked && principals.length > 0 ? principals[int(0, principals.length - 1)] : undefined;
    if (kind.linked && !principal) kind = KINDS[0];
    const claimId = `KRAV-${10_000_000 + i}`;
    const kroner = int(kind.min, kind.max);
    const total = kroner * 100 + (kind.linked ? int(0, 99) : 0);
    const sign = kind.credit ? -1 : 1;
    const period: ClaimPeriod = principal?.period
      ? copyPeriod(principal.period)
      : {
          description: fresh(`termin ${iso(day).slice(0, 7)}`),
          year: fresh(iso(day).slice(0, 4)),
          term: fresh(`0${1 + (i % 6)}`),
        };
    const group = kind.linked && kind.group === '' ? (principal?.claimGroup ?? 'Andre krav') : kind.group;
    const claim: Claim = {
      partyId: fresh(BENCH_ORG),
      claimId,
      claimType: fresh(kind.type),
      claimGroup: fresh(group),
      description: principal ? `${kind.text} - ${principal.description}` : `${kind.text} - ${iso(day)}`,
      period,
      createdDate: iso(day),
      originalAmount: sign * total,
      remainingAmount: sign * total,
      assessment: fresh(kind.assessment),
      instalments: [],
    };
    if (principal) claim.principalClaimId = fresh(principal.claimId);
    const parts = kind.instalments ?? 1;
    for (let p = 0; p < parts; p++) {
      const amount =
        p < parts - 1 ? Math.floor(total / parts) : total - Math.floor(total / parts) * (parts - 1);
      const dueDay = day + kind.dueDays + p * 90;
      const instalmentId = `FORF-${instalmentSeq++}`;
      const inst: Instalment = {
        instalmentId,
        claimId: fresh(claimId),
        dueDate: iso(dueDay),
        originalAmount: sign * amount,
        remainingAmount: sign * amount,
        paymentDetails: kind.credit
          ? {}
          : {
              kid: `${String(instalmentSeq).padStart(14, '0')}${instalmentSeq % 10}`,
              account: {
                ownerName: fresh('SKATTEETATEN - SKATTEINNKREVING'),
                accountNumber: fresh(TAX_ACCOUNT),
                iban: fresh(TAX_ACCOUNT_IBAN),
                bic: fresh('DNBANOKKXXX'),
              },
            },
        placements: [],
        payouts: [],
      };
      claim.instalments.push(inst);
      stats.instalments++;
      if (kind.credit) credits.push({ claim, inst, day });
      else debts.push({ claim, inst, createdDay: day, dueDay, left: amount });
    }
    claims.push(claim);
    stats.claims++;
    if (kind.credit) stats.creditClaims++;
    else stats.debtClaims++;
    if (kind.linked) stats.interestAndFeeClaims++;
    else if (!kind.credit && kind.type !== 'TVANGSMULKT') {
      principals.push(claim);
      if (principals.length > 5_000) principals.splice(0, 1_000); // interest follows recent principals
    }
  }

  // 2. Payments over the debts in due order. Fates: exact, split in two, one payment for two, overpaid,
  //    unplaced (no KID), left for a set-off, left open. Splits are added as needed so the payment count
  //    reaches `payments` without stray payments (which would all be unplaced).
  debts.sort((a, b) => a.dueDay - b.dueDay || compare(a.inst.instalmentId, b.inst.instalmentId));
  const payments: Payment[] = [];
  const payouts: Payout[] = [];
  const setOffPool: DebtRef[] = [];
  let paymentSeq = 10_000_000;
  let payoutSeq = 10_000_000;

  const newPayment = (day: number, amount: number, kid: string | undefined): Payment => {
    const payment: Payment = {
      partyId: fresh(BENCH_ORG),
      paymentId: `INN-${paymentSeq++}`,
      paymentDate: iso(day),
      amount,
      unplacedAmount: 0,
      receivingAccount: { accountNumber: fresh(TAX_ACCOUNT) },
      paidFrom: kid ? { kid: fresh(kid), account: ownAccount() } : { account: ownAccount() },
      paymentType: fresh(kid ? 'Innbetalt OCR' : 'Bankoverføring'),
      placements: [],
      payouts: [],
    };
    payments.push(payment);
    stats.payments++;
    return payment;
  };

  const place = (payment: Payment, debt: DebtRef, amount: number, day: number): void => {
    const placedDay = Math.min(asOfDay, Math.max(day, debt.createdDay) + (rnd() < 0.5 ? 0 : 1));
    const claimSide: PaymentPlacement = {
      kind: 'payment',
      paymentId: payment.paymentId,
      instalmentId: debt.inst.instalmentId,
      amount,
      placedDate: iso(placedDay),
      paymentDate: fresh(payment.paymentDate),
      paymentAmount: payment.amount,
      paymentType: fresh(payment.paymentType!),
      paidFrom: payment.paidFrom?.kid
        ? { kid: fresh(payment.paidFrom.kid), account: ownAccount() }
        : { account: ownAccount() },
    };
    debt.inst.placements.push(claimSide);
    const paymentSide: PaymentClaimPlacement = {
      paymentId: payment.paymentId,
      instalmentId: debt.inst.instalmentId,
      amount,
      placedDate: iso(placedDay),
      description: fresh(debt.claim.description!),
      dueDate: iso(debt.dueDay),
      instalmentOriginalAmount: debt.inst.originalAmount,
      instalmentRemainingAmount: 0, // set at the end
    };
    payment.placements.push(paymentSide);
    debt.left -= amount;
    stats.paymentPlacements++;
  };

  const payDay = (debt: DebtRef): number => {
    const r = rnd();
    const offset = r < 0.8 ? -int(0, 4) : int(1, 20); // mostly on time, some late
    return Math.min(asOfDay, Math.max(debt.createdDay, debt.dueDay + offset, 0));
  };

  const dueByEnd = debts.filter((d) => d.dueDay <= asOfDay - 2).length;
  // Payments the fates below make per due debt, on average, before splits are added: about 0.90.
  let dueSeen = 0;
  for (let k = 0; k < debts.length; k++) {
    const debt = debts[k];
    const isDue = debt.dueDay <= asOfDay - 2;
    if (isDue) dueSeen++;
    if (debt.left === 0) continue; // covered by an earlier one's payment
    const room = nPayments - payments.length;
    if (room <= 0) break;
    if (!isDue) {
      // Not yet due: a third paid early, the rest open.
      if (rnd() < 0.33) {
        const day = Math.min(asOfDay, Math.max(debt.createdDay, asOfDay - int(0, 5)));
        const payment = newPayment(day, debt.left, debt.inst.paymentDetails.kid);
        place(payment, debt, debt.left, day);
      }
      continue;
    }
    const target = (dueSeen * nPayments) / Math.max(1, dueByEnd);
    const behind = payments.length + 1 < target;
    const r = rnd();
    const kid = debt.inst.paymentDetails.kid;
    if (r < 0.7) {
      const day = payDay(debt);
      if (behind && room >= 2) {
        const first = Math.max(1, Math.floor(debt.left * (0.3 + 0.4 * rnd())));
        const rest = debt.left - first;
        place(newPayment(day, first, kid), debt, first, day);
        const day2 = Math.min(asOfDay, day + int(1, 10));
        place(newPayment(day2, rest, kid), debt, rest, day2);
      } else {
        place(newPayment(day, debt.left, kid), debt, debt.left, day);
      }
    } else if (r < 0.76 && room >= 2) {
      const day = payDay(debt);
      const first = Math.max(1, Math.floor(debt.left * (0.3 + 0.4 * rnd())));
      const rest = debt.left - first;
      place(newPayment(day, first, kid), debt, first, day);
      const day2 = Math.min(asOfDay, day + int(1, 10));
      place(newPayment(day2, rest, kid), debt, rest, day2);
    } else if (r < 0.84) {
      // One payment for this instalment and the next due one (its KID covers this one, the rest goes on by rank).
      const next = debts.slice(k + 1, k + 4).find((d) => d.left > 0 && d.dueDay <= asOfDay - 2);
      const day = payDay(debt);
      if (next) {
        const payment = newPayment(day, debt.left + next.left, kid);
        place(payment, debt, debt.left, day);
        place(payment, next, next.left, Math.max(day, next.createdDay));
        stats.paymentsOnTwoInstalments++;
      } else {
        place(newPayment(day, debt.left, kid), debt, debt.left, day);
      }
    } else if (r < 0.88) {
      // Overpaid: the excess stays unplaced, or is refunded 30 days later.
      const day = payDay(debt);
      const excess = Math.max(100, Math.floor(debt.left * (0.1 + 0.4 * rnd())));
      const payment = newPayment(day, debt.left + excess, kid);
      place(payment, debt, debt.left, day);
      const refundDay = day + 30;
      if (rnd() < 0.3 && refundDay <= asOfDay) {
        const payoutId = `${payoutSeq++}`;
        payment.payouts.push({
          payoutId,
          payoutDate: iso(refundDay),
          amount: excess,
          paidTo: paidTo('Tilbakebetaling av innbetaling'),
        });
        payouts.push({
          partyId: fresh(BENCH_ORG),
          payoutId: fresh(payoutId),
          payoutDate: iso(refundDay),
          amount: excess,
          paidTo: paidTo('Tilbakebetaling av innbetaling'),
          status: 'bekreftet',
          credits: [],
          refundedPayments: [
            {
              paymentId: fresh(payment.paymentId),
              paymentType: fresh(payment.paymentType!),
              paymentDate: iso(day),
              paymentAmount: payment.amount,
              paidOutAmount: excess,
            },
          ],
        });
        stats.refunds++;
        stats.payouts++;
      } else {
        payment.unplacedAmount = excess;
      }
    } else if (r < 0.91) {
      // Paid without KID and not placed yet: the instalment stays open, the payment unplaced.
      const day = payDay(debt);
      const payment = newPayment(day, debt.left, undefined);
      payment.unplacedAmount = debt.left;
    } else if (r < 0.96) {
      setOffPool.push(debt);
    }
    // else: left open (overdue)
  }
  // Still short (only when the debts ran out): payments that match nothing, unplaced.
  while (payments.length < nPayments) {
    const day = int(0, asOfDay);
    const amount = int(100, 50_000) * 100;
    const payment = newPayment(day, amount, undefined);
    payment.unplacedAmount = amount;
  }

  // 3. Credits: set off against due debts waiting for one the day after they arise, the rest paid out a week
  //    later (or left open when that is after the run's date).
  setOffPool.sort((a, b) => a.dueDay - b.dueDay || compare(a.inst.instalmentId, b.inst.instalmentId));
  let poolHead = 0;
  for (const credit of credits) {
    let left = -credit.inst.originalAmount;
    const setOffDay = credit.day + 1;
    for (let used = 0; used < 3 && left > 0 && poolHead < setOffPool.length;) {
      const debt = setOffPool[poolHead];
      if (debt.dueDay > setOffDay) break;
      const amount = Math.min(left, debt.left);
      const debtSide: SetOffPlacement = {
        kind: 'set-off',
        instalmentId: debt.inst.instalmentId,
        counterInstalmentId: credit.inst.instalmentId,
        counterClaimType: fresh(credit.claim.claimType),
        amount,
        placedDate: iso(setOffDay),
        counterDueDate: fresh(credit.inst.dueDate!),
        counterDescription: fresh(credit.claim.description!),
        counterPeriod: copyPeriod(credit.claim.period!),
      };
      const creditSide: SetOffPlacement = {
        kind: 'set-off',
        instalmentId: credit.inst.instalmentId,
        counterInstalmentId: debt.inst.instalmentId,
        counterClaimType: fresh(debt.claim.claimType),
        amount,
        placedDate: iso(setOffDay),
        counterDueDate: iso(debt.dueDay),
        counterDescription: fresh(debt.claim.description!),
        counterPeriod: copyPeriod(debt.claim.period!),
      };
      debt.inst.placements.push(debtSide);
      credit.inst.placements.push(creditSide);
      debt.left -= amount;
      left -= amount;
      stats.setOffs++;
      used++;
      if (debt.left === 0) poolHead++;
    }
    const payoutDay = credit.day + 7;
    if (left > 0 && payoutDay <= asOfDay) {
      const payoutId = `${payoutSeq++}`;
      const message = credit.claim.description!;
      credit.inst.payouts.push({
        payoutId,
        instalmentId: fresh(credit.inst.instalmentId),
        payoutAmount: left,
        payoutDate: iso(payoutDay),
        paidTo: paidTo(message),
        amount: left,
        placedDate: iso(payoutDay),
      });
      payouts.push({
        partyId: fresh(BENCH_ORG),
        payoutId: fresh(payoutId),
        payoutDate: iso(payoutDay),
        amount: left,
        paidTo: paidTo(message),
        status: 'bekreftet',
        credits: [
          {
            instalmentId: fresh(credit.inst.instalmentId),
            claimType: fresh(credit.claim.claimType),
            description: fresh(message),
            period: copyPeriod(credit.claim.period!),
            originalAmount: -credit.inst.originalAmount,
            remainingAmount: 0,
            paidOutAmount: left,
          },
        ],
        refundedPayments: [],
      });
      stats.payouts++;
    }
  }

  // 4. Remaining amounts from what was placed, set off and paid out.
  const remainingOf = new Map<string, number>();
  for (const claim of claims) {
    let claimRemaining = 0;
    for (const inst of claim.instalments) {
      let reduced = 0;
      for (const p of inst.placements) reduced += p.amount;
      for (const p of inst.payouts) reduced += p.amount;
      inst.remainingAmount =
        inst.originalAmount < 0 ? inst.originalAmount + reduced : inst.originalAmount - reduced;
      remainingOf.set(inst.instalmentId, inst.remainingAmount);
      claimRemaining += inst.remainingAmount;
    }
    claim.remainingAmount = claimRemaining;
  }
  for (const payment of payments) {
    for (const p of payment.placements) p.instalmentRemainingAmount = remainingOf.get(p.instalmentId) ?? 0;
    if ((payment.unplacedAmount ?? 0) > 0) stats.unplacedPayments++;
  }
  payments.sort((a, b) => compare(a.paymentDate, b.paymentDate) || compare(a.paymentId, b.paymentId));
  payouts.sort((a, b) => compare(a.payoutDate, b.payoutDate) || compare(a.payoutId, b.payoutId));

  // 5. aapnekrav: copies, as a separate response would be.
  const open = claims.filter(
    (c) => c.remainingAmount !== 0 || c.instalments.some((i) => i.remainingAmount !== 0),
  );
  stats.openClaims = open.length;
  const unplaced = payments.filter((p) => (p.unplacedAmount ?? 0) > 0);
  const asOf = iso(asOfDay);
  const openClaims: OpenClaims = {
    partyId: BENCH_ORG,
    shielded: false,
    claims: open.map((c) => structuredClone(c)),
    unplacedPayments: unplaced.map((p) => structuredClone(p)),
    ...openTotals(open, unplaced, asOf),
  };

  // 6. The host's bank lines: one per payment, 0-2 days before Skatteetaten's date, except 1 % missing, plus
  //    1 % lines Skatteetaten does not show (yet).
  const bankTransactions: BankTransaction[] = [];
  if (options.bankLines !== false) {
    let bankSeq = 1;
    for (const payment of payments) {
      if (rnd() < 0.01) continue;
      const day = Math.max(0, dayOf(payment.paymentDate) - int(0, 2));
      const line: BankTransaction = {
        id: `BANK-${bankSeq++}`,
        date: iso(day),
        amount: payment.amount,
        counterpartyAccount: fresh(TAX_ACCOUNT),
        ownAccount: fresh('15030012345'),
        text: fresh('Skatteetaten'),
      };
      if (payment.paidFrom?.kid) line.kid = fresh(payment.paidFrom.kid);
      bankTransactions.push(line);
    }
    const extra = Math.floor(payments.length / 100);
    for (let i = 0; i < extra; i++) {
      bankTransactions.push({
        id: `BANK-${bankSeq++}`,
        date: iso(int(0, asOfDay)),
        amount: int(100, 50_000) * 100 + 37,
        counterpartyAccount: fresh(TAX_ACCOUNT),
        ownAccount: fresh('15030012345'),
        text: fresh('Skatteetaten'),
      });
    }
    bankTransactions.sort((a, b) => compare(a.date, b.date) || compare(a.id, b.id));
    stats.bankLines = bankTransactions.length;
  }

  const customer: CustomerConfig = {
    id: options.customerId ?? 'bench',
    organisasjonsnummer: BENCH_ORG,
    rettighetspakke: 'regnskapssystem',
    access: { type: 'systembruker' },
    bookingStartDate: iso(0),
  };
  return {
    customer,
    startDate: iso(0),
    asOf,
    claims,
    payments,
    payouts,
    openClaims,
    bankTransactions,
    stats,
  };
}

function openTotals(
  open: readonly Claim[],
  unplaced: readonly Payment[],
  asOf: IsoDate,
): { totals: Totals; groups: ClaimGroupTotals[] } {
  const groups = new Map<string, ClaimGroupTotals>();
  const totals: Totals = { estimatedInterest: 0, overdue: 0, notYetDue: 0, unplacedPayments: 0, balance: 0 };
  for (const claim of open) {
    const name = claim.claimGroup ?? '';
    let g = groups.get(name);
    if (!g)
      groups.set(name, (g = { group: name, estimatedInterest: 0, overdue: 0, notYetDue: 0, balance: 0 }));
    for (const inst of claim.instalments) {
      const due = inst.dueDate !== undefined && inst.dueDate <= asOf;
      if (due) {
        g.overdue += inst.remainingAmount;
        totals.overdue += inst.remainingAmount;
      } else {
        g.notYetDue += inst.remainingAmount;
        totals.notYetDue += inst.remainingAmount;
      }
      g.balance += inst.remainingAmount;
    }
  }
  for (const p of unplaced) totals.unplacedPayments! -= p.unplacedAmount ?? 0;
  totals.balance = totals.overdue + totals.notYetDue + totals.unplacedPayments!;
  return { totals, groups: Array.from(groups.values()) };
}

function ownAccount(): { ownerName: string; accountNumber: string } {
  return { ownerName: fresh(OWNER_NAME), accountNumber: fresh(OWN_ACCOUNT) };
}

function paidTo(message: string): Payout['paidTo'] {
  return { message: fresh(message), account: ownAccount(), currency: fresh('NOK') };
}

function copyPeriod(p: ClaimPeriod): ClaimPeriod {
  const out: ClaimPeriod = {};
  if (p.description !== undefined) out.description = fresh(p.description);
  if (p.year !== undefined) out.year = fresh(p.year);
  if (p.term !== undefined) out.term = fresh(p.term);
  if (p.from !== undefined) out.from = fresh(p.from);
  if (p.to !== undefined) out.to = fresh(p.to);
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------

function within(date: IsoDate | undefined, period: Required<Period>): boolean {
  return date !== undefined && date >= period.from && date <= period.to;
}

/** A claim is in a period when created in it or when a placement, set-off or payout on it is dated in it. */
function claimInPeriod(claim: Claim, period: Required<Period>): boolean {
  if (within(claim.createdDate, period)) return true;
  for (const inst of claim.instalments) {
    for (const p of inst.placements) if (within(p.placedDate, period)) return true;
    for (const p of inst.payouts) if (within(p.placedDate, period)) return true;
  }
  return false;
}

/**
 * The four endpoints over a generated data set, in process, with the sandbox's period rules (claims created
 * or changed in the period, payments by payment date, payouts by payout date). It hands out the generated
 * objects themselves: what a client would return after parsing, without the parsing (the client benchmark
 * measures that). A period covering everything returns the lists as they are.
 */
export class BenchFactSource implements FactSource {
  /** Claim indexes by activity day (creation, placements, payouts), for windowed calls; see `indexWindows`. */
  byDay?: { days: string[]; claims: Int32Array; starts: Int32Array };

  constructor(private readonly data: ReconcileData) {}

  /**
   * Indexes the claims by the days they are active, so a call for a window finds its claims without scanning
   * them all (as Skatteetaten's server would, by an index): a run in fact windows calls for each window twice.
   * Call before measuring, so the index counts with the facts.
   */
  indexWindows(): this {
    const pairs: [string, number][] = [];
    this.data.claims.forEach((claim, i) => {
      const days = new Set<string>();
      if (claim.createdDate !== undefined) days.add(claim.createdDate);
      for (const inst of claim.instalments) {
        for (const p of inst.placements) if (p.placedDate !== undefined) days.add(p.placedDate);
        for (const p of inst.payouts) days.add(p.placedDate);
      }
      for (const day of days) pairs.push([day, i]);
    });
    pairs.sort((a, b) => compare(a[0], b[0]) || a[1] - b[1]);
    const days: string[] = [];
    const starts: number[] = [];
    const claims = new Int32Array(pairs.length);
    pairs.forEach(([day, i], k) => {
      if (days[days.length - 1] !== day) {
        days.push(day);
        starts.push(k);
      }
      claims[k] = i;
    });
    starts.push(pairs.length);
    this.byDay = { days, claims, starts: Int32Array.from(starts) };
    return this;
  }

  async openClaims(_customer: KobApiCustomer): Promise<OpenClaims> {
    return this.data.openClaims;
  }

  async claims(_customer: KobApiCustomer, period: Required<Period>): Promise<ClaimsInPeriod> {
    const claims = this.covers(period) ? this.data.claims : this.claimsIn(period);
    return { partyId: BENCH_ORG, shielded: false, period, claims };
  }

  async payments(_customer: KobApiCustomer, period: Required<Period>): Promise<PaymentsInPeriod> {
    const all = this.covers(period);
    // In date order: a window is a slice.
    const payments = all ? this.data.payments : sliceByDate(this.data.payments, (p) => p.paymentDate, period);
    return { partyId: BENCH_ORG, shielded: false, period, payments };
  }

  async payouts(_customer: KobApiCustomer, period: Required<Period>): Promise<PayoutsInPeriod> {
    const all = this.covers(period);
    const payouts = all ? this.data.payouts : this.data.payouts.filter((p) => within(p.payoutDate, period));
    return { partyId: BENCH_ORG, shielded: false, period, payouts };
  }

  private claimsIn(period: Required<Period>): Claim[] {
    if (!this.byDay) return this.data.claims.filter((c) => claimInPeriod(c, period));
    const { days, claims, starts } = this.byDay;
    const found = new Set<number>();
    for (let d = lowerBound(days, period.from); d < days.length && days[d] <= period.to; d++) {
      for (let k = starts[d]; k < starts[d + 1]; k++) found.add(claims[k]);
    }
    // In creation order, as the list is.
    return Int32Array.from(found)
      .sort()
      .reduce<Claim[]>((out, i) => (out.push(this.data.claims[i]), out), []);
  }

  private covers(period: Required<Period>): boolean {
    return period.from <= this.data.startDate && period.to >= this.data.asOf;
  }
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A data set's facts and bank lines as JSON text (one Buffer per list, outside the V8 heap) with the indexes to
 * pick a period's items, written to and read from a folder: the measured process reads it without ever holding
 * the data set's objects (generating them takes gigabytes of heap at 10^6).
 */
export interface TextFacts {
  customer: CustomerConfig;
  startDate: IsoDate;
  asOf: IsoDate;
  stats: ReconcileDataStats;
  claims: TextList;
  payments: TextList;
  payouts: TextList;
  bankLines: TextList;
  openClaims: Buffer;
  /** Claim indexes by activity day (see `BenchFactSource.indexWindows`). */
  byDay: { days: string[]; claims: Int32Array; starts: Int32Array };
  paymentDays: string[];
  payoutDays: string[];
  bankDays: string[];
}

/** Items as JSON texts in one Buffer, each at `offsets[i]` to `offsets[i + 1]`. */
export interface TextList {
  buffer: Buffer;
  offsets: Float64Array;
}

const LISTS = ['claims', 'payments', 'payouts', 'bankLines'] as const;

/** Writes a data set as {@link TextFacts} into `dir`. */
export function writeTextFacts(data: ReconcileData, dir: string): void {
  const byDay = new BenchFactSource(data).indexWindows().byDay!;
  const lists = {
    claims: data.claims,
    payments: data.payments,
    payouts: data.payouts,
    bankLines: data.bankTransactions,
  };
  for (const name of LISTS) {
    const list = textList(lists[name]);
    writeFileSync(join(dir, `${name}.json`), list.buffer);
    writeFileSync(join(dir, `${name}.offsets`), Buffer.from(list.offsets.buffer));
  }
  writeFileSync(join(dir, 'open-claims.json'), JSON.stringify(data.openClaims));
  writeFileSync(join(dir, 'by-day.claims'), Buffer.from(byDay.claims.buffer));
  writeFileSync(join(dir, 'by-day.starts'), Buffer.from(byDay.starts.buffer));
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({
      customer: data.customer,
      startDate: data.startDate,
      asOf: data.asOf,
      stats: data.stats,
      days: byDay.days,
      paymentDays: data.payments.map((p) => p.paymentDate),
      payoutDays: data.payouts.map((p) => p.payoutDate),
      bankDays: data.bankTransactions.map((l) => l.date),
    }),
  );
}

/** Reads what {@link writeTextFacts} wrote. */
export function readTextFacts(dir: string): TextFacts {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Omit<
    TextFacts,
    'claims' | 'payments' | 'payouts' | 'bankLines' | 'openClaims' | 'byDay'
  > & { days: string[] };
  const list = (name: (typeof LISTS)[number]): TextList => {
    const offsets = readFileSync(join(dir, `${name}.offsets`));
    return {
      buffer: readFileSync(join(dir, `${name}.json`)),
      offsets: new Float64Array(offsets.buffer, offsets.byteOffset, offsets.length / 8),
    };
  };
  const ints = (file: string) => {
    const b = readFileSync(join(dir, file));
    return new Int32Array(b.buffer, b.byteOffset, b.length / 4);
  };
  return {
    customer: meta.customer,
    startDate: meta.startDate,
    asOf: meta.asOf,
    stats: meta.stats,
    claims: list('claims'),
    payments: list('payments'),
    payouts: list('payouts'),
    bankLines: list('bankLines'),
    openClaims: readFileSync(join(dir, 'open-claims.json')),
    byDay: { days: meta.days, claims: ints('by-day.claims'), starts: ints('by-day.starts') },
    paymentDays: meta.paymentDays,
    payoutDays: meta.payoutDays,
    bankDays: meta.bankDays,
  };
}

/**
 * The four endpoints over {@link TextFacts}: each call parses what its period holds, as the client parses a
 * response, so a run in fact windows holds only the window it works on, as it would against the API (instead of
 * running in a heap that also carries every parsed fact of the data set, which each major collection walks).
 */
export class SerializedFactSource implements FactSource {
  constructor(private readonly facts: TextFacts) {}

  async openClaims(_customer: KobApiCustomer): Promise<OpenClaims> {
    return JSON.parse(this.facts.openClaims.toString('utf8')) as OpenClaims;
  }

  async claims(_customer: KobApiCustomer, period: Required<Period>): Promise<ClaimsInPeriod> {
    const { days, claims, starts } = this.facts.byDay;
    const found = new Set<number>();
    for (let d = lowerBound(days, period.from); d < days.length && days[d] <= period.to; d++) {
      for (let k = starts[d]; k < starts[d + 1]; k++) found.add(claims[k]);
    }
    const covers = period.from <= this.facts.startDate && period.to >= this.facts.asOf;
    const picked = covers ? undefined : Int32Array.from(found).sort();
    return {
      partyId: BENCH_ORG,
      shielded: false,
      period,
      claims: parseList<Claim>(this.facts.claims, picked),
    };
  }

  async payments(_customer: KobApiCustomer, period: Required<Period>): Promise<PaymentsInPeriod> {
    const payments = parseList<Payment>(this.facts.payments, indexesIn(this.facts.paymentDays, period));
    return { partyId: BENCH_ORG, shielded: false, period, payments };
  }

  async payouts(_customer: KobApiCustomer, period: Required<Period>): Promise<PayoutsInPeriod> {
    const days = this.facts.payoutDays;
    const sorted = days.every((d, i) => i === 0 || days[i - 1] <= d);
    const picked = sorted
      ? indexesIn(days, period)
      : Int32Array.from(days.flatMap((d, i) => (within(d, period) ? [i] : [])));
    return {
      partyId: BENCH_ORG,
      shielded: false,
      period,
      payouts: parseList<Payout>(this.facts.payouts, picked),
    };
  }

  /** The host's bank lines of a period (for `HostLedgerJournal`). */
  bankLines(period: Required<Period>): BankTransaction[] {
    return parseList<BankTransaction>(this.facts.bankLines, indexesIn(this.facts.bankDays, period));
  }
}

function textList(items: readonly unknown[]): TextList {
  const parts = items.map((item) => Buffer.from(JSON.stringify(item)));
  const offsets = new Float64Array(parts.length + 1);
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i] + parts[i].length;
  return { buffer: Buffer.concat(parts), offsets };
}

/** The items at `indexes` (all without), parsed from one JSON array text. */
function parseList<T>(list: TextList, indexes?: Int32Array): T[] {
  const n = indexes ? indexes.length : list.offsets.length - 1;
  const texts: string[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = indexes ? indexes[k] : k;
    texts[k] = list.buffer.toString('utf8', list.offsets[i], list.offsets[i + 1]);
  }
  return JSON.parse(`[${texts.join(',')}]`) as T[];
}

/** Indexes of the days of a sorted list within the period. */
function indexesIn(sortedDays: readonly string[], period: Required<Period>): Int32Array {
  const from = lowerBound(sortedDays, period.from);
  let to = from;
  while (to < sortedDays.length && sortedDays[to] <= period.to) to++;
  const out = new Int32Array(to - from);
  for (let k = 0; k < out.length; k++) out[k] = from + k;
  return out;
}

/**
 * The host's ledger as the module sees it over a wire: it takes each entry (serialised, as a request body would
 * be), answers `posted`, and keeps nothing, so a benchmark measures the module's memory, not the ledger's. The
 * bank lines are the host's, in date order, handed out by period.
 */
export class HostLedgerJournal implements JournalAdapter {
  bytes = 0;
  /** The host's bank lines, in date order, or a function giving those of a period. */
  constructor(
    private readonly bankLines:
      readonly BankTransaction[] | ((period: Required<Period>) => BankTransaction[]),
  ) {}

  async postEntries(_customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
    const results: PostResult[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      this.bytes += JSON.stringify(entries[i]).length;
      results[i] = { idempotencyKey: entries[i].idempotencyKey, status: 'posted', ref: `host:${i}` };
    }
    return results;
  }

  async findBankTransactions(_customer: CustomerRef, period: Period): Promise<BankTransaction[]> {
    const closed = { from: period.from, to: period.to ?? '9999-12-31' };
    const lines = this.bankLines;
    return typeof lines === 'function' ? lines(closed) : sliceByDate(lines, (l) => l.date, closed);
  }
}

/** Every customer has access (the access check is not what is measured). */
export const benchAccess: AccessChecker = {
  checkAccess: async (customer: CustomerConfig) =>
    ({
      ok: true,
      state: { customerId: customer.id, type: 'systembruker', status: 'active' },
    }) as unknown as AccessCheck,
};
