import type { IsoDate } from '../../domain/common.model.js';
import { sumOre, type Ore } from '../../domain/money.js';
import type { Payment } from '../../domain/payment.model.js';
import type { BankTransaction } from '../../journal/journal-adapter.interface.js';
import { compareText } from '../posting/snapshot.js';
import { normaliseBankAccount } from './bank-accounts.js';

// Links Skatteetaten's payments to the bank lines the host booked (accounting.md §5.2, tiers T1/T3/T4):
// KID and amount are automatic; amount, date and receiving account, and splits, are suggestions.

/**
 * - `kid-amount` (auto): same KID and amount, dates within `kidDateWindowDays`.
 * - `amount-date-account` (suggested): same amount, dates within `dateWindowDays`, the bank line's counterparty
 *   account is the account Skatteetaten received the payment on.
 * - `amount-date` (suggested, weaker): same amount and date window, but one side names no account.
 * - `split-bank-line` (suggested): one bank line is the sum of several payments (same KID, else same account).
 * - `split-payment` (suggested): one payment is the sum of several bank lines (same KID, else same account).
 * @publicApi
 */
export type BankMatchRule =
  'kid-amount' | 'amount-date-account' | 'amount-date' | 'split-bank-line' | 'split-payment';

/** @publicApi */
export interface BankMatchEvidence {
  kid?: string;
  /** Normalised account both sides name. */
  account?: string;
  /** Largest distance in days between a payment date and a bank date of the match. */
  dateDifferenceDays: number;
  /** How many bank lines (or payments) qualified for the chosen one: more than 1 means a choice was made. */
  candidates: number;
}

/** @publicApi */
export interface BankMatch {
  rule: BankMatchRule;
  tier: 'auto' | 'suggested';
  /** 0 to 1. */
  confidence: number;
  paymentIds: string[];
  bankTransactionIds: string[];
  /** Positive øre, the same on both sides. */
  amount: Ore;
  evidence: BankMatchEvidence;
}

/** @publicApi */
export interface BankMatchOptions {
  /** ± days between the bank date and the payment date for suggestions. Default 5. */
  dateWindowDays?: number;
  /** ± days for a KID + amount match. Default 30. */
  kidDateWindowDays?: number;
  /** Most parts in a split. Default 5. */
  maxSplitParts?: number;
  /** Nearest candidates considered for a split. Default 12. */
  maxSplitCandidates?: number;
}

/** @publicApi */
export interface BankMatchResult {
  matches: BankMatch[];
  unmatchedPaymentIds: string[];
  unmatchedBankTransactionIds: string[];
}

interface Side {
  id: string;
  day: number;
  date: IsoDate;
  amount: Ore;
  kid?: string;
  account?: string;
  used: boolean;
}

/**
 * Matches Skatteetaten payments (money in to Skatteetaten) with the host's bank lines (positive amounts: money
 * out of the customer's account), tier by tier: automatic KID + amount first, then single suggestions, then
 * splits. Each payment and each bank line is used in at most one match. Ties go to the nearest date, then the
 * earliest, then the smallest id, so the result does not depend on input order. Pure.
 * @publicApi
 */
export function matchBankTransactions(
  payments: readonly Payment[],
  bankTransactions: readonly BankTransaction[],
  options: BankMatchOptions = {},
): BankMatchResult {
  const window = options.dateWindowDays ?? 5;
  const kidWindow = options.kidDateWindowDays ?? 30;
  const maxParts = options.maxSplitParts ?? 5;
  const maxCandidates = options.maxSplitCandidates ?? 12;
  const sides = new SideMaker();
  const pays: Side[] = [];
  for (const p of payments) {
    if (p.amount > 0)
      pays.push(
        sides.side(p.paymentId, p.paymentDate, p.amount, p.paidFrom?.kid, p.receivingAccount?.accountNumber),
      );
  }
  pays.sort(bySideOrder);
  const banks: Side[] = [];
  for (const b of bankTransactions) {
    if (b.amount > 0) banks.push(sides.side(b.id, b.date, b.amount, b.kid, b.counterpartyAccount));
  }
  banks.sort(bySideOrder);
  const matches: BankMatch[] = [];

  // T1: KID and amount. Bank lines by KID (nearly every KID is on one line: kept as the line itself, no list),
  // the amount checked while looking: the lines of one KID and amount in the same order, no key strings built.
  const byKid = new Map<string, Side | Side[]>();
  for (const b of banks) {
    if (b.kid === undefined) continue;
    const seen = byKid.get(b.kid);
    if (seen === undefined) byKid.set(b.kid, b);
    else if (Array.isArray(seen)) seen.push(b);
    else byKid.set(b.kid, [seen, b]);
  }
  for (const p of pays) {
    if (p.kid === undefined) continue;
    const lines = byKid.get(p.kid);
    if (lines === undefined) continue;
    const pick = nearest(p, Array.isArray(lines) ? lines : [lines], kidWindow, (b) => b.amount === p.amount);
    if (!pick) continue;
    use(p, pick.item);
    matches.push(match('kid-amount', 'auto', 1, [p], [pick.item], { kid: p.kid }, pick.candidates));
  }

  // T3: amount and date, with the receiving account when both sides name one. Only lines still unused can
  // match (used is final), so only they are grouped.
  const byAmount = groupBy(
    banks.filter((b) => !b.used),
    (b) => b.amount,
  );
  for (const p of pays) {
    if (p.used) continue;
    const candidates = byAmount.get(p.amount);
    const withAccount = nearest(
      p,
      candidates,
      window,
      (b) => p.account !== undefined && b.account === p.account,
    );
    if (withAccount) {
      use(p, withAccount.item);
      const confidence = withAccount.candidates === 1 ? 0.8 : 0.6;
      matches.push(
        match(
          'amount-date-account',
          'suggested',
          confidence,
          [p],
          [withAccount.item],
          { account: p.account! },
          withAccount.candidates,
        ),
      );
      continue;
    }
    const unknownAccount = nearest(
      p,
      candidates,
      window,
      (b) => p.account === undefined || b.account === undefined,
    );
    if (unknownAccount) {
      use(p, unknownAccount.item);
      matches.push(
        match(
          'amount-date',
          'suggested',
          unknownAccount.candidates === 1 ? 0.5 : 0.3,
          [p],
          [unknownAccount.item],
          {},
          unknownAccount.candidates,
        ),
      );
    }
  }

  // Splits: one bank line for several payments, then one payment paid by several bank lines.
  // Indexes of what is still unused when each pass starts: nothing used comes free again.
  const payIndex = new SideIndex(pays.filter((p) => !p.used));
  for (const b of banks) {
    if (b.used) continue;
    const split = findSplit(b, payIndex, window, maxParts, maxCandidates);
    if (!split) continue;
    for (const p of split.parts) use(p, b);
    matches.push(
      match('split-bank-line', 'suggested', 0.5, split.parts, [b], split.evidence, split.candidates),
    );
  }
  const bankIndex = new SideIndex(banks.filter((b) => !b.used));
  for (const p of pays) {
    if (p.used) continue;
    const split = findSplit(p, bankIndex, window, maxParts, maxCandidates);
    if (!split) continue;
    for (const b of split.parts) use(b, p);
    matches.push(
      match('split-payment', 'suggested', 0.5, [p], split.parts, split.evidence, split.candidates),
    );
  }

  return {
    matches,
    unmatchedPaymentIds: pays.filter((p) => !p.used).map((p) => p.id),
    unmatchedBankTransactionIds: banks.filter((b) => !b.used).map((b) => b.id),
  };
}

/** Makes sides, computing each distinct date's day number and each distinct account's normal form once. */
class SideMaker {
  private readonly days = new Map<string, number>();
  private readonly accounts = new Map<string, string>();

  side(id: string, date: IsoDate, amount: Ore, kid: string | undefined, account: string | undefined): Side {
    let day = this.days.get(date);
    if (day === undefined) this.days.set(date, (day = dayNumber(date)));
    const s: Side = { id, date, day, amount, used: false };
    const k = kid?.trim();
    if (k) s.kid = k;
    if (account !== undefined && account.trim() !== '') {
      let normal = this.accounts.get(account);
      if (normal === undefined) this.accounts.set(account, (normal = normaliseBankAccount(account)));
      s.account = normal;
    }
    return s;
  }
}

function dayNumber(date: IsoDate): number {
  return (
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
  );
}

function bySideOrder(a: Side, b: Side): number {
  return a.day - b.day || compareText(a.id, b.id);
}

function groupBy<K>(items: readonly Side[], keyOf: (s: Side) => K | undefined): Map<K, Side[]> {
  const map = new Map<K, Side[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return map;
}

/** The unused candidate within the window nearest in date to `to` (then earliest, then smallest id). */
function nearest(
  to: Side,
  candidates: readonly Side[] | undefined,
  window: number,
  accept: (s: Side) => boolean,
): { item: Side; candidates: number } | undefined {
  if (!candidates) return undefined;
  let best: Side | undefined;
  let count = 0;
  for (let i = lowerBound(candidates, to.day - window); i < candidates.length; i++) {
    const c = candidates[i];
    if (c.day > to.day + window) break;
    if (c.used || !accept(c)) continue;
    count++;
    if (!best || Math.abs(c.day - to.day) < Math.abs(best.day - to.day)) best = c;
  }
  return best ? { item: best, candidates: count } : undefined;
}

function use(a: Side, b: Side): void {
  a.used = true;
  b.used = true;
}

/** One side's items (sorted by day, then id) and the same by KID and by account, for split searches. */
class SideIndex {
  readonly byKid = new Map<string, Side[]>();
  readonly byAccount = new Map<string, Side[]>();

  constructor(readonly items: readonly Side[]) {
    for (const item of items) {
      if (item.kid !== undefined) push(this.byKid, item.kid, item);
      if (item.account !== undefined) push(this.byAccount, item.account, item);
    }
  }
}

function push(map: Map<string, Side[]>, key: string, item: Side): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/**
 * A set of 2..maxParts unused items on the other side that add up to `target` exactly, within the date window
 * and sharing its KID (when the target has one and at least two candidates do) or else its account. Searches
 * the `maxCandidates` nearest by date, depth first, nearest first, with a bounded number of steps.
 */
function findSplit(
  target: Side,
  others: SideIndex,
  window: number,
  maxParts: number,
  maxCandidates: number,
):
  | {
      parts: Side[];
      evidence: Omit<BankMatchEvidence, 'dateDifferenceDays' | 'candidates'>;
      candidates: number;
    }
  | undefined {
  const fits = (o: Side) => !o.used && o.amount < target.amount;
  const sameKid =
    target.kid === undefined
      ? []
      : windowSlice(others.byKid.get(target.kid) ?? [], target.day - window, target.day + window).filter(
          fits,
        );
  let candidates: Side[];
  let evidence: Omit<BankMatchEvidence, 'dateDifferenceDays' | 'candidates'>;
  if (sameKid.length >= 2) {
    candidates = sameKid.sort((a, b) => byDistance(target, a, b)).slice(0, maxCandidates);
    evidence = { kid: target.kid! };
  } else if (target.account !== undefined) {
    // Everything may share the account (all payments go to the tax account): the nearest are taken day by
    // day outward from the target's date, not by sorting the whole window.
    const list = others.byAccount.get(target.account) ?? [];
    candidates = nearestFitting(list, target.day, window, maxCandidates, fits);
    evidence = { account: target.account };
  } else return undefined;
  if (candidates.length < 2) return undefined;
  const chosen: Side[] = [];
  let steps = 0;
  const search = (from: number, left: Ore): boolean => {
    if (left === 0) return chosen.length >= 2;
    if (chosen.length === maxParts || ++steps > 20_000) return false;
    for (let i = from; i < candidates.length; i++) {
      if (candidates[i].amount > left) continue;
      chosen.push(candidates[i]);
      if (search(i + 1, left - candidates[i].amount)) return true;
      chosen.pop();
    }
    return false;
  };
  if (!search(0, target.amount)) return undefined;
  return { parts: [...chosen].sort(bySideOrder), evidence, candidates: candidates.length };
}

/** Nearest to `day` first, then the earlier day, then the smaller id. */
function byDistance(target: Side, a: Side, b: Side): number {
  return (
    Math.abs(a.day - target.day) - Math.abs(b.day - target.day) || a.day - b.day || compareText(a.id, b.id)
  );
}

/**
 * The first `max` items of `items` (sorted by day, then id) that `fits` accepts, within `window` days of `day`,
 * in {@link byDistance} order: the items of `day`, then of `day - 1`, `day + 1`, `day - 2`, ... each day's in id
 * order. The same as sorting all accepted items of the window that way and taking the first `max`.
 */
function nearestFitting(
  items: readonly Side[],
  day: number,
  window: number,
  max: number,
  fits: (s: Side) => boolean,
): Side[] {
  const out: Side[] = [];
  const takeDay = (d: number): boolean => {
    for (let i = lowerBound(items, d); i < items.length && items[i].day === d; i++) {
      if (!fits(items[i])) continue;
      out.push(items[i]);
      if (out.length >= max) return true;
    }
    return false;
  };
  if (max <= 0 || window < 0 || takeDay(day)) return out;
  for (let k = 1; k <= window; k++) if (takeDay(day - k) || takeDay(day + k)) return out;
  return out;
}

/** Items (sorted by day) with from <= day <= to, by binary search. */
function windowSlice(items: readonly Side[], from: number, to: number): Side[] {
  const out: Side[] = [];
  for (let i = lowerBound(items, from); i < items.length && items[i].day <= to; i++) out.push(items[i]);
  return out;
}

/** Index of the first item (sorted by day) with day >= from. */
function lowerBound(items: readonly Side[], from: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].day < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function match(
  rule: BankMatchRule,
  tier: BankMatch['tier'],
  confidence: number,
  paymentSides: readonly Side[],
  bankSides: readonly Side[],
  evidence: Omit<BankMatchEvidence, 'dateDifferenceDays' | 'candidates'>,
  candidates: number,
): BankMatch {
  let diff = 0;
  for (const p of paymentSides) for (const b of bankSides) diff = Math.max(diff, Math.abs(p.day - b.day));
  return {
    rule,
    tier,
    confidence,
    paymentIds: paymentSides.map((p) => p.id),
    bankTransactionIds: bankSides.map((b) => b.id),
    amount: sumOre(paymentSides.map((p) => p.amount)),
    evidence: { ...evidence, dateDifferenceDays: diff, candidates },
  };
}
