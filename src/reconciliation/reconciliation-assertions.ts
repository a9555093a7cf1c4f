import type { CustomerConfig } from '../config/module-options.interface.js';
import { compareIsoDate } from '../domain/dates.js';
import { absOre, sumOre, type Ore } from '../domain/money.js';
import type { JournalEntry } from '../journal/journal-adapter.interface.js';
import type { DesiredEntry } from './posting/posting-rules.js';
import type { ReconciliationSnapshot } from './posting/snapshot.js';
import { totalSubject } from './posting/entry-effects.js';
import { touchTotals, visitEntryTouches } from './posting/entry-touches.js';

/** One zero-tolerance check of the mirrored books against Skatteetaten's figures. @publicApi */
export interface AssertionResult {
  name: 'instalment-remaining' | 'payment-unplaced' | 'clearing-balance';
  /** What it is about: an instalment id, a payment id, or the clearing account. */
  subject: string;
  ok: boolean;
  /** Skatteetaten's figure (øre). */
  expected: Ore;
  /** Ours (øre). */
  actual: Ore;
  difference: Ore;
}

/**
 * The entries that are in effect: posted, not a reversal, and not reversed by a later entry.
 * @internal
 */
export function effectiveEntries(posted: readonly JournalEntry[]): JournalEntry[] {
  const reversed = new Set<string>();
  for (const e of posted) if (e.reverses !== undefined) reversed.add(e.reverses);
  return posted.filter((e) => e.reverses === undefined && !reversed.has(e.idempotencyKey));
}

/** What {@link checkMirror} compares. @publicApi */
export interface MirrorInput {
  snapshot: ReconciliationSnapshot;
  customer: Pick<CustomerConfig, 'bookingStartDate' | 'hostBooksBankLines'>;
  clearingAccount: string;
  desired: readonly DesiredEntry[];
  /** What is posted: the entries themselves, or `postedTotals` (see {@link mirrorSubjects}) over them. */
  posted: readonly JournalEntry[] | PostedTotals;
}

/**
 * Running totals over the posted entries, by the subjects of `totalSubject` (`StateStore.postedTotals`): they
 * stand for the entries in the checks, so a run need not read the customer's whole history.
 * @publicApi
 */
export interface PostedTotals {
  totals: ReadonlyMap<string, number>;
}

/** The subjects of the running totals the checks read for a snapshot. @publicApi */
export function mirrorSubjects(snapshot: ReconciliationSnapshot, clearingAccount: string): string[] {
  const subjects = [totalSubject.account(clearingAccount)];
  for (const claim of snapshot.claims) {
    for (const inst of claim.instalments) subjects.push(totalSubject.instalment(inst.instalmentId));
  }
  for (const payment of snapshot.payments) subjects.push(totalSubject.payment(payment.paymentId));
  return subjects;
}

/**
 * Checks, to the øre, that what we posted mirrors Skatteetaten's account:
 * - every instalment in the snapshot: original, minus the reductions dated before the booking start (not ours
 *   to post), minus the reductions in our effective entries, equals Skatteetaten's remaining amount;
 * - every in-scope payment in the snapshot: its amount minus our posted placements and refunds equals its
 *   unplaced amount (when the API says it);
 * - when we book the payments ourselves, the clearing account's balance equals the unplaced amounts of the
 *   in-scope payments Skatteetaten lists as unplaced.
 * @publicApi
 */
export function checkMirror(input: MirrorInput): AssertionResult[] {
  const results: AssertionResult[] = [];
  visitMirrorChecks(input, (name, subject, expected, actual) =>
    results.push(result(name, subject, expected, actual)),
  );
  return results;
}

/** Called per check with Skatteetaten's figure and ours. @internal */
export type CheckVisitor = (
  name: AssertionResult['name'],
  subject: string,
  expected: Ore,
  actual: Ore,
) => void;

/**
 * The checks of {@link checkMirror}, in its order, each handed to `visit` (a run that checks in windows keeps
 * only what it needs of them). @internal
 */
export function visitMirrorChecks(input: MirrorInput, visit: CheckVisitor): void {
  const { snapshot, customer, desired, clearingAccount } = input;
  const posted = postedFigures(input.posted, clearingAccount);
  const reducedBefore = new Map<string, Ore>();
  const addReducedBefore = touchTotals(reducedBefore);
  for (const d of desired) {
    if (d.inScope) continue;
    visitEntryTouches(d, addReducedBefore);
  }

  // A set-off dated before the booking start whose other side was not fetched has no desired entry to carry it:
  // count it from the instalment itself.
  const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const setOffPairs = new Set<string>();
  for (const d of desired) {
    if (d.source.kind === 'set-off') setOffPairs.add(pairKey(d.source.ids[0], d.source.ids[1]));
  }
  for (const claim of snapshot.claims) {
    for (const inst of claim.instalments) {
      for (const p of inst.placements) {
        if (p.kind !== 'set-off' || p.placedDate === undefined) continue;
        if (compareIsoDate(p.placedDate, customer.bookingStartDate) >= 0) continue;
        if (setOffPairs.has(pairKey(inst.instalmentId, p.counterInstalmentId))) continue;
        reducedBefore.set(inst.instalmentId, (reducedBefore.get(inst.instalmentId) ?? 0) + p.amount);
      }
    }
  }

  for (const claim of snapshot.claims) {
    for (const inst of claim.instalments) {
      const reductions = (reducedBefore.get(inst.instalmentId) ?? 0) + posted.reduced(inst.instalmentId);
      // Reductions move an instalment toward zero: down for a debt, up for a credit.
      const actual =
        inst.originalAmount < 0 ? inst.originalAmount + reductions : inst.originalAmount - reductions;
      visit('instalment-remaining', inst.instalmentId, inst.remainingAmount, actual);
    }
  }

  const inScope = (date: string) => compareIsoDate(date, customer.bookingStartDate) >= 0;
  for (const payment of snapshot.payments) {
    if (payment.unplacedAmount === undefined || !inScope(payment.paymentDate)) continue;
    const actual = payment.amount - posted.used(payment.paymentId);
    visit('payment-unplaced', payment.paymentId, payment.unplacedAmount, actual);
  }

  if (!customer.hostBooksBankLines && snapshot.openClaims) {
    const expected = sumOre(
      snapshot.openClaims.unplacedPayments
        .filter((p) => inScope(p.paymentDate))
        .map((p) => absOre(p.unplacedAmount ?? 0)),
    );
    visit('clearing-balance', clearingAccount, expected, posted.clearing());
  }
}

/** What the checks read of the posted entries: per instalment and payment the amount moved, the clearing balance. */
interface PostedFigures {
  reduced(instalmentId: string): Ore;
  used(paymentId: string): Ore;
  clearing(): Ore;
}

function postedFigures(posted: MirrorInput['posted'], clearingAccount: string): PostedFigures {
  if (!Array.isArray(posted)) {
    const { totals } = posted as PostedTotals;
    return {
      reduced: (id) => totals.get(totalSubject.instalment(id)) ?? 0,
      used: (id) => totals.get(totalSubject.payment(id)) ?? 0,
      clearing: () => {
        const balance = totals.get(totalSubject.account(clearingAccount)) ?? 0;
        return balance === 0 ? 0 : balance;
      },
    };
  }
  const effective = effectiveEntries(posted as readonly JournalEntry[]);
  const reducedByUs = new Map<string, Ore>();
  const paymentUse = new Map<string, Ore>();
  const addReducedByUs = touchTotals(reducedByUs);
  const addPaymentUse = touchTotals(paymentUse);
  for (const entry of effective) visitEntryTouches(entry, addReducedByUs, addPaymentUse);
  return {
    reduced: (id) => reducedByUs.get(id) ?? 0,
    used: (id) => paymentUse.get(id) ?? 0,
    clearing: () => clearingBalance(effective, clearingAccount),
  };
}

/** Debit-positive balance of one account over the given entries. @internal */
export function clearingBalance(entries: readonly JournalEntry[], account: string): Ore {
  let balance = 0;
  for (const entry of entries) {
    for (const line of entry.lines) {
      if (line.account !== account) continue;
      balance += (line.debit ?? 0) - (line.credit ?? 0);
    }
  }
  return balance === 0 ? 0 : balance;
}

/** One check's result. @internal */
export function result(
  name: AssertionResult['name'],
  subject: string,
  expected: Ore,
  actual: Ore,
): AssertionResult {
  const difference = actual - expected;
  return {
    name,
    subject,
    ok: difference === 0,
    expected,
    actual,
    difference: difference === 0 ? 0 : difference,
  };
}
