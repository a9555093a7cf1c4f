import type { Instalment, PaymentPlacement, Placement } from '../../domain/claim.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import { addOre, type Ore } from '../../domain/money.js';
import type { Payment } from '../../domain/payment.model.js';
import type { ReconciliationSnapshot, SnapshotIndex } from '../posting/snapshot.js';
import { compareText, indexSnapshot } from '../posting/snapshot.js';

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
  return [
    ...paymentAllocations(snapshot, index),
    ...setOffAllocations(snapshot, index),
    ...payoutAllocations(snapshot),
  ];
}

interface Part {
  amount: Ore;
  date: IsoDate;
  dateFrom?: AllocationEvidence['dateFrom'];
}

function paymentAllocations(snapshot: ReconciliationSnapshot, index: SnapshotIndex): PaymentAllocation[] {
  const out: PaymentAllocation[] = [];
  // Instalment side. A pair's placements all sit in one instalment's list, so grouping stays local; the common
  // case (each payment once per instalment) takes no grouping at all.
  for (const claim of snapshot.claims) {
    for (const inst of claim.instalments) {
      const list = inst.placements;
      if (list.length === 0) continue;
      if (!repeatsPayment(list)) {
        for (const p of list) {
          if (p.kind !== 'payment' || p.amount <= 0) continue;
          const paymentDate = index.paymentsById.get(p.paymentId)?.paymentDate ?? p.paymentDate;
          const part = placementPart(p.amount, p.placedDate, paymentDate, inst, snapshot.asOf);
          out.push(paymentAllocation(p.paymentId, inst.instalmentId, 'instalment', paymentDate, part, 1));
        }
        continue;
      }
      const placed = list.filter((p): p is PaymentPlacement => p.kind === 'payment' && p.amount > 0);
      for (const group of groupLocally(placed, (p) => p.paymentId)) {
        const paymentId = group[0].paymentId;
        const paymentDate = index.paymentsById.get(paymentId)?.paymentDate ?? group[0].paymentDate;
        const parts = group.map((p) =>
          placementPart(p.amount, p.placedDate, paymentDate, inst, snapshot.asOf),
        );
        pushPayment(out, paymentId, inst.instalmentId, 'instalment', paymentDate, parts);
      }
    }
  }
  // Payment side, for pairs the instalment side does not list (its claim is outside the snapshot, or it
  // left the placement out).
  for (const payment of snapshot.payments) {
    if (payment.placements.length === 0 || allListedOnInstalments(payment, index)) continue;
    const placed = payment.placements.filter((p) => p.amount > 0);
    for (const group of groupLocally(placed, (p) => p.instalmentId)) {
      const instalmentId = group[0].instalmentId;
      const inst = index.instalmentsById.get(instalmentId)?.instalment;
      if (inst && listsPayment(inst, payment.paymentId)) continue;
      const parts = group.map((p) =>
        placementPart(p.amount, p.placedDate, payment.paymentDate, inst, snapshot.asOf),
      );
      pushPayment(out, payment.paymentId, instalmentId, 'payment', payment.paymentDate, parts);
    }
  }
  return out;
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
  out: PaymentAllocation[],
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

function setOffAllocations(snapshot: ReconciliationSnapshot, index: SnapshotIndex): SetOffAllocation[] {
  const pairs = new Map<
    string,
    { debt: string; credit: string; counterClaimType?: string; fromDebt: Part[]; fromCredit: Part[] }
  >();
  for (const claim of snapshot.claims) {
    for (const inst of claim.instalments) {
      for (const p of inst.placements) {
        if (p.kind !== 'set-off' || p.amount <= 0) continue;
        const side = sideOf(inst, p.counterInstalmentId, index);
        const debt = side === 'debt' ? inst.instalmentId : p.counterInstalmentId;
        const credit = side === 'debt' ? p.counterInstalmentId : inst.instalmentId;
        const key = `${debt}\u0000${credit}`;
        let pair = pairs.get(key);
        if (!pair) pairs.set(key, (pair = { debt, credit, fromDebt: [], fromCredit: [] }));
        if (side === 'debt' && p.counterClaimType !== undefined) pair.counterClaimType = p.counterClaimType;
        const part = setOffPart(
          p.amount,
          p.placedDate,
          inst,
          p.counterDueDate,
          claim.createdDate,
          snapshot.asOf,
        );
        (side === 'debt' ? pair.fromDebt : pair.fromCredit).push(part);
      }
    }
  }
  const out: SetOffAllocation[] = [];
  for (const key of Array.from(pairs.keys()).sort(compareText)) {
    const pair = pairs.get(key)!;
    const useDebt = pair.fromDebt.length > 0;
    for (const { date, amount, parts, dateFrom } of sumByDate(useDebt ? pair.fromDebt : pair.fromCredit)) {
      const allocation: SetOffAllocation = {
        kind: 'set-off',
        rule: 'skatteetaten-set-off',
        instalmentId: pair.debt,
        counterInstalmentId: pair.credit,
        amount,
        date,
        evidence: evidence(useDebt ? 'debt' : 'credit', parts, dateFrom),
      };
      if (pair.counterClaimType !== undefined) allocation.counterClaimType = pair.counterClaimType;
      out.push(allocation);
    }
  }
  return out;
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
  const due = [inst.dueDate, counterDueDate].filter((d): d is IsoDate => d !== undefined).sort(compareText);
  if (due.length > 0) return { amount, date: due[due.length - 1], dateFrom: 'due-date' };
  if (created !== undefined) return { amount, date: created, dateFrom: 'claim-created' };
  return { amount, date: asOf, dateFrom: 'as-of' };
}

function payoutAllocations(snapshot: ReconciliationSnapshot): PayoutAllocation[] {
  const out: PayoutAllocation[] = [];
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
  return out;
}

function sumByDate(
  parts: readonly Part[],
): { date: IsoDate; amount: Ore; parts: number; dateFrom?: Part['dateFrom'] }[] {
  if (parts.length === 1) return [{ ...parts[0], parts: 1 }];
  const byDate = new Map<
    IsoDate,
    { date: IsoDate; amount: Ore; parts: number; dateFrom?: Part['dateFrom'] }
  >();
  for (const part of parts) {
    const seen = byDate.get(part.date);
    if (seen) {
      seen.amount = addOre(seen.amount, part.amount);
      seen.parts++;
      if (part.dateFrom === undefined) delete seen.dateFrom;
    } else {
      const entry: { date: IsoDate; amount: Ore; parts: number; dateFrom?: Part['dateFrom'] } = {
        date: part.date,
        amount: part.amount,
        parts: 1,
      };
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
