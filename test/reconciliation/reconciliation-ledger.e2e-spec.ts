import { MemoryJournalAdapter } from '../../src/journal/memory-journal.adapter.js';
import { loadDefaultAccounts } from '../../src/config/account-mapping.js';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service.js';
import { MemoryStateStore } from '../../src/store/memory/memory-state.store.js';
import { SandboxLedger } from '../../src/testing/index.js';
import { LedgerFactSource, allowAll, ledgerCustomers } from './ledger-fact-source.js';

describe('ReconciliationService on the documented sandbox ledger', () => {
  it('posts, asserts, and posts nothing the second time', async () => {
    const ledger = SandboxLedger.documented({ seed: 1 });
    const store = new MemoryStateStore();
    await store.migrate();
    const journal = new MemoryJournalAdapter();
    const customers = ledgerCustomers(ledger);
    const service = new ReconciliationService({
      facts: new LedgerFactSource(ledger),
      access: allowAll,
      store,
      journal,
      customers,
      accounts: loadDefaultAccounts(),
      logger: false,
    });
    for (const c of customers) {
      const first = await service.reconcile(c.id, { asOf: ledger.today });
      expect({
        id: c.id,
        status: first.status,
        reason: first.reason,
        failures: first.assertions.failures.slice(0, 3),
      }).toEqual({
        id: c.id,
        status: 'ok',
        reason: undefined,
        failures: [],
      });
      expect(first.entries.posted).toBeGreaterThan(0);
      expect(first.assertions.checked).toBeGreaterThan(0);
      const second = await service.reconcile(c.id, { asOf: ledger.today });
      expect(second.entries.posted).toBe(0);
      expect(second.status).toBe('ok');
    }
  });

  it('reads, on later runs, only the facts its window can change and the totals it checks, never the whole outbox', async () => {
    const ledger = SandboxLedger.documented({ seed: 2 });
    const store = new MemoryStateStore();
    await store.migrate();
    const calls: { method: string; args: unknown[] }[] = [];
    const watched = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push({ method: String(prop), args });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const customers = ledgerCustomers(ledger);
    const service = new ReconciliationService({
      facts: new LedgerFactSource(ledger),
      access: allowAll,
      store: watched,
      journal: new MemoryJournalAdapter(),
      customers,
      accounts: loadDefaultAccounts(),
      logger: false,
    });
    for (const c of customers)
      expect((await service.reconcile(c.id, { asOf: ledger.today })).status).toBe('ok');
    ledger.advance(45);
    for (const c of customers) {
      calls.length = 0;
      const report = await service.reconcile(c.id, { asOf: ledger.today });
      expect({ id: c.id, status: report.status, failures: report.assertions.failures.slice(0, 3) }).toEqual({
        id: c.id,
        status: 'ok',
        failures: [],
      });
      const methods = calls.map((call) => call.method);
      expect(methods).not.toContain('postedEntries');
      expect(methods).not.toContain('latestVersions');
      // Outbox listings are of what is still to deliver (pending, failed) or one row (is anything stored?).
      for (const call of calls.filter((x) => x.method === 'listOutbox')) {
        const options = call.args[1] as { status?: unknown; limit?: number } | undefined;
        expect(options?.status !== undefined || options?.limit === 1).toBe(true);
      }
      const stored = (await store.listOutbox(c.id)).length;
      const asked = calls.filter((x) => x.method === 'latestVersionsFor');
      expect(asked).toHaveLength(1);
      const query = asked[0].args[1] as { baseKeys: string[] };
      // The facts the window calls for, not the customer's history.
      expect(query.baseKeys.length).toBe(report.entries.desired);
      expect(query.baseKeys.length).toBeLessThan(stored);
      const totals = calls.filter((x) => x.method === 'postedTotals');
      expect(totals).toHaveLength(1);
      const subjects = [...(totals[0].args[1] as Iterable<string>)];
      // The clearing account and the snapshot's instalments and payments.
      expect(subjects.length).toBe(1 + report.counts.instalments + report.counts.payments);
    }
  });
});
