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
  /** The tiers a {@link BankMatchSweep} has taken it through after the KID tier (0, 1 or 2). */
  stage: number;
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
  return new BankMatchSweep(options).advance(payments, bankTransactions);
}

/**
 * {@link matchBankTransactions} over a period given a part at a time, oldest first, with the same matches and
 * unmatched items as one call over the whole: a run in fact windows holds one window's payments, not the
 * period's.
 *
 * Each call passes the payments dated up to `through` (after those of earlier calls) and the bank lines up to
 * `through` + `kidDateWindowDays` not passed before (a line passed again is ignored while it is dated after the
 * previous call's `through` less `kidDateWindowDays`). A payment is matched by KID when it is passed; each later
 * tier waits until no payment or line still to come can change what it finds, so a payment or line is matched
 * or reported unmatched by the call whose `through` is at least `kidDateWindowDays` + 3 x `dateWindowDays`
 * (lines: 4 x) after its date, or by the last call (no `through`). Each result holds what was settled in that
 * call. Between calls it holds the items not yet settled: about `kidDateWindowDays` of bank lines ahead of
 * `through` and the few items that no KID matched.
 */
export class BankMatchSweep {
  private readonly window: number;
  private readonly kidWindow: number;
  private readonly maxParts: number;
  private readonly maxCandidates: number;
  private readonly sides = new SideMaker();
  private readonly found: Found = { item: undefined, candidates: 0 };
  /** Payments no KID matched, not yet settled, in side order. */
  private pays: Side[] = [];
  /** Bank lines not yet settled and unused, in side order. */
  private lines: Side[] = [];
  /** Lines a payment still to come may match by KID, by a hash of the KID (a number: see `addLines`). */
  private readonly byKid = new Map<number, Side | Side[]>();
  /** Lines past the KID tier, for the amount tier, by amount. */
  private readonly byAmount = new Map<Ore, Side[]>();
  /** Payments past the amount tier, for splits of a bank line. */
  private readonly payIndex = new SideIndex();
  /** Lines past the bank-line splits, for splits of a payment. */
  private readonly bankIndex = new SideIndex();
  /** The days of the lines passed so far that a later call may pass again, by id. */
  private readonly seen = new Map<string, number>();
  private done = false;

  constructor(options: BankMatchOptions = {}) {
    this.window = options.dateWindowDays ?? 5;
    this.kidWindow = options.kidDateWindowDays ?? 30;
    this.maxParts = options.maxSplitParts ?? 5;
    this.maxCandidates = options.maxSplitCandidates ?? 12;
  }

  /**
   * Matches the payments dated up to `through` and the bank lines passed so far, as far as later calls cannot
   * change the outcome; without `through`, everything (the last call).
   */
  advance(
    payments: readonly Payment[],
    bankTransactions: readonly BankTransaction[],
    through?: IsoDate,
  ): BankMatchResult {
    if (this.done)
      throw new Error('BankMatchSweep: advance() after the last call (the one without `through`)');
    const last = through === undefined;
    this.done = last;
    const day = last ? Infinity : dayNumber(through);
    const matches: BankMatch[] = [];
    // What is settled: lines no payment to come can match by KID, then each tier's items once the tier before
    // has settled everything within its date window of them.
    const kidSettled = day - this.kidWindow;
    this.addLines(bankTransactions, kidSettled);
    this.matchByKid(payments, matches);
    const amountTier = kidSettled - this.window;
    const lineSplits = amountTier - this.window;
    const paymentSplits = lineSplits - this.window;
    const linesSettled = paymentSplits - this.window;
    this.matchByAmount(kidSettled, amountTier, matches);
    this.splitLines(lineSplits, matches);
    this.splitPayments(paymentSplits, matches);
    const unmatchedPaymentIds: string[] = [];
    const unmatchedBankTransactionIds: string[] = [];
    this.pays = settle(this.pays, paymentSplits, unmatchedPaymentIds);
    this.lines = settle(this.lines, linesSettled, unmatchedBankTransactionIds);
    if (!last) this.prune(kidSettled, amountTier, lineSplits, paymentSplits);
    return { matches, unmatchedPaymentIds, unmatchedBankTransactionIds };
  }

  /**
   * Adds the lines not passed by an earlier call, and remembers those dated after `kidSettled` (a later call may
   * pass them again). Lines of this call with the same id are all kept, as one call over the period keeps them;
   * the last call (`kidSettled` is Infinity) remembers nothing.
   */
  private addLines(bankTransactions: readonly BankTransaction[], kidSettled: number): void {
    const added: Side[] = [];
    for (const b of bankTransactions) {
      if (!(b.amount > 0) || this.seen.has(b.id)) continue;
      added.push(this.sides.side(b.id, b.date, b.amount, b.kid, b.counterpartyAccount));
    }
    for (const b of added) if (b.day > kidSettled) this.seen.set(b.id, b.day);
    added.sort(bySideOrder);
    this.lines = mergeSorted(this.lines, added);
    // By a hash of the KID: no string keys to compare while the map fills; the KID itself is compared only for
    // a line of the same amount in the window. Nearly every KID is on one line, kept as the line itself.
    for (const b of added) {
      if (b.kid === undefined) continue;
      const seen = this.byKid.get(b.kidHash);
      if (seen === undefined) this.byKid.set(b.kidHash, b);
      else if (Array.isArray(seen)) insertSorted(seen, b);
      else this.byKid.set(b.kidHash, bySideOrder(seen, b) <= 0 ? [seen, b] : [b, seen]);
    }
  }

  /** T1: KID and amount, each payment as it is passed (the lines of its KID tier's reach are all in). */
  private matchByKid(payments: readonly Payment[], matches: BankMatch[]): void {
    const added: Side[] = [];
    for (const p of payments) {
      if (p.amount > 0)
        added.push(
          this.sides.side(p.paymentId, p.paymentDate, p.amount, p.paidFrom?.kid, p.receivingAccount),
        );
    }
    added.sort(bySideOrder);
    const found = this.found;
    const unused: Side[] = [];
    for (const p of added) {
      const lines = p.kid === undefined ? undefined : this.byKid.get(p.kidHash);
      if (lines === undefined) found.item = undefined;
      else if (Array.isArray(lines))
        nearest(p, lines, this.kidWindow, SAME_KID_AND_AMOUNT, found, this.sides);
      else nearestOne(p, lines, this.kidWindow, found);
      const b = found.item;
      if (b === undefined) {
        unused.push(p);
        continue;
      }
      use(p, b);
      matches.push(
        oneToOne('kid-amount', 'auto', 1, p, b, {
          kid: p.kid,
          dateDifferenceDays: dayDifference(p, b),
          candidates: found.candidates,
        }),
      );
    }
    this.pays = mergeSorted(this.pays, unused);
  }

  /**
   * T3: amount and date, with the receiving account when both sides name one, for the payments up to
   * `through`, against the lines up to `linesThrough` no KID matched.
   */
  private matchByAmount(linesThrough: number, through: number, matches: BankMatch[]): void {
    for (const b of this.lines) {
      if (b.day > linesThrough) break;
      if (b.stage > 0) continue;
      b.stage = 1;
      if (b.used) continue;
      const list = this.byAmount.get(b.amount);
      if (list) insertSorted(list, b);
      else this.byAmount.set(b.amount, [b]);
    }
    const { found, sides, window } = this;
    for (const p of this.pays) {
      if (p.day > through) break;
      if (p.stage > 0) continue;
      p.stage = 1;
      if (p.used) continue;
      const candidates = this.byAmount.get(p.amount);
      if (candidates !== undefined) {
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
          continue;
        }
      }
      this.payIndex.add(p, sides);
    }
  }

  /** Splits of the lines up to `through` among the payments left after T3: one bank line, several payments. */
  private splitLines(through: number, matches: BankMatch[]): void {
    for (const b of this.lines) {
      if (b.day > through) break;
      if (b.stage > 1) continue;
      b.stage = 2;
      if (b.used) continue;
      const split = findSplit(b, this.payIndex, this.window, this.maxParts, this.maxCandidates, this.sides);
      if (split) {
        for (const p of split.parts) use(p, b);
        matches.push(
          match('split-bank-line', 'suggested', 0.5, split.parts, [b], split.evidence, split.candidates),
        );
      } else this.bankIndex.add(b, this.sides);
    }
  }

  /** Splits of the payments up to `through` among the lines left: one payment, several bank lines. */
  private splitPayments(through: number, matches: BankMatch[]): void {
    for (const p of this.pays) {
      if (p.day > through) break;
      if (p.stage > 1) continue;
      p.stage = 2;
      if (p.used) continue;
      const split = findSplit(p, this.bankIndex, this.window, this.maxParts, this.maxCandidates, this.sides);
      if (!split) continue;
      for (const b of split.parts) use(b, p);
      matches.push(
        match('split-payment', 'suggested', 0.5, [p], split.parts, split.evidence, split.candidates),
      );
    }
  }

  /** Lets go of what no call to come can use: each index keeps the items within its tier's reach. */
  private prune(kidSettled: number, amountTier: number, lineSplits: number, paymentSplits: number): void {
    for (const [hash, lines] of this.byKid) {
      if (Array.isArray(lines)) {
        const kept = lines.filter((b) => !b.used && b.day > kidSettled);
        if (kept.length === 0) this.byKid.delete(hash);
        else if (kept.length === 1) this.byKid.set(hash, kept[0]);
        else if (kept.length < lines.length) this.byKid.set(hash, kept);
      } else if (lines.used || lines.day <= kidSettled) this.byKid.delete(hash);
    }
    pruneLists(this.byAmount, amountTier + 1 - this.window);
    pruneLists(this.payIndex.byKid, lineSplits + 1 - this.window);
    pruneLists(this.payIndex.byAccount, lineSplits + 1 - this.window);
    pruneLists(this.bankIndex.byKid, paymentSplits + 1 - this.window);
    pruneLists(this.bankIndex.byAccount, paymentSplits + 1 - this.window);
    for (const [id, day] of this.seen) if (day <= kidSettled) this.seen.delete(id);
  }
}

/**
 * The items (in side order) still open: used ones leave, and unused ones dated up to `through` leave as
 * unmatched, their ids added to `unmatched`.
 */
function settle(items: readonly Side[], through: number, unmatched: string[]): Side[] {
  const kept: Side[] = [];
  for (const s of items) {
    if (s.used) continue;
    if (s.day <= through) unmatched.push(s.id);
    else kept.push(s);
  }
  return kept;
}

/** Drops the items that are used or dated before `from` from each list (in side order) of the map. */
function pruneLists<K>(map: Map<K, Side[]>, from: number): void {
  for (const [key, list] of map) {
    const kept = list.filter((s) => !s.used && s.day >= from);
    if (kept.length === 0) map.delete(key);
    else if (kept.length < list.length) map.set(key, kept);
  }
}

/** Both lists (in side order) as one, in side order; usually `b` comes after `a`. */
function mergeSorted(a: Side[], b: Side[]): Side[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  if (bySideOrder(a[a.length - 1], b[0]) <= 0) {
    for (const s of b) a.push(s);
    return a;
  }
  return [...a, ...b].sort(bySideOrder);
}

/** Adds the item to the list (in side order), at its end unless a later item is there. */
function insertSorted(list: Side[], item: Side): void {
  if (list.length === 0 || bySideOrder(list[list.length - 1], item) <= 0) {
    list.push(item);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bySideOrder(list[mid], item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
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
      stage: 0,
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

/** One side's unused items by KID and by account, each list in side order, for split searches. */
class SideIndex {
  readonly byKid = new Map<string, Side[]>();
  readonly byAccount = new Map<string, Side[]>();

  add(item: Side, sides: SideMaker): void {
    if (item.kid !== undefined) push(this.byKid, item.kid, item);
    const account = sides.accountOf(item);
    if (account !== undefined) push(this.byAccount, account, item);
  }
}

function push(map: Map<string, Side[]>, key: string, item: Side): void {
  const list = map.get(key);
  if (list) insertSorted(list, item);
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
