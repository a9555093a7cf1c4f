import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { RecognitionMode } from '../../src/config/module-options.interface.js';
import type { JournalEntry } from '../../src/journal/journal-adapter.interface.js';
import type { ReconciliationReport } from '../../src/reconciliation/reconciliation-report.js';
import { MemoryStateStore, SqliteStateStore, type StateStore } from '../../src/store/index.js';
import {
  balanceProblems,
  foreignParts,
  inEffect,
  partyIds,
  paymentUse,
  refundsAcrossBookingStart,
  storeAndJournal,
} from './property-checks.js';
import {
  OUTBOX_CHUNK,
  crashingStore,
  downJournal,
  hangingJournal,
  healthy,
  journalOf,
  newWorld,
  outcome,
  refusingJournal,
  serviceOf,
  undeliveredOf,
  DEFAULT_SETTINGS,
  type CustomerSettings,
  type LedgerSpec,
  type StoreCrashPoint,
  type World,
} from './property-harness.js';

// Properties of ReconciliationService over the sandbox's simulated tax accounts (issue 6): every entry balances,
// a payment's placements never exceed it, a second run posts nothing, a crash anywhere followed by a rerun
// leaves exactly the entries of an uninterrupted run, and customers never see each other's data. Each case
// replays a deterministic ledger (documented or generated, any seed) through a sequence of runs with the
// ledger's clock advanced between them, so placements, set-offs and payouts appear after the facts they touch.

const RECOGNISE: RecognitionMode[] = ['interest-and-fees', 'all', 'none'];
/** Longer than the service's default run lock (15 minutes). */
const PAST_LOCK_TTL_MS = 16 * 60_000;
/** Deeper local runs: KOB_PROPERTY_RUNS=10 runs every property ten times as often (raise the timeout too). */
const RUNS_FACTOR = Number(process.env.KOB_PROPERTY_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * RUNS_FACTOR));
/** Per property; the whole file runs in well under a minute. */
const TIMEOUT_MS = 60_000 * Math.max(1, RUNS_FACTOR);

/** A history to replay: the ledger, the customers' settings, and the days between runs. */
interface Scenario {
  spec: LedgerSpec;
  settings: CustomerSettings;
  /** Days the ledger moves before each run after the first (one run at the ledger's today, then one per entry). */
  advances: number[];
  /** The service's `overlapDays`: undefined for its default (60), or a window reaching back to the booking start. */
  overlapDays?: number;
  /** Before this run every customer moves its bank account (1920 → 1921): posted entries change. */
  remapAt?: number;
  /** The service's `factWindowDays`: undefined for one window per run. */
  factWindowDays?: number;
}

/** Wide enough for every window to start at the booking start. */
const WIDE_OVERLAP_DAYS = 3650;

const documentedSpec = fc.record({
  kind: fc.constant('documented' as const),
  seed: fc.integer({ min: 1, max: 10_000 }),
});
const generatedSpec = (minCustomers: number) =>
  fc.record({
    kind: fc.constant('generated' as const),
    seed: fc.integer({ min: 1, max: 10_000 }),
    customers: fc.integer({ min: minCustomers, max: 4 }),
    claimsPerCustomer: fc.integer({ min: 4, max: 36 }),
  });
const specArb: fc.Arbitrary<LedgerSpec> = fc.oneof(documentedSpec, generatedSpec(1));

const settingsArb: fc.Arbitrary<CustomerSettings> = fc.record({
  startOffsetDays: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 })),
  hostBooksBankLines: fc.boolean(),
  recognise: fc.constantFrom(...RECOGNISE),
});

/** Fact windows from a day (many windows per run) to a quarter. */
const factWindowDaysArb = fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 11, max: 92 }));

/**
 * Scenarios: half of them with a fetch window reaching back to the booking start, half with the default; a
 * third of them fetching and posting in fact windows.
 */
const scenarioArb = (
  options: {
    remap?: boolean;
    spec?: fc.Arbitrary<LedgerSpec>;
    maxRuns?: number;
    /** `never`: one window per run (the properties that count a run's batches); `always`: fact windows. */
    windows?: 'never' | 'always';
  } = {},
) =>
  fc
    .record({
      spec: options.spec ?? specArb,
      settings: settingsArb,
      advances: fc.array(fc.integer({ min: 1, max: 75 }), { maxLength: (options.maxRuns ?? 4) - 1 }),
      wide: fc.boolean(),
      remapAt: fc.integer({ min: 1, max: 3 }),
      windowDays:
        options.windows === 'never'
          ? fc.constant(null)
          : options.windows === 'always'
            ? factWindowDaysArb
            : fc.option(factWindowDaysArb, { freq: 2 }),
    })
    .map(({ spec, settings, advances, wide, remapAt, windowDays }): Scenario => ({
      spec,
      settings,
      advances,
      ...(wide ? { overlapDays: WIDE_OVERLAP_DAYS } : {}),
      ...(options.remap && remapAt <= advances.length ? { remapAt } : {}),
      ...(windowDays === null ? {} : { factWindowDays: windowDays }),
    }));

function scenarioWorld(scenario: Scenario, store?: StateStore): Promise<World> {
  return newWorld(scenario.spec, scenario.settings, {
    ...(store === undefined ? {} : { store }),
    ...(scenario.overlapDays === undefined ? {} : { overlapDays: scenario.overlapDays }),
    ...(scenario.factWindowDays === undefined ? {} : { factWindowDays: scenario.factWindowDays }),
  });
}

/** Moves the world to run `step` of the scenario: advances the ledger, applies a remap due then. */
function stepTo(world: World, scenario: Scenario, step: number): void {
  if (step > 0) world.ledger.advance(scenario.advances[step - 1]);
  if (scenario.remapAt === step) {
    for (const c of world.customers) c.accounts = { ...c.accounts, bank: '1921' };
  }
}

/**
 * A run that is not interrupted must end `ok` with every assertion holding. The sandbox never changes or undoes
 * a fact once it happened, so only a remap may change or reverse entries.
 */
function expectHealthy(report: ReconciliationReport, scenario: Scenario, step: number): void {
  expectOk(report);
  if (scenario.remapAt !== step) expect(report.entries).toMatchObject({ changed: 0, reversed: 0 });
}

/** Status `ok`, no assertion failed. */
function expectOk(report: ReconciliationReport): void {
  expect(outcome(report)).toEqual(healthy(report.customerId));
}

/** Runs the scenario uninterrupted: each step, each customer once. Every run must be healthy. */
async function runUninterrupted(
  scenario: Scenario,
  store?: StateStore,
): Promise<{ world: World; reports: ReconciliationReport[][] }> {
  const world = await scenarioWorld(scenario, store);
  const reports: ReconciliationReport[][] = [];
  for (let step = 0; step <= scenario.advances.length; step++) {
    stepTo(world, scenario, step);
    seedBankLines(world);
    const service = serviceOf(world);
    const row: ReconciliationReport[] = [];
    for (const c of world.customers) {
      const report = await service.reconcile(c.id, { asOf: world.ledger.today });
      expectHealthy(report, scenario, step);
      row.push(report);
    }
    reports.push(row);
  }
  return { world, reports };
}

const CRASH_POINTS = [
  /** The journal is down: the call fails before anything is written. */
  'journal-before',
  /** The journal writes part of the batch, then the call fails. */
  'journal-during',
  /** The journal writes everything, then the call fails (no answer). */
  'journal-after',
  /** The process dies while writing the outbox: nothing is written. */
  'store-outbox-write',
  /** The process dies after the journal answered, before the answer is recorded. */
  'store-mark-posted',
  /** The process dies after posting, before the run's watermark is written. */
  'store-watermark-write',
  /** The first outbox write went through, the second did not (a large run writes in chunks). */
  'store-outbox-write-later',
  /** The outbox is written, the journal refuses; a new process (fresh service) retries. */
  'restart-after-refusal',
  /** The process dies while waiting on the journal (after it wrote part of the batch), holding the run lock. */
  'restart-while-hung',
] as const;
type CrashPoint = (typeof CRASH_POINTS)[number];

interface Crash {
  /** Which run of the history crashes, among those that post something. */
  target: number;
  point: CrashPoint;
  /** Share of the batch the journal writes before a crash during the call. */
  fraction: number;
  /** Retry at the next step's run instead of at once (the ledger moves on meanwhile). */
  rerunLater: boolean;
}

const crashArb: fc.Arbitrary<Crash> = fc.record({
  target: fc.nat({ max: 1000 }),
  point: fc.constantFrom(...CRASH_POINTS),
  fraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  rerunLater: fc.boolean(),
});

/**
 * Replays the scenario with one crash in a run that (in the uninterrupted replay `reports`) posted entries, and
 * returns the world after the rest of the history. `restart` replaces the store after the crash, as a new
 * process would open it.
 */
async function runCrashed(
  scenario: Scenario,
  crash: Crash,
  reports: ReconciliationReport[][],
  options: { store?: StateStore; restart?: (world: World) => Promise<void> } = {},
): Promise<World> {
  const targets = reports.flatMap((row, step) =>
    row.flatMap((r, index) => (r.entries.posted > 0 ? [{ step, index, batch: r.entries.posted }] : [])),
  );
  fc.pre(targets.length > 0);
  // A later rerun across a remap legitimately differs when the histories differ: a crash before (or in) the
  // outbox write leaves nothing (or only part) to deliver, so the rerun posts the new mapping at once where the uninterrupted run
  // posted the old one and then reversed it; and with the default overlap a remap re-posts only the facts in the
  // next run's window, which is wider after a crashed run left the watermark behind.
  fc.pre(
    !(
      crash.rerunLater &&
      scenario.remapAt !== undefined &&
      (scenario.overlapDays === undefined || crash.point.startsWith('store-outbox-write'))
    ),
  );
  const target = targets[crash.target % targets.length];
  const world = await scenarioWorld(scenario, options.store);
  const last = scenario.advances.length;
  for (let step = 0; step <= last; step++) {
    stepTo(world, scenario, step);
    for (const [index, c] of world.customers.entries()) {
      if (step === target.step && index === target.index) {
        await crashRun(world, c.id, crash, target.batch, options.restart);
        if (crash.rerunLater && step < last) continue;
      }
      expectHealthy(await serviceOf(world).reconcile(c.id, { asOf: world.ledger.today }), scenario, step);
    }
  }
  return world;
}

/** One run of `customerId` that crashes at `crash.point` while `batch` entries are due, checked as it happens. */
async function crashRun(
  world: World,
  customerId: string,
  crash: Crash,
  batch: number,
  restart?: (world: World) => Promise<void>,
): Promise<void> {
  const asOf = world.ledger.today;
  const partial = Math.floor(crash.fraction * batch);
  const before = world.journal.entries(customerId).length;
  const run = (overrides?: Parameters<typeof serviceOf>[1]) =>
    serviceOf(world, overrides).reconcile(customerId, { asOf });
  let report: ReconciliationReport | undefined;
  let written = 0;
  let undelivered = batch;
  switch (crash.point) {
    case 'journal-before':
      world.journal.failNext(1);
      report = await run();
      break;
    case 'journal-during':
      world.journal.failAfter(partial);
      report = await run();
      written = partial;
      break;
    case 'journal-after':
      world.journal.failAfter(Number.MAX_SAFE_INTEGER);
      report = await run();
      written = batch;
      break;
    case 'store-outbox-write':
    case 'store-outbox-write-later':
    case 'store-mark-posted':
    case 'store-watermark-write': {
      const store = crashingStore(world.store, crash.point.slice('store-'.length) as StoreCrashPoint);
      report = await run({ store });
      // A batch that fits one outbox write has no second one to crash at: the run went through.
      if (crash.point === 'store-outbox-write-later' && batch <= OUTBOX_CHUNK) {
        expect(store.fired).toBe(false);
        expect(report.status).toBe('ok');
        return;
      }
      expect(store.fired).toBe(true);
      const outboxCrash = crash.point.startsWith('store-outbox-write');
      written = outboxCrash ? 0 : batch;
      // The chunk written before the crash waits in the outbox, as pending.
      undelivered =
        crash.point === 'store-mark-posted'
          ? batch
          : crash.point === 'store-outbox-write-later'
            ? OUTBOX_CHUNK
            : 0;
      break;
    }
    case 'restart-after-refusal':
      report = await run({ journal: downJournal });
      break;
    case 'restart-while-hung': {
      const hung = hangingJournal(world.journal, partial);
      void run({ journal: hung });
      await hung.called;
      written = partial;
      break;
    }
  }
  world.journal.clearFailures();
  // The crashed run says so, and the entries it could not confirm wait in the outbox.
  if (report)
    expect({ status: report.status, failed: report.entries.failed }).toEqual({
      status: 'failed',
      failed: crash.point.startsWith('store-') && crash.point !== 'store-mark-posted' ? 0 : batch,
    });
  expect(world.journal.entries(customerId).length - before).toBe(written);
  const pending = await world.store.listOutbox(customerId, { status: ['pending', 'failed'] });
  expect(pending.length).toBe(undelivered);
  if (restart) await restart(world);
  if (crash.point === 'restart-while-hung') {
    // The dead process still holds the customer's run lock: a new run is skipped until the lock expires.
    const early = await serviceOf(world).reconcile(customerId, { asOf });
    expect(early.status).toBe('skipped');
    expect(world.journal.entries(customerId).length - before).toBe(written);
    world.clock.advance(PAST_LOCK_TTL_MS);
  }
}

/** Bank lines for every payment the ledger has made so far (each once), so runs link payments to them. */
const bankLinesSeeded = new WeakMap<World, Set<string>>();
function seedBankLines(world: World): void {
  let seeded = bankLinesSeeded.get(world);
  if (!seeded) bankLinesSeeded.set(world, (seeded = new Set()));
  for (const c of world.customers) {
    const fresh = (world.ledger.book(c.organisasjonsnummer)?.payments ?? []).filter(
      (p) => !seeded.has(p.paymentId),
    );
    for (const p of fresh) seeded.add(p.paymentId);
    world.journal.seedBankTransactions(
      c.id,
      fresh.map((p) => ({
        id: `bank-${p.paymentId}`,
        date: p.paymentDate,
        amount: p.amount,
        ...(p.paidFrom?.kid === undefined ? {} : { kid: p.paidFrom.kid }),
      })),
    );
  }
}

/** A deterministic shuffle key. */
function mix(text: string, salt: number): number {
  let h = salt | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995) >>> 0;
  return h;
}

let tmpDir = '';
beforeAll(() => {
  tmpDir = mkdtempSync(join(tmpdir(), 'kob-reconciliation-property-'));
});
afterAll(() => {
  rmSync(tmpDir, { recursive: true, force: true });
});

/**
 * The journals to compare: in posting order after an immediate rerun; by key after a later one, which posts the
 * crashed run's entries together with the next run's.
 */
function journalView(world: World, crash: Crash): Record<string, JournalEntry[]> {
  const journal = journalOf(world);
  if (!crash.rerunLater) return journal;
  return Object.fromEntries(Object.entries(journal).map(([id, entries]) => [id, sortedByKey(entries)]));
}

const emptyPerCustomer = (world: World) => Object.fromEntries(world.customers.map((c) => [c.id, []]));

describe('ReconciliationService over sandbox ledgers (properties)', () => {
  it(
    'every posted entry balances, a payment is never used beyond its amount, and the books mirror Skatteetaten',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb({ remap: true }), async (scenario) => {
          const { world, reports } = await runUninterrupted(scenario);
          const journal = journalOf(world);

          const all = Object.values(journal).flat();
          expect(all.flatMap(balanceProblems)).toEqual([]);
          expect(new Set(all.map((e) => e.idempotencyKey)).size).toBe(all.length);

          for (const c of world.customers) {
            const book = world.ledger.book(c.organisasjonsnummer)!;
            const used = paymentUse(journal[c.id]);
            const overused: string[] = [];
            const mismatched: string[] = [];
            for (const p of book.payments) {
              const u = used.get(p.paymentId) ?? 0;
              if (u > p.amount) overused.push(`${p.paymentId}: ${u} > ${p.amount}`);
              // Every in-scope payment's placements and refunds reach the books, to the øre.
              const expected = p.amount - (p.unplacedAmount ?? 0);
              if (p.paymentDate >= c.bookingStartDate && u !== expected)
                mismatched.push(`${p.paymentId}: posted ${u}, placed or refunded ${expected}`);
            }
            expect({ customer: c.id, overused, mismatched }).toEqual({
              customer: c.id,
              overused: [],
              mismatched: [],
            });
            // Skatteetaten's own allocations, as each run read them, never exceed a payment either.
            const amounts = new Map(book.payments.map((p) => [p.paymentId, p.amount]));
            for (const row of reports) {
              const report = row.find((r) => r.customerId === c.id)!;
              const byPayment = new Map<string, number>();
              for (const a of report.allocations) {
                const id = a.kind === 'payment' ? a.paymentId : a.kind === 'payout' ? a.paymentId : undefined;
                if (id !== undefined) byPayment.set(id, (byPayment.get(id) ?? 0) + a.amount);
              }
              for (const [id, sum] of byPayment) expect(sum).toBeLessThanOrEqual(amounts.get(id)!);
              expect(report.assertions.checked).toBeGreaterThanOrEqual(report.counts.instalments);
            }
          }

          const { stored, journal: posted } = await storeAndJournal(world);
          expect(stored).toEqual(posted);
          expect(await undeliveredOf(world)).toEqual(emptyPerCustomer(world));
        }),
        { numRuns: runs(15) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a second run on the same day posts nothing and does not call the journal',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb({ remap: true }), async (scenario) => {
          const world = await scenarioWorld(scenario);
          for (let step = 0; step <= scenario.advances.length; step++) {
            stepTo(world, scenario, step);
            for (const c of world.customers) {
              const first = await serviceOf(world).reconcile(c.id, { asOf: world.ledger.today });
              expectHealthy(first, scenario, step);
              const calls = world.journal.postCalls().length;
              const outbox = await world.store.listOutbox(c.id);
              // A fresh instance, as the next scheduled run in another process would be.
              const second = await serviceOf(world).reconcile(c.id, { asOf: world.ledger.today });
              expectHealthy(second, scenario, step);
              expect(second.entries).toMatchObject({
                added: 0,
                changed: 0,
                reversed: 0,
                posted: 0,
                duplicate: 0,
              });
              expect(second.entries.unchanged).toBe(second.entries.desired);
              expect(world.journal.postCalls().length).toBe(calls);
              expect(await world.store.listOutbox(c.id)).toEqual(outbox);
            }
          }
        }),
        { numRuns: runs(10) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a dry run posts nothing, writes only the run log, and plans what the real run then posts',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb({ remap: true }), async (scenario) => {
          const world = await scenarioWorld(scenario);
          for (let step = 0; step <= scenario.advances.length; step++) {
            stepTo(world, scenario, step);
            const service = serviceOf(world);
            for (const c of world.customers) {
              const asOf = world.ledger.today;
              const before = {
                outbox: await world.store.listOutbox(c.id),
                watermark: await world.store.getWatermark(c.id, 'facts'),
                matches: await world.store.listMatches(c.id),
                block: await world.store.getBlock(c.id),
                calls: world.journal.postCalls().length,
                journal: world.journal.entries(c.id),
              };
              const logged = (await world.store.listRuns(c.id, 10_000)).length;
              const dry = await service.reconcile(c.id, { asOf, dryRun: true });
              expectHealthy(dry, scenario, step);
              expect(dry.entries).toMatchObject({ posted: 0, duplicate: 0, failed: 0, postedKeys: [] });
              expect({
                outbox: await world.store.listOutbox(c.id),
                watermark: await world.store.getWatermark(c.id, 'facts'),
                matches: await world.store.listMatches(c.id),
                block: await world.store.getBlock(c.id),
                calls: world.journal.postCalls().length,
                journal: world.journal.entries(c.id),
              }).toEqual(before);
              const log = await world.store.listRuns(c.id, 10_000);
              expect(log.length).toBe(logged + 1);
              expect(log[0]).toMatchObject({ runId: dry.runId, dryRun: true, status: 'ok' });

              const real = await service.reconcile(c.id, { asOf });
              expectHealthy(real, scenario, step);
              const plan = ({
                desired,
                unchanged,
                added,
                changed,
                reversed,
                outOfScope,
              }: typeof dry.entries) => ({
                desired,
                unchanged,
                added,
                changed,
                reversed,
                outOfScope,
              });
              expect(plan(real.entries)).toEqual(plan(dry.entries));
              expect(real.entries.postedKeys.length).toBe(real.entries.posted);
              expect(world.journal.entries(c.id).length).toBe(before.journal.length + real.entries.posted);
            }
          }
        }),
        { numRuns: runs(10) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a sequence of runs ends with the entries and balances of one run on the last day',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb(), async (scenario) => {
          const { world: stepped } = await runUninterrupted(scenario);
          const once = await runOnceAtTheEnd(scenario);
          for (const c of stepped.customers) {
            expect({ customer: c.id, entries: sortedByKey(inEffect(stepped.journal.entries(c.id))) }).toEqual(
              {
                customer: c.id,
                entries: sortedByKey(once.journal.entries(c.id)),
              },
            );
            expect({ customer: c.id, balances: stepped.journal.balances(c.id) }).toEqual({
              customer: c.id,
              balances: once.journal.balances(c.id),
            });
          }
        }),
        { numRuns: runs(12) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'in fact windows, runs post the entries of runs in one window, and report the same counts, sums, matches and checks',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb({ remap: true, windows: 'always' }), async (scenario) => {
          const windowed = await runUninterrupted(scenario);
          const { factWindowDays: _, ...whole } = scenario;
          const single = await runUninterrupted(whole);
          expect(sortedJournals(windowed.world)).toEqual(sortedJournals(single.world));
          for (const [step, row] of windowed.reports.entries()) {
            for (const [i, report] of row.entries()) {
              expect(reportView(report)).toEqual(reportView(single.reports[step][i]));
            }
          }
        }),
        { numRuns: runs(15) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'in fact windows, a run that fails in any window (journal or store), then a rerun, leaves the entries of an uninterrupted run',
    async () => {
      const POINTS = [
        'journal',
        'outbox-write',
        'outbox-write-later',
        'mark-posted',
        'watermark-write',
      ] as const;
      await fc.assert(
        fc.asyncProperty(
          scenarioArb({ maxRuns: 3, windows: 'always' }),
          fc.constantFrom(...POINTS),
          fc.nat({ max: 6 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          async (scenario, point, failingCall, fraction) => {
            const a = await runUninterrupted(scenario);
            const b = await scenarioWorld(scenario);
            for (let step = 0; step <= scenario.advances.length; step++) {
              stepTo(b, scenario, step);
              seedBankLines(b);
              for (const c of b.customers) {
                const asOf = b.ledger.today;
                let failed: boolean;
                if (point === 'journal') {
                  // Call `failingCall` (one per window that posts) writes part of its entries, then fails.
                  const journal = refusingJournal(b.journal, failingCall, fraction);
                  const report = await serviceOf(b, { journal }).reconcile(c.id, { asOf });
                  failed = journal.sizes.length > failingCall;
                  expect(report.status).toBe(failed ? 'failed' : 'ok');
                } else {
                  const store = crashingStore(b.store, point);
                  const report = await serviceOf(b, { store }).reconcile(c.id, { asOf });
                  failed = store.fired;
                  expect(report.status).toBe(failed ? 'failed' : 'ok');
                }
                const rerun = await serviceOf(b).reconcile(c.id, { asOf });
                expectHealthy(rerun, scenario, step);
                if (!failed) expect(rerun.entries.posted).toBe(0);
              }
            }
            expect(sortedJournals(b)).toEqual(sortedJournals(a.world));
            expect(await undeliveredOf(b)).toEqual(emptyPerCustomer(b));
          },
        ),
        { numRuns: runs(15) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a crash before, during or after the journal call, then a rerun, leaves exactly the entries of an uninterrupted run',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          scenarioArb({ remap: true, windows: 'never' }),
          crashArb,
          async (scenario, crash) => {
            const a = await runUninterrupted(scenario);
            const b = await runCrashed(scenario, crash, a.reports);
            expect(journalView(b, crash)).toEqual(journalView(a.world, crash));
            expect(await undeliveredOf(b)).toEqual(emptyPerCustomer(b));
            const { stored, journal } = await storeAndJournal(b);
            expect(stored).toEqual(journal);
          },
        ),
        { numRuns: runs(30) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'on SQLite, reopened after the crash as a restarted process would, the outcome is the same as in memory',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(scenarioArb({ maxRuns: 3, windows: 'never' }), crashArb, async (scenario, crash) => {
          const a = await runUninterrupted(scenario);
          const path = join(tmpDir, `case-${++n}.sqlite`);
          const opened: StateStore[] = [];
          const open = async (world?: World) => {
            const store = new SqliteStateStore({ path, ...(world ? { clock: world.clock } : {}) });
            opened.push(store);
            await store.migrate();
            return store;
          };
          try {
            const b = await runCrashed(scenario, crash, a.reports, {
              store: await open(),
              restart: async (world) => {
                await world.store.close();
                world.store = await open(world);
              },
            });
            expect(journalView(b, crash)).toEqual(journalView(a.world, crash));
            expect(await undeliveredOf(b)).toEqual(emptyPerCustomer(b));
            const { stored, journal } = await storeAndJournal(b);
            expect(stored).toEqual(journal);
          } finally {
            for (const store of opened) await store.close().catch(() => undefined);
          }
        }),
        { numRuns: runs(8) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'in journal batches, a refused batch leaves the earlier ones posted, itself failed and the later ones pending; a rerun completes the same books',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          scenarioArb({ maxRuns: 3, windows: 'never' }),
          fc.integer({ min: 1, max: 7 }),
          fc.nat(),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          async (scenario, size, pick, fraction) => {
            const a = await runUninterrupted(scenario);
            const b = await scenarioWorld(scenario);
            let refused = 0;
            for (let step = 0; step <= scenario.advances.length; step++) {
              stepTo(b, scenario, step);
              seedBankLines(b);
              for (const c of b.customers) {
                const asOf = b.ledger.today;
                const due = (await serviceOf(b).reconcile(c.id, { asOf, dryRun: true })).entries;
                const expected = due.added + 2 * due.changed + due.reversed;
                const before = b.journal.entries(c.id).length;
                const calls = b.journal.postCalls().length;
                // Every other customer run: the journal refuses one batch after writing part of it.
                const batches = Math.ceil(expected / size);
                const failing = batches > 0 && (pick + refused + step) % 2 === 0 ? pick % batches : -1;
                const journal = refusingJournal(b.journal, failing, fraction);
                const report = await serviceOf(b, { journal, journalBatchSize: size }).reconcile(c.id, {
                  asOf,
                });
                const { sizes } = journal;
                expect(sizes.every((n) => n <= size)).toBe(true);
                if (failing < 0) {
                  expectHealthy(report, scenario, step);
                  expect(sizes.length).toBe(batches);
                  expect(report.entries.posted).toBe(expected);
                  continue;
                }
                refused++;
                const sent = failing * size;
                const failedBatch = Math.min(size, expected - sent);
                expect(sizes.length).toBe(failing + 1);
                expect(report.status).toBe('failed');
                expect(report.entries).toMatchObject({ posted: sent, duplicate: 0, failed: failedBatch });
                expect(b.journal.entries(c.id).length).toBe(before + sent + journal.partial);
                // In outbox order: the confirmed batches posted, the refused one failed, the rest never sent.
                const rows = (await b.store.listOutbox(c.id)).slice(-expected);
                expect(rows.map((r) => r.status)).toEqual([
                  ...Array<string>(sent).fill('posted'),
                  ...Array<string>(failedBatch).fill('failed'),
                  ...Array<string>(expected - sent - failedBatch).fill('pending'),
                ]);
                const rerun = await serviceOf(b, { journalBatchSize: size }).reconcile(c.id, { asOf });
                expectHealthy(rerun, scenario, step);
                expect(rerun.entries).toMatchObject({
                  duplicate: journal.partial,
                  posted: expected - sent - journal.partial,
                });
                // The refused run made failing + 1 calls (the last one wrote `partial` entries), the rerun the rest.
                expect(b.journal.postCalls().length).toBe(
                  calls + failing + 1 + Math.ceil((expected - sent) / size),
                );
              }
            }
            expect(journalOf(b)).toEqual(journalOf(a.world));
            expect(await undeliveredOf(b)).toEqual(emptyPerCustomer(b));
          },
        ),
        { numRuns: runs(10) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'an entry the journal already has comes back as duplicate and is never posted twice',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          scenarioArb({ maxRuns: 3, windows: 'never' }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          async (scenario, fraction) => {
            const world = await scenarioWorld(scenario);
            for (let step = 0; step <= scenario.advances.length; step++) {
              stepTo(world, scenario, step);
              for (const c of world.customers) {
                const asOf = world.ledger.today;
                // What this run will post, learnt from a dry run.
                const dry = await serviceOf(world).reconcile(c.id, { asOf, dryRun: true });
                expectHealthy(dry, scenario, step);
                const expected = dry.entries.added + 2 * dry.entries.changed + dry.entries.reversed;
                const before = world.journal.entries(c.id).length;
                let batch = 0;
                if (expected > 0) {
                  // The journal writes part or all of the batch, then the call fails.
                  const k = fraction < 0.5 ? Math.floor(fraction * 2 * expected) : Number.MAX_SAFE_INTEGER;
                  world.journal.failAfter(k);
                  const crashed = await serviceOf(world).reconcile(c.id, { asOf });
                  expect(crashed.status).toBe('failed');
                  batch = crashed.entries.failed;
                  const written = Math.min(k, batch);
                  expect(world.journal.entries(c.id).length).toBe(before + written);
                  const rerun = await serviceOf(world).reconcile(c.id, { asOf });
                  expectHealthy(rerun, scenario, step);
                  expect(rerun.entries).toMatchObject({ duplicate: written, posted: batch - written });
                  const marked = (await world.store.listOutbox(c.id)).filter((o) => o.duplicate === true);
                  expect(marked.map((o) => o.key)).toEqual(
                    expect.arrayContaining(world.journal.keys(c.id).slice(before, before + written)),
                  );
                }
                const keys = world.journal.keys(c.id);
                expect(keys.length).toBe(before + batch);
                expect(new Set(keys).size).toBe(keys.length);
              }
            }
            // The store is lost (or restored from an old backup): every entry comes back as a duplicate.
            const lost = { ...world, store: new MemoryStateStore() };
            await lost.store.migrate();
            for (const c of world.customers) {
              const keys = world.journal.keys(c.id);
              const calls = world.journal.postCalls().length;
              const report = await serviceOf(lost).reconcile(c.id, { asOf: world.ledger.today });
              expectOk(report);
              expect(report.entries.posted).toBe(0);
              expect(report.entries.duplicate).toBe(report.entries.added);
              expect(world.journal.keys(c.id)).toEqual(keys);
              expect(world.journal.postCalls().length).toBe(calls + (report.entries.added > 0 ? 1 : 0));
            }
          },
        ),
        { numRuns: runs(12) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "customers never share a key or see each other's data, whatever the order and concurrency of their runs",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          scenarioArb({ spec: fc.oneof(documentedSpec, generatedSpec(2)), maxRuns: 3 }),
          fc.nat(),
          async (scenario, salt) => {
            const a = await runUninterrupted(scenario);
            // The same history with every step's runs started together, in a drawn order, on one service.
            const b = await scenarioWorld(scenario);
            for (let step = 0; step <= scenario.advances.length; step++) {
              stepTo(b, scenario, step);
              seedBankLines(b);
              const service = serviceOf(b);
              const order = [...b.customers].sort((x, y) => mix(x.id, salt) - mix(y.id, salt));
              const reports = await Promise.all(
                order.map((c) => service.reconcile(c.id, { asOf: b.ledger.today })),
              );
              for (const report of reports) expectHealthy(report, scenario, step);
            }
            expect(journalOf(b)).toEqual(journalOf(a.world));

            // Each party's identifiers, and no identifier in two parties (else the check below proves nothing).
            const own = new Map(b.customers.map((c) => [c.id, partyIds(b.ledger, c.organisasjonsnummer)]));
            const seen = new Map<string, string>();
            for (const [id, ids] of own) {
              for (const x of [...ids.ids, ...ids.kids]) {
                expect(seen.get(x) ?? id).toBe(id);
                seen.set(x, id);
              }
            }
            const allKeys = new Set<string>();
            for (const c of b.customers) {
              const ids = own.get(c.id)!;
              const entries = b.journal.entries(c.id);
              const keys = new Set(entries.map((e) => e.idempotencyKey));
              for (const k of keys) {
                expect(allKeys.has(k)).toBe(false);
                allKeys.add(k);
              }
              expect(foreignParts(c.id, entries, ids, keys)).toEqual([]);
              const rows = await b.store.listOutbox(c.id);
              expect(rows.filter((r) => r.customerId !== c.id)).toEqual([]);
              expect(
                foreignParts(
                  c.id,
                  rows.map((r) => r.entry),
                  ids,
                  keys,
                ),
              ).toEqual([]);
              const runLog = await b.store.listRuns(c.id, 10_000);
              expect(runLog.filter((r) => r.customerId !== c.id)).toEqual([]);
              const subjects = (await b.store.listMatches(c.id)).flatMap((m) => m.subjectIds);
              const foreign = subjects.filter((s) => !ids.ids.has(s.replace(/^(payment:|bank:bank-)/, '')));
              expect(foreign).toEqual([]);
            }
            for (const call of b.journal.postCalls()) {
              expect(call.keys.filter((k) => !k.startsWith(`kob:${call.customerId}:`))).toEqual([]);
            }
          },
        ),
        { numRuns: runs(12) },
      );
    },
    TIMEOUT_MS,
  );

  // Regressions found by the properties above (fixed in the service: it keeps the claim directory across runs
  // and passes the rules' `unbooked` keys to planPostings). Each once reversed an unchanged fact and posted it
  // again, or blocked the customer, when a claim an entry names left the fetch window (watermark − 60 days).
  it('a fee keeps the account of its principal after the principal leaves the fetch window', async () => {
    // Utleggsgebyr KRAV-20000068 on principal Forskuddstrekk: 2600, never 2790.
    await expectSameBooksAsOneRun(
      { spec: { kind: 'documented', seed: 5575 }, advances: [8, 1] },
      'c-311851381',
    );
  });

  it('a set-off of a sole trader refund stays on equity after the refund leaves the fetch window', async () => {
    // Tax refund FORF-50000026 (on the owner's person number) set off against VAT: 2070, never 2500.
    await expectSameBooksAsOneRun({ spec: { kind: 'documented', seed: 11 }, advances: [1] }, 'c-212201782');
  });

  it('a set-off is not reversed when its debt leaves the fetch window', async () => {
    // A VAT refund set off on 2026-11-05 and paid out on 2026-11-11 is fetched again on 2027-01-05 (window from
    // 2026-11-06), its debts are not: the set-offs stay posted.
    const world = await newWorld({ kind: 'generated', seed: 9, customers: 1, claimsPerCustomer: 19 });
    const [c] = world.customers;
    for (const days of [0, 28, 54, 0]) {
      world.ledger.advance(days);
      const report = await serviceOf(world).reconcile(c.id, { asOf: world.ledger.today });
      expect({ outcome: outcome(report), reversed: report.entries.reversed }).toEqual({
        outcome: healthy(c.id),
        reversed: 0,
      });
    }
  });

  // Regression: a set-off dated before the booking start whose debt is not fetched still counts as a reduction
  // (generated seed 9838: tax refund FORF-10000016 set off 2026-02-15, the rest paid out 2026-02-21).
  it('a set-off before the booking start counts although its debt is not fetched', async () => {
    const world = await newWorld(
      { kind: 'generated', seed: 9838, customers: 1, claimsPerCustomer: 36 },
      { ...DEFAULT_SETTINGS, startOffsetDays: 123 },
    );
    const [c] = world.customers;
    const report = await serviceOf(world).reconcile(c.id, { asOf: world.ledger.today });
    expect(outcome(report)).toEqual(healthy(c.id));
  });

  // Regression: a payout refunding a payment made before the booking start is not booked against the clearing
  // account (documented seed 1, sole trader 212201782, INN-50000006 paid 2025-04-06, refunded 2025-05-09).
  it('a refund of a payment made before the booking start keeps the clearing balance', async () => {
    const world = await newWorld(
      { kind: 'documented', seed: 1 },
      { ...DEFAULT_SETTINGS, startOffsetDays: 188 },
    );
    expect(refundsAcrossBookingStart(world.ledger, world.customers)).toEqual([
      '50000003 refunds INN-50000006',
    ]);
    const report = await serviceOf(world).reconcile('c-212201782', { asOf: world.ledger.today });
    expect(outcome(report)).toEqual(healthy('c-212201782'));
  });
});

/** The scenario's ledger moved straight to its last day, reconciled once per customer. */
async function runOnceAtTheEnd(scenario: Pick<Scenario, 'spec' | 'settings' | 'advances'>): Promise<World> {
  const once = await newWorld(scenario.spec, scenario.settings);
  once.ledger.advance(scenario.advances.reduce((a, b) => a + b, 0));
  for (const c of once.customers)
    expectOk(await serviceOf(once).reconcile(c.id, { asOf: once.ledger.today }));
  return once;
}

/** Every customer's journal, by key (windows post in another order than one run). */
function sortedJournals(world: World): Record<string, JournalEntry[]> {
  return Object.fromEntries(
    Object.entries(journalOf(world)).map(([id, entries]) => [id, sortedByKey(entries)]),
  );
}

/** What a run reports, with its lists in a fixed order (fact windows list items window by window). */
function reportView(report: ReconciliationReport) {
  const byJson = <T>(items: readonly T[]) => items.map((x) => JSON.stringify(x)).sort();
  return {
    status: report.status,
    counts: report.counts,
    sums: report.sums,
    entries: { ...report.entries, postedKeys: [...report.entries.postedKeys].sort() },
    assertions: report.assertions,
    allocations: byJson(report.allocations),
    suggestions: byJson(report.suggestions),
    bankMatches: byJson(report.bankMatches),
    unmatched: {
      paymentIds: byJson(report.unmatched.paymentIds),
      bank: byJson(report.unmatched.bankTransactionIds),
    },
    postingIssues: byJson(report.postingIssues),
  };
}

function sortedByKey(entries: JournalEntry[]): JournalEntry[] {
  return [...entries].sort((x, y) => (x.idempotencyKey < y.idempotencyKey ? -1 : 1));
}

/** The same entries (keys and content, no reversals) and balances as one run on the last day. */
async function expectSameBooksAsOneRun(
  scenario: Pick<Scenario, 'spec' | 'advances'>,
  customerId: string,
): Promise<void> {
  const full = { ...scenario, settings: DEFAULT_SETTINGS };
  const stepped = await newWorld(full.spec);
  for (let step = 0; step <= full.advances.length; step++) {
    if (step > 0) stepped.ledger.advance(full.advances[step - 1]);
    await serviceOf(stepped).reconcile(customerId, { asOf: stepped.ledger.today });
  }
  const once = await runOnceAtTheEnd(full);
  expect(stepped.journal.entries(customerId).filter((e) => e.reverses !== undefined)).toEqual([]);
  expect(sortedByKey(stepped.journal.entries(customerId))).toEqual(
    sortedByKey(once.journal.entries(customerId)),
  );
  expect(stepped.journal.balances(customerId)).toEqual(once.journal.balances(customerId));
}
