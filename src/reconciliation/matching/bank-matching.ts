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
  const pays = payments
    .filter((p) => p.amount > 0)
    .map((p) =>
      side(p.paymentId, p.paymentDate, p.amount, p.paidFrom?.kid, p.receivingAccount?.accountNumber),
    )
    .sort(bySideOrder);
  const banks = bankTransactions
    .filter((b) => b.amount > 0)
    .map((b) => side(b.id, b.date, b.amount, b.kid, b.counterpartyAccount))
    .sort(bySideOrder);
  const matches: BankMatch[] = [];

  // T1: KID and amount.
  const byKidAmount = groupBy(banks, (b) => (b.kid === undefined ? undefined : `${b.kid}|${b.amount}`));
  for (const p of pays) {
    if (p.kid === undefined) continue;
    const pick = nearest(p, byKidAmount.get(`${p.kid}|${p.amount}`), kidWindow, () => true);
    if (!pick) continue;
    use(p, pick.item);
    matches.push(match('kid-amount', 'auto', 1, [p], [pick.item], { kid: p.kid }, pick.candidates));
  }

  // T3: amount and date, with the receiving account when both sides name one.
  const byAmount = groupBy(banks, (b) => b.amount);
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
  for (const b of banks) {
    if (b.used) continue;
    const split = findSplit(b, pays, window, maxParts, maxCandidates);
    if (!split) continue;
    for (const p of split.parts) use(p, b);
    matches.push(
      match('split-bank-line', 'suggested', 0.5, split.parts, [b], split.evidence, split.candidates),
    );
  }
  for (const p of pays) {
    if (p.used) continue;
    const split = findSplit(p, banks, window, maxParts, maxCandidates);
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

function side(
  id: string,
  date: IsoDate,
  amount: Ore,
  kid: string | undefined,
  account: string | undefined,
): Side {
  const s: Side = { id, date, day: dayNumber(date), amount, used: false };
  const k = kid?.trim();
  if (k) s.kid = k;
  if (account !== undefined && account.trim() !== '') s.account = normaliseBankAccount(account);
  return s;
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

/**
 * A set of 2..maxParts unused items on the other side that add up to `target` exactly, within the date window
 * and sharing its KID (when the target has one and any candidate does) or else its account. Searches the
 * `maxCandidates` nearest by date, depth first, nearest first, with a bounded number of steps.
 */
function findSplit(
  target: Side,
  others: readonly Side[],
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
  const inWindow = windowSlice(others, target.day - window, target.day + window).filter(
    (o) => !o.used && o.amount < target.amount,
  );
  const byKid = target.kid === undefined ? [] : inWindow.filter((o) => o.kid === target.kid);
  const [pool, evidence] =
    byKid.length >= 2
      ? [byKid, { kid: target.kid! }]
      : target.account === undefined
        ? [[], {}]
        : [inWindow.filter((o) => o.account === target.account), { account: target.account }];
  if (pool.length < 2) return undefined;
  const candidates = pool
    .sort(
      (a, b) =>
        Math.abs(a.day - target.day) - Math.abs(b.day - target.day) ||
        a.day - b.day ||
        compareText(a.id, b.id),
    )
    .slice(0, maxCandidates);
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
