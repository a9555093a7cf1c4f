import type { LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { CronJob } from 'cron';
import type { CustomerConfig, CustomerSource } from '../config/module-options.interface.js';
import type { ResolvedScheduleOptions } from '../config/resolved-options.interface.js';
import type { ReconciliationReport } from '../reconciliation/reconciliation-report.js';
import { MapCronRegistry, type CronJobRegistry } from './cron-registry.js';
import { CustomerRunner, type Reconciler } from './customer-runner.js';
import { LocalScheduleDriver, cronJobName, type JitterTimers } from './local-schedule.driver.js';

const schedule: ResolvedScheduleOptions = {
  enabled: true,
  cron: '0 6 * * *',
  timezone: 'Europe/Oslo',
  jitterMs: 0,
  concurrency: 4,
  shutdownTimeoutMs: 1_000,
  driver: 'local',
};

const customer = (id: string, extra: Partial<CustomerConfig> = {}) =>
  ({ id, organisasjonsnummer: '313367002', ...extra }) as CustomerConfig;

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** Records reconcile calls; a customer in `held` waits until released. */
class FakeReconciler implements Reconciler {
  readonly calls: { customerId: string; options: unknown }[] = [];
  readonly held = new Map<string, () => void>();
  hold = new Set<string>();

  async reconcile(customerId: string, options?: unknown): Promise<ReconciliationReport> {
    this.calls.push({ customerId, options });
    if (customerId === 'ghost') throw new Error('unknown customer ghost');
    if (this.hold.has(customerId)) await new Promise<void>((resolve) => this.held.set(customerId, resolve));
    return { customerId, status: 'ok' } as ReconciliationReport;
  }
}

/** Timers fired by hand. */
class ManualTimers implements JitterTimers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.callback();
  }
}

function logger() {
  const lines: string[] = [];
  const push = (m: unknown) => void lines.push(String(m));
  const service: LoggerService = { log: push, warn: push, error: push, debug: push };
  return { service, lines };
}

function setUp(
  customers: readonly CustomerConfig[] | CustomerSource,
  overrides: { jitterMs?: number; random?: () => number; registry?: CronJobRegistry } = {},
) {
  const reconciler = new FakeReconciler();
  const runner = new CustomerRunner(reconciler, { concurrency: 4 });
  const registry = overrides.registry ?? new SchedulerRegistry();
  const timers = new ManualTimers();
  const log = logger();
  const driver = new LocalScheduleDriver({
    runner,
    customers,
    schedule: { ...schedule, jitterMs: overrides.jitterMs ?? 0 },
    registry,
    logger: log.service,
    timers,
    random: overrides.random ?? (() => 0.5),
  });
  const job = (id: string) => registry.getCronJob(cronJobName(id)) as unknown as CronJob;
  return { reconciler, runner, registry, timers, driver, job, log };
}

describe('LocalScheduleDriver', () => {
  let stop: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stop) await s();
    stop = [];
  });

  it('registers one running job per enabled customer, with its own cron or the default, in the time zone', async () => {
    const { driver, registry, job } = setUp([
      customer('a'),
      customer('b', { cron: '30 7 * * 1-5' }),
      customer('c', { enabled: false }),
    ]);
    stop.push(() => driver.stop());
    await driver.start();
    expect(driver.scheduledCustomerIds()).toEqual(['a', 'b']);
    expect(registry.doesExist('cron', 'kob:c')).toBe(false);
    expect(job('a').cronTime.source).toBe('0 6 * * *');
    expect(job('b').cronTime.source).toBe('30 7 * * 1-5');
    expect(job('a').cronTime.timeZone).toBe('Europe/Oslo');
    expect(job('a').isActive).toBe(true);
    expect(job('a').nextDate().hour).toBe(6);
  });

  it('reconciles the customer when its job fires', async () => {
    const { driver, job, reconciler, runner } = setUp([customer('a'), customer('b')]);
    stop.push(() => driver.stop());
    await driver.start();
    await job('b').fireOnTick();
    expect(reconciler.calls).toEqual([{ customerId: 'b', options: {} }]);
    expect(runner.status('b')).toMatchObject({ lastTrigger: 'schedule', lastStatus: 'ok', runs: 1 });
  });

  it('waits a random jitter below jitterMs before running, on a timer that stop() cancels', async () => {
    const { driver, job, reconciler, timers } = setUp([customer('a'), customer('b')], {
      jitterMs: 60_000,
      random: () => 0.25,
    });
    await driver.start();
    const tickA = job('a').fireOnTick();
    await settle();
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([15_000]);
    expect(reconciler.calls).toEqual([]);
    timers.fireAll();
    await tickA;
    expect(reconciler.calls.map((c) => c.customerId)).toEqual(['a']);

    const tickB = job('b').fireOnTick();
    await settle();
    expect(timers.pending.size).toBe(1);
    await driver.stop();
    await tickB;
    expect(timers.pending.size).toBe(0);
    expect(reconciler.calls.map((c) => c.customerId)).toEqual(['a']);
  });

  it('skips a tick while the customer is still running (from any trigger)', async () => {
    const { driver, job, reconciler, runner } = setUp([customer('a')]);
    stop.push(() => driver.stop());
    await driver.start();
    reconciler.hold.add('a');
    const manual = runner.run('a');
    await settle();
    await job('a').fireOnTick();
    expect(reconciler.calls).toHaveLength(1);
    reconciler.hold.clear();
    reconciler.held.get('a')!();
    await manual;
    await job('a').fireOnTick();
    expect(reconciler.calls).toHaveLength(2);
  });

  it('skips a tick while its own previous tick still runs', async () => {
    const { driver, job, reconciler } = setUp([customer('a')]);
    stop.push(() => driver.stop());
    await driver.start();
    reconciler.hold.add('a');
    const first = job('a').fireOnTick();
    await settle();
    // The cron package drops a tick of a job whose previous tick is running; call our handler directly too.
    const second = (driver as unknown as { tick(id: string): Promise<void> }).tick('a');
    await second;
    expect(reconciler.calls).toHaveLength(1);
    reconciler.held.get('a')!();
    await first;
  });

  it('logs a run that cannot start instead of failing the tick', async () => {
    const { driver, job, log } = setUp([customer('ghost')]);
    stop.push(() => driver.stop());
    await driver.start();
    await expect(job('ghost').fireOnTick()).resolves.toBeUndefined();
    expect(log.lines.some((l) => l.includes('ghost could not run'))).toBe(true);
  });

  it('follows the customer source on sync: adds, removes, reschedules, skips bad crons', async () => {
    let list = [customer('a'), customer('b'), customer('c')];
    const source: CustomerSource = {
      list: async () => list,
      get: async (id) => list.find((c) => c.id === id),
    };
    const { driver, registry, job, log } = setUp(source);
    stop.push(() => driver.stop());
    await driver.start();
    const jobA = job('a');
    const jobC = job('c');
    list = [
      customer('a', { cron: '0 7 * * *' }),
      customer('c'),
      customer('d'),
      customer('e', { cron: 'every day' }),
      customer('b', { enabled: false }),
    ];
    await driver.sync();
    expect(driver.scheduledCustomerIds().sort()).toEqual(['a', 'c', 'd']);
    expect(registry.doesExist('cron', 'kob:b')).toBe(false);
    expect(registry.doesExist('cron', 'kob:e')).toBe(false);
    expect(job('a')).not.toBe(jobA);
    expect(jobA.isActive).toBe(false);
    expect(job('a').cronTime.source).toBe('0 7 * * *');
    expect(job('c')).toBe(jobC);
    expect(log.lines.some((l) => l.includes('Not scheduling e'))).toBe(true);
  });

  it('stops: removes its jobs from the registry, even after ScheduleModule deleted them', async () => {
    const registry = new MapCronRegistry();
    const { driver, job } = setUp([customer('a'), customer('b')], { registry });
    await driver.start();
    const jobA = job('a');
    registry.deleteCronJob('kob:b');
    await driver.stop();
    expect(registry.doesExist('cron', 'kob:a')).toBe(false);
    expect(jobA.isActive).toBe(false);
    expect(driver.scheduledCustomerIds()).toEqual([]);
    // A tick arriving after stop (a timer that was already due) does nothing.
    await jobA.fireOnTick();
  });
});
