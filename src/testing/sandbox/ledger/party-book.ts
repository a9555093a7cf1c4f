import type { Claim, Instalment, PaymentPlacement, SetOffPlacement } from '../../../domain/claim.model.js';
import type { BankAccount, PaymentDetails } from '../../../domain/common.model.js';
import { makeAccountNumber, makeKid, maskIdentifier } from '../../../domain/identifiers.js';
import type { Ore } from '../../../domain/money.js';
import type { Payment, PaymentClaimPlacement } from '../../../domain/payment.model.js';
import type { Payout } from '../../../domain/payout.model.js';
import {
  CLAIM_KINDS,
  ENFORCEMENT_AFTER_DAYS,
  ENFORCEMENT_FEE_ORE,
  LATE_INTEREST_RATE_BP,
  MIN_INTEREST_CLAIM_ORE,
  RANK_COUNT,
  ROLE_ORDER,
  SKATTEETATEN_ACCOUNTS,
} from './claim-catalog.js';
import type { ClaimKind, ClaimKindInfo } from './claim-catalog.js';
import { strayPaymentsForMonth, templatesForMonth } from './claim-schedule.js';
import { dayToIso, firstDayOfMonth, nextBusinessDay, yearMonthOf } from './day.js';
import type { Day } from './day.js';
import type { ClaimTemplate, PartyProfile, ScriptedPayment } from './ledger.types.js';
import { SeededRandom } from './prng.js';

// The tax account of one party, simulated day by day. Each day: the month's schedule is expanded on its first
// day, debts due that day join the coverage queues, the day's events run (claims created, payments arriving
// and placed, set-offs, payouts, refunds, interest and fees charged), and payments still unplaced are offered
// to debts that fell due. The stored domain objects are kept current, so queries read them directly.

/** Days from a payment to its placement: by KID the next day, without a KID after manual handling. */
const PLACE_AFTER_KID = 1;
const PLACE_AFTER_NO_KID = 3;
/** A credit is set off against due debts the day after it is created and the rest paid out 6 days later. */
const SET_OFF_AFTER = 1;
const PAY_OUT_AFTER_SET_OFF = 6;
/** An amount left unplaced this long is refunded. */
const REFUND_AFTER = 30;
/** Interest is charged a few days after the late principal is settled, due three weeks later. */
const INTEREST_AFTER = 5;
const INTEREST_DUE_AFTER = 21;
const FEE_DUE_AFTER = 14;
const DAY_INTEREST_DIVISOR = 365 * 10_000;

interface InstalmentState {
  readonly inst: Instalment;
  readonly claim: ClaimState;
  readonly dueDay: Day;
  readonly sign: 1 | -1;
  /** Σ amount x days late of everything that covered the instalment after its due date. */
  lateOreDays: number;
  /** The payments' views of placements on this instalment, whose remaining amount must stay current. */
  paymentViews?: PaymentClaimPlacement[];
}

interface ClaimState {
  readonly claim: Claim;
  readonly kind: ClaimKind;
  readonly info: ClaimKindInfo;
  /** Coverage bucket: (rank - 1) * 3 + role order. */
  readonly bucket: number;
  readonly createdDay: Day;
  readonly instalments: InstalmentState[];
  readonly children: ClaimState[];
  readonly payer: Payer;
  /** Period label of the template (`2026/1`, `2025`). */
  readonly label: string;
  feeCharged: boolean;
  interestCharges: number;
}

interface PaymentState {
  readonly payment: Payment;
  readonly day: Day;
  readonly target?: InstalmentState;
  /** Received but not yet handled: unplaced, but not offered to debts by the daily sweep. */
  awaiting: boolean;
  refundScheduled: boolean;
}

interface PayoutState {
  readonly payout: Payout;
  readonly day: Day;
}

interface Payer {
  readonly partyId: string;
  readonly name: string;
  readonly maskedAccount: string;
  readonly details: PaymentDetails;
}

type LedgerEvent =
  | { type: 'create'; template: ClaimTemplate; scriptedIndex?: number }
  | { type: 'pay-scripted'; payment: ScriptedPayment }
  | { type: 'pay'; target?: InstalmentState; amount: Ore; withKid: boolean; payer: Payer }
  | { type: 'place'; payment: PaymentState }
  | { type: 'set-off'; credit: InstalmentState }
  | { type: 'pay-out-credit'; credit: InstalmentState }
  | { type: 'refund'; payment: PaymentState }
  | { type: 'charge-interest'; principal: ClaimState; amount: Ore };

/** Read-only view of a party's ledger, kept current as the clock advances. @publicApi */
export interface PartyBookView {
  readonly profile: PartyProfile;
  readonly today: Day;
  /** All claims in creation order. */
  readonly claims: readonly Claim[];
  /** Claims with a remaining amount, in creation order. */
  openClaims(): Claim[];
  /** All payments in payment-date order. */
  readonly payments: readonly Payment[];
  /** Payments with an unplaced amount, oldest first. */
  unplacedPayments(): Payment[];
  readonly payouts: readonly Payout[];
  /** Creation day of each claim (same order as `claims`). */
  claimCreatedDay(index: number): Day;
  paymentDay(index: number): Day;
  payoutDay(index: number): Day;
}

export class PartyBook implements PartyBookView {
  readonly claims: Claim[] = [];
  readonly payments: Payment[] = [];
  readonly payouts: Payout[] = [];
  private readonly claimStates: ClaimState[] = [];
  private readonly paymentStates: PaymentState[] = [];
  private readonly payoutStates: PayoutState[] = [];
  private readonly open = new Set<ClaimState>();
  /** Payments with an unplaced amount (settled ones are dropped at the end of each day). */
  private unplaced: PaymentState[] = [];
  private unplacedSettled = false;
  private readonly agenda = new Map<Day, LedgerEvent[]>();
  private readonly dueOn = new Map<Day, InstalmentState[]>();
  private readonly queues: InstalmentState[][] = Array.from({ length: RANK_COUNT * 3 }, () => []);
  private readonly queueHeads: number[] = new Array<number>(RANK_COUNT * 3).fill(0);
  private readonly pendingPayouts: PayoutState[] = [];
  private readonly scripted = new Map<number, ClaimState>();
  private readonly companyPayer: Payer;
  private readonly ownerPayer: Payer | undefined;
  private readonly idBase: number;
  private claimNo = 0;
  private instalmentNo = 0;
  private paymentNo = 0;
  private payoutNo = 0;
  private processed: Day;
  private somethingFellDue = false;
  private nextMonthStart = Number.NaN;

  constructor(
    readonly profile: PartyProfile,
    private readonly seed: number,
    /** First simulated day (the ledger's history starts empty here). */
    readonly startDay: Day,
    /** The start's "today", for the scripted recent events. */
    anchorToday: Day,
  ) {
    this.processed = startDay - 1;
    this.idBase = profile.ordinal * 10_000_000;
    this.companyPayer = makePayer(seed, profile.partyId, profile.partyId, profile.name);
    this.ownerPayer =
      profile.ownerPersonId === undefined
        ? undefined
        : makePayer(
            seed,
            profile.partyId + '/owner',
            profile.ownerPersonId,
            profile.ownerName ?? profile.name,
          );
    for (const daysAgo of profile.recentStrayPaymentDaysAgo ?? []) {
      const rng = SeededRandom.for(seed, profile.partyId, 'recent-stray', daysAgo);
      this.schedule(anchorToday - daysAgo, {
        type: 'pay',
        amount: rng.int(1_000, 9_000) * 100,
        withKid: false,
        payer: this.companyPayer,
      });
    }
  }

  get today(): Day {
    return this.processed;
  }

  claimCreatedDay(index: number): Day {
    return this.claimStates[index].createdDay;
  }

  paymentDay(index: number): Day {
    return this.paymentStates[index].day;
  }

  payoutDay(index: number): Day {
    return this.payoutStates[index].day;
  }

  openClaims(): Claim[] {
    return Array.from(this.open, (s) => s.claim);
  }

  unplacedPayments(): Payment[] {
    return this.unplaced.map((p) => p.payment);
  }

  /** Simulates every day up to and including `day`, then refreshes what depends on "today". */
  runTo(day: Day): void {
    for (let d = this.processed + 1; d <= day; d++) this.runDay(d);
    if (day > this.processed) this.processed = day;
    this.refreshToday();
  }

  // -------------------------------------------------------------------------------------------------------
  // The day loop

  private runDay(d: Day): void {
    if (d === this.startDay || d === this.nextMonthStart) {
      const { year, month } = yearMonthOf(d);
      this.expandMonth(year, month, d);
      this.nextMonthStart = this.nextMonthStartAfter(year, month);
    }
    this.somethingFellDue = false;
    const due = this.dueOn.get(d);
    if (due !== undefined) for (const s of due) this.enqueueDue(s);
    // The same lists, 60 days on, name the debts to check for enforcement (saves an event per instalment).
    const enforceDay = d - ENFORCEMENT_AFTER_DAYS;
    const overdue = this.dueOn.get(enforceDay);
    if (overdue !== undefined) {
      this.dueOn.delete(enforceDay);
      for (const s of overdue) if (s.claim.info.role === 'principal') this.enforce(s, d);
    }
    const events = this.agenda.get(d);
    if (events !== undefined) {
      // Handlers may schedule more events for the same day: they are appended and run in this loop.
      for (let i = 0; i < events.length; i++) this.handle(events[i], d);
      this.agenda.delete(d);
    }
    if (this.somethingFellDue && this.unplaced.length > 0) this.sweepUnplaced(d);
    if (this.unplacedSettled) {
      this.unplaced = this.unplaced.filter((p) => p.payment.unplacedAmount! > 0);
      this.unplacedSettled = false;
    }
    this.processed = d;
  }

  private expandMonth(year: number, month: number, d: Day): void {
    for (const template of templatesForMonth(this.profile, this.seed, year, month)) {
      if (template.createdDay >= d) this.schedule(template.createdDay, { type: 'create', template });
    }
    const end = this.nextMonthStartAfter(year, month);
    this.profile.scriptedClaims?.forEach((template, scriptedIndex) => {
      if (template.createdDay >= d && template.createdDay < end) {
        this.schedule(template.createdDay, { type: 'create', template, scriptedIndex });
      }
    });
    for (const payment of this.profile.scriptedPayments ?? []) {
      if (payment.day >= d && payment.day < end)
        this.schedule(payment.day, { type: 'pay-scripted', payment });
    }
    for (const stray of strayPaymentsForMonth(this.profile, this.seed, year, month)) {
      if (stray.day >= d) {
        this.schedule(stray.day, {
          type: 'pay',
          amount: stray.amount,
          withKid: false,
          payer: this.companyPayer,
        });
      }
    }
  }

  private nextMonthStartAfter(year: number, month: number): Day {
    return month === 12 ? firstDayOfMonth(year + 1, 1) : firstDayOfMonth(year, month + 1);
  }

  private schedule(day: Day, event: LedgerEvent): void {
    const at = Math.max(day, this.processed + 1);
    let list = this.agenda.get(at);
    if (list === undefined) this.agenda.set(at, (list = []));
    list.push(event);
  }

  private handle(e: LedgerEvent, d: Day): void {
    switch (e.type) {
      case 'create': {
        const state = this.createClaim(e.template, d);
        if (e.scriptedIndex !== undefined) this.scripted.set(e.scriptedIndex, state);
        return;
      }
      case 'pay-scripted': {
        const target =
          e.payment.claimIndex === undefined ? undefined : this.scripted.get(e.payment.claimIndex);
        const first = target?.instalments[0];
        this.receivePayment(
          first,
          e.payment.amount,
          first !== undefined,
          target?.payer ?? this.companyPayer,
          d,
        );
        return;
      }
      case 'pay':
        this.receivePayment(e.target, e.amount, e.withKid, e.payer, d);
        return;
      case 'place':
        this.placePayment(e.payment, d);
        return;
      case 'set-off':
        this.setOffCredit(e.credit, d);
        return;
      case 'pay-out-credit':
        this.payOutCredit(e.credit, d);
        return;
      case 'refund':
        this.refund(e.payment, d);
        return;
      case 'charge-interest':
        this.chargeInterest(e.principal, e.amount, d);
        return;
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Claims

  private createClaim(
    t: ClaimTemplate,
    d: Day,
    parent?: ClaimState,
    descriptionOverride?: string,
  ): ClaimState {
    const info = CLAIM_KINDS[t.kind];
    const payer = t.personal && this.ownerPayer !== undefined ? this.ownerPayer : this.companyPayer;
    const claimId = `KRAV-${this.idBase + ++this.claimNo}`;
    const group = info.group === '' && parent !== undefined ? parent.info.group || 'Andre krav' : info.group;
    const account = parent !== undefined ? parent.info.account : info.account;
    let rank = info.rank;
    if (parent !== undefined) {
      const parentRank = CLAIM_KINDS[parent.kind].rank;
      rank = info.role === 'interest' && parentRank <= 3 ? 4 : parentRank;
    }
    const claim: Claim = {
      partyId: payer.partyId,
      claimId,
      claimType: info.claimType,
      claimGroup: group,
      description: descriptionOverride ?? describe(t.kind, t.label, t.personal),
      period: t.period,
      createdDate: dayToIso(d),
      originalAmount: 0,
      remainingAmount: 0,
      assessment: info.assessment,
      instalments: [],
    };
    if (parent !== undefined) claim.principalClaimId = parent.claim.claimId;
    const state: ClaimState = {
      claim,
      kind: t.kind,
      info,
      bucket: (rank - 1) * 3 + ROLE_ORDER[info.role],
      createdDay: d,
      instalments: [],
      children: [],
      payer,
      label: t.label,
      feeCharged: false,
      interestCharges: 0,
    };
    const sepaAccount = SKATTEETATEN_ACCOUNTS[account];
    for (const part of t.instalments) {
      const no = this.idBase + ++this.instalmentNo;
      const details: PaymentDetails = info.credit
        ? {}
        : {
            kid: makeKid(`${pad(this.profile.ordinal, 5)}${pad(no % 1e9, 9)}`, 'mod10'),
            account: sepaAccount,
          };
      const inst: Instalment = {
        instalmentId: `FORF-${no}`,
        claimId,
        dueDate: dayToIso(part.dueDay),
        originalAmount: part.amount,
        remainingAmount: part.amount,
        paymentDetails: details,
        placements: [],
        payouts: [],
      };
      claim.instalments.push(inst);
      claim.originalAmount += part.amount;
      claim.remainingAmount += part.amount;
      state.instalments.push({
        inst,
        claim: state,
        dueDay: part.dueDay,
        sign: part.amount < 0 ? -1 : 1,
        lateOreDays: 0,
      });
    }
    this.claims.push(claim);
    this.claimStates.push(state);
    if (claim.remainingAmount !== 0) this.open.add(state);
    parent?.children.push(state);

    if (info.credit) {
      for (const s of state.instalments) this.schedule(d + SET_OFF_AFTER, { type: 'set-off', credit: s });
    } else {
      for (const s of state.instalments) {
        if (s.dueDay <= d) this.enqueueDue(s);
        this.addDue(s);
        this.planPayments(s, d);
      }
    }
    return state;
  }

  /** Decides, from the instalment's own random stream, how and when the party pays it. */
  private planPayments(s: InstalmentState, created: Day): void {
    const rng = SeededRandom.for(this.seed, this.profile.partyId, s.inst.instalmentId);
    const full = s.inst.originalAmount;
    const payer = s.claim.payer;
    const weights =
      s.claim.info.role === 'principal'
        ? this.profile.behaviour
        : { onTime: 6, late: 1, partial: 0, over: 0, noKid: 0, unpaid: 3 };
    const behaviour = rng.weighted(weights);
    const onTime = Math.max(created, s.dueDay - rng.int(0, 7));
    const pay = (day: Day, amount: Ore, withKid = true): void =>
      this.schedule(day, { type: 'pay', target: s, amount, withKid, payer });
    switch (behaviour) {
      case 'onTime':
        pay(onTime, full);
        return;
      case 'late':
        pay(s.dueDay + rng.int(1, 45), full);
        return;
      case 'partial': {
        const part = Math.max(1, Math.floor((full * rng.int(20, 90)) / 100));
        pay(onTime, part);
        if (rng.chance(0.5)) pay(s.dueDay + rng.int(5, 60), full - part);
        return;
      }
      case 'over':
        pay(onTime, full + rng.int(1, 2_000) * 100);
        return;
      case 'noKid':
        pay(onTime, full, false);
        return;
      case 'unpaid':
        return;
    }
  }

  private addDue(s: InstalmentState): void {
    let list = this.dueOn.get(s.dueDay);
    if (list === undefined) this.dueOn.set(s.dueDay, (list = []));
    list.push(s);
  }

  /** A debt instalment has fallen due: it joins its coverage queue (appended, so queues stay in due order). */
  private enqueueDue(s: InstalmentState): void {
    if (s.inst.remainingAmount === 0) return;
    this.queues[s.claim.bucket].push(s);
    this.somethingFellDue = true;
  }

  private enforce(s: InstalmentState, d: Day): void {
    const claim = s.claim;
    if (s.inst.remainingAmount <= 0 || claim.feeCharged) return;
    claim.feeCharged = true;
    this.createClaim(
      {
        kind: 'enforcement-fee',
        createdDay: d,
        personal: claim.payer !== this.companyPayer,
        period: claim.claim.period ?? {},
        label: '',
        instalments: [{ dueDay: nextBusinessDay(d + FEE_DUE_AFTER), amount: ENFORCEMENT_FEE_ORE }],
      },
      d,
      claim,
      `Utleggsgebyr - ${claim.claim.description ?? claim.claim.claimType}`,
    );
  }

  private chargeInterest(principal: ClaimState, amount: Ore, d: Day): void {
    principal.interestCharges++;
    this.createClaim(
      {
        kind: 'interest',
        createdDay: d,
        personal: principal.payer !== this.companyPayer,
        period: principal.claim.period ?? {},
        label: '',
        instalments: [{ dueDay: nextBusinessDay(d + INTEREST_DUE_AFTER), amount }],
      },
      d,
      principal,
      `Forsinkelsesrente - ${principal.claim.description ?? principal.claim.claimType}`,
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // Payments and placements

  private receivePayment(
    target: InstalmentState | undefined,
    amount: Ore,
    withKid: boolean,
    payer: Payer,
    d: Day,
  ) {
    const account =
      target === undefined
        ? 'tax'
        : target.inst.paymentDetails.account === SKATTEETATEN_ACCOUNTS.vat
          ? 'vat'
          : 'tax';
    const kid = withKid ? target?.inst.paymentDetails.kid : undefined;
    const payment: Payment = {
      partyId: payer.partyId,
      paymentId: `INN-${this.idBase + ++this.paymentNo}`,
      paymentDate: dayToIso(d),
      amount,
      unplacedAmount: amount,
      receivingAccount: RECEIVING[account],
      paidFrom: kid === undefined ? payer.details : { kid, account: payer.details.account },
      paymentType: kid === undefined ? 'Bankoverføring' : 'Innbetalt OCR',
      placements: [],
      payouts: [],
    };
    const state: PaymentState = {
      payment,
      day: d,
      target: kid === undefined ? undefined : target,
      awaiting: true,
      refundScheduled: false,
    };
    this.payments.push(payment);
    this.paymentStates.push(state);
    this.unplaced.push(state);
    this.schedule(d + (kid === undefined ? PLACE_AFTER_NO_KID : PLACE_AFTER_KID), {
      type: 'place',
      payment: state,
    });
  }

  /**
   * A payment with a KID covers its claim: the claim's costs and interest first, then the KID's instalment,
   * then the claim's other instalments, oldest first. Whatever is left, and payments without a KID, follow
   * the general coverage order over due debts. The rest stays unplaced (refunded after 30 days).
   */
  private placePayment(p: PaymentState, d: Day): void {
    p.awaiting = false;
    if (p.target !== undefined) {
      const claim = p.target.claim;
      if (claim.children.length > 0) {
        const due = claim.children
          .flatMap((child) => child.instalments.filter((s) => s.dueDay <= d && s.inst.remainingAmount > 0))
          .sort((a, b) => a.claim.bucket - b.claim.bucket || a.dueDay - b.dueDay);
        for (const s of due) this.placeOn(p, s, d);
      }
      this.placeOn(p, p.target, d);
      for (const s of claim.instalments) this.placeOn(p, s, d);
    }
    this.placeGeneral(p, d);
    if (p.payment.unplacedAmount! > 0) this.scheduleRefund(p, d);
  }

  private placeGeneral(p: PaymentState, d: Day): void {
    this.coverDueDebts(p.payment.unplacedAmount!, d, (s, amount) => {
      this.placeOn(p, s, d, amount);
      return amount;
    });
  }

  /** Places up to `limit` (default: all that is unplaced) of payment `p` on debt instalment `s`. */
  private placeOn(p: PaymentState, s: InstalmentState, d: Day, limit?: Ore): void {
    const payment = p.payment;
    const remaining = s.inst.remainingAmount;
    if (remaining <= 0 || payment.unplacedAmount! <= 0) return;
    const amount = Math.min(limit ?? payment.unplacedAmount!, payment.unplacedAmount!, remaining);
    const placedDate = dayToIso(d);
    const placement: PaymentPlacement = {
      kind: 'payment',
      paymentId: payment.paymentId,
      instalmentId: s.inst.instalmentId,
      amount,
      placedDate,
      paymentDate: payment.paymentDate,
      paymentAmount: payment.amount,
      paymentType: payment.paymentType,
    };
    if (payment.paidFrom !== undefined) placement.paidFrom = payment.paidFrom;
    s.inst.placements.push(placement);
    const view: PaymentClaimPlacement = {
      paymentId: payment.paymentId,
      instalmentId: s.inst.instalmentId,
      amount,
      placedDate,
      description: s.claim.claim.description,
      dueDate: s.inst.dueDate,
      instalmentOriginalAmount: s.inst.originalAmount,
      instalmentRemainingAmount: remaining,
    };
    payment.placements.push(view);
    (s.paymentViews ??= []).push(view);
    payment.unplacedAmount = payment.unplacedAmount! - amount;
    if (payment.unplacedAmount === 0) this.dropUnplaced();
    this.cover(s, amount, d);
  }

  /**
   * Walks the due debts in coverage order (rank; costs, interest, principal; oldest due first) and offers
   * each up to `budget`; `take` returns how much it used.
   */
  private coverDueDebts(budget: Ore, d: Day, take: (s: InstalmentState, amount: Ore) => Ore): void {
    let left = budget;
    for (let q = 0; q < this.queues.length && left > 0; q++) {
      const queue = this.queues[q];
      let settled = 0;
      for (let i = this.queueHeads[q]; i < queue.length && left > 0; i++) {
        const s = queue[i];
        const remaining = s.inst.remainingAmount;
        if (remaining <= 0) {
          settled++;
          continue;
        }
        left -= take(s, Math.min(left, remaining));
      }
      this.compactQueue(q, settled);
    }
  }

  /**
   * Moves a queue's head past settled instalments, and drops settled ones from the middle once a scan had to
   * skip many of them (instalments settled by their own KID leave holes behind an older unpaid debt).
   */
  private compactQueue(q: number, skipped: number): void {
    const queue = this.queues[q];
    let head = this.queueHeads[q];
    while (head < queue.length && queue[head].inst.remainingAmount <= 0) head++;
    if (skipped > 64 && skipped * 4 > queue.length - head) {
      this.queues[q] = queue.slice(head).filter((s) => s.inst.remainingAmount > 0);
      head = 0;
    } else if (head > 256 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.queueHeads[q] = head;
  }

  private sweepUnplaced(d: Day): void {
    for (const p of this.unplaced) {
      if (!p.awaiting && p.payment.unplacedAmount! > 0) this.placeGeneral(p, d);
    }
  }

  private dropUnplaced(): void {
    this.unplacedSettled = true;
  }

  private scheduleRefund(p: PaymentState, d: Day): void {
    if (p.refundScheduled) return;
    p.refundScheduled = true;
    this.schedule(d + REFUND_AFTER, { type: 'refund', payment: p });
  }

  /**
   * Moves an instalment's remaining amount `amount` toward zero, tracking lateness for interest and closing
   * the claim when it is settled.
   */
  private cover(s: InstalmentState, amount: Ore, d: Day): void {
    const inst = s.inst;
    inst.remainingAmount -= s.sign * amount;
    s.claim.claim.remainingAmount -= s.sign * amount;
    if (s.paymentViews !== undefined) {
      for (const v of s.paymentViews) v.instalmentRemainingAmount = inst.remainingAmount;
    }
    if (s.sign > 0 && d > s.dueDay) s.lateOreDays += amount * (d - s.dueDay);
    if (inst.remainingAmount !== 0) return;
    const claim = s.claim;
    if (s.sign > 0 && claim.info.role === 'principal' && s.lateOreDays > 0) {
      const interest = Math.floor((s.lateOreDays * LATE_INTEREST_RATE_BP) / DAY_INTEREST_DIVISOR);
      if (interest >= MIN_INTEREST_CLAIM_ORE) {
        this.schedule(d + INTEREST_AFTER, { type: 'charge-interest', principal: claim, amount: interest });
      }
    }
    if (claim.claim.remainingAmount === 0) {
      this.open.delete(claim);
      delete claim.claim.estimatedInterest;
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Credits: set-off and payout; refunds of unplaced payments

  /** A credit is set off against due debts in the general coverage order (the debts' side and the credit's). */
  private setOffCredit(credit: InstalmentState, d: Day): void {
    const budget = -credit.inst.remainingAmount;
    if (budget > 0) {
      this.coverDueDebts(budget, d, (debt, amount) => {
        const placedDate = dayToIso(d);
        debt.inst.placements.push(setOff(debt, credit, amount, placedDate));
        credit.inst.placements.push(setOff(credit, debt, amount, placedDate));
        this.cover(debt, amount, d);
        this.cover(credit, amount, d);
        return amount;
      });
    }
    this.schedule(d + PAY_OUT_AFTER_SET_OFF, { type: 'pay-out-credit', credit });
  }

  private payOutCredit(credit: InstalmentState, d: Day): void {
    const amount = -credit.inst.remainingAmount;
    if (amount <= 0) return;
    const claim = credit.claim;
    const payout = this.newPayout(claim.payer, amount, payoutMessage(claim.kind, claim.label), d);
    payout.credits.push({
      instalmentId: credit.inst.instalmentId,
      claimType: claim.claim.claimType,
      description: claim.claim.description,
      period: claim.claim.period,
      originalAmount: -credit.inst.originalAmount,
      remainingAmount: 0,
      paidOutAmount: amount,
    });
    credit.inst.payouts.push({
      payoutId: payout.payoutId,
      instalmentId: credit.inst.instalmentId,
      payoutAmount: payout.amount,
      payoutDate: payout.payoutDate,
      paidTo: payout.paidTo,
      amount,
      placedDate: payout.payoutDate,
    });
    this.cover(credit, amount, d);
  }

  private refund(p: PaymentState, d: Day): void {
    const payment = p.payment;
    const amount = payment.unplacedAmount!;
    if (amount <= 0) return;
    const payer = payment.partyId === this.ownerPayer?.partyId ? this.ownerPayer : this.companyPayer;
    const payout = this.newPayout(payer, amount, `Tilbakebetaling av innbetaling ${payment.paymentDate}`, d);
    payout.refundedPayments.push({
      paymentId: payment.paymentId,
      paymentType: payment.paymentType,
      paymentDate: payment.paymentDate,
      paymentAmount: payment.amount,
      paidOutAmount: amount,
      paidFrom: payment.paidFrom,
    });
    payment.payouts.push({
      payoutId: payout.payoutId,
      payoutDate: payout.payoutDate,
      amount,
      paidTo: payout.paidTo,
    });
    payment.unplacedAmount = 0;
    this.dropUnplaced();
  }

  private newPayout(payer: Payer, amount: Ore, message: string, d: Day): Payout {
    const payout: Payout = {
      partyId: payer.partyId,
      payoutId: String(this.idBase + ++this.payoutNo),
      payoutDate: dayToIso(d),
      amount,
      paidTo: {
        message,
        account: { ownerName: payer.name, accountNumber: payer.maskedAccount },
        currency: 'NOK',
      },
      status: 'underUtbetaling',
      credits: [],
      refundedPayments: [],
    };
    const state = { payout, day: d };
    this.payouts.push(payout);
    this.payoutStates.push(state);
    this.pendingPayouts.push(state);
    return payout;
  }

  // -------------------------------------------------------------------------------------------------------
  // What depends on "today"

  /** Estimated interest on open overdue debts, and payout status (confirmed from the second day on). */
  private refreshToday(): void {
    const today = this.processed;
    for (const state of this.open) {
      if (state.info.credit || state.info.role !== 'principal') continue;
      let oreDays = 0;
      for (const s of state.instalments) {
        if (s.inst.remainingAmount > 0 && s.dueDay < today)
          oreDays += s.inst.remainingAmount * (today - s.dueDay);
      }
      const interest = Math.floor((oreDays * LATE_INTEREST_RATE_BP) / DAY_INTEREST_DIVISOR);
      if (interest > 0) state.claim.estimatedInterest = interest;
      else delete state.claim.estimatedInterest;
    }
    let keep = 0;
    for (const state of this.pendingPayouts) {
      if (state.day < today - 1) state.payout.status = 'bekreftet';
      else this.pendingPayouts[keep++] = state;
    }
    this.pendingPayouts.length = keep;
  }
}

const RECEIVING: Readonly<Record<'tax' | 'vat', Readonly<BankAccount>>> = {
  tax: Object.freeze({ accountNumber: SKATTEETATEN_ACCOUNTS.tax.accountNumber }),
  vat: Object.freeze({ accountNumber: SKATTEETATEN_ACCOUNTS.vat.accountNumber }),
};

function setOff(
  on: InstalmentState,
  counter: InstalmentState,
  amount: Ore,
  placedDate: string,
): SetOffPlacement {
  const counterClaim = counter.claim.claim;
  const placement: SetOffPlacement = {
    kind: 'set-off',
    instalmentId: on.inst.instalmentId,
    counterInstalmentId: counter.inst.instalmentId,
    counterClaimType: counterClaim.claimType,
    amount,
    placedDate,
    counterDueDate: counter.inst.dueDate,
  };
  if (counterClaim.description !== undefined) placement.counterDescription = counterClaim.description;
  if (counterClaim.period !== undefined) placement.counterPeriod = counterClaim.period;
  return placement;
}

function makePayer(seed: number, key: string, partyId: string, name: string): Payer {
  const rng = SeededRandom.for(seed, key, 'payer-account');
  let account: string | undefined;
  while (account === undefined) account = makeAccountNumber(`${rng.int(1000, 9999)}${rng.digits(6)}`);
  const masked = maskIdentifier(account, 5);
  return {
    partyId,
    name,
    maskedAccount: masked,
    details: Object.freeze({ account: Object.freeze({ ownerName: name, accountNumber: masked }) }),
  };
}

function describe(kind: ClaimKind, label: string, personal: boolean): string {
  switch (kind) {
    case 'vat':
      return `Merverdiavgift - ${label}`;
    case 'vat-credit':
      return `Merverdiavgift til gode - ${label}`;
    case 'employer-contribution':
      return `Arbeidsgiveravgift - ${label}`;
    case 'employer-contribution-credit':
      return `Avvik arbeidsgiveravgift - ${label}`;
    case 'withholding':
      return `Forskuddstrekk - ${label}`;
    case 'advance-tax':
      return personal ? `Utskrevet forskuddsskatt, person - ${label}` : `Utskrevet forskuddsskatt - ${label}`;
    case 'residual-tax':
      return `Restskatt - ${label}`;
    case 'tax-refund':
      return `Tilbakebetaling skatt - ${label}`;
    case 'coercive-fine':
      return `Tvangsmulkt a-melding - ${label}`;
    case 'interest':
      return `Forsinkelsesrente - ${label}`;
    case 'enforcement-fee':
      return `Utleggsgebyr - ${label}`;
  }
}

/** `meldingSendtTilMottaker` of a credit's payout, like the documentation's `Tilgode skatt 2023`. */
function payoutMessage(kind: ClaimKind, label: string): string {
  switch (kind) {
    case 'vat-credit':
      return `Tilgode merverdiavgift ${label}`;
    case 'employer-contribution-credit':
      return `Tilgode arbeidsgiveravgift ${label}`;
    case 'tax-refund':
      return `Tilgode skatt ${label}`;
    default:
      return `Tilgode ${label}`;
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
