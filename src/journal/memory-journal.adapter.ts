import type { IsoDate, Period } from '../domain/common.model.js';
import { addOre, type Ore } from '../domain/money.js';
import type {
  BalanceAssertion,
  BankTransaction,
  CustomerRef,
  JournalAdapter,
  JournalEntry,
  JournalLine,
  PostResult,
} from './journal-adapter.interface.js';
import {
  assertValidBalanceAssertions,
  assertValidCustomerRef,
  assertValidJournalBatch,
} from './journal-entry.validation.js';
import { BalanceAssertionError, type BalanceMismatch } from './journal.error.js';
import { isSealedJournalEntry } from './sealed-journal-entry.js';

/**
 * The error a {@link MemoryJournalAdapter} throws when a test told it to fail (a stand-in for a host ledger that
 * crashed or timed out). A plain `Error`, as a host adapter's failure would be.
 * @publicApi
 */
export class InjectedJournalFailure extends Error {
  constructor(message = 'injected journal failure') {
    super(message);
    this.name = 'InjectedJournalFailure';
  }
}

/** A balance assertion the memory adapter received, with what it found. @publicApi */
export interface RecordedBalanceAssertion {
  date: IsoDate;
  balances: BalanceAssertion[];
  /** Empty when the ledger showed every asserted balance. */
  mismatches: BalanceMismatch[];
}

/** One `postEntries` call as the memory adapter saw it (also calls that failed). @publicApi */
export interface RecordedPostCall {
  customerId: string;
  keys: string[];
  outcome: 'ok' | 'rejected' | 'failed';
}

/** @publicApi */
export interface MemoryJournalAdapterOptions {
  /**
   * Check balance assertions when they are made and throw a {@link BalanceAssertionError} on a mismatch, as a
   * ledger that checks them would. Default `true`; `false` only records them.
   */
  checkAssertions?: boolean;
}

type FailurePlan = { kind: 'before'; error: Error } | { kind: 'after'; entries: number; error: Error };

/** A running balance, held in a slot so that adding a line to it is one map lookup. */
interface AccountTotal {
  total: number;
  /**
   * Σ|amount| of the lines added (never decreased): while it is a safe integer, so was every partial sum of
   * `total`, in any order, so `total` is exact and the posting-order sum could not have left the safe range.
   */
  volume: number;
}

/** Adds the lines of a (valid) entry to `totals`. */
function addLines(totals: Map<string, AccountTotal>, lines: readonly JournalLine[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let slot = totals.get(line.account);
    if (slot === undefined) {
      slot = { total: 0, volume: 0 };
      totals.set(line.account, slot);
    }
    if (line.debit !== undefined) {
      slot.total += line.debit;
      slot.volume += line.debit;
    } else {
      slot.total -= line.credit as Ore;
      slot.volume += line.credit as Ore;
    }
  }
}

function anyUnsafe(totals: Map<string, AccountTotal>): boolean {
  for (const slot of totals.values()) if (slot.volume > Number.MAX_SAFE_INTEGER) return true;
  return false;
}

interface CustomerLedger {
  entries: JournalEntry[];
  keys: Set<string>;
  assertions: RecordedBalanceAssertion[];
  bank: BankTransaction[];
  /**
   * Debit-positive balance per account over `entries[0 .. summed)`, brought up to date when balances are read
   * (posted entries never change: they are copies or frozen), so that reading balances does not sum every
   * entry again.
   */
  totals: Map<string, AccountTotal>;
  summed: number;
  /**
   * The latest date of the summed entries ('' when none): the totals are the balances as of this date or any
   * later.
   */
  latest: string;
  /** Some total's volume left the safe integer range: balances are then summed afresh, which reports it. */
  unsafe: boolean;
}

/** The keys of a call as recorded, `String`-ed; a hole in the array stays a hole (as `map` leaves it). */
function recordedKeys(entries: unknown): string[] {
  if (!Array.isArray(entries)) return [];
  const keys: string[] = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as { idempotencyKey?: unknown } | null | undefined;
    if (entry === undefined && !(i in entries)) continue;
    const key = entry?.idempotencyKey;
    keys[i] = typeof key === 'string' ? key : String(key);
  }
  return keys;
}

/**
 * A deep copy, as `structuredClone` makes it, of the plain data the adapter keeps (objects, arrays, primitives):
 * copied member by member, which is several times faster than the serialising `structuredClone` and matters at
 * hundreds of thousands of entries per call. Anything else (a class instance, a Date, a Map) goes through
 * `structuredClone`.
 */
function clone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = clone(value[i] as unknown);
    return out as T;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue; // structuredClone copies own members only
    if (key === '__proto__') return structuredClone(value); // an own member of that name: leave it to the real one
    out[key] = clone(record[key]);
  }
  return out as T;
}

/** True for a primitive, or a frozen object or array whose members are all deep-frozen. */
function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isDeepFrozen(value[i])) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  // for-in walks the enumeration cache without allocating a key array (Object.keys would, per object).
  for (const key in record) if (Object.hasOwn(record, key) && !isDeepFrozen(record[key])) return false;
  return true;
}

/**
 * Debit-positive balance per account (zeros included) over the entries dated on or before `asOf` (all when
 * `undefined`), in posting order with {@link addOre}: a sum leaving the safe integer range throws.
 */
function sumBalances(entries: readonly JournalEntry[], asOf: IsoDate | undefined): Map<string, Ore> {
  const sums = new Map<string, Ore>();
  for (const entry of entries) {
    if (asOf !== undefined && entry.date > asOf) continue;
    for (const line of entry.lines) {
      const delta = line.debit ?? -(line.credit as Ore);
      sums.set(line.account, addOre(sums.get(line.account) ?? 0, delta));
    }
  }
  return sums;
}

/**
 * A journal held in memory, per customer: for tests and the sandbox demo. Behaves like the file adapters
 * (validates the whole batch first, idempotent on `idempotencyKey`) and adds what tests need: read access to the
 * posted entries and balances, seeded bank transactions for ledger matching, and injectable failures that
 * simulate a host ledger crashing before, during or after a call. Posted entries are copied (a deep-frozen one,
 * such as the sealed entries the reconciliation makes, is kept as it is: it cannot change), and so is everything
 * read back.
 * @publicApi
 */
export class MemoryJournalAdapter implements JournalAdapter {
  private readonly ledgers = new Map<string, CustomerLedger>();
  private readonly plans: FailurePlan[] = [];
  private readonly calls: RecordedPostCall[] = [];
  private readonly checkAssertions: boolean;
  private sequence = 0;

  constructor(options: MemoryJournalAdapterOptions = {}) {
    this.checkAssertions = options.checkAssertions ?? true;
  }

  async postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
    assertValidCustomerRef(customer);
    const call: RecordedPostCall = { customerId: customer.id, keys: recordedKeys(entries), outcome: 'ok' };
    this.calls.push(call);
    const plan = this.plans.shift();
    if (plan?.kind === 'before') {
      call.outcome = 'failed';
      throw plan.error;
    }
    try {
      assertValidJournalBatch(entries);
    } catch (error) {
      call.outcome = 'rejected';
      throw error;
    }
    const ledger = this.ledger(customer.id);
    const { keys, entries: posted } = ledger;
    const limit = plan?.kind === 'after' ? plan.entries : Infinity;
    // Sized up front, one result per entry (a planned failure throws instead of answering): made once instead
    // of being grown and copied as it fills.
    const results: PostResult[] = new Array<PostResult>(entries.length);
    let written = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const key = entry.idempotencyKey;
      // One lookup instead of `has` then `add` (a Set of hundreds of thousands of keys is the main cost here).
      const size = keys.size;
      if (keys.add(key).size === size) {
        results[i] = { idempotencyKey: key, status: 'duplicate' };
        continue;
      }
      if (written >= limit) {
        keys.delete(key);
        break;
      }
      // An entry frozen all the way down cannot change: kept as it is. A sealed one (as the reconciliation
      // makes them) is known to be, without walking it.
      posted.push(isSealedJournalEntry(entry) || isDeepFrozen(entry) ? entry : clone(entry));
      written++;
      this.sequence++;
      results[i] = { idempotencyKey: key, status: 'posted', ref: `memory:${this.sequence}` };
    }
    if (plan?.kind === 'after') {
      call.outcome = 'failed';
      throw plan.error;
    }
    return results;
  }

  async findBankTransactions(customer: CustomerRef, period: Period): Promise<BankTransaction[]> {
    const bank = this.ledgers.get(customer.id)?.bank ?? [];
    return bank
      .filter((tx) => tx.date >= period.from && (period.to === undefined || tx.date <= period.to))
      .map(clone);
  }

  /**
   * Records the balances the ledger must show at the end of `date` (entries dated on or before it) and, unless
   * `checkAssertions` is off, throws a {@link BalanceAssertionError} naming every account that differs.
   */
  async assertBalances(customer: CustomerRef, date: IsoDate, balances: BalanceAssertion[]): Promise<void> {
    assertValidCustomerRef(customer);
    assertValidBalanceAssertions(date, balances);
    const balanceOf = this.balanceReader(customer.id, date);
    const mismatches: BalanceMismatch[] = [];
    for (const { account, amount: expected } of balances) {
      const actual = balanceOf(account);
      if (actual !== expected) mismatches.push({ account, expected, actual, difference: actual - expected });
    }
    this.ledger(customer.id).assertions.push({ date, balances: clone(balances), mismatches });
    if (this.checkAssertions && mismatches.length > 0) throw new BalanceAssertionError(date, mismatches);
  }

  /** The entries posted for a customer, in posting order (copies). */
  entries(customerId: string): JournalEntry[] {
    return (this.ledgers.get(customerId)?.entries ?? []).map(clone);
  }

  /** Keys posted for a customer, in posting order. */
  keys(customerId: string): string[] {
    return (this.ledgers.get(customerId)?.entries ?? []).map((e) => e.idempotencyKey);
  }

  /**
   * Debit-positive balance per account over the customer's entries (only those dated on or before `asOf` when
   * given). Accounts whose balance is zero are left out, as `hledger balance` does.
   */
  balances(customerId: string, asOf?: IsoDate): Record<string, Ore> {
    const ledger = this.ledgers.get(customerId);
    const nonZero: [string, Ore][] = [];
    if (ledger !== undefined) {
      const running = this.runningTotals(ledger, asOf);
      if (running !== undefined) {
        for (const [account, { total }] of running) if (total !== 0) nonZero.push([account, total]);
      } else {
        for (const [account, sum] of sumBalances(ledger.entries, asOf))
          if (sum !== 0) nonZero.push([account, sum]);
      }
    }
    return Object.fromEntries(nonZero.sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Balance assertions received for a customer, oldest first. */
  assertions(customerId: string): RecordedBalanceAssertion[] {
    return (this.ledgers.get(customerId)?.assertions ?? []).map(clone);
  }

  /** Every `postEntries` call so far, including failed and rejected ones. */
  postCalls(): RecordedPostCall[] {
    return this.calls.map(clone);
  }

  /** Customers that have at least one posted entry. */
  customerIds(): string[] {
    return [...this.ledgers].filter(([, l]) => l.entries.length > 0).map(([id]) => id);
  }

  /** Bank lines the host "booked", served by {@link findBankTransactions} (added to earlier ones). */
  seedBankTransactions(customerId: string, transactions: readonly BankTransaction[]): this {
    const bank = this.ledger(customerId).bank;
    // A loop, not push(...spread): a spread of a million lines overflows the call stack.
    for (const tx of transactions) bank.push(clone(tx));
    bank.sort((a, b) =>
      a.date === b.date ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.date < b.date ? -1 : 1,
    );
    return this;
  }

  /** The next `count` `postEntries` calls throw `error` before writing anything (the ledger was down). */
  failNext(count = 1, error: Error = new InjectedJournalFailure()): this {
    for (let i = 0; i < count; i++) this.plans.push({ kind: 'before', error });
    return this;
  }

  /**
   * The next `postEntries` call posts its first `entries` new entries, then throws `error`: a host ledger that
   * crashed in the middle of a call (`entries` = 0: before writing; at least the batch size: after writing
   * everything, before answering). Plans queue after those of {@link failNext}, one per call.
   */
  failAfter(entries: number, error: Error = new InjectedJournalFailure()): this {
    if (!Number.isSafeInteger(entries) || entries < 0)
      throw new RangeError('entries must be a whole number ≥ 0');
    this.plans.push({ kind: 'after', entries, error });
    return this;
  }

  /** Drops failure plans that have not fired yet. */
  clearFailures(): this {
    this.plans.length = 0;
    return this;
  }

  private ledger(customerId: string): CustomerLedger {
    let ledger = this.ledgers.get(customerId);
    if (!ledger) {
      ledger = {
        entries: [],
        keys: new Set(),
        assertions: [],
        bank: [],
        totals: new Map(),
        summed: 0,
        latest: '',
        unsafe: false,
      };
      this.ledgers.set(customerId, ledger);
    }
    return ledger;
  }

  /** The balance of an account as of the end of `date` (0 for an account without entries). */
  private balanceReader(customerId: string, date: IsoDate): (account: string) => Ore {
    const ledger = this.ledgers.get(customerId);
    if (ledger === undefined) return () => 0;
    const running = this.runningTotals(ledger, date);
    if (running !== undefined) return (account) => running.get(account)?.total ?? 0;
    const sums = sumBalances(ledger.entries, date);
    return (account) => sums.get(account) ?? 0;
  }

  /**
   * The running totals, brought up to date, when they are the balances as of `asOf` (no entry is dated later,
   * no volume left the safe range); else `undefined`, and the caller sums afresh.
   */
  private runningTotals(
    ledger: CustomerLedger,
    asOf: IsoDate | undefined,
  ): Map<string, AccountTotal> | undefined {
    const { entries, totals } = ledger;
    if (ledger.summed < entries.length) {
      let latest = ledger.latest;
      for (let i = ledger.summed; i < entries.length; i++) {
        const { date, lines } = entries[i];
        if (date > latest) latest = date;
        addLines(totals, lines);
      }
      ledger.summed = entries.length;
      ledger.latest = latest;
      ledger.unsafe = anyUnsafe(totals);
    }
    return ledger.unsafe || (asOf !== undefined && ledger.latest > asOf) ? undefined : totals;
  }
}
