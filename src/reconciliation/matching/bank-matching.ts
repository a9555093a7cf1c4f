import { sumOre, type Ore } from '../../domain/money.js';
import type { BankAccount, IsoDate } from '../../domain/common.model.js';
import type { Payment } from '../../domain/payment.model.js';
import type { BankTransaction } from '../../journal/journal-adapter.interface.js';
import { compareText, textHash } from '../posting/snapshot.js';
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
  amount: Ore;
  kid: string | undefined;
  /** {@link textHash} of the KID (0 without one), computed while the KID's text is at hand. */
  kidHash: number;
  /**
   * The normalised account, read on first use ({@link accountOf}): null until then. Most sides are matched by
   * KID without it, and reading it means visiting one or two more objects per side.
   */
  account: string | undefined | null;
  /** Where the account is: a payment's receiving account, or a bank line's counterparty account text. */
  accountFrom: BankAccount | string | undefined;
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
      pays.push(sides.side(p.paymentId, p.paymentDate, p.amount, p.paidFrom?.kid, p.receivingAccount));
  }
  pays.sort(bySideOrder);
  const banks: Side[] = [];
  for (const b of bankTransactions) {
    if (b.amount > 0) banks.push(sides.side(b.id, b.date, b.amount, b.kid, b.counterpartyAccount));
  }
  banks.sort(bySideOrder);
  const matches: BankMatch[] = [];
  const found: Found = { item: undefined, candidates: 0 };

  // T1: KID and amount. Bank lines by a hash of the KID (a number: no string keys to compare while the map
  // fills), the KID itself compared only for a line of the same amount in the window; nearly every KID is on one
  // line, kept as the line itself, no list. The lines of one hash stay in order, so those of one KID do too.
  const byKid = new Map<number, Side | Side[]>();
  for (const b of banks) {
    if (b.kid === undefined) continue;
    const seen = byKid.get(b.kidHash);
    if (seen === undefined) byKid.set(b.kidHash, b);
    else if (Array.isArray(seen)) seen.push(b);
    else byKid.set(b.kidHash, [seen, b]);
  }
  for (const p of pays) {
    if (p.kid === undefined) continue;
    const lines = byKid.get(p.kidHash);
    if (lines === undefined) continue;
    if (Array.isArray(lines)) nearest(p, lines, kidWindow, SAME_KID_AND_AMOUNT, found, sides);
    else nearestOne(p, lines, kidWindow, found);
    const b = found.item;
    if (b === undefined) continue;
    use(p, b);
    matches.push(
      oneToOne('kid-amount', 'auto', 1, p, b, {
        kid: p.kid,
        dateDifferenceDays: dayDifference(p, b),
        candidates: found.candidates,
      }),
    );
  }

  // T3: amount and date, with the receiving account when both sides name one. Only lines still unused can
  // match (used is final), so only they are grouped.
  const byAmount = new Map<Ore, Side[]>();
  for (const b of banks) {
    if (b.used) continue;
    const list = byAmount.get(b.amount);
    if (list) list.push(b);
    else byAmount.set(b.amount, [b]);
  }
  for (const p of pays) {
    if (p.used) continue;
    const candidates = byAmount.get(p.amount);
    if (candidates === undefined) continue;
    // Without an account on the payment no line can share it: the search would find nothing.
    const account = sides.accountOf(p);
    if (account !== undefined) nearest(p, candidates, window, SAME_ACCOUNT, found, sides);
    else found.item = undefined;
    let b = found.item;
    if (b !== undefined) {
      use(p, b);
      const confidence = found.candidates === 1 ? 0.8 : 0.6;
      matches.push(
        oneToOne('amount-date-account', 'suggested', confidence, p, b, {
          account: account!,
          dateDifferenceDays: dayDifference(p, b),
          candidates: found.candidates,
        }),
      );
      continue;
    }
    nearest(p, candidates, window, UNKNOWN_ACCOUNT, found, sides);
    b = found.item;
    if (b !== undefined) {
      use(p, b);
      matches.push(
        oneToOne('amount-date', 'suggested', found.candidates === 1 ? 0.5 : 0.3, p, b, {
          dateDifferenceDays: dayDifference(p, b),
          candidates: found.candidates,
        }),
      );
    }
  }

  // Splits: one bank line for several payments, then one payment paid by several bank lines.
  // Indexes of what is still unused when each pass starts: nothing used comes free again.
  const payIndex = new SideIndex(
    pays.filter((p) => !p.used),
    sides,
  );
  for (const b of banks) {
    if (b.used) continue;
    const split = findSplit(b, payIndex, window, maxParts, maxCandidates, sides);
    if (!split) continue;
    for (const p of split.parts) use(p, b);
    matches.push(
      match('split-bank-line', 'suggested', 0.5, split.parts, [b], split.evidence, split.candidates),
    );
  }
  const bankIndex = new SideIndex(
    banks.filter((b) => !b.used),
    sides,
  );
  for (const p of pays) {
    if (p.used) continue;
    const split = findSplit(p, bankIndex, window, maxParts, maxCandidates, sides);
    if (!split) continue;
    for (const b of split.parts) use(b, p);
    matches.push(
      match('split-payment', 'suggested', 0.5, [p], split.parts, split.evidence, split.candidates),
    );
  }

  return {
    matches,
    unmatchedPaymentIds: unusedIds(pays),
    unmatchedBankTransactionIds: unusedIds(banks),
  };
}

function unusedIds(sides: readonly Side[]): string[] {
  const out: string[] = [];
  for (const s of sides) if (!s.used) out.push(s.id);
  return out;
}

/**
 * Makes sides: day numbers computed from the date's digits; accounts normalised when first needed, each
 * distinct account text once (most lines name the same account as the one before).
 */
class SideMaker {
  private readonly accounts = new Map<string, string>();
  private lastAccount: string | undefined;
  private lastNormal = '';

  side(
    id: string,
    date: IsoDate,
    amount: Ore,
    kid: string | undefined,
    accountFrom: BankAccount | string | undefined,
  ): Side {
    const k = kid?.trim();
    return {
      id,
      day: dayNumber(date),
      amount,
      kid: k ? k : undefined,
      kidHash: k ? textHash(k) : 0,
      account: null,
      accountFrom,
      used: false,
    };
  }

  /** The side's normalised account, undefined when it names none (or a blank one). */
  accountOf(side: Side): string | undefined {
    if (side.account === null) {
      const from = side.accountFrom;
      const raw = typeof from === 'object' ? from?.accountNumber : from;
      side.account = raw === undefined ? undefined : this.normal(raw);
    }
    return side.account;
  }

  /** The normal form, or undefined for a blank account. */
  private normal(account: string): string | undefined {
    if (account === this.lastAccount) return this.lastNormal;
    if (account.trim() === '') return undefined;
    let normal = this.accounts.get(account);
    if (normal === undefined) this.accounts.set(account, (normal = normaliseBankAccount(account)));
    this.lastAccount = account;
    this.lastNormal = normal;
    return normal;
  }
}

/**
 * Days since 1970-01-01 of the date in characters 0-3, 5-6 and 8-9 (what `Date.UTC` makes of them). Computed
 * from the digits (days from the civil date) when they are plain digits, a year from 100 on and a month 1-12;
 * anything else goes through `Date.UTC`, which also defines the results for odd input.
 */
function dayNumber(date: IsoDate): number {
  const y = digits(date, 0, 4);
  const m = digits(date, 5, 2);
  const d = digits(date, 8, 2);
  if (y >= 100 && m >= 1 && m <= 12 && d >= 0) {
    // Howard Hinnant's days_from_civil, with the year starting in March.
    const yy = m <= 2 ? y - 1 : y;
    const era = Math.floor(yy / 400);
    const yoe = yy - era * 400;
    const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146_097 + doe - 719_468;
  }
  return (
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
  );
}

/** The number in `length` decimal digits at `from`, or -1 when one of them is not a digit (or missing). */
function digits(text: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

function bySideOrder(a: Side, b: Side): number {
  return a.day - b.day || compareText(a.id, b.id);
}

/**
 * What {@link nearest} accepts besides being unused: the same KID and amount, the same account, or an unknown
 * account.
 */
const SAME_KID_AND_AMOUNT = 0;
const SAME_ACCOUNT = 1;
const UNKNOWN_ACCOUNT = 2;

/** The result of a search: the chosen side (or undefined) and how many qualified. Reused, not allocated. */
interface Found {
  item: Side | undefined;
  candidates: number;
}

function accepts(to: Side, c: Side, rule: number, sides: SideMaker): boolean {
  if (rule === SAME_KID_AND_AMOUNT) return c.amount === to.amount && c.kid === to.kid;
  const account = sides.accountOf(to);
  if (rule === SAME_ACCOUNT) return account !== undefined && sides.accountOf(c) === account;
  return account === undefined || sides.accountOf(c) === undefined;
}

/** The unused candidate within the window nearest in date to `to` (then earliest, then smallest id). */
function nearest(
  to: Side,
  candidates: readonly Side[],
  window: number,
  rule: number,
  found: Found,
  sides: SideMaker,
): void {
  let best: Side | undefined;
  let count = 0;
  for (let i = lowerBound(candidates, to.day - window); i < candidates.length; i++) {
    const c = candidates[i];
    if (c.day > to.day + window) break;
    if (c.used || !accepts(to, c, rule, sides)) continue;
    count++;
    if (!best || Math.abs(c.day - to.day) < Math.abs(best.day - to.day)) best = c;
  }
  found.item = best;
  found.candidates = count;
}

/** {@link nearest} over the one line of a KID hash, with the same KID and amount: the usual case of T1. */
function nearestOne(to: Side, c: Side, window: number, found: Found): void {
  const ok =
    !(c.day < to.day - window) &&
    !(c.day > to.day + window) &&
    !c.used &&
    c.amount === to.amount &&
    c.kid === to.kid;
  found.item = ok ? c : undefined;
  found.candidates = ok ? 1 : 0;
}

function use(a: Side, b: Side): void {
  a.used = true;
  b.used = true;
}

/** Largest distance in days between the two sides of a one-to-one match (as {@link match} computes it). */
function dayDifference(p: Side, b: Side): number {
  return Math.max(0, Math.abs(p.day - b.day));
}

/** A match of one payment and one bank line; `evidence` already in its final form. */
function oneToOne(
  rule: BankMatchRule,
  tier: BankMatch['tier'],
  confidence: number,
  p: Side,
  b: Side,
  evidence: BankMatchEvidence,
): BankMatch {
  // The lists made before the match object: measurably cheaper than array literals nested in it (V8 11).
  const paymentIds = [p.id];
  const bankTransactionIds = [b.id];
  return {
    rule,
    tier,
    confidence,
    paymentIds,
    bankTransactionIds,
    // sumOre of the one amount: the amount itself, or its error when it is not a safe integer.
    amount: Number.isSafeInteger(p.amount) ? p.amount : sumOre([p.amount]),
    evidence,
  };
}

/** One side's items (sorted by day, then id) and the same by KID and by account, for split searches. */
class SideIndex {
  readonly byKid = new Map<string, Side[]>();
  readonly byAccount = new Map<string, Side[]>();

  constructor(
    readonly items: readonly Side[],
    sides: SideMaker,
  ) {
    for (const item of items) {
      if (item.kid !== undefined) push(this.byKid, item.kid, item);
      const account = sides.accountOf(item);
      if (account !== undefined) push(this.byAccount, account, item);
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
  sides: SideMaker,
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
  } else if (sides.accountOf(target) !== undefined) {
    const account = sides.accountOf(target)!;
    // Everything may share the account (all payments go to the tax account): the nearest are taken day by
    // day outward from the target's date, not by sorting the whole window.
    const list = others.byAccount.get(account) ?? [];
    candidates = nearestFitting(list, target.day, window, maxCandidates, fits);
    evidence = { account };
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
