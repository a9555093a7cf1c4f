import type {
  Claim,
  Instalment,
  PaymentPlacement,
  Placement,
  SetOffPlacement,
} from '../../domain/claim.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import { addOre, type Ore } from '../../domain/money.js';
import type { Payment } from '../../domain/payment.model.js';
import type { ReconciliationSnapshot, SnapshotIndex } from '../posting/snapshot.js';
import { compareJoined, compareText, indexesEveryInstalment, indexSnapshot } from '../posting/snapshot.js';

// Skatteetaten's own allocation is ground truth (accounting.md §5.1 invariant 7): every payment placed on an
// instalment, every set-off of a credit against a debt and every payout becomes an allocation, as listed.

/** Where an allocation was read. @publicApi */
export type AllocationSource = 'instalment' | 'payment' | 'debt' | 'credit' | 'payout';

/** @publicApi */
export interface AllocationEvidence {
  /** Where Skatteetaten listed it; a placement listed on both sides is read from the instalment. */
  readonly listedOn: AllocationSource;
  /** How many of Skatteetaten's placements of the same pair on the same date were summed (usually 1). */
  readonly parts: number;
  /** Set when Skatteetaten sent no date and `date` was derived: what it was derived from. */
  readonly dateFrom?: 'payment-date' | 'due-date' | 'claim-created' | 'as-of';
}

interface AllocationBase {
  /** Positive øre. */
  amount: Ore;
  /** When Skatteetaten placed it (or paid out). */
  date: IsoDate;
  evidence: AllocationEvidence;
}

/** A payment placed on an instalment (`plassertInnbetaling` / `plassertKrav`). @publicApi */
export interface PaymentAllocation extends AllocationBase {
  kind: 'payment';
  rule: 'skatteetaten-placement';
  paymentId: string;
  instalmentId: string;
  /** The payment's date, when known (decides whether the placement is in scope). */
  paymentDate?: IsoDate;
}

/** A credit instalment covering a debt instalment (`plassertMotkrav`), listed once. @publicApi */
export interface SetOffAllocation extends AllocationBase {
  kind: 'set-off';
  rule: 'skatteetaten-set-off';
  /** The debt instalment. */
  instalmentId: string;
  /** The credit instalment. */
  counterInstalmentId: string;
  /** `kravtype` of the credit, when the debt side named it. */
  counterClaimType?: string;
}

/** Part of a payout: a credit paid out, or a payment refunded. @publicApi */
export interface PayoutAllocation extends AllocationBase {
  kind: 'payout';
  rule: 'skatteetaten-payout' | 'skatteetaten-refund';
  payoutId: string;
  /** The credit instalment paid out (rule `skatteetaten-payout`). */
  instalmentId?: string;
  /** The payment refunded (rule `skatteetaten-refund`). */
  paymentId?: string;
  /** `kravtype` of the credit paid out, as the payout names it. */
  claimType?: string;
}

/** @publicApi */
export type Allocation = PaymentAllocation | SetOffAllocation | PayoutAllocation;

/**
 * Skatteetaten's placements, set-offs and payouts in the snapshot, as allocations. Payment placements are the
 * union of the instalment side and the payment side, keyed by (payment, instalment); the instalment side wins
 * when both list the pair. A set-off listed on both the debt and the credit is read once, from the debt side.
 * Several placements of one pair on one date are summed. Zero amounts are dropped. Ordered by kind, then ids,
 * then date. Pure.
 * @publicApi
 */
export function allocationsFromSnapshot(snapshot: ReconciliationSnapshot): Allocation[] {
  const index = indexSnapshot(snapshot);
  const walk: Walk = { out: [], setOffs: [], index, asOf: snapshot.asOf, listed: undefined };
  // One walk over the instalments reads the payment placements and the set-offs; through the index's own
  // entries when they are every instalment in order (far fewer objects to visit than every claim and its list).
  if (indexesEveryInstalment(index)) {
    walk.listed = new Map();
    for (const entry of index.instalmentsById.values()) instalmentSide(walk, entry.claim, entry.instalment);
  } else {
    for (const claim of snapshot.claims)
      for (const inst of claim.instalments) instalmentSide(walk, claim, inst);
  }
  paymentSide(walk, snapshot);
  setOffAllocations(walk);
  payoutAllocations(snapshot, walk.out);
  return walk.out;
}

/** What one call collects, in the order it is output: payment allocations, then set-offs, then payouts. */
interface Walk {
  out: Allocation[];
  /** Every set-off placement with an amount, in the order listed, for {@link setOffAllocations}. */
  setOffs: SetOffRead[];
  index: SnapshotIndex;
  asOf: IsoDate;
  /**
   * Set when the walk visits every instalment once and their ids are unique: per payment (as indexed), how many
   * of its own placements (with an amount) the instalment they name lists too. All of them is the usual case,
   * and then the payment side has nothing to add for that payment, known without looking the instalments up.
   */
  listed: Map<Payment, number> | undefined;
}

interface Part {
  amount: Ore;
  date: IsoDate;
  dateFrom?: AllocationEvidence['dateFrom'];
}

/**
 * The instalment side of one instalment. A pair's placements all sit in one instalment's list, so grouping
 * stays local; the common case (each payment once per instalment) takes no grouping and no intermediate objects.
 */
function instalmentSide(walk: Walk, claim: Claim, inst: Instalment): void {
  const list = inst.placements;
  const n = list.length;
  if (n === 0) return;
  const { out, index, asOf } = walk;
  if (n === 1 || !repeatsPayment(list)) {
    for (let i = 0; i < n; i++) {
      const p = list[i];
      if (p.amount <= 0) continue;
      if (p.kind === 'payment') {
        const payment = index.paymentsById.get(p.paymentId);
        const paymentDate = payment?.paymentDate ?? p.paymentDate;
        out.push(
          onePlacement(p.paymentId, inst.instalmentId, paymentDate, p.amount, p.placedDate, inst, asOf),
        );
        if (walk.listed !== undefined && payment !== undefined) countListed(walk.listed, payment, inst);
      } else if (p.kind === 'set-off') walk.setOffs.push(setOffRead(walk, claim, inst, p));
    }
    return;
  }
  const placed = list.filter((p): p is PaymentPlacement => p.kind === 'payment' && p.amount > 0);
  for (const group of groupLocally(placed, (p) => p.paymentId)) {
    const paymentId = group[0].paymentId;
    const payment = index.paymentsById.get(paymentId);
    const paymentDate = payment?.paymentDate ?? group[0].paymentDate;
    const parts = group.map((p) => placementPart(p.amount, p.placedDate, paymentDate, inst, asOf));
    pushPayment(out, paymentId, inst.instalmentId, 'instalment', paymentDate, parts);
    if (walk.listed !== undefined && payment !== undefined) countListed(walk.listed, payment, inst);
  }
  for (const p of list)
    if (p.kind === 'set-off' && p.amount > 0) walk.setOffs.push(setOffRead(walk, claim, inst, p));
}

/**
 * The payment side, for pairs the instalment side does not list (its claim is outside the snapshot, or it left
 * the placement out).
 */
function paymentSide(walk: Walk, snapshot: ReconciliationSnapshot): void {
  const { out, index, asOf, listed } = walk;
  for (const payment of snapshot.payments) {
    if (payment.placements.length === 0) continue;
    const count = listed?.get(payment);
    if (count !== undefined && count === placedCount(payment)) continue;
    if (allListedOnInstalments(payment, index)) continue;
    const placed = payment.placements.filter((p) => p.amount > 0);
    for (const group of groupLocally(placed, (p) => p.instalmentId)) {
      const instalmentId = group[0].instalmentId;
      const inst = index.instalmentsById.get(instalmentId)?.instalment;
      if (inst && listsPayment(inst, payment.paymentId)) continue;
      const parts = group.map((p) => placementPart(p.amount, p.placedDate, payment.paymentDate, inst, asOf));
      pushPayment(out, payment.paymentId, instalmentId, 'payment', payment.paymentDate, parts);
    }
  }
}

/** The allocation of a pair placed once (the usual case), built directly: {@link placementPart} inlined. */
function onePlacement(
  paymentId: string,
  instalmentId: string,
  paymentDate: IsoDate | undefined,
  amount: Ore,
  placedDate: IsoDate | undefined,
  inst: Instalment,
  asOf: IsoDate,
): PaymentAllocation {
  let date: IsoDate;
  let ev: AllocationEvidence;
  if (placedDate !== undefined) {
    date = placedDate;
    ev = SINGLE.instalment;
  } else if (paymentDate !== undefined) {
    date = paymentDate;
    ev = { listedOn: 'instalment', parts: 1, dateFrom: 'payment-date' };
  } else if (inst.dueDate !== undefined) {
    date = inst.dueDate;
    ev = { listedOn: 'instalment', parts: 1, dateFrom: 'due-date' };
  } else {
    date = asOf;
    ev = { listedOn: 'instalment', parts: 1, dateFrom: 'as-of' };
  }
  const allocation: PaymentAllocation = {
    kind: 'payment',
    rule: 'skatteetaten-placement',
    paymentId,
    instalmentId,
    amount,
    date,
    evidence: ev,
  };
  if (paymentDate !== undefined) allocation.paymentDate = paymentDate;
  return allocation;
}

/**
 * Adds to the payment's count its placements (with an amount) on `inst`, which lists the payment: called once
 * per instalment and payment, every instalment visited once and ids unique, so each placement counts at most
 * once, and all of them count exactly when {@link allListedOnInstalments} holds.
 */
function countListed(listed: Map<Payment, number>, payment: Payment, inst: Instalment): void {
  let n = 0;
  for (const q of payment.placements) if (q.amount > 0 && q.instalmentId === inst.instalmentId) n++;
  if (n > 0) listed.set(payment, (listed.get(payment) ?? 0) + n);
}

/** The payment's placements with an amount. */
function placedCount(payment: Payment): number {
  let n = 0;
  for (const q of payment.placements) if (q.amount > 0) n++;
  return n;
}

/** True when the instalment lists a placement of the payment (with an amount). */
function listsPayment(inst: Instalment, paymentId: string): boolean {
  for (const p of inst.placements)
    if (p.kind === 'payment' && p.paymentId === paymentId && p.amount > 0) return true;
  return false;
}

/** True when every placement of the payment (with an amount) is listed on its instalment too: the usual case. */
function allListedOnInstalments(payment: Payment, index: SnapshotIndex): boolean {
  for (const p of payment.placements) {
    if (p.amount <= 0) continue;
    const inst = index.instalmentsById.get(p.instalmentId)?.instalment;
    if (!inst || !listsPayment(inst, payment.paymentId)) return false;
  }
  return true;
}

function pushPayment(
  out: Allocation[],
  paymentId: string,
  instalmentId: string,
  listedOn: AllocationSource,
  paymentDate: IsoDate | undefined,
  parts: Part[],
): void {
  for (const summed of sumByDate(parts)) {
    out.push(paymentAllocation(paymentId, instalmentId, listedOn, paymentDate, summed, summed.parts));
  }
}

function paymentAllocation(
  paymentId: string,
  instalmentId: string,
  listedOn: AllocationSource,
  paymentDate: IsoDate | undefined,
  part: Part,
  parts: number,
): PaymentAllocation {
  const allocation: PaymentAllocation = {
    kind: 'payment',
    rule: 'skatteetaten-placement',
    paymentId,
    instalmentId,
    amount: part.amount,
    date: part.date,
    evidence: evidence(listedOn, parts, part.dateFrom),
  };
  if (paymentDate !== undefined) allocation.paymentDate = paymentDate;
  return allocation;
}

/** True when a payment appears more than once in an instalment's placements (then they are summed by date). */
function repeatsPayment(list: readonly Placement[]): boolean {
  for (let i = 1; i < list.length; i++) {
    const p = list[i];
    if (p.kind !== 'payment') continue;
    for (let j = 0; j < i; j++) {
      const q = list[j];
      if (q.kind === 'payment' && q.paymentId === p.paymentId) return true;
    }
  }
  return false;
}

/** Groups a short list by key, in order of first appearance. */
function groupLocally<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  if (items.length <= 1) return items.length === 0 ? [] : [[items[0]]];
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return Array.from(groups.values());
}

function placementPart(
  amount: Ore,
  placedDate: IsoDate | undefined,
  paymentDate: IsoDate | undefined,
  inst: Instalment | undefined,
  asOf: IsoDate,
): Part {
  if (placedDate !== undefined) return { amount, date: placedDate };
  if (paymentDate !== undefined) return { amount, date: paymentDate, dateFrom: 'payment-date' };
  if (inst?.dueDate !== undefined) return { amount, date: inst.dueDate, dateFrom: 'due-date' };
  return { amount, date: asOf, dateFrom: 'as-of' };
}

/** One set-off placement with an amount, as read from the debt or the credit instalment. */
interface SetOffRead {
  debt: string;
  credit: string;
  fromDebt: boolean;
  /** The counter-claim's type as the debt side names it (read from the debt side only). */
  counterClaimType: string | undefined;
  part: Part;
}

const NUL = 0;

function setOffRead(walk: Walk, claim: Claim, inst: Instalment, p: SetOffPlacement): SetOffRead {
  const fromDebt = sideOf(inst, p.counterInstalmentId, walk.index) === 'debt';
  return {
    debt: fromDebt ? inst.instalmentId : p.counterInstalmentId,
    credit: fromDebt ? p.counterInstalmentId : inst.instalmentId,
    fromDebt,
    counterClaimType: fromDebt ? p.counterClaimType : undefined,
    part: setOffPart(p.amount, p.placedDate, inst, p.counterDueDate, claim.createdDate, walk.asOf),
  };
}

/**
 * Set-offs, one pair at a time in the order of the key `debt\u0000credit` (compared without building it): the
 * stable sort keeps each pair's reads in the order they were listed. A pair listed on both sides is read from
 * the debt side.
 */
function setOffAllocations(walk: Walk): void {
  const { setOffs: reads, out } = walk;
  reads.sort(compareSetOffKeys);
  for (let i = 0; i < reads.length;) {
    const first = reads[i];
    let end = i + 1;
    while (end < reads.length && compareSetOffKeys(first, reads[end]) === 0) end++;
    let useDebt = false;
    let counterClaimType: string | undefined;
    for (let j = i; j < end; j++) {
      if (!reads[j].fromDebt) continue;
      useDebt = true;
      if (reads[j].counterClaimType !== undefined) counterClaimType = reads[j].counterClaimType;
    }
    const parts: Part[] = [];
    for (let j = i; j < end; j++) if (reads[j].fromDebt === useDebt) parts.push(reads[j].part);
    for (const { date, amount, parts: n, dateFrom } of sumByDate(parts)) {
      const allocation: SetOffAllocation = {
        kind: 'set-off',
        rule: 'skatteetaten-set-off',
        instalmentId: first.debt,
        counterInstalmentId: first.credit,
        amount,
        date,
        evidence: evidence(useDebt ? 'debt' : 'credit', n, dateFrom),
      };
      if (counterClaimType !== undefined) allocation.counterClaimType = counterClaimType;
      out.push(allocation);
    }
    i = end;
  }
}

function compareSetOffKeys(a: SetOffRead, b: SetOffRead): number {
  return compareJoined(a.debt, a.credit, b.debt, b.credit, NUL);
}

/** Whether `inst` is the debt or the credit of a set-off: by its own sign, else the counter-instalment's. */
function sideOf(inst: Instalment, counterId: string, index: SnapshotIndex): 'debt' | 'credit' {
  const own = inst.originalAmount !== 0 ? inst.originalAmount : inst.remainingAmount;
  if (own !== 0) return own > 0 ? 'debt' : 'credit';
  const counter = index.instalmentsById.get(counterId)?.instalment;
  const other = counter === undefined ? 0 : counter.originalAmount || counter.remainingAmount;
  return other > 0 ? 'credit' : 'debt';
}

function setOffPart(
  amount: Ore,
  placedDate: IsoDate | undefined,
  inst: Instalment,
  counterDueDate: IsoDate | undefined,
  created: IsoDate | undefined,
  asOf: IsoDate,
): Part {
  if (placedDate !== undefined) return { amount, date: placedDate };
  // Without a date, a set-off cannot be earlier than both instalments falling due: a stable stand-in.
  const due = laterDate(inst.dueDate, counterDueDate);
  if (due !== undefined) return { amount, date: due, dateFrom: 'due-date' };
  if (created !== undefined) return { amount, date: created, dateFrom: 'claim-created' };
  return { amount, date: asOf, dateFrom: 'as-of' };
}

/** The later of two dates (code-unit order), either may be missing. */
function laterDate(a: IsoDate | undefined, b: IsoDate | undefined): IsoDate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareText(a, b) > 0 ? a : b;
}

function payoutAllocations(snapshot: ReconciliationSnapshot, out: Allocation[]): void {
  for (const payout of snapshot.payouts) {
    for (const credit of payout.credits) {
      if (credit.paidOutAmount <= 0) continue;
      const allocation: PayoutAllocation = {
        kind: 'payout',
        rule: 'skatteetaten-payout',
        payoutId: payout.payoutId,
        instalmentId: credit.instalmentId,
        amount: credit.paidOutAmount,
        date: payout.payoutDate,
        evidence: SINGLE.payout,
      };
      if (credit.claimType !== undefined) allocation.claimType = credit.claimType;
      out.push(allocation);
    }
    for (const refund of payout.refundedPayments) {
      const amount = refund.paidOutAmount ?? 0;
      if (amount <= 0) continue;
      out.push({
        kind: 'payout',
        rule: 'skatteetaten-refund',
        payoutId: payout.payoutId,
        paymentId: refund.paymentId,
        amount,
        date: payout.payoutDate,
        evidence: SINGLE.payout,
      });
    }
  }
}

interface Summed {
  date: IsoDate;
  amount: Ore;
  parts: number;
  dateFrom?: Part['dateFrom'];
}

function sumByDate(parts: readonly Part[]): Summed[] {
  if (parts.length === 1) {
    const only = parts[0];
    const summed: Summed = { date: only.date, amount: only.amount, parts: 1 };
    if (only.dateFrom !== undefined) summed.dateFrom = only.dateFrom;
    return [summed];
  }
  const byDate = new Map<IsoDate, Summed>();
  for (const part of parts) {
    const seen = byDate.get(part.date);
    if (seen) {
      seen.amount = addOre(seen.amount, part.amount);
      seen.parts++;
      if (part.dateFrom === undefined) delete seen.dateFrom;
    } else {
      const entry: Summed = { date: part.date, amount: part.amount, parts: 1 };
      if (part.dateFrom !== undefined) entry.dateFrom = part.dateFrom;
      byDate.set(part.date, entry);
    }
  }
  const list = Array.from(byDate.values());
  return list.length === 1 ? list : list.sort((a, b) => compareText(a.date, b.date));
}

const SINGLE: Readonly<Record<AllocationSource, AllocationEvidence>> = Object.freeze({
  instalment: Object.freeze({ listedOn: 'instalment', parts: 1 }),
  payment: Object.freeze({ listedOn: 'payment', parts: 1 }),
  debt: Object.freeze({ listedOn: 'debt', parts: 1 }),
  credit: Object.freeze({ listedOn: 'credit', parts: 1 }),
  payout: Object.freeze({ listedOn: 'payout', parts: 1 }),
});

/** Evidence; the common shapes are shared frozen objects (allocations are many). */
function evidence(listedOn: AllocationSource, parts: number, dateFrom: Part['dateFrom']): AllocationEvidence {
  if (dateFrom === undefined && parts === 1) return SINGLE[listedOn];
  return dateFrom === undefined ? { listedOn, parts } : { listedOn, parts, dateFrom };
}
