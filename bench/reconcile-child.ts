// Child-process side of the reconciliation benchmark: one data size per process (so memory peaks do not mix),
// started by reconcile.bench.ts with --expose-gc and --max-old-space-size=4096, the task as JSON in argv[2]. It
// generates the data, warms the JIT on a small separate data set, runs ReconciliationService.reconcile() from an
// empty store `repeats` times (fresh store and journal each time), optionally a second time on the last store,
// then times the pure steps one by one on the same data. Progress goes to stderr (`@progress ...`, written
// synchronously so it survives a crash), the result over IPC (or to stdout when started by hand).
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadDefaultAccounts, mergeAccounts } from '../src/config/account-mapping.js';
import type {
  BankTransaction,
  JournalAdapter,
  JournalEntry,
} from '../src/journal/journal-adapter.interface.js';
import { MemoryJournalAdapter } from '../src/journal/memory-journal.adapter.js';
import { allocationsFromSnapshot } from '../src/reconciliation/matching/allocations.js';
import { matchBankTransactions } from '../src/reconciliation/matching/bank-matching.js';
import { suggestPlacements } from '../src/reconciliation/matching/suggestions.js';
import { assertBalanced } from '../src/reconciliation/posting/balance.js';
import { entryContentHash } from '../src/reconciliation/posting/content-hash.js';
import { planPostings } from '../src/reconciliation/posting/entry-diff.js';
import { entryEffects, entryParents } from '../src/reconciliation/posting/entry-effects.js';
import { entriesForSnapshot, snapshotParents } from '../src/reconciliation/posting/posting-rules.js';
import { buildSnapshot, indexSnapshot } from '../src/reconciliation/posting/snapshot.js';
import { checkMirror } from '../src/reconciliation/reconciliation-assertions.js';
import type { ReconciliationReport } from '../src/reconciliation/reconciliation-report.js';
import { ReconciliationService } from '../src/reconciliation/reconciliation.service.js';
import { MemoryStateStore } from '../src/store/memory/memory-state.store.js';
import { PostgresStateStore } from '../src/store/postgres/postgres-state.store.js';
import { SqliteStateStore } from '../src/store/sqlite/sqlite-state.store.js';
import type { StateStore } from '../src/store/state-store.interface.js';
import type { FactSource } from '../src/reconciliation/fact-source.js';
import {
  BenchFactSource,
  HostLedgerJournal,
  SerializedFactSource,
  readTextFacts,
  writeTextFacts,
  type TextFacts,
  benchAccess,
  generateReconcileData,
  type ReconcileData,
  type ReconcileDataStats,
} from './reconcile-data.js';
import {
  FLOOR_STEPS,
  fullGc,
  GcPauses,
  MemoryProbe,
  phasesOf,
  progress,
  Timeline,
  timed,
  type MemoryPeak,
  type PhaseTimes,
} from './reconcile-probes.js';

/** What the parent asks one child to measure. */
export interface ChildTask {
  claims: number;
  /** `postgres`: a schema of its own per run on {@link BENCH_POSTGRES_URL}, dropped afterwards. */
  store: 'memory' | 'sqlite' | 'postgres';
  /** Reconcile a second time on the same store (nothing new to post). */
  rerun: boolean;
  /** Time the pure steps one by one afterwards. */
  pure: boolean;
  /** First runs, each from an empty store; the median is reported. */
  repeats: number;
  /** Claims of the JIT warm-up data set (0: none). */
  warmupClaims: number;
  seed: number;
  /** Generate the facts with shared strings (see ReconcileDataOptions.shareStrings), for 10^6. */
  shareStrings?: boolean;
  /** Write a V8 CPU profile of the first run into this folder (slows the run; off by default). */
  cpuProfileDir?: string;
  /** The service's `journalBatchSize` (default: one journal call per run). */
  journalBatchSize?: number;
  /** The service's `factWindowDays` (default: one window per run). */
  factWindowDays?: number;
  /** The service's `reportItemLimit` (default: whole lists). */
  reportItemLimit?: number;
  /**
   * `memory`: the memory journal, which keeps a copy of every entry (default). `host`: the host's ledger over a
   * wire, which keeps nothing here (`HostLedgerJournal`), to measure the module's own memory.
   */
  journal?: 'memory' | 'host';
  /**
   * Keep the facts as JSON text outside the heap and parse each call's period (`SerializedFactSource`), as a run
   * against the API would hold only what it fetched; default: parsed objects handed out as they are.
   */
  factsAsText?: boolean;
}

export interface RunResult {
  wallMs: number;
  status: string;
  reason?: string;
  phases: PhaseTimes;
  /** GC pauses within each phase (part of its time). */
  gcByPhase: PhaseTimes;
  calls: number;
  entries: {
    desired: number;
    added: number;
    unchanged: number;
    changed: number;
    reversed: number;
    posted: number;
  };
  assertions: { checked: number; failed: number; first?: string };
  postingIssues: Record<string, number>;
  allocations: number;
  suggestions: number;
  bankMatches: number;
  memory: MemoryPeak;
  /** After the run and a full GC: what stays (data, store, journal). */
  retainedHeap: number;
  rssAfter: number;
}

export interface ChildResult {
  task: ChildTask;
  generateMs: number;
  stats: ReconcileDataStats;
  /** After generating the data, warming up and a full GC: the facts in memory. */
  baseline: { heapUsed: number; rss: number; heapLimit: number; heapBeforeData: number };
  /** The first run with the median wall time; absent when skipped (`skipped` says why). */
  first?: RunResult;
  /** Wall times of all first runs, in order. */
  firstRunTimes?: number[];
  skipped?: string;
  second?: RunResult;
  pure?: Record<string, number>;
  pureEntries?: number;
}

export type ChildMessage = { kind: 'result'; result: ChildResult } | { kind: 'error'; error: string };

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      console.log(JSON.stringify(message));
      resolve();
    } else process.send(message, undefined, undefined, () => resolve());
  });
}

/** The PostgreSQL server of the `postgres` store (CI's: trust auth on loopback). */
export const BENCH_POSTGRES_URL =
  process.env.KOB_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A store named by `place`: the SQLite file, or the PostgreSQL schema (a plain identifier). */
async function openStore(kind: ChildTask['store'], place: string): Promise<StateStore> {
  if (kind === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(place + suffix, { force: true });
  const store =
    kind === 'sqlite'
      ? new SqliteStateStore({ path: place })
      : kind === 'postgres'
        ? await PostgresStateStore.connect({ connectionString: BENCH_POSTGRES_URL, schema: place })
        : new MemoryStateStore();
  await store.migrate();
  return store;
}

function service(
  data: ReconcileData,
  store: StateStore,
  journal: JournalAdapter,
  timeline?: Timeline,
  task: Pick<ChildTask, 'journalBatchSize' | 'factWindowDays' | 'reportItemLimit'> = {},
  facts: FactSource = new BenchFactSource(data),
) {
  const t = <T extends object>(target: T, label: string) =>
    timeline
      ? timed(target, label, timeline, (method, args) =>
          method === 'applyBatch'
            ? ((args[1] as { outbox?: unknown[] }).outbox?.length ?? 0) > 0
              ? 'outbox'
              : 'other'
            : undefined,
        )
      : target;
  return new ReconciliationService({
    facts: t(facts, 'facts'),
    access: t(benchAccess, 'access'),
    store: t(store, 'store'),
    journal: t(journal, 'journal'),
    customers: [data.customer],
    accounts: loadDefaultAccounts(),
    ...(task.journalBatchSize === undefined ? {} : { journalBatchSize: task.journalBatchSize }),
    ...(task.factWindowDays === undefined ? {} : { factWindowDays: task.factWindowDays }),
    ...(task.reportItemLimit === undefined ? {} : { reportItemLimit: task.reportItemLimit }),
    logger: false,
  });
}

async function measuredRun(
  svc: ReconciliationService,
  data: ReconcileData,
  timeline: Timeline,
): Promise<RunResult> {
  fullGc();
  // The report stays inside `runOnce`, so the GC after it sees what the run left behind, not the report.
  const result = await runOnce(svc, data, timeline);
  fullGc();
  result.retainedHeap = process.memoryUsage().heapUsed;
  result.rssAfter = process.memoryUsage().rss;
  return result;
}

async function runOnce(
  svc: ReconciliationService,
  data: ReconcileData,
  timeline: Timeline,
): Promise<RunResult> {
  const probe = new MemoryProbe(timeline);
  const pauses = new GcPauses();
  pauses.start();
  probe.start();
  const t0 = performance.now();
  const report: ReconciliationReport = await svc.reconcile(data.customer.id, { asOf: data.asOf });
  const t1 = performance.now();
  const memory = probe.stop();
  const split = phasesOf(timeline.calls, t0, t1, await pauses.stop());
  const issues: Record<string, number> = {};
  for (const i of report.postingIssues) issues[i.kind] = (issues[i.kind] ?? 0) + 1;
  const first = report.assertions.failures[0];
  const result: RunResult = {
    wallMs: t1 - t0,
    status: report.status,
    phases: split.times,
    gcByPhase: split.gc,
    calls: timeline.calls.length,
    entries: {
      desired: report.entries.desired,
      added: report.entries.added,
      unchanged: report.entries.unchanged,
      changed: report.entries.changed,
      reversed: report.entries.reversed,
      posted: report.entries.posted,
    },
    assertions: {
      checked: report.assertions.checked,
      failed: report.assertions.failures.length,
      ...(first
        ? { first: `${first.name} ${first.subject}: expected ${first.expected}, got ${first.actual}` }
        : {}),
    },
    postingIssues: issues,
    // Listed or left out (reportItemLimit).
    allocations: report.allocations.length + (report.omitted?.allocations ?? 0),
    suggestions: report.suggestions.length + (report.omitted?.suggestions ?? 0),
    bankMatches: report.bankMatches.length + (report.omitted?.bankMatches ?? 0),
    memory,
    retainedHeap: 0,
    rssAfter: 0,
  };
  if (report.reason !== undefined) result.reason = report.reason;
  return result;
}

/** Repetitions of each pure step; the fastest counts (a collection landing in one of them is noise here). */
const PURE_REPEATS = 3;

/**
 * The pure steps one at a time, on a fresh snapshot of the same data (the service's run is over): each
 * {@link PURE_REPEATS} times after a full GC, the fastest reported.
 */
function timePureSteps(
  data: ReconcileData,
  bankTransactions: readonly BankTransaction[],
): { times: Record<string, number>; entries: number } {
  const times: Record<string, number> = {};
  const step = <T>(name: string, fn: () => T): T => {
    const last: { value?: T } = {};
    let best = Infinity;
    for (let i = 0; i < PURE_REPEATS; i++) {
      delete last.value; // the previous repetition's result is garbage before the next one starts
      fullGc();
      const t0 = performance.now();
      last.value = fn();
      best = Math.min(best, performance.now() - t0);
    }
    times[name] = best;
    return last.value as T;
  };
  const customer = data.customer;
  const ref = { id: customer.id, organisasjonsnummer: customer.organisasjonsnummer };
  const period = { from: data.startDate, to: data.asOf };
  const snapshot = step('buildSnapshot', () =>
    buildSnapshot({
      customer: ref,
      asOf: data.asOf,
      openClaims: data.openClaims,
      claims: [{ partyId: ref.organisasjonsnummer, shielded: false, period, claims: data.claims }],
      payments: [{ partyId: ref.organisasjonsnummer, shielded: false, period, payments: data.payments }],
      payouts: [{ partyId: ref.organisasjonsnummer, shielded: false, period, payouts: data.payouts }],
    }),
  );
  // A copy each time: indexes are cached per snapshot object.
  step('indexSnapshot', () => indexSnapshot({ ...snapshot }));
  indexSnapshot(snapshot);
  const allocations = step('allocationsFromSnapshot', () => allocationsFromSnapshot(snapshot));
  step('suggestPlacements', () => suggestPlacements(snapshot));
  step('matchBankTransactions', () => matchBankTransactions(snapshot.payments, bankTransactions));
  const accounts = mergeAccounts(loadDefaultAccounts(), customer.accounts);
  const rules = step('entriesForSnapshot', () =>
    entriesForSnapshot(snapshot, customer, accounts, { allocations }),
  );
  step('  of which entryContentHash (all entries again)', () => {
    for (const e of rules.entries) entryContentHash(e);
  });
  const parents = step('snapshotParents', () => snapshotParents(snapshot));
  const plan = step('planPostings (empty store)', () => planPostings(rules.entries, new Map(), parents));
  step('assertBalanced (every planned entry)', () => {
    for (const p of plan.toPost) assertBalanced(p.entry);
  });
  const posted: JournalEntry[] = plan.toPost.map((p) => p.entry);
  step('entryEffects + entryParents (what the outbox keeps per entry)', () =>
    plan.toPost.map((p) => [entryEffects(p.entry), entryParents(p.baseKey)]),
  );
  step('checkMirror (all planned entries posted)', () =>
    checkMirror({
      snapshot,
      customer,
      clearingAccount: accounts.taxAccountClearing,
      desired: rules.entries,
      posted,
    }),
  );
  const json = step(FLOOR_STEPS[0], () => posted.map((e) => JSON.stringify(e)));
  step('JSON.parse every entry (what a store read costs)', () =>
    json.map((s) => JSON.parse(s) as JournalEntry),
  );
  step(FLOOR_STEPS[1], () => writeEntryTexts(posted, json));
  step('structuredClone every entry (what the memory journal does)', () =>
    posted.map((e) => structuredClone(e)),
  );
  return { times, entries: posted.length };
}

/**
 * The least a durable outbox on SQLite writes for a run: each entry's key and JSON text as one row of a table whose
 * key is unique, in one transaction, on a new file with the store's settings (WAL, synchronous NORMAL, 64 MB of
 * page cache). The store writes more per entry (status, content hash, effects, parents and their indexes).
 */
function writeEntryTexts(entries: readonly JournalEntry[], texts: readonly string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'kob-bench-floor-'));
  const db = new Database(join(dir, 'floor.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    db.exec('CREATE TABLE entries (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, entry TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO entries (key, entry) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < entries.length; i++) insert.run(entries[i].idempotencyKey, texts[i]);
    }).immediate();
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CPU profile through the inspector, so it covers the first run only (not the data generation). */
async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Above this share of the heap limit before the run, the run would only end in an out-of-memory crash. */
const MAX_BASELINE_SHARE = 0.6;

async function main(task: ChildTask): Promise<ChildResult> {
  fullGc();
  const heapBeforeData = process.memoryUsage().heapUsed;
  const g0 = performance.now();
  // As text: generated and written by another process (it needs gigabytes of heap at 10^6), read back here.
  const text = task.factsAsText ? await textFactsOf(task) : undefined;
  let data: ReconcileData | undefined = text
    ? {
        customer: text.customer,
        startDate: text.startDate,
        asOf: text.asOf,
        claims: [],
        payments: [],
        payouts: [],
        openClaims: {
          partyId: text.customer.organisasjonsnummer,
          shielded: false,
          claims: [],
          unplacedPayments: [],
          groups: [],
        } as unknown as ReconcileData['openClaims'],
        bankTransactions: [],
        stats: text.stats,
      }
    : generateReconcileData({
        claims: task.claims,
        seed: task.seed,
        shareStrings: task.shareStrings === true,
      });
  const generateMs = performance.now() - g0;
  progress(`generated ${task.claims} claims in ${generateMs.toFixed(0)} ms`);

  if (task.warmupClaims > 0) {
    const warm = generateReconcileData({
      claims: task.warmupClaims,
      seed: task.seed + 1,
      customerId: 'warmup',
    });
    const store = await openStore('memory', '');
    const journal = new MemoryJournalAdapter();
    journal.seedBankTransactions(warm.customer.id, warm.bankTransactions);
    const svc = service(warm, store, journal, undefined, task);
    await svc.reconcile(warm.customer.id, { asOf: warm.asOf });
    await svc.reconcile(warm.customer.id, { asOf: warm.asOf });
    await store.close();
  }

  /** Where run `run`'s store lives: a SQLite file, or a PostgreSQL schema name. */
  const storePlace = (run: number) =>
    task.store === 'postgres'
      ? `kob_bench_${process.pid}_${run}`
      : join(tmpdir(), `kob-reconcile-bench-${process.pid}-${run}.sqlite`);
  const ref = { id: data.customer.id, organisasjonsnummer: data.customer.organisasjonsnummer };
  const period = { from: data.startDate, to: data.asOf };
  // The bank lines live in the journal (as the host's ledger holds them), not twice.
  const seeded = (lines: readonly BankTransaction[]) => {
    const journal = new MemoryJournalAdapter();
    // In slices: seedBankTransactions spreads its argument into push(), which overflows the stack at 10^6.
    for (let i = 0; i < lines.length; i += 50_000)
      journal.seedBankTransactions(ref.id, lines.slice(i, i + 50_000));
    return journal;
  };
  // The host's ledger keeps its bank lines itself (with the facts, before the baseline); the memory journal holds them.
  const serialized = text && new SerializedFactSource(text);
  const host =
    task.journal === 'host'
      ? new HostLedgerJournal(serialized ? (p) => serialized.bankLines(p) : data.bankTransactions)
      : undefined;
  let journal: JournalAdapter = host ?? seeded(data.bankTransactions);
  if (!host) data.bankTransactions = [];
  let facts: FactSource;
  if (serialized) facts = serialized;
  else {
    const parsed = new BenchFactSource(data);
    if (task.factWindowDays !== undefined) parsed.indexWindows();
    facts = parsed;
  }
  let store: StateStore | undefined;
  try {
    fullGc();
    const heapLimit = v8.getHeapStatistics().heap_size_limit;
    const baseline = {
      heapUsed: process.memoryUsage().heapUsed,
      rss: process.memoryUsage().rss,
      heapLimit,
      heapBeforeData,
    };
    const result: ChildResult = { task, generateMs, stats: data.stats, baseline };
    // A run in fact windows is meant to fit in the room its heap limit leaves: it is run whatever that room.
    if (task.factWindowDays === undefined && baseline.heapUsed > heapLimit * MAX_BASELINE_SHARE) {
      result.skipped =
        `the facts alone take ${(baseline.heapUsed / 2 ** 20).toFixed(0)} MB of the ` +
        `${(heapLimit / 2 ** 20).toFixed(0)} MB heap: no room for a run`;
      progress(`skipped: ${result.skipped}`);
      return result;
    }

    // First runs, each from an empty store with a fresh journal; the one with the median time is reported.
    const firsts: RunResult[] = [];
    const timeline = new Timeline();
    let svc: ReconciliationService | undefined;
    for (let run = 0; run < task.repeats; run++) {
      if (store) {
        const lines = await journal.findBankTransactions!(ref, period);
        await closeStore(store, task.store, storePlace(run - 1));
        store = undefined;
        svc = undefined;
        journal = host ?? seeded(lines);
      }
      store = await openStore(task.store, storePlace(run));
      svc = service(data, store, journal, timeline, task, facts);
      const profiler = task.cpuProfileDir && run === 0 ? await startCpuProfile() : undefined;
      const first = await measuredRun(svc, data, timeline);
      if (profiler) {
        const file = join(task.cpuProfileDir!, `reconcile-${task.store}-${task.claims}.cpuprofile`);
        await profiler.stop(file);
        progress(`CPU profile of the first run: ${file}`);
      }
      firsts.push(first);
      progress(`first run #${run + 1}: ${first.wallMs.toFixed(0)} ms (${first.status})`);
    }
    const byTime = [...firsts].sort((a, b) => a.wallMs - b.wallMs);
    result.first = byTime[Math.floor((byTime.length - 1) / 2)];
    result.firstRunTimes = firsts.map((r) => r.wallMs);
    if (task.rerun && svc) {
      const profiler = task.cpuProfileDir ? await startCpuProfile() : undefined;
      result.second = await measuredRun(svc, data, timeline);
      if (profiler) {
        const file = join(task.cpuProfileDir!, `reconcile-${task.store}-${task.claims}-second.cpuprofile`);
        await profiler.stop(file);
        progress(`CPU profile of the second run: ${file}`);
      }
      progress(`second run ${result.second.wallMs.toFixed(0)} ms (${result.second.status})`);
    }
    if (task.pure) {
      const bank = await journal.findBankTransactions!(ref, period);
      const pure = timePureSteps(data, bank);
      result.pure = pure.times;
      result.pureEntries = pure.entries;
      progress('pure steps timed');
    }
    data = undefined;
    return result;
  } finally {
    if (store) await closeStore(store, task.store, storePlace(task.repeats - 1));
  }
}

async function closeStore(store: StateStore, kind: ChildTask['store'], place: string): Promise<void> {
  await store.close();
  if (kind === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(place + suffix, { force: true });
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${place}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Generates the task's data in a process of its own (12 GB of heap) and reads it back as text. With
 * KOB_BENCH_FACTS_CACHE (a folder) the text is kept there and read again by the next run of the same size and seed:
 * generating 10^6 takes minutes, which repeated measurements need not spend.
 */
async function textFactsOf(task: ChildTask): Promise<TextFacts> {
  const cache = process.env.KOB_BENCH_FACTS_CACHE;
  const dir = cache
    ? join(cache, `facts-${task.claims}-${task.seed}${task.shareStrings === true ? '-shared' : ''}`)
    : mkdtempSync(join(tmpdir(), 'kob-reconcile-facts-'));
  const complete = join(dir, 'complete');
  try {
    if (!existsSync(complete)) {
      mkdirSync(dir, { recursive: true });
      await new Promise<void>((resolve, reject) => {
        const writer = fork(fileURLToPath(import.meta.url), ['--write-facts', dir, JSON.stringify(task)], {
          execArgv: ['--max-old-space-size=12288'],
          stdio: 'inherit',
        });
        writer.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`fact writer exited ${code}`)),
        );
      });
      writeFileSync(complete, '');
    }
    return readTextFacts(dir);
  } finally {
    if (!cache) rmSync(dir, { recursive: true, force: true });
  }
}

const taskJson = process.argv[2];
if (taskJson === '--write-facts') {
  const task = JSON.parse(process.argv[4]) as ChildTask;
  const data = generateReconcileData({
    claims: task.claims,
    seed: task.seed,
    shareStrings: task.shareStrings === true,
  });
  writeTextFacts(data, process.argv[3]);
} else if (taskJson) {
  main(JSON.parse(taskJson) as ChildTask).then(
    async (result) => {
      await send({ kind: 'result', result });
      process.exit(0);
    },
    async (error: unknown) => {
      await send({
        kind: 'error',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exit(1);
    },
  );
}
