import type { JournalEntry } from './journal-adapter.interface.js';
import { FanOutJournalAdapter } from './fan-out-journal.adapter.js';
import { InjectedJournalFailure, MemoryJournalAdapter } from './memory-journal.adapter.js';

const customer = { id: 'c1', organisasjonsnummer: '313367002' };

function entry(key: string, amount: number): JournalEntry {
  return {
    idempotencyKey: key,
    date: '2026-10-01',
    description: `entry ${key}`,
    lines: [
      { account: '2740', debit: amount },
      { account: '1579', credit: amount },
    ],
    source: { kind: 'placement', ids: [key] },
  };
}

describe('FanOutJournalAdapter', () => {
  it('writes every entry to every journal and reports posted once', async () => {
    const a = new MemoryJournalAdapter();
    const b = new MemoryJournalAdapter();
    const fan = new FanOutJournalAdapter([a, b]);
    const results = await fan.postEntries(customer, [entry('k1', 100), entry('k2', 250)]);
    expect(results.map((r) => [r.idempotencyKey, r.status])).toEqual([
      ['k1', 'posted'],
      ['k2', 'posted'],
    ]);
    expect(a.entries(customer.id).map((e) => e.idempotencyKey)).toEqual(['k1', 'k2']);
    expect(b.entries(customer.id).map((e) => e.idempotencyKey)).toEqual(['k1', 'k2']);
    expect((await fan.postEntries(customer, [entry('k1', 100)]))[0].status).toBe('duplicate');
  });

  it('completes a batch after one journal failed, without writing anything twice', async () => {
    const a = new MemoryJournalAdapter();
    const b = new MemoryJournalAdapter();
    b.failNext();
    const fan = new FanOutJournalAdapter([a, b]);
    await expect(fan.postEntries(customer, [entry('k1', 100)])).rejects.toBeInstanceOf(
      InjectedJournalFailure,
    );
    const retry = await fan.postEntries(customer, [entry('k1', 100)]);
    expect(retry[0].status).toBe('posted');
    expect(a.entries(customer.id)).toHaveLength(1);
    expect(b.entries(customer.id)).toHaveLength(1);
  });

  it('reads bank lines from the first journal that has them and needs at least one journal', async () => {
    const plain = { postEntries: async () => [] };
    const bank = new MemoryJournalAdapter();
    expect(new FanOutJournalAdapter([plain]).findBankTransactions).toBeUndefined();
    const fan = new FanOutJournalAdapter([plain, bank]);
    await expect(
      fan.findBankTransactions?.(customer, { from: '2026-01-01', to: '2026-12-31' }),
    ).resolves.toEqual([]);
    expect(() => new FanOutJournalAdapter([])).toThrow(RangeError);
  });
});
