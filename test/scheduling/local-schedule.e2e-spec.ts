import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { CustomerRunner } from '../../src/scheduling/customer-runner.js';
import { KobScheduler } from '../../src/scheduling/kob-scheduler.js';
import { KOB_STATE_STORE } from '../../src/krav-og-betalinger.providers.js';
import type { StateStore } from '../../src/store/state-store.interface.js';
import { KobSandbox } from '../../src/testing/index.js';
import { GatedJournal, kobModuleFor, recordingLogger, turns } from './scheduling-helpers.js';

// The module scheduling customers in a Nest application against the sandbox: one cron job per customer in the
// host's SchedulerRegistry, ticks that reconcile and post, and a shutdown that lets a running reconciliation
// finish before the store closes (or gives up on it after schedule.shutdownTimeoutMs).
describe('scheduling with the local driver', () => {
  let sandbox: KobSandbox;

  beforeAll(async () => {
    sandbox = await KobSandbox.start();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  async function boot(
    journal: GatedJournal,
    options: Parameters<typeof kobModuleFor>[2] = {},
  ): Promise<INestApplicationContext> {
    @Module({ imports: [ScheduleModule.forRoot(), kobModuleFor(sandbox, journal, options)] })
    class HostModule {}
    return NestFactory.createApplicationContext(HostModule, { logger: false });
  }

  const jobOf = (app: INestApplicationContext, customerId: string) =>
    app.get(SchedulerRegistry).getCronJob(`kob:${customerId}`);

  it("registers a job per customer in the host's SchedulerRegistry; a tick reconciles and posts", async () => {
    const journal = new GatedJournal();
    const app = await boot(journal);
    try {
      const registry = app.get(SchedulerRegistry);
      const names = [...registry.getCronJobs().keys()].filter((n) => n.startsWith('kob:')).sort();
      expect(names).toEqual(sandbox.customers.map((c) => `kob:${c.id}`).sort());
      expect(jobOf(app, sandbox.customers[0].id).isActive).toBe(true);

      const [first, second] = sandbox.customers;
      await jobOf(app, first.id).fireOnTick();
      const runner = app.get(CustomerRunner, { strict: false });
      expect(runner.status(first.id)).toMatchObject({ lastTrigger: 'schedule', lastStatus: 'ok', runs: 1 });
      expect(journal.inner.entries(first.id).length).toBeGreaterThan(0);
      expect(journal.inner.customerIds()).toEqual([first.id]);
      expect(runner.status(second.id)).toBeUndefined();
    } finally {
      await app.close();
    }
    // ScheduleModule and the driver both let go of the jobs.
    expect([...app.get(SchedulerRegistry).getCronJobs().keys()].filter((n) => n.startsWith('kob:'))).toEqual(
      [],
    );
  });

  it('uses a private registry when the host did not import ScheduleModule, and starts nothing when disabled', async () => {
    const journal = new GatedJournal();
    const on = await Test.createTestingModule({ imports: [kobModuleFor(sandbox, journal)] }).compile();
    await on.init();
    const off = await Test.createTestingModule({
      imports: [kobModuleFor(sandbox, journal, { schedule: { enabled: false } })],
    }).compile();
    await off.init();
    try {
      expect(on.get(KobScheduler).started).toBe(true);
      expect(off.get(KobScheduler).started).toBe(false);
      // The runner is there either way, for hosts and the CLI.
      const report = await off.get(CustomerRunner).run(sandbox.customers[1].id);
      expect(report.status).toBe('ok');
    } finally {
      await on.close();
      await off.close();
    }
  });

  it('on shutdown waits for a running reconciliation, which finishes and posts before the store closes', async () => {
    const journal = new GatedJournal();
    const app = await boot(journal);
    const customer = sandbox.customers[0];
    const runner = app.get(CustomerRunner, { strict: false });
    const store = app.get<StateStore>(KOB_STATE_STORE, { strict: false });
    journal.hold();
    const tick = jobOf(app, customer.id).fireOnTick();
    await journal.reached.promise;

    let closed = false;
    const closing = app.close().then(() => void (closed = true));
    await turns();
    expect(runner.shuttingDown).toBe(true);
    expect(closed).toBe(false);
    expect(runner.status(customer.id)?.running).toBe(true);

    journal.release();
    await closing;
    await tick;
    expect(closed).toBe(true);
    expect(runner.status(customer.id)).toMatchObject({ running: false, lastStatus: 'ok', runs: 1 });
    expect(journal.inner.entries(customer.id).length).toBeGreaterThan(0);
    expect(app.get(KobScheduler, { strict: false }).lastDrain).toEqual({
      finished: 1,
      abandoned: 0,
      abandonedCustomerIds: [],
    });
    // The store closed only after the run: its writes after posting succeeded (status ok), and it is closed now.
    await expect(store.listRuns(customer.id)).rejects.toThrow();
  });

  it('gives up on a run that outlasts shutdownTimeoutMs, reports it, and closes', async () => {
    const journal = new GatedJournal();
    const { logger, lines } = recordingLogger();
    const app = await boot(journal, { schedule: { shutdownTimeoutMs: 0 }, logger });
    const customer = sandbox.customers[0];
    const runner = app.get(CustomerRunner, { strict: false });
    journal.hold();
    const tick = jobOf(app, customer.id).fireOnTick();
    await journal.reached.promise;

    await app.close();
    expect(runner.status(customer.id)?.running).toBe(true);
    expect(app.get(KobScheduler, { strict: false }).lastDrain).toEqual({
      finished: 0,
      abandoned: 1,
      abandonedCustomerIds: [customer.id],
    });
    expect(lines.filter((l) => l.includes('unfinished'))).toEqual([
      expect.stringContaining(`1 run(s) unfinished after 0 ms: ${customer.id}`),
    ]);

    // Let the abandoned run end (against the closed store) so nothing outlives the test.
    journal.release();
    await tick;
    expect(runner.status(customer.id)?.running).toBe(false);
    expect(journal.inner.entries(customer.id).length).toBeGreaterThan(0);
  });
});
