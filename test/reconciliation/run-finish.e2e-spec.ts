import type { StateBatch, StateStore } from '../../src/store/state-store.interface.js';
import { MemoryStateStore, SqliteStateStore } from '../../src/store/index.js';
import { OUTBOX_CHUNK, newWorld, serviceOf, type World } from './property-harness.js';

// A run's last writes, its entry in the run log and the release of its lock go to the store as one batch, so a
// run costs the store two commits fewer (on PostgreSQL each commit waits for the WAL to be flushed). A store
// that does not know these batch fields (one written against an earlier contract) still gets its run finished
// and its lock released, by the separate calls.

/** Every store method the service calls, in order, with the batch fields that matter here. */
function recorded(store: StateStore, calls: string[], options: { legacy?: boolean } = {}): StateStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (prop === 'applyBatch') {
          const [customerId, batch] = args as [string, StateBatch];
          const fields = Object.keys(batch).filter((k) => k === 'finishRun' || k === 'unlock');
          calls.push(`applyBatch${fields.length > 0 ? `(${fields.join(', ')})` : ''}`);
          if (options.legacy) {
            // As a store written before these fields: it ignores them and does not say it handled them.
            const { finishRun: _f, unlock: _u, ...rest } = batch;
            const { runFinished: _r, unlocked: _l, ...result } = await target.applyBatch(customerId, rest);
            return result;
          }
          return target.applyBatch(customerId, batch);
        }
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const WRITES = new Set(['startRun', 'tryLock', 'applyBatch', 'markPosted', 'finishRun', 'unlock']);
const writesOf = (calls: string[]) => calls.filter((c) => WRITES.has(c.replace(/\(.*$/, '')));

async function world(store: StateStore): Promise<World> {
  return newWorld({ kind: 'documented', seed: 7 }, undefined, { store });
}

describe('the end of a reconciliation run', () => {
  it.each([
    ['memory', () => new MemoryStateStore()],
    ['sqlite', () => new SqliteStateStore({ path: ':memory:' })],
  ])(
    'finishes the run and releases its lock in the run’s last batch (%s store)',
    async (_name, makeStore) => {
      const inner = makeStore();
      const w = await world(inner);
      const calls: string[] = [];
      const customer = w.customers[0];
      const service = serviceOf(w, { store: recorded(inner, calls) });
      const report = await service.reconcile(customer.id, { asOf: w.ledger.today });
      expect(report.status).toBe('ok');
      expect(writesOf(calls)).toEqual([
        'startRun',
        'tryLock',
        // The outbox, a chunk per write.
        ...Array<string>(Math.ceil(report.entries.posted / OUTBOX_CHUNK)).fill('applyBatch'),
        'markPosted',
        'applyBatch(finishRun, unlock)',
      ]);
      const [run] = await inner.listRuns(customer.id);
      expect(run).toMatchObject({ runId: report.runId, status: 'ok', summary: { status: 'ok' } });
      expect(typeof run.finishedAt).toBe('string');
      // Released: another process takes the customer's lock at once.
      expect(await inner.tryLock(`run:${customer.id}`, 'other', 60_000, w.clock.now())).toBe(true);
      await inner.close();
    },
  );

  it('finishes the run and releases the lock by separate calls when the store ignores those batch fields', async () => {
    const inner = new MemoryStateStore();
    const w = await world(inner);
    const calls: string[] = [];
    const customer = w.customers[0];
    const service = serviceOf(w, { store: recorded(inner, calls, { legacy: true }) });
    const report = await service.reconcile(customer.id, { asOf: w.ledger.today });
    expect(report.status).toBe('ok');
    expect(writesOf(calls).slice(-3)).toEqual(['applyBatch(finishRun, unlock)', 'finishRun', 'unlock']);
    expect((await inner.listRuns(customer.id))[0]).toMatchObject({ runId: report.runId, status: 'ok' });
    expect(await inner.tryLock(`run:${customer.id}`, 'other', 60_000, w.clock.now())).toBe(true);
    // Nothing was left half-done: a rerun (after the other holder lets go) posts nothing and ends ok.
    await inner.unlock(`run:${customer.id}`, 'other');
    const rerun = await serviceOf(w).reconcile(customer.id, { asOf: w.ledger.today });
    expect(rerun).toMatchObject({ status: 'ok', entries: { posted: 0 } });
  });

  it('a failed last batch leaves the run to be finished as failed, and the lock released', async () => {
    const inner = new MemoryStateStore();
    const w = await world(inner);
    const customer = w.customers[0];
    const failing = new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (prop !== 'applyBatch') return value.bind(target);
        return async (customerId: string, batch: StateBatch) => {
          if (batch.finishRun) throw new Error('disk full');
          return target.applyBatch(customerId, batch);
        };
      },
    });
    const report = await serviceOf(w, { store: failing }).reconcile(customer.id, { asOf: w.ledger.today });
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/disk full/);
    expect((await inner.listRuns(customer.id))[0]).toMatchObject({ runId: report.runId, status: 'failed' });
    expect(await inner.tryLock(`run:${customer.id}`, 'other', 60_000, w.clock.now())).toBe(true);
  });
});
