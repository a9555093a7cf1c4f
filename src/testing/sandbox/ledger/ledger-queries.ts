import type { Claim } from '../../../domain/claim.model.js';
import type { ClaimGroupTotals, IsoDate, Totals } from '../../../domain/common.model.js';
import type { Ore } from '../../../domain/money.js';
import type { Payment } from '../../../domain/payment.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../../../domain/responses.model.js';
import { dayToIso } from './day.js';
import type { PartyBookView } from './party-book.js';

// What each endpoint returns, read from a party's book. The results share the book's objects: they are
// current as of the book's "today" and change when the clock advances (copy them to keep a snapshot).

/** An inclusive period, both bounds given. @publicApi */
export interface ClosedPeriod {
  from: IsoDate;
  to: IsoDate;
}

/** `aapnekrav`: claims with a remaining amount and payments with an unplaced amount, with totals. */
export function queryOpenClaims(book: PartyBookView): OpenClaims {
  const claims = book.openClaims();
  const unplacedPayments = book.unplacedPayments();
  const { totals, groups } = computeTotals(claims, unplacedPayments, dayToIso(book.today));
  return {
    partyId: book.profile.partyId,
    shielded: book.profile.shielded === true,
    claims,
    unplacedPayments,
    totals,
    groups,
  };
}

/**
 * `krav`: claims created in the period, or with any placement, set-off or payout dated in it. Activity counts
 * because placements change a claim after the fact; an incremental sync over recent windows sees them.
 */
export function queryClaims(book: PartyBookView, period: ClosedPeriod): ClaimsInPeriod {
  const claims = book.claims.filter((c) => within(c.createdDate!, period) || hasActivityIn(c, period));
  return { partyId: book.profile.partyId, shielded: book.profile.shielded === true, period, claims };
}

/** `innbetalinger`: payments whose `innbetalingsdato` is in the period. */
export function queryPayments(book: PartyBookView, period: ClosedPeriod): PaymentsInPeriod {
  const payments = sliceByDate(book.payments, (p) => p.paymentDate, period);
  return { partyId: book.profile.partyId, shielded: book.profile.shielded === true, period, payments };
}

/** `utbetalinger`: payouts whose `utbetaltdato` is in the period. */
export function queryPayouts(book: PartyBookView, period: ClosedPeriod): PayoutsInPeriod {
  const payouts = sliceByDate(book.payouts, (p) => p.payoutDate, period);
  return { partyId: book.profile.partyId, shielded: book.profile.shielded === true, period, payouts };
}

/**
 * Totals as reference §4.2 describes them: remaining amounts split by due date (fallen due on or before
 * today, or later), estimated interest, and unplaced payments. Unplaced payments lower the balance, so their
 * sum is negative: `saldo = sumStipulerteRenter + sumForfalteKrav + sumIkkeForfalteKrav + sumUplasserteInnbetalinger`.
 * Per claim group the same without unplaced payments. Groups appear in the order of their first claim.
 */
export function computeTotals(
  claims: readonly Claim[],
  unplacedPayments: readonly Payment[],
  today: IsoDate,
): { totals: Totals; groups: ClaimGroupTotals[] } {
  const byGroup = new Map<string, ClaimGroupTotals>();
  const all = { estimatedInterest: 0, overdue: 0, notYetDue: 0 };
  for (const claim of claims) {
    const group = claim.claimGroup ?? '';
    let g = byGroup.get(group);
    if (g === undefined) {
      g = { group, estimatedInterest: 0, overdue: 0, notYetDue: 0, balance: 0 };
      byGroup.set(group, g);
    }
    const interest = claim.estimatedInterest ?? 0;
    g.estimatedInterest += interest;
    all.estimatedInterest += interest;
    for (const inst of claim.instalments) {
      // An instalment without a due date (older API versions) counts as fallen due.
      if ((inst.dueDate ?? today) <= today) {
        g.overdue += inst.remainingAmount;
        all.overdue += inst.remainingAmount;
      } else {
        g.notYetDue += inst.remainingAmount;
        all.notYetDue += inst.remainingAmount;
      }
    }
  }
  let unplaced: Ore = 0;
  for (const p of unplacedPayments) unplaced -= p.unplacedAmount ?? 0;
  const groups = Array.from(byGroup.values(), (g) => ({
    ...g,
    balance: g.estimatedInterest + g.overdue + g.notYetDue,
  }));
  const totals: Totals = {
    estimatedInterest: all.estimatedInterest,
    overdue: all.overdue,
    notYetDue: all.notYetDue,
    unplacedPayments: unplaced === 0 ? 0 : unplaced,
    balance: all.estimatedInterest + all.overdue + all.notYetDue + unplaced,
  };
  return { totals, groups };
}

function within(date: IsoDate, period: ClosedPeriod): boolean {
  return date >= period.from && date <= period.to;
}

function hasActivityIn(claim: Claim, period: ClosedPeriod): boolean {
  for (const inst of claim.instalments) {
    for (const p of inst.placements)
      if (p.placedDate !== undefined && within(p.placedDate, period)) return true;
    for (const p of inst.payouts) if (within(p.placedDate, period)) return true;
  }
  return false;
}

/** Items of a date-sorted list whose date is in the period (binary search for the start). @internal */
export function sliceByDate<T>(items: readonly T[], dateOf: (item: T) => IsoDate, period: ClosedPeriod): T[] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dateOf(items[mid]) < period.from) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < items.length && dateOf(items[i]) <= period.to; i++) out.push(items[i]);
  return out;
}
