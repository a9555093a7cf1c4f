import { Module, ServiceUnavailableException, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { KobHealthIndicator } from '../../src/health/index.js';
import { MemoryJournalAdapter } from '../../src/journal/memory-journal.adapter.js';
import { CustomerRunner } from '../../src/scheduling/customer-runner.js';
import { KobSandbox } from '../../src/testing/index.js';
import { kobModuleFor } from './scheduling-helpers.js';

// The health indicator inside a real Terminus health check: up while customers reconcile, down when one keeps
// failing or when the instance is shutting down.
describe('KobHealthIndicator with Terminus', () => {
  let sandbox: KobSandbox;
  let app: INestApplicationContext;
  const journal = new MemoryJournalAdapter();

  beforeAll(async () => {
    sandbox = await KobSandbox.start();
    @Module({
      imports: [TerminusModule, kobModuleFor(sandbox, journal, { schedule: { enabled: false } })],
      providers: [KobHealthIndicator],
    })
    class HealthHostModule {}
    app = await NestFactory.createApplicationContext(HealthHostModule, { logger: false });
  });

  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
  });

  const check = (maxConsecutiveFailures?: number) =>
    app
      .get(HealthCheckService)
      .check([
        () =>
          app
            .get(KobHealthIndicator)
            .isHealthy('kob', maxConsecutiveFailures ? { maxConsecutiveFailures } : {}),
      ]);

  async function downResult(promise: Promise<unknown>): Promise<Record<string, unknown>> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    return (error as ServiceUnavailableException).getResponse() as Record<string, unknown>;
  }

  it('is up before any run and after good runs, listing each customer', async () => {
    await expect(check()).resolves.toMatchObject({
      status: 'ok',
      info: { kob: { status: 'up', shuttingDown: false, failing: [], customers: {} } },
    });
    const runner = app.get(CustomerRunner, { strict: false });
    const [first] = sandbox.customers;
    await runner.run(first.id);
    const result = await check();
    expect(result.info?.kob).toMatchObject({
      status: 'up',
      customers: { [first.id]: { status: 'ok', running: false, consecutiveFailures: 0 } },
    });
    const customers = (result.info?.kob as Record<string, unknown>).customers as Record<string, object>;
    expect(customers[first.id]).toHaveProperty('finishedAt');
  });

  it('is down once a customer failed N runs in a row (default 3), up again after a good run', async () => {
    const runner = app.get(CustomerRunner, { strict: false });
    const customer = sandbox.customers[1];
    journal.failNext(3);
    for (let i = 1; i <= 3; i++) {
      const report = await runner.run(customer.id);
      expect(report.status).toBe('failed');
      if (i < 3) await expect(check()).resolves.toMatchObject({ status: 'ok' });
    }
    const down = await downResult(check());
    expect(down).toMatchObject({
      status: 'error',
      error: {
        kob: {
          status: 'down',
          failing: [customer.id],
          customers: { [customer.id]: { status: 'failed', consecutiveFailures: 3 } },
        },
      },
    });
    await expect(check(4)).resolves.toMatchObject({ status: 'ok' });

    await runner.run(customer.id);
    await expect(check()).resolves.toMatchObject({
      info: { kob: { status: 'up', customers: { [customer.id]: { status: 'ok', consecutiveFailures: 0 } } } },
    });
  });

  it('is down while the instance shuts down', async () => {
    await app.get(CustomerRunner, { strict: false }).drain(0);
    const down = await downResult(check());
    expect(down).toMatchObject({
      error: { kob: { status: 'down', shuttingDown: true, message: 'the scheduler is shutting down' } },
    });
  });
});
