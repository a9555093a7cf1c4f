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
});
