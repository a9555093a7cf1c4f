import type { Claim, Instalment } from '../domain/claim.model.js';
import type { IsoDate, Period } from '../domain/common.model.js';
import { addDays } from '../domain/dates.js';
import type { Payment } from '../domain/payment.model.js';
import type { Allocation } from './matching/allocations.js';
import type { DesiredEntry, UnbookedFacts } from './posting/posting-rules.js';

// A run over a long period may fetch and post its facts a window at a time (`factWindowDays`), so it never
// holds more than one window's facts and entries. `krav` lists a claim in every window with its creation or any
// placement, set-off or payout in it, each time with everything on it so far. So a window keeps only the claims
// it lists first (their home window) and books all of each there, once; the claims other windows book are
// found in the claim directory, which a run fills for all its windows before the first. These rules say where
// each item is booked, counted, reported and checked, so that a run in windows books and reports what one
// window over the whole period would.

/**
 * Splits an inclusive period into consecutive windows of at most `days` days, with no gap and no overlap; the
 * last may be shorter. Without `days`, or when the period fits in one window, the period itself is the one
 * window (so `at.run === at.window` tells a run in one window). Pure.
 * @internal
 */
export function factWindows(period: Required<Period>, days: number | undefined): Required<Period>[] {
  if (days === undefined || period.from > period.to || addDays(period.from, days - 1) >= period.to) {
    return [period];
  }
  const windows: Required<Period>[] = [];
  for (let from = period.from; ;) {
    const to = addDays(from, days - 1);
    if (to >= period.to) {
      windows.push({ from, to: period.to });
      return windows;
    }
    windows.push({ from, to });
    from = addDays(to, 1);
  }
}

/** Where a run stands in its windows: the window being processed and the run's whole period. @internal */
export interface WindowPosition {
  window: Required<Period>;
  run: Required<Period>;
  /** The run's last window (it also holds the open claims, `aapnekrav`). */
  last: boolean;
}

const within = (date: IsoDate, p: Required<Period>) => date >= p.from && date <= p.to;

/**
 * The first day of the run on which the claim is active (created, placed, set off or paid out): `krav` first
 * lists it in the window holding that day. Undefined when it has no such day in the run's period (an older
 * claim that only `aapnekrav` brings).
 * @internal
 */
export function claimFirstActiveDay(claim: Claim, run: Required<Period>): IsoDate | undefined {
  let first: IsoDate | undefined;
  const see = (date: IsoDate | undefined) => {
    if (date !== undefined && within(date, run) && (first === undefined || date < first)) first = date;
  };
  see(claim.createdDate);
  for (const inst of claim.instalments) {
    for (const p of inst.placements) see(p.placedDate);
    for (const p of inst.payouts) see(p.placedDate);
  }
  return first;
}

/**
 * True in the one window of the run that books, counts and checks the claim: the first that lists it (the
 * last for a claim only `aapnekrav` brings).
 * @internal
 */
export function isClaimHome(claim: Claim, at: WindowPosition): boolean {
  if (at.run === at.window) return true;
  const first = claimFirstActiveDay(claim, at.run);
  return first === undefined ? at.last : within(first, at.window);
}

/**
 * True in the one window of the run that counts the payment: that of its date (`innbetalinger`), or the last
 * for an unplaced payment from before the run's period (only `aapnekrav` brings it).
 * @internal
 */
export function isPaymentHome(payment: Payment, at: WindowPosition): boolean {
  if (at.run === at.window) return true;
  return within(payment.paymentDate, at.run) ? within(payment.paymentDate, at.window) : at.last;
}

/**
 * True when an entry touching the instalment may be booked after the window: a set-off on it (booked in its
 * debt's home window, at the latest the set-off's) or a payout of it (booked in the payout's window) dated
 * later. Its check is then made again at the run's end.
 * @internal
 */
export function instalmentActiveAfter(inst: Instalment, at: WindowPosition): boolean {
  const end = at.window.to;
  for (const p of inst.placements) if (p.kind === 'set-off' && (p.placedDate ?? '') > end) return true;
  for (const p of inst.payouts) if (p.placedDate > end) return true;
  return false;
}

/**
 * True when an entry using the payment may be booked after the window: a placement of it (booked in its claim's
 * home window, at the latest the placement's) or a refund (booked in the payout's window) dated later, or
 * without a date. Its check is then made again at the run's end.
 * @internal
 */
export function paymentActiveAfter(payment: Payment, at: WindowPosition): boolean {
  const end = at.window.to;
  for (const p of payment.placements) if (p.placedDate === undefined || p.placedDate > end) return true;
  for (const p of payment.payouts) if (p.payoutDate > end) return true;
  return false;
}

/**
 * Where a window's allocation goes in the report. `now`: the window reports it (a payout's; or one dated in the
 * run, read from the side one window over the whole period reads it from: a placement from its instalment, a
 * set-off from its debt). `never`: another window does (the claim of the other side is booked in its home
 * window, which lists it too). `later`: an allocation dated outside the run's period, or with a derived date,
 * may come from any window and either side; it is kept in `outside`, by key, from the preferred side, for the
 * end of the run.
 * @internal
 */
export function placeAllocation(
  a: Allocation,
  at: WindowPosition,
  outside: Map<string, Allocation>,
): 'now' | 'never' | 'later' {
  if (at.run === at.window || a.kind === 'payout') return 'now';
  if (a.evidence.dateFrom === undefined && within(a.date, at.run)) return sideRank(a) === 0 ? 'now' : 'never';
  const key = allocationKey(a);
  const kept = outside.get(key);
  if (kept === undefined || sideRank(a) < sideRank(kept)) outside.set(key, a);
  return 'later';
}

/** The side `allocationsFromSnapshot` prefers when both list an allocation comes first. */
function sideRank(a: Allocation): number {
  const side = a.evidence.listedOn;
  return side === 'instalment' || side === 'debt' ? 0 : 1;
}

function allocationKey(a: Allocation): string {
  const ids =
    a.kind === 'payment'
      ? [a.paymentId, a.instalmentId]
      : a.kind === 'set-off'
        ? [a.instalmentId, a.counterInstalmentId]
        : [a.payoutId, a.instalmentId ?? '', a.paymentId ?? ''];
  return `${a.kind}|${ids.join('|')}|${a.date}|${a.amount}`;
}

/**
 * True in the one window of the run that counts the desired entry (`report.entries`): every entry is called for
 * by one window only (its claim's, payment's or payout's), except a payment received that the last window sees
 * again among the unplaced payments.
 * @internal
 */
export function countsEntry(
  entry: DesiredEntry,
  at: WindowPosition,
  paymentsById: ReadonlyMap<string, Payment>,
): boolean {
  if (at.run === at.window || entry.fact !== 'payment-received') return true;
  const payment = paymentsById.get(entry.source.ids[0]);
  return payment === undefined || isPaymentHome(payment, at);
}

/**
 * True when the facts an issue could not book are booked by another window of the run: dated in the run's
 * period by Skatteetaten, the other side is active then, so the window of that date lists it.
 * @internal
 */
export function bookedInRun(facts: UnbookedFacts, at: WindowPosition): boolean {
  return !facts.derived && facts.dates.every((d) => within(d, at.run));
}
