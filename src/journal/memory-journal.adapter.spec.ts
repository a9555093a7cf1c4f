import { InvalidAmountError } from '../errors/kob.error.js';
import type { CustomerRef, JournalEntry } from './journal-adapter.interface.js';
import { BalanceAssertionError, InvalidJournalEntryError } from './journal.error.js';
import { InjectedJournalFailure, MemoryJournalAdapter } from './memory-journal.adapter.js';
import { SealedJournalEntry } from './sealed-journal-entry.js';

const acme: CustomerRef = { id: 'acme', organisasjonsnummer: '212201782' };
const other: CustomerRef = { id: 'other', organisasjonsnummer: '310010221' };

function sealed(
  key: string,
  debit: string,
  credit: string,
  amount: number,
  date = '2024-03-15',
): JournalEntry {
  const { description, lines, source } = move(key, debit, credit, amount, date);
  return new SealedJournalEntry(key, date, description, lines, source);
}

/** Runs `action` counting the calls of `Object.isFrozen` it makes (how a deep-frozen entry is recognised). */
async function countingIsFrozen(action: () => Promise<unknown>): Promise<number> {
  const isFrozen = Object.isFrozen;
  let calls = 0;
  Object.isFrozen = (value: unknown) => {
    calls++;
    return isFrozen(value);
  };
  try {
    await action();
  } finally {
    Object.isFrozen = isFrozen;
  }
  return calls;
}

function move(key: string, debit: string, credit: string, amount: number, date = '2024-03-15'): JournalEntry {
  return {
    idempotencyKey: key,
    date,
    description: `entry ${key}`,
    lines: [
      { account: debit, debit: amount },
      { account: credit, credit: amount },
    ],
    source: { kind: 'test', ids: [key] },
  };
}

describe('MemoryJournalAdapter', () => {
  it('posts each key once: a repeat, in a later call or the same batch, is a duplicate', async () => {
    const journal = new MemoryJournalAdapter();
    const first = await journal.postEntries(acme, [
      move('a', '1579', '1920', 100),
      move('a', '1579', '1920', 999),
    ]);
    expect(first.map((r) => r.status)).toEqual(['posted', 'duplicate']);
    expect(first[0].ref).toEqual(expect.any(String));
    const second = await journal.postEntries(acme, [
      move('a', '1579', '1920', 100),
      move('b', '2740', '1579', 40),
    ]);
    expect(second.map((r) => [r.idempotencyKey, r.status])).toEqual([
      ['a', 'duplicate'],
      ['b', 'posted'],
    ]);
    expect(journal.keys('acme')).toEqual(['a', 'b']);
    expect(journal.balances('acme')).toEqual({ '1579': 60, '1920': -100, '2740': 40 });
  });

  it('rejects a batch holding one unbalanced entry and posts none of it', async () => {
    const journal = new MemoryJournalAdapter();
    const bad: JournalEntry = {
      ...move('bad', '1579', '1920', 100),
      lines: [{ account: '1579', debit: 100 }],
    };
    await expect(journal.postEntries(acme, [move('good', '1579', '1920', 100), bad])).rejects.toBeInstanceOf(
      InvalidJournalEntryError,
    );
    expect(journal.entries('acme')).toEqual([]);
    expect(journal.postCalls()).toEqual([{ customerId: 'acme', keys: ['good', 'bad'], outcome: 'rejected' }]);
  });

  it('keeps customers apart: the same key posts for each, balances never mix', async () => {
    const journal = new MemoryJournalAdapter();
    await journal.postEntries(acme, [move('k', '1579', '1920', 100)]);
    const results = await journal.postEntries(other, [move('k', '1579', '1920', 7)]);
    expect(results[0].status).toBe('posted');
    expect(journal.balances('acme')).toEqual({ '1579': 100, '1920': -100 });
    expect(journal.balances('other')).toEqual({ '1579': 7, '1920': -7 });
    expect(journal.customerIds().sort()).toEqual(['acme', 'other']);
  });

  it('computes balances as of a date and leaves zero balances out', async () => {
    const journal = new MemoryJournalAdapter();
    await journal.postEntries(acme, [
      move('pay', '1579', '1920', 500, '2024-01-10'),
      move('place', '2740', '1579', 500, '2024-01-20'),
    ]);
    expect(journal.balances('acme', '2024-01-15')).toEqual({ '1579': 500, '1920': -500 });
    expect(journal.balances('acme')).toEqual({ '1920': -500, '2740': 500 });
    expect(journal.balances('nobody')).toEqual({});
  });

  it('hands out copies: changing them does not change the ledger', async () => {
    const journal = new MemoryJournalAdapter();
    const entry = move('a', '1579', '1920', 100);
    await journal.postEntries(acme, [entry]);
    entry.lines[0].debit = 1;
    journal.entries('acme')[0].lines[0].debit = 2;
    expect(journal.entries('acme')[0].lines[0].debit).toBe(100);
  });

  it('keeps a deep-frozen entry without copying it, and still hands out copies that can be changed', async () => {
    const journal = new MemoryJournalAdapter();
    const entry = move('f', '1579', '1920', 100);
    for (const line of entry.lines) Object.freeze(line);
    Object.freeze(entry.lines);
    Object.freeze(entry.source.ids);
    Object.freeze(entry.source);
    Object.freeze(entry);
    await journal.postEntries(acme, [entry, move('g', '1579', '1920', 5, '2024-03-16')]);
    const read = journal.entries('acme');
    expect(read).toEqual([entry, move('g', '1579', '1920', 5, '2024-03-16')]);
    expect(Object.isFrozen(read[0].lines[0])).toBe(false);
    read[0].lines[0].debit = 2;
    expect(journal.balances('acme')).toEqual({ '1579': 105, '1920': -105 });
  });

  it('copies an entry frozen only on the outside: changing its lines later does not change the ledger', async () => {
    const journal = new MemoryJournalAdapter();
    const entry = move('a', '1579', '1920', 100);
    Object.freeze(entry.lines);
    Object.freeze(entry);
    await journal.postEntries(acme, [entry]);
    entry.lines[0].debit = 1;
    expect(journal.entries('acme')[0].lines[0].debit).toBe(100);
    expect(journal.balances('acme')).toEqual({ '1579': 100, '1920': -100 });
  });

  describe('sealed entries', () => {
    it('keeps a sealed entry without walking it to see that it is frozen', async () => {
      const journal = new MemoryJournalAdapter();
      const entries = [sealed('s1', '1579', '1920', 100), sealed('s2', '2740', '1579', 40)];
      expect(await countingIsFrozen(() => journal.postEntries(acme, entries))).toBe(0);
      // The same entries made plain and deep-frozen are walked: the count above can tell the two apart.
      const plain = [move('p1', '1579', '1920', 1), move('p2', '2740', '1579', 1)];
      for (const entry of plain) {
        for (const line of entry.lines) Object.freeze(line);
        Object.freeze(entry.lines);
        Object.freeze(entry.source.ids);
        Object.freeze(entry.source);
        Object.freeze(entry);
      }
      expect(await countingIsFrozen(() => journal.postEntries(acme, plain))).toBeGreaterThan(0);
      expect(journal.keys('acme')).toEqual(['s1', 's2', 'p1', 'p2']);
    });

    it('counts a sealed entry like any other: balances, duplicates, plain copies handed out', async () => {
      const journal = new MemoryJournalAdapter();
      const first = await journal.postEntries(acme, [
        sealed('s1', '1579', '1920', 100),
        sealed('s1', '1579', '1920', 999),
        move('m1', '2740', '1579', 40),
      ]);
      expect(first.map((r) => r.status)).toEqual(['posted', 'duplicate', 'posted']);
      const again = await journal.postEntries(acme, [sealed('m1', '2740', '1579', 40)]);
      expect(again).toEqual([{ idempotencyKey: 'm1', status: 'duplicate' }]);
      expect(journal.balances('acme')).toEqual({ '1579': 60, '1920': -100, '2740': 40 });
      const [copy] = journal.entries('acme');
      expect(copy).toEqual(move('s1', '1579', '1920', 100));
      expect(copy).not.toBeInstanceOf(SealedJournalEntry);
      copy.lines[0].debit = 5;
      expect(journal.entries('acme')[0].lines[0].debit).toBe(100);
    });

    it('still validates a sealed entry: an unbalanced one is rejected and nothing of the batch is written', async () => {
      const journal = new MemoryJournalAdapter();
      const unbalanced = new SealedJournalEntry(
        'bad',
        '2024-03-15',
        'x',
        [
          { account: '1579', debit: 100 },
          { account: '1920', credit: 99 },
        ],
        { kind: 'test', ids: ['bad'] },
      );
      const badAccount = new SealedJournalEntry(
        'worse',
        '2024-03-15',
        'x',
        [
          { account: '1579;x', debit: 1 },
          { account: '1920', credit: 1 },
        ],
        { kind: 'test', ids: ['worse'] },
      );
      const batch = [sealed('good', '1579', '1920', 100), unbalanced, badAccount];
      const rejected = journal.postEntries(acme, batch);
      await expect(rejected).rejects.toBeInstanceOf(InvalidJournalEntryError);
      await expect(rejected).rejects.toMatchObject({
        issues: [
          { path: 'entries[1]', message: expect.stringContaining('bad: does not balance') as string },
          { path: 'entries[2].lines[0].account', message: 'worse: must not contain ";"' },
        ],
      });
      expect(journal.keys('acme')).toEqual([]);
      expect(journal.balances('acme')).toEqual({});
      expect(journal.postCalls()).toEqual([
        { customerId: 'acme', keys: ['good', 'bad', 'worse'], outcome: 'rejected' },
      ]);
      await journal.postEntries(acme, [sealed('good', '1579', '1920', 100)]);
      expect(journal.keys('acme')).toEqual(['good']);
    });
  });

  describe('injected failures', () => {
    it('failNext: the next calls throw before writing, then calls succeed again', async () => {
      const journal = new MemoryJournalAdapter().failNext(2);
      await expect(journal.postEntries(acme, [move('a', '1579', '1920', 1)])).rejects.toBeInstanceOf(
        InjectedJournalFailure,
      );
      const boom = new Error('timeout');
      journal.clearFailures().failNext(1, boom);
      await expect(journal.postEntries(acme, [move('a', '1579', '1920', 1)])).rejects.toBe(boom);
      expect(journal.entries('acme')).toEqual([]);
      await expect(journal.postEntries(acme, [move('a', '1579', '1920', 1)])).resolves.toHaveLength(1);
      expect(journal.postCalls().map((c) => c.outcome)).toEqual(['failed', 'failed', 'ok']);
    });

    it('failAfter(k): posts k new entries then throws, as a ledger crashing mid-call', async () => {
      const journal = new MemoryJournalAdapter();
      await journal.postEntries(acme, [move('a', '1579', '1920', 1)]);
      journal.failAfter(1);
      const batch = [
        move('a', '1579', '1920', 1),
        move('b', '1579', '1920', 2),
        move('c', '1579', '1920', 3),
      ];
      await expect(journal.postEntries(acme, batch)).rejects.toBeInstanceOf(InjectedJournalFailure);
      expect(journal.keys('acme')).toEqual(['a', 'b']); // the duplicate does not count towards k
      const rerun = await journal.postEntries(acme, batch);
      expect(rerun.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'posted']);
      expect(journal.keys('acme')).toEqual(['a', 'b', 'c']);
    });

    it('failAfter(batch size): writes everything, then fails to answer', async () => {
      const journal = new MemoryJournalAdapter().failAfter(10);
      await expect(journal.postEntries(acme, [move('a', '1579', '1920', 1)])).rejects.toBeInstanceOf(
        InjectedJournalFailure,
      );
      expect(journal.keys('acme')).toEqual(['a']);
    });

    it('plans fire one per call, in the order given', async () => {
      const journal = new MemoryJournalAdapter().failNext(1).failAfter(0);
      await expect(journal.postEntries(acme, [move('a', '1579', '1920', 1)])).rejects.toThrow();
      await expect(journal.postEntries(acme, [move('a', '1579', '1920', 1)])).rejects.toThrow();
      expect(journal.keys('acme')).toEqual([]);
      await journal.postEntries(acme, [move('a', '1579', '1920', 1)]);
      expect(journal.keys('acme')).toEqual(['a']);
    });
  });

  describe('assertBalances', () => {
    it('passes when the ledger shows the balances at the end of the date', async () => {
      const journal = new MemoryJournalAdapter();
      await journal.postEntries(acme, [
        move('pay', '1579', '1920', 500, '2024-01-10'),
        move('later', '2740', '1579', 200, '2024-02-01'),
      ]);
      await journal.assertBalances(acme, '2024-01-31', [
        { account: '1579', amount: 500 },
        { account: '2740', amount: 0 },
      ]);
      expect(journal.assertions('acme')).toEqual([
        {
          date: '2024-01-31',
          balances: [
            { account: '1579', amount: 500 },
            { account: '2740', amount: 0 },
          ],
          mismatches: [],
        },
      ]);
    });

    it('throws naming each account that differs, with expected, actual and difference', async () => {
      const journal = new MemoryJournalAdapter();
      await journal.postEntries(acme, [move('pay', '1579', '1920', 500)]);
      const wrong = journal.assertBalances(acme, '2024-12-31', [
        { account: '1579', amount: 400 },
        { account: '1920', amount: -500 },
      ]);
      await expect(wrong).rejects.toBeInstanceOf(BalanceAssertionError);
      await expect(wrong).rejects.toMatchObject({
        code: 'KOB_JOURNAL_ASSERTION_FAILED',
        mismatches: [{ account: '1579', expected: 400, actual: 500, difference: 100 }],
      });
    });

    it('reads balances after every posting, also when an asserted date falls between entries', async () => {
      const journal = new MemoryJournalAdapter();
      await journal.postEntries(acme, [move('pay', '1579', '1920', 500, '2024-01-10')]);
      await journal.assertBalances(acme, '2024-01-31', [{ account: '1579', amount: 500 }]);
      expect(journal.balances('acme')).toEqual({ '1579': 500, '1920': -500 });
      await journal.postEntries(acme, [
        move('place', '2740', '1579', 200, '2024-02-01'),
        move('early', '1579', '1920', 7, '2024-01-20'),
      ]);
      await journal.assertBalances(acme, '2024-01-31', [{ account: '1579', amount: 507 }]);
      await journal.assertBalances(acme, '2024-02-29', [
        { account: '1579', amount: 307 },
        { account: '1920', amount: -507 },
        { account: '2740', amount: 200 },
      ]);
      await expect(
        journal.assertBalances(acme, '2024-02-29', [{ account: '1579', amount: 507 }]),
      ).rejects.toMatchObject({
        mismatches: [{ account: '1579', expected: 507, actual: 307, difference: -200 }],
      });
      expect(journal.balances('acme', '2024-01-15')).toEqual({ '1579': 500, '1920': -500 });
      expect(journal.balances('acme')).toEqual({ '1579': 307, '1920': -507, '2740': 200 });
    });

    it('reads an account named like an Object member as any other', async () => {
      const journal = new MemoryJournalAdapter();
      await journal.postEntries(acme, [move('a', 'constructor', '1920', 5)]);
      await journal.assertBalances(acme, '2024-12-31', [
        { account: 'constructor', amount: 5 },
        { account: 'toString', amount: 0 },
      ]);
      expect(journal.assertions('acme')[0].mismatches).toEqual([]);
    });

    it('reports a balance beyond the safe integer range instead of rounding it', async () => {
      const journal = new MemoryJournalAdapter();
      const max = Number.MAX_SAFE_INTEGER;
      await journal.postEntries(acme, [move('a', '1579', '1920', max), move('b', '1579', '1920', max)]);
      expect(() => journal.balances('acme')).toThrow(InvalidAmountError);
      await expect(
        journal.assertBalances(acme, '2024-12-31', [{ account: '2740', amount: 0 }]),
      ).rejects.toThrow(InvalidAmountError);
      expect(journal.balances('acme', '2024-03-14')).toEqual({});
    });

    it('only records mismatches when checking is off', async () => {
      const journal = new MemoryJournalAdapter({ checkAssertions: false });
      await journal.assertBalances(acme, '2024-12-31', [{ account: '1579', amount: 1 }]);
      expect(journal.assertions('acme')[0].mismatches).toEqual([
        { account: '1579', expected: 1, actual: 0, difference: -1 },
      ]);
    });
  });

  describe('bank transactions', () => {
    it('serves seeded lines within the period, per customer, sorted by date', async () => {
      const journal = new MemoryJournalAdapter()
        .seedBankTransactions('acme', [
          { id: 'b3', date: '2024-03-01', amount: 300 },
          { id: 'b1', date: '2024-01-05', amount: 100, kid: '123455' },
        ])
        .seedBankTransactions('acme', [{ id: 'b2', date: '2024-02-01', amount: 200 }])
        .seedBankTransactions('other', [{ id: 'x', date: '2024-02-01', amount: 1 }]);
      const all = await journal.findBankTransactions(acme, { from: '2024-01-01' });
      expect(all.map((t) => t.id)).toEqual(['b1', 'b2', 'b3']);
      const feb = await journal.findBankTransactions(acme, { from: '2024-02-01', to: '2024-02-29' });
      expect(feb).toEqual([{ id: 'b2', date: '2024-02-01', amount: 200 }]);
      expect(
        await journal.findBankTransactions({ id: 'none', organisasjonsnummer: '' }, { from: '2000-01-01' }),
      ).toEqual([]);
    });
  });
});
