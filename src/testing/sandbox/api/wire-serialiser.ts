import type { Claim, Instalment, PaymentPlacement, SetOffPlacement } from '../../../domain/claim.model.js';
import type {
  BankAccount,
  ClaimGroupTotals,
  ClaimPeriod,
  PaymentDetails,
  Period,
  Totals,
} from '../../../domain/common.model.js';
import { formatOre } from '../../../domain/money.js';
import type { Ore } from '../../../domain/money.js';
import type { Payment } from '../../../domain/payment.model.js';
import type { Payout } from '../../../domain/payout.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../../../domain/responses.model.js';
import { JsonNumber } from '../http/json-writer.js';

/*
 * Domain -> Krav og betalinger JSON, spec 1.1.1 (reference §3, key order of the Apr 2024 examples). Absent
 * values are left out (never null) and empty lists omitted, as the Aug 2023 and Apr 2024 examples do;
 * `partIdentifikator` and `skjermet` are always there. Amounts are JsonNumber tokens with the exact decimal
 * text of the øre (`1234.50`).
 *
 * Signs (reference §4.1, newest realistic examples): claims and instalments positive for debts, negative for
 * credits, the remaining amount with the same sign; payments, placements, set-offs and payouts positive;
 * `KreditKrav.opprinneligBeloep`/`gjenstaaendeBeloep` negative (the credit's sign); the unplaced-payments total
 * negative, so that saldo = renter + forfalte + ikke forfalte + uplasserte. With `paymentSign: 'negative'`
 * (the Dec 2022 and Aug 2023 convention) `innbetaltBeloep`, `uplassertBeloep` and the payment placements on
 * instalments are negative instead.
 */

/** Which shapes the sandbox serves. @publicApi */
export type WireFormat = '1.1.1' | '2023-03';

/** @publicApi */
export interface WireOptions {
  format: WireFormat;
  /** Sign of `innbetaltBeloep`, `uplassertBeloep` and `plassertInnbetaling[].plassertBeloep`. Default positive. */
  paymentSign: 'positive' | 'negative';
}

type Tree = Record<string, unknown>;

export function amount(ore: Ore): JsonNumber {
  return new JsonNumber(formatOre(ore, 'plain'));
}

export function signed(ore: Ore, negative: boolean): JsonNumber {
  return amount(negative && ore !== 0 ? -ore : ore);
}

export function text(tekst: string | undefined): Tree | undefined {
  return tekst === undefined ? undefined : { spraakTekst: [{ tekst, spraak: 'nb' }] };
}

function list<T>(items: readonly T[], map: (item: T) => unknown): unknown[] | undefined {
  return items.length === 0 ? undefined : items.map(map);
}

export function bankAccount(a: BankAccount | undefined): Tree | undefined {
  if (a === undefined) return undefined;
  return {
    bankinformasjon: a.bankInfo,
    kontoeiersNavn: a.ownerName,
    kontonummer: a.accountNumber,
    iban: a.iban,
    swiftBIC: a.bic,
  };
}

export function paymentDetails(d: PaymentDetails | undefined): Tree | undefined {
  if (d === undefined) return undefined;
  return {
    kidnummer: d.kid,
    meldingSendtTilMottaker: d.message,
    konto: bankAccount(d.account),
    valutakode: d.currency,
  };
}

function claimPeriod(p: ClaimPeriod | undefined): Tree | undefined {
  if (p === undefined) return undefined;
  return {
    periodeBeskrivelse: text(p.description ?? ''),
    aar: p.year,
    fraDato: p.from,
    tilDato: p.to,
    terminTekniskNavn: p.term,
  };
}

export function period(p: Period): Tree {
  return { fraOgMed: p.from, tilOgMed: p.to };
}

function paymentPlacement(p: PaymentPlacement, o: WireOptions): Tree {
  const negative = o.paymentSign === 'negative';
  return {
    innbetalingsIdentifikator: p.paymentId,
    plassertBeloep: signed(p.amount, negative),
    plassertDato: p.placedDate,
    innbetalingsdato: p.paymentDate,
    innbetaltBeloep: p.paymentAmount === undefined ? undefined : signed(p.paymentAmount, negative),
    innbetaltFra: paymentDetails(p.paidFrom),
    innbetalingstype: p.paymentType,
  };
}

function setOffPlacement(p: SetOffPlacement): Tree {
  return {
    kravforfallsIdentifikator: p.counterInstalmentId,
    plassertBeloep: amount(p.amount),
    kravtype: p.counterClaimType,
    plassertDato: p.placedDate,
    kravbeskrivelse: text(p.counterDescription),
    forfallsdato: p.counterDueDate,
    kravperiode: claimPeriod(p.counterPeriod),
  };
}

function instalment(i: Instalment, o: WireOptions): Tree {
  const payments = i.placements.filter((p): p is PaymentPlacement => p.kind === 'payment');
  const setOffs = i.placements.filter((p): p is SetOffPlacement => p.kind === 'set-off');
  return {
    kravforfallsIdentifikator: i.instalmentId,
    forfallsdato: i.dueDate,
    opprinneligBeloep: amount(i.originalAmount),
    gjenstaaendeBeloep: amount(i.remainingAmount),
    betalingsinformasjon: paymentDetails(i.paymentDetails) ?? {},
    plassertInnbetaling: list(payments, (p) => paymentPlacement(p, o)),
    plassertMotkrav: list(setOffs, setOffPlacement),
    plassertUtbetaling: list(i.payouts, (p) => ({
      utbetalingsidentifikator: p.payoutId,
      utbetaltBeloep: amount(p.payoutAmount),
      utbetaltDato: p.payoutDate,
      betaltTil: paymentDetails(p.paidTo),
      plassertBeloep: amount(p.amount),
      plassertDato: p.placedDate,
    })),
  };
}

export function claim(c: Claim, o: WireOptions): Tree {
  return {
    partIdentifikator: c.partyId,
    kravidentifikator: c.claimId,
    kravtype: c.claimType,
    opprinneligBeloep: amount(c.originalAmount),
    gjenstaaendeBeloep: amount(c.remainingAmount),
    kravforfall: c.instalments.map((i) => instalment(i, o)),
    stipulerteRenter: c.estimatedInterest === undefined ? undefined : amount(c.estimatedInterest),
    kravbeskrivelse: text(c.description),
    kravperiode: claimPeriod(c.period),
    opprettelsesdatoForKrav: c.createdDate,
    kravgruppe: c.claimGroup,
    hovedstolKravidentifikator: c.principalClaimId,
    fastsettingsmaate: c.assessment,
  };
}

export function payment(p: Payment, o: WireOptions): Tree {
  const negative = o.paymentSign === 'negative';
  return {
    partIdentifikator: p.partyId,
    innbetalingsidentifikator: p.paymentId,
    innbetalingsdato: p.paymentDate,
    innbetaltBeloep: signed(p.amount, negative),
    plassertKrav: list(p.placements, (c) => ({
      kravforfallIdentifikator: c.instalmentId,
      plassertBeloep: amount(c.amount),
      plassertDato: c.placedDate,
      kravbeskrivelse: text(c.description),
      kravforfallsdato: c.dueDate,
      opprinneligKravforfallsbeloep:
        c.instalmentOriginalAmount === undefined ? undefined : amount(c.instalmentOriginalAmount),
      gjenstaaendeKravforfallsbeloep:
        c.instalmentRemainingAmount === undefined ? undefined : amount(c.instalmentRemainingAmount),
    })),
    uplassertBeloep: p.unplacedAmount === undefined ? undefined : signed(p.unplacedAmount, negative),
    mottakersKontonummer: bankAccount(p.receivingAccount),
    innbetaltFra: paymentDetails(p.paidFrom),
    innbetalingstype: p.paymentType,
    plassertUtbetaling: list(p.payouts, (u) => ({
      utbetalingsidentifikator: u.payoutId,
      utbetaltdato: u.payoutDate,
      utbetaltBeloep: amount(u.amount),
      betaltTil: paymentDetails(u.paidTo),
    })),
  };
}

export function payout(u: Payout, o: WireOptions): Tree {
  const negative = o.paymentSign === 'negative';
  return {
    partIdentifikator: u.partyId,
    utbetalingsidentifikator: u.payoutId,
    utbetaltdato: u.payoutDate,
    utbetaltBeloep: amount(u.amount),
    betaltTil: paymentDetails(u.paidTo),
    grunnlagForUtbetaling: {
      kreditKrav: list(u.credits, (c) => ({
        kravforfallidentifikator: c.instalmentId,
        opprinneligBeloep: amount(-c.originalAmount),
        gjenstaaendeBeloep: amount(c.remainingAmount === 0 ? 0 : -c.remainingAmount),
        utbetaltBeloep: amount(c.paidOutAmount),
        kravbeskrivelse: text(c.description),
        kravtype: c.claimType,
        kravperiode: claimPeriod(c.period),
      })),
      tilbakebetalingAv: list(u.refundedPayments, (r) => ({
        innbetalingsIdentifikator: r.paymentId,
        innbetalingstype: r.paymentType,
        innbetalingsdato: r.paymentDate,
        innbetaltBeloep: signed(r.paymentAmount, negative),
        innbetaltFra: paymentDetails(r.paidFrom),
        utbetaltBeloep: r.paidOutAmount === undefined ? undefined : amount(r.paidOutAmount),
      })),
    },
    utbetalingstatus: u.status,
  };
}

export function totals(t: Totals): Tree {
  return {
    sumStipulerteRenter: amount(t.estimatedInterest),
    sumForfalteKrav: amount(t.overdue),
    sumIkkeForfalteKrav: amount(t.notYetDue),
    sumUplasserteInnbetalinger: amount(t.unplacedPayments ?? 0),
    saldo: amount(t.balance),
  };
}

export function groupTotals(g: ClaimGroupTotals): Tree {
  return {
    kravgruppe: g.group,
    sumStipulerteRenter: amount(g.estimatedInterest),
    sumForfalteKrav: amount(g.overdue),
    sumIkkeForfalteKrav: amount(g.notYetDue),
    saldo: amount(g.balance),
  };
}

/** `AapneKrav`. @publicApi */
export function openClaimsBody(r: OpenClaims, o: WireOptions): Tree {
  return {
    partIdentifikator: r.partyId,
    skjermet: r.shielded,
    aapentKravMedGjenstaaendeBeloep: list(r.claims, (c) => claim(c, o)),
    innbetalingMedUplassertBeloep: list(r.unplacedPayments, (p) => payment(p, o)),
    totalOversikt: r.totals === undefined ? undefined : totals(r.totals),
    oversiktPerKravgruppe: list(r.groups, groupTotals),
  };
}

/** `AlleKrav`. @publicApi */
export function claimsBody(r: ClaimsInPeriod, o: WireOptions): Tree {
  return {
    partIdentifikator: r.partyId,
    periode: period(r.period),
    skjermet: r.shielded,
    krav: list(r.claims, (c) => claim(c, o)),
  };
}

/** `Innbetalinger`. @publicApi */
export function paymentsBody(r: PaymentsInPeriod, o: WireOptions): Tree {
  return {
    partIdentifikator: r.partyId,
    periode: period(r.period),
    skjermet: r.shielded,
    innbetaling: list(r.payments, (p) => payment(p, o)),
  };
}

/** `Utbetalinger`. @publicApi */
export function payoutsBody(r: PayoutsInPeriod, o: WireOptions): Tree {
  return {
    partIdentifikator: r.partyId,
    periode: period(r.period),
    skjermet: r.shielded,
    utbetaling: list(r.payouts, (u) => payout(u, o)),
  };
}
