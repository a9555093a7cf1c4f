import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { CustomerConfig, CustomerSource } from '../../src/config/module-options.interface.js';
import type { ResolvedScheduleOptions } from '../../src/config/resolved-options.interface.js';
import { MemoryJournalAdapter } from '../../src/journal/memory-journal.adapter.js';
import { KravOgBetalingerModule } from '../../src/krav-og-betalinger.module.js';
import type { ReconciliationReport } from '../../src/reconciliation/reconciliation-report.js';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service.js';
import { BullmqScheduleDriver } from '../../src/scheduling/bullmq/bullmq-schedule.driver.js';
import {
  jitterOf,
  jobSchedulerId,
  tickMillisOf,
  type BullmqTickData,
  type BullmqTickResult,
} from '../../src/scheduling/bullmq/bullmq-driver.options.js';
import { CustomerRunner, type Reconciler } from '../../src/scheduling/customer-runner.js';
import { KobScheduler } from '../../src/scheduling/kob-scheduler.js';
import { KobSandbox } from '../../src/testing/index.js';

// Real Redis, one key prefix per run (deleted afterwards). Waits are on BullMQ events, never on sleeps; the
// jest timeouts only stop a hung test.
const connection = { host: '127.0.0.1', port: 6379 };
const prefix = `kobtest-${randomUUID().slice(0, 8)}`;
const EVERY_SECOND = '* * * * * *';

type Tick = Job<BullmqTickData, BullmqTickResult>;

const customerOf = (jobId: string): string => jobId.slice('repeat:kob:'.length, jobId.lastIndexOf(':'));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function schedule(queueName: string, overrides: Partial<ResolvedScheduleOptions> = {}, bullmq = {}) {
  return {
    enabled: true,
    cron: EVERY_SECOND,
    timezone: 'Europe/Oslo',
    jitterMs: 0,
    concurrency: 2,
    shutdownTimeoutMs: 10_000,
    driver: { bullmq: { connection, prefix, queueName, ...bullmq } },
    ...overrides,
  } satisfies ResolvedScheduleOptions;
}

/** Listens to a queue's events from its first one, so nothing before `waitUntilReady` is missed. */
async function listen(queueName: string): Promise<QueueEvents> {
  const events = new QueueEvents(queueName, { connection, prefix, lastEventId: '0-0' });
  await events.waitUntilReady();
  return events;
}

/** Resolves once `done()` holds after some event (checked at once too). */
function until(events: QueueEvents, names: ('completed' | 'failed')[], done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return;
      for (const name of names) events.off(name, check);
      resolve();
    };
    for (const name of names) events.on(name, check);
    check();
  });
}

const minimalCustomer = (id: string, extra: Partial<CustomerConfig> = {}) =>
  ({ id, ...extra }) as CustomerConfig;

function report(customerId: string, status: ReconciliationReport['status'], reason?: string) {
  return {
    runId: randomUUID(),
    customerId,
    status,
    ...(reason ? { reason } : {}),
    counts: { claims: 1, instalments: 1, openClaims: 0, payments: 1, unplacedPayments: 0, payouts: 0 },
    entries: { posted: 1, duplicate: 0, failed: 0 },
    durationMs: 1,
  } as unknown as ReconciliationReport;
}

afterAll(async () => {
  const redis = new Redis(connection);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
});

describe('BullmqScheduleDriver: two application instances sharing Redis', () => {
  const queueName = 'instances';
  let sandbox: KobSandbox;
  const apps: TestingModule[] = [];
  let events: QueueEvents;
  let queue: Queue<BullmqTickData, BullmqTickResult>;

  beforeAll(async () => {
    sandbox = await KobSandbox.start();
    events = await listen(queueName);
    queue = new Queue(queueName, { connection, prefix });
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await events?.close();
    await queue?.close();
    await sandbox?.close();
  });

  it('runs every tick of every customer exactly once across both instances', async () => {
    const calls = new Map<string, string[]>(); // instance -> customer ids, one per reconciliation
    const firstRun = { a: deferred(), b: deferred() };

    // Two Nest applications embedding the module as hosts do, each with its own store and journal, scheduling
    // on the same queue. Each instance runs one reconciliation at a time and holds its first one until the other
    // instance has started one, so both demonstrably take ticks.
    for (const [name, peer] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const app = await Test.createTestingModule({
        imports: [
          KravOgBetalingerModule.forRoot({
            environment: sandbox.environment,
            maskinporten: { clientId: sandbox.clientId, key: sandbox.key },
            customers: sandbox.customers,
            journal: new MemoryJournalAdapter(),
            store: { kind: 'memory' },
            clock: sandbox.clock,
            altinn: { systemId: sandbox.authority.systemId, redirectUrl: 'https://host.example/kob/access' },
            schedule: schedule(queueName, { concurrency: 1 }),
            logger: false,
          }),
        ],
      }).compile();
      const service = app.get(ReconciliationService);
      const reconcile = service.reconcile.bind(service);
      calls.set(name, []);
      // The module's runner calls the service it was given, so replacing the method before init() records every run.
      service.reconcile = async (customerId, options) => {
        const mine = calls.get(name)!;
        mine.push(customerId);
        firstRun[name].resolve();
        if (mine.length === 1) await firstRun[peer].promise;
        return reconcile(customerId, options);
      };
      apps.push(app);
    }
    await Promise.all(apps.map((app) => app.init()));
    expect(apps.map((app) => app.get(KobScheduler).started)).toEqual([true, true]);

    const customerIds = sandbox.customers.filter((c) => c.enabled !== false).map((c) => c.id);
    expect(customerIds.length).toBeGreaterThanOrEqual(3);
    const completed = new Map<string, Set<string>>(customerIds.map((id) => [id, new Set()]));
    events.on('completed', ({ jobId }) => completed.get(customerOf(jobId))?.add(jobId));
    await until(events, ['completed'], () => [...completed.values()].every((ticks) => ticks.size >= 2));

    // Shutting down lets the jobs in progress finish (and be recorded) before the connections close.
    await Promise.all(apps.splice(0).map((app) => app.close()));

    const done = (await queue.getJobs(['completed'], 0, -1)) as Tick[];
    expect(await queue.getJobCounts('active', 'failed')).toEqual({ active: 0, failed: 0 });
    const runs = [...calls.values()].flat();
    for (const customerId of customerIds) {
      const ticks = done.filter((job) => customerOf(job.id!) === customerId);
      expect({ customerId, ticks: ticks.length >= 2 }).toEqual({ customerId, ticks: true });
      // Each completed tick ran the reconciliation at least once; as many runs as ticks means exactly once.
      expect({ customerId, runs: runs.filter((id) => id === customerId).length }).toEqual({
        customerId,
        runs: new Set(ticks.map((job) => job.id)).size,
      });
      for (const job of ticks) {
        expect(job.id).toBe(`repeat:${jobSchedulerId(customerId)}:${tickMillisOf(job.id)}`);
        expect(job.attemptsMade).toBe(1);
        expect(job.returnvalue).toMatchObject({
          customerId,
          status: expect.stringMatching(/^(ok|skipped|blocked)$/),
        });
      }
    }
    expect(calls.get('a')!.length).toBeGreaterThan(0);
    expect(calls.get('b')!.length).toBeGreaterThan(0);
    // The stored return value is a summary: outcome and counts, no amounts, reasons or parties.
    for (const job of done) {
      expect(Object.keys(job.returnvalue).sort()).toEqual([
        'counts',
        'customerId',
        'durationMs',
        'entries',
        'runId',
        'status',
      ]);
    }
  }, 60_000);
});

describe('BullmqScheduleDriver retries and failures', () => {
  it('retries a failed run with backoff until it completes, and keeps a run that always fails visible', async () => {
    const queueName = 'retries';
    const events = await listen(queueName);
    const queue = new Queue<BullmqTickData, BullmqTickResult>(queueName, { connection, prefix });
    let flakyCalls = 0;
    let firstFailureAt = 0;
    const reconciler: Reconciler = {
      reconcile: async (customerId) => {
        if (customerId === 'broken') return report(customerId, 'failed', 'Skatteetaten answered 503');
        if (++flakyCalls > 1) return report(customerId, 'ok');
        firstFailureAt = Date.now();
        return report(customerId, 'failed', 'socket hang up');
      },
    };
    const driver = new BullmqScheduleDriver({
      runner: new CustomerRunner(reconciler, { concurrency: 2 }),
      customers: [minimalCustomer('flaky'), minimalCustomer('broken')],
      schedule: schedule(queueName, {}, { attempts: 2, backoffMs: 200, keepFailed: 50 }),
      logger: false,
    });
    try {
      await driver.start();
      let retried: string | undefined;
      let failed: string | undefined;
      events.on('completed', ({ jobId }) => {
        if (customerOf(jobId) === 'flaky' && retried === undefined) retried = jobId;
      });
      events.on('failed', ({ jobId }) => {
        if (customerOf(jobId) === 'broken') failed ??= jobId;
      });
      await until(events, ['completed', 'failed'], () => retried !== undefined && failed !== undefined);
    } finally {
      await driver.stop();
    }

    const completedFlaky = ((await queue.getJobs(['completed'], 0, -1)) as Tick[])
      .filter((job) => customerOf(job.id!) === 'flaky')
      .sort((x, y) => tickMillisOf(x.id)! - tickMillisOf(y.id)!);
    const first = completedFlaky[0]!;
    expect(first.attemptsMade).toBe(2);
    expect(first.returnvalue).toMatchObject({ customerId: 'flaky', status: 'ok' });
    // The second attempt started no earlier than the backoff after the first one failed.
    expect(first.processedOn! - firstFailureAt).toBeGreaterThanOrEqual(200);

    const failedJobs = (await queue.getFailed(0, -1)) as Tick[];
    expect(failedJobs.length).toBeGreaterThan(0);
    expect(failedJobs.every((job) => customerOf(job.id!) === 'broken')).toBe(true);
    const broken = failedJobs[0]!;
    expect(broken.attemptsMade).toBe(2);
    expect(broken.failedReason).toMatch(
      /^Reconciliation of broken failed \(run [0-9a-f-]+\): Skatteetaten answered 503$/,
    );
    await events.close();
    await queue.close();
  }, 30_000);
});

describe('BullmqScheduleDriver schedulers', () => {
  it('writes one scheduler per enabled customer, idempotently across instances, and follows the customers on sync', async () => {
    const queueName = 'schedulers';
    const queue = new Queue<BullmqTickData, BullmqTickResult>(queueName, { connection, prefix });
    let customers = [
      minimalCustomer('a'),
      minimalCustomer('b'),
      minimalCustomer('c', { cron: '30 5 * * 1' }),
      minimalCustomer('off', { enabled: false }),
    ];
    const source = { list: async () => customers, get: async () => undefined } as unknown as CustomerSource;
    const make = () =>
      new BullmqScheduleDriver({
        runner: new CustomerRunner({ reconcile: async (id) => report(id, 'ok') }, { concurrency: 1 }),
        customers: source,
        schedule: schedule(queueName, { cron: '0 6 1 1 *' }),
        logger: false,
      });
    const one = make();
    const two = make();
    try {
      await one.start();
      const before = await queue.getJobSchedulers();
      await two.start();
      const after = await queue.getJobSchedulers();
      expect(after.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
        ['kob:a', '0 6 1 1 *', 'Europe/Oslo'],
        ['kob:b', '0 6 1 1 *', 'Europe/Oslo'],
        ['kob:c', '30 5 * * 1', 'Europe/Oslo'],
      ]);
      // The second instance left the unchanged schedulers alone: same next tick, one job each.
      expect(after.map((s) => [s.key, s.next]).sort()).toEqual(before.map((s) => [s.key, s.next]).sort());
      expect(await queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 3, waiting: 0 });
      expect((await queue.getDelayed()).map((job) => job.id).sort()).toEqual(
        after.map((s) => `repeat:${s.key}:${s.next}`).sort(),
      );

      customers = [
        minimalCustomer('a'),
        minimalCustomer('b', { cron: '15 7 * * *' }),
        minimalCustomer('off'),
      ];
      await one.sync();
      expect((await queue.getJobSchedulers()).map((s) => [s.key, s.pattern]).sort()).toEqual([
        ['kob:a', '0 6 1 1 *'],
        ['kob:b', '15 7 * * *'],
        ['kob:off', '0 6 1 1 *'],
      ]);
      expect(await one.scheduledCustomerIds()).toHaveLength(3);
      expect(await queue.getJobCounts('delayed')).toEqual({ delayed: 3 });
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await queue.close();
    }
  }, 30_000);

  it('lets the run in progress finish and be recorded when stopped', async () => {
    const queueName = 'stop';
    const queue = new Queue<BullmqTickData, BullmqTickResult>(queueName, { connection, prefix });
    const entered = deferred();
    const release = deferred();
    const order: string[] = [];
    let runs = 0;
    const runner = new CustomerRunner(
      {
        reconcile: async (id) => {
          runs++;
          entered.resolve();
          await release.promise;
          return report(id, 'ok');
        },
      },
      { concurrency: 1 },
    );
    const driver = new BullmqScheduleDriver({
      runner,
      customers: [minimalCustomer('s')],
      schedule: schedule(queueName),
      logger: false,
    });
    await driver.start();
    await entered.promise;
    const stopped = driver.stop().then(() => void order.push('stopped'));
    // Stopping takes no further ticks; release the run only after stop() began waiting for it.
    await Promise.resolve();
    order.push('released');
    release.resolve();
    await stopped;
    expect(order).toEqual(['released', 'stopped']);
    expect(runs).toBe(1);
    expect(runner.active).toBe(0);
    const completed = (await queue.getJobs(['completed'], 0, -1)) as Tick[];
    expect(completed.map((job) => [customerOf(job.id!), job.returnvalue.status])).toEqual([['s', 'ok']]);
    expect(await queue.getJobCounts('active')).toEqual({ active: 0 });
    await queue.close();
  }, 30_000);

  it('gives up waiting after shutdownTimeoutMs and leaves the run to the runner', async () => {
    const queueName = 'stop-timeout';
    const queue = new Queue<BullmqTickData, BullmqTickResult>(queueName, { connection, prefix });
    const entered = deferred();
    const release = deferred();
    const runner = new CustomerRunner(
      {
        reconcile: async (id) => {
          entered.resolve();
          await release.promise;
          return report(id, 'ok');
        },
      },
      { concurrency: 1 },
    );
    const driver = new BullmqScheduleDriver({
      runner,
      customers: [minimalCustomer('t')],
      schedule: schedule(queueName, { shutdownTimeoutMs: 100 }),
      logger: false,
    });
    await driver.start();
    await entered.promise;
    await driver.stop();
    expect(runner.active).toBe(1);
    release.resolve();
    expect(await runner.drain(10_000)).toMatchObject({ finished: 1, abandoned: 0 });
    // Its outcome could not be written: the job stays active until its lock expires and an instance retakes it.
    expect(await queue.getJobCounts('active', 'completed')).toEqual({ active: 1, completed: 0 });
    await queue.close();
  }, 30_000);

  it('holds a tick back by its jitter without using an attempt', async () => {
    const queueName = 'jitter';
    const events = await listen(queueName);
    const queue = new Queue<BullmqTickData, BullmqTickResult>(queueName, { connection, prefix });
    // When the run starts. Not the job's processedOn: a worker may take the job a few ms before its jittered time
    // and find that time passed by the time it looks, and then runs it without delaying it.
    let ranAt: number | undefined;
    const reconcile = async (id: string) => {
      ranAt ??= Date.now();
      return report(id, 'ok');
    };
    const driver = new BullmqScheduleDriver({
      runner: new CustomerRunner({ reconcile }, { concurrency: 1 }),
      customers: [minimalCustomer('j')],
      schedule: schedule(queueName, { jitterMs: 900 }),
      logger: false,
    });
    try {
      await driver.start();
      let jobId: string | undefined;
      events.on('completed', (event) => void (jobId ??= event.jobId));
      await until(events, ['completed'], () => jobId !== undefined);
      const job = (await queue.getJob(jobId!)) as Tick;
      expect(job.attemptsMade).toBe(1);
      expect(ranAt!).toBeGreaterThanOrEqual(tickMillisOf(job.id)! + jitterOf(job.id!, 900));
    } finally {
      await driver.stop();
      await events.close();
      await queue.close();
    }
  }, 30_000);
});
