import type { ReconciliationReport } from '../reconciliation/reconciliation-report.js';
import { CustomerRunner, RunnerShuttingDownError, type Reconciler } from './customer-runner.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const report = (customerId: string, status: ReconciliationReport['status'], reason?: string) =>
  ({ customerId, status, ...(reason ? { reason } : {}) }) as ReconciliationReport;

/** Lets every promise callback queued so far run (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A reconciler whose runs finish when the test says so, recording how many run at once. */
class GatedReconciler implements Reconciler {
  readonly gates: { customerId: string; options: unknown; gate: Deferred<ReconciliationReport> }[] = [];
  running = 0;
  maxRunning = 0;

  reconcile(customerId: string, options?: unknown): Promise<ReconciliationReport> {
    const gate = deferred<ReconciliationReport>();
    this.gates.push({ customerId, options, gate });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return gate.promise.finally(() => void this.running--);
  }

  finish(index: number, status: ReconciliationReport['status'] = 'ok'): void {
    const { customerId, gate } = this.gates[index];
    gate.resolve(report(customerId, status));
  }
}

const clock = { now: () => Date.parse('2026-03-02T06:00:00Z') };

describe('CustomerRunner', () => {
  it('tells listeners about every finished run, also when the run threw, and lets them unsubscribe', async () => {
    const calls: [string, string | undefined, boolean, string | undefined][] = [];
    const runner = new CustomerRunner(
      {
        reconcile: async (id) => {
          if (id === 'boom') throw new Error('store down');
          return report(id, 'ok');
        },
      },
      { concurrency: 2, clock },
    );
    const stop = runner.onRunFinished((status, r) =>
      calls.push([status.customerId, status.lastStatus, status.running, r?.status]),
    );
    runner.onRunFinished(() => {
      throw new Error('a broken listener does not change the outcome');
    });
    await expect(runner.run('a')).resolves.toMatchObject({ status: 'ok' });
    await expect(runner.run('boom')).rejects.toThrow('store down');
    stop();
    await runner.run('b');
    expect(calls).toEqual([
      ['a', 'ok', false, 'ok'],
      ['boom', 'error', false, undefined],
    ]);
  });

  it('never runs more than `concurrency` reconciliations at once, and serves the rest in order', async () => {
    const reconciler = new GatedReconciler();
    const runner = new CustomerRunner(reconciler, { concurrency: 2, clock });
    const runs = ['a', 'b', 'c', 'd', 'e'].map((id) => runner.run(id, { trigger: 'schedule' }));
    await settle();
    expect(reconciler.gates.map((g) => g.customerId)).toEqual(['a', 'b']);
    expect(runner.active).toBe(5);
    for (let i = 0; i < 5; i++) {
      reconciler.finish(i);
      await settle();
    }
    await Promise.all(runs);
    expect(reconciler.gates.map((g) => g.customerId)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(reconciler.maxRunning).toBe(2);
    expect(runner.active).toBe(0);
  });

  it('passes the options on without the trigger', async () => {
    const reconciler = new GatedReconciler();
    const runner = new CustomerRunner(reconciler, { concurrency: 1, clock });
    const run = runner.run('a', {
      trigger: 'backfill',
      from: '2025-01-01',
      asOf: '2026-03-01',
      dryRun: true,
    });
    await settle();
    expect(reconciler.gates[0].options).toEqual({ from: '2025-01-01', asOf: '2026-03-01', dryRun: true });
    reconciler.finish(0);
    await run;
    expect(runner.status('a')?.lastTrigger).toBe('backfill');
  });

  it('keeps a status per customer: failures in a row, reset by an ok run, untouched by a skip', async () => {
    const outcomes: (ReconciliationReport['status'] | Error)[] = [
      'failed',
      'blocked',
      new Error('store unreachable'),
      'skipped',
      'ok',
    ];
    const runner = new CustomerRunner(
      {
        reconcile: async (customerId) => {
          const next = outcomes.shift()!;
          if (next instanceof Error) throw next;
          return report(customerId, next, next === 'ok' ? undefined : `because ${next}`);
        },
      },
      { concurrency: 3, clock },
    );
    expect(runner.status('a')).toBeUndefined();
    await runner.run('a');
    await runner.run('a');
    expect(runner.status('a')).toMatchObject({ consecutiveFailures: 2, lastStatus: 'blocked', runs: 2 });
    await expect(runner.run('a')).rejects.toThrow('store unreachable');
    expect(runner.status('a')).toMatchObject({
      consecutiveFailures: 3,
      lastStatus: 'error',
      lastReason: 'store unreachable',
      running: false,
    });
    await runner.run('a', { trigger: 'schedule' });
    expect(runner.status('a')).toMatchObject({ consecutiveFailures: 3, lastStatus: 'skipped', runs: 4 });
    expect(runner.status('a')?.lastSuccessAt).toBeUndefined();
    await runner.run('a');
    expect(runner.status('a')).toEqual({
      customerId: 'a',
      running: false,
      lastTrigger: 'manual',
      lastStartedAt: '2026-03-02T06:00:00.000Z',
      lastFinishedAt: '2026-03-02T06:00:00.000Z',
      lastStatus: 'ok',
      lastSuccessAt: '2026-03-02T06:00:00.000Z',
      consecutiveFailures: 0,
      runs: 5,
    });
    expect(runner.statuses().map((s) => s.customerId)).toEqual(['a']);
  });

  it('says which customers have a run queued or going', async () => {
    const reconciler = new GatedReconciler();
    const runner = new CustomerRunner(reconciler, { concurrency: 1, clock });
    const first = runner.run('a');
    const queued = runner.run('b');
    await settle();
    expect([runner.isActive('a'), runner.isActive('b'), runner.isActive('c')]).toEqual([true, true, false]);
    expect(runner.status('a')?.running).toBe(true);
    expect(runner.status('b')).toBeUndefined();
    reconciler.finish(0);
    await first;
    expect(runner.isActive('a')).toBe(false);
    await settle();
    reconciler.finish(1);
    await queued;
    expect(runner.isActive('b')).toBe(false);
  });

  it('drains: waits for running and queued runs, then refuses new ones', async () => {
    const reconciler = new GatedReconciler();
    const runner = new CustomerRunner(reconciler, { concurrency: 1, clock });
    const runs = [runner.run('a'), runner.run('b')];
    await settle();
    let drained: unknown;
    const drain = runner.drain(60_000).then((result) => (drained = result));
    await settle();
    expect(drained).toBeUndefined();
    expect(runner.shuttingDown).toBe(true);
    await expect(runner.run('c')).rejects.toBeInstanceOf(RunnerShuttingDownError);
    reconciler.finish(0);
    await settle();
    expect(drained).toBeUndefined();
    expect(reconciler.gates.map((g) => g.customerId)).toEqual(['a', 'b']);
    reconciler.finish(1);
    await drain;
    expect(drained).toEqual({ finished: 2, abandoned: 0, abandonedCustomerIds: [] });
    await Promise.all(runs);
    expect(reconciler.gates.map((g) => g.customerId)).not.toContain('c');
  });

  it('drains at once when idle', async () => {
    const runner = new CustomerRunner(new GatedReconciler(), { concurrency: 1 });
    await expect(runner.drain(60_000)).resolves.toEqual({
      finished: 0,
      abandoned: 0,
      abandonedCustomerIds: [],
    });
    await expect(runner.run('a')).rejects.toMatchObject({ code: 'KOB_SCHEDULER_SHUTTING_DOWN' });
  });

  it('gives up after the timeout, naming the abandoned customers; queued runs then never start', async () => {
    const reconciler = new GatedReconciler();
    const runner = new CustomerRunner(reconciler, { concurrency: 1, clock });
    const running = runner.run('a');
    const queued = runner.run('b');
    await settle();
    const result = await runner.drain(0);
    expect(result).toEqual({ finished: 0, abandoned: 2, abandonedCustomerIds: ['a', 'b'] });
    reconciler.finish(0);
    await expect(running).resolves.toMatchObject({ status: 'ok' });
    await expect(queued).rejects.toBeInstanceOf(RunnerShuttingDownError);
    expect(reconciler.gates.map((g) => g.customerId)).toEqual(['a']);
  });

  it('rejects a concurrency below 1', () => {
    expect(() => new CustomerRunner(new GatedReconciler(), { concurrency: 0 })).toThrow(RangeError);
  });
});
