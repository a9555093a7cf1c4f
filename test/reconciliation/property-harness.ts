import { loadDefaultAccounts } from '../../src/config/account-mapping.js';
import type { CustomerConfig, RecognitionMode } from '../../src/config/module-options.interface.js';
import { addDays } from '../../src/domain/dates.js';
import type {
  CustomerRef,
  JournalAdapter,
  JournalEntry,
  PostResult,
} from '../../src/journal/journal-adapter.interface.js';
import { MemoryJournalAdapter } from '../../src/journal/memory-journal.adapter.js';
import type { ReconciliationReport } from '../../src/reconciliation/reconciliation-report.js';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service.js';
import type { StateStore } from '../../src/store/index.js';
import { MemoryStateStore } from '../../src/store/index.js';
import type { Clock } from '../../src/time/clock.js';
import { SandboxLedger } from '../../src/testing/index.js';
import { LedgerFactSource, allowAll, ledgerCustomers } from './ledger-fact-source.js';

// Building blocks of the reconciliation property tests: deterministic ledgers from a spec (so two worlds can
// replay the same history), a service over any store and journal, stores and journals that crash on cue.

const ACCOUNTS = loadDefaultAccounts();

/** Which sandbox ledger a property runs over; the same spec always builds the same ledger. */
export type LedgerSpec =
  | { kind: 'documented'; seed: number }
  | { kind: 'generated'; seed: number; customers: number; claimsPerCustomer: number };

/** Per-customer settings drawn by the properties, applied to every customer of the ledger. */
export interface CustomerSettings {
  /** Days after the ledger's first day that booking starts. */
  startOffsetDays: number;
  hostBooksBankLines: boolean;
  recognise: RecognitionMode;
}

export const DEFAULT_SETTINGS: CustomerSettings = {
  startOffsetDays: 0,
  hostBooksBankLines: false,
  recognise: 'interest-and-fees',
};

export function buildLedger(spec: LedgerSpec): SandboxLedger {
  return spec.kind === 'documented'
    ? SandboxLedger.documented({ seed: spec.seed })
    : SandboxLedger.generate({
        seed: spec.seed,
        customers: spec.customers,
        claimsPerCustomer: spec.claimsPerCustomer,
      });
}

export function customersOf(ledger: SandboxLedger, settings: CustomerSettings): CustomerConfig[] {
  return ledgerCustomers(ledger, {
    bookingStartDate: addDays(ledger.startDate, settings.startOffsetDays),
    hostBooksBankLines: settings.hostBooksBankLines,
    recognise: settings.recognise,
  });
}

/** A clock the test moves by hand (run log times and lock expiry). */
export class ManualClock implements Clock {
  constructor(private ms = Date.UTC(2026, 9, 15, 6)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Everything one reconciling "installation" has: the tax accounts it reads, its store and its journal. */
export interface World {
  ledger: SandboxLedger;
  customers: CustomerConfig[];
  store: StateStore;
  journal: MemoryJournalAdapter;
  clock: ManualClock;
  /** The service's `overlapDays` (undefined: its default). */
  overlapDays?: number;
  /** The service's `factWindowDays` (undefined: one window per run). */
  factWindowDays?: number;
}

export async function newWorld(
  spec: LedgerSpec,
  settings: CustomerSettings = DEFAULT_SETTINGS,
  options: { store?: StateStore; overlapDays?: number; factWindowDays?: number } = {},
): Promise<World> {
  const store = options.store ?? new MemoryStateStore();
  await store.migrate();
  const ledger = buildLedger(spec);
  return {
    ledger,
    customers: customersOf(ledger, settings),
    store,
    journal: new MemoryJournalAdapter(),
    clock: new ManualClock(),
    ...(options.overlapDays === undefined ? {} : { overlapDays: options.overlapDays }),
    ...(options.factWindowDays === undefined ? {} : { factWindowDays: options.factWindowDays }),
  };
}

/** A service instance over the world's store; a fresh instance is what a restarted process would build. */
export function serviceOf(
  world: World,
  overrides: { journal?: JournalAdapter; store?: StateStore; journalBatchSize?: number } = {},
): ReconciliationService {
  return new ReconciliationService({
    facts: new LedgerFactSource(world.ledger),
    access: allowAll,
    store: overrides.store ?? world.store,
    journal: overrides.journal ?? world.journal,
    customers: world.customers,
    accounts: ACCOUNTS,
    clock: world.clock,
    ...(world.overlapDays === undefined ? {} : { overlapDays: world.overlapDays }),
    ...(world.factWindowDays === undefined ? {} : { factWindowDays: world.factWindowDays }),
    // Small outbox writes, so that a run writes several and a crash can fall between two of them.
    outboxChunkSize: OUTBOX_CHUNK,
    ...(overrides.journalBatchSize === undefined ? {} : { journalBatchSize: overrides.journalBatchSize }),
    logger: false,
  });
}

/** The journal of every customer, by customer id (copies). */
export function journalOf(world: World): Record<string, JournalEntry[]> {
  return Object.fromEntries(world.customers.map((c) => [c.id, world.journal.entries(c.id)]));
}

/** Outbox rows a crash may leave behind (pending or failed), by customer; empty lists when all is delivered. */
export async function undeliveredOf(world: World): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of world.customers) {
    const rows = await world.store.listOutbox(c.id, { status: ['pending', 'failed'] });
    out[c.id] = rows.map((r) => `${r.status} ${r.key}`);
  }
  return out;
}

/** Compact view of a report for equality checks with a readable diff. */
export function outcome(report: ReconciliationReport) {
  return {
    customerId: report.customerId,
    status: report.status,
    reason: report.reason,
    failures: report.assertions.failures.slice(0, 3),
  };
}

/** The outcome every healthy run must have. */
export function healthy(customerId: string) {
  return { customerId, status: 'ok', reason: undefined, failures: [] };
}

/** Entries per outbox write in these tests. */
export const OUTBOX_CHUNK = 3;

/** Names of the store methods a test can make fail. */
export type StoreCrashPoint = 'outbox-write' | 'outbox-write-later' | 'mark-posted' | 'watermark-write';

/**
 * Wraps a store so that one chosen write throws once, as if the process died there: `outbox-write` is the
 * first batch that writes entries to the outbox, `outbox-write-later` the second (the first was written),
 * `mark-posted` the call that records the journal's answer,
 * `watermark-write` the batch that ends a successful run. `fired` tells whether the crash happened.
 */
export function crashingStore(store: StateStore, point: StoreCrashPoint): StateStore & { fired: boolean } {
  let fired = false;
  let outboxWrites = 0;
  const trips = (method: PropertyKey, args: unknown[]): boolean => {
    if (fired) return false;
    if (point === 'mark-posted') return method === 'markPosted';
    if (method !== 'applyBatch') return false;
    const batch = args[1] as { outbox?: unknown[]; watermarks?: unknown[] };
    if (point === 'watermark-write') return (batch.watermarks?.length ?? 0) > 0;
    if ((batch.outbox?.length ?? 0) === 0) return false;
    outboxWrites++;
    return outboxWrites === (point === 'outbox-write' ? 1 : 2);
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'fired') return fired;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (trips(prop, args)) {
          fired = true;
          return Promise.reject(new Error(`injected store crash at ${point}`));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as StateStore & { fired: boolean };
}

/**
 * A journal whose `postEntries` never answers (the process died while waiting on it), after handing the first
 * `writeFirst` entries to `inner`. `called` resolves when the call arrived, i.e. the outbox has been written.
 */
export function hangingJournal(
  inner: MemoryJournalAdapter,
  writeFirst = 0,
): JournalAdapter & { called: Promise<void> } {
  let arrived!: () => void;
  const called = new Promise<void>((resolve) => (arrived = resolve));
  return {
    called,
    async postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
      if (writeFirst > 0) await inner.postEntries(customer, entries.slice(0, writeFirst));
      arrived();
      return new Promise<PostResult[]>(() => undefined);
    },
  };
}

/** A journal that refuses every call (the host ledger is down), for the "died before the call" restart. */
export const downJournal: JournalAdapter = {
  async postEntries(): Promise<PostResult[]> {
    throw new Error('host ledger unreachable');
  },
};

/**
 * A journal over `inner` whose call number `failingCall` (counted from 0; -1: none) writes the first `fraction`
 * of its entries to `inner`, then fails, as a host ledger that goes away mid-request. Every other call, the bank
 * lines and the balance assertions go to `inner`. `sizes` records each call's entries, `partial` how many the
 * failing call wrote.
 */
export function refusingJournal(
  inner: MemoryJournalAdapter,
  failingCall: number,
  fraction: number,
): JournalAdapter & { sizes: number[]; partial: number } {
  const journal = {
    sizes: [] as number[],
    partial: 0,
    async postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
      journal.sizes.push(entries.length);
      if (journal.sizes.length - 1 !== failingCall) return inner.postEntries(customer, entries);
      journal.partial = Math.floor(fraction * entries.length);
      await inner.postEntries(customer, entries.slice(0, journal.partial));
      throw new Error('ledger went away');
    },
    findBankTransactions: inner.findBankTransactions.bind(inner),
    assertBalances: inner.assertBalances.bind(inner),
  };
  return journal;
}
