import fc from 'fast-check';
import type { JournalEntry, JournalLine } from '../../journal/journal-adapter.interface.js';
import { KobError } from '../../errors/kob.error.js';
import { assertBalanced, UnbalancedEntryError } from './balance.js';

const entry = (lines: JournalLine[]): Pick<JournalEntry, 'idempotencyKey' | 'lines'> => ({
  idempotencyKey: 'kob:c:payment:P1',
  lines,
});

describe('assertBalanced', () => {
  it('accepts a balanced entry and returns it', () => {
    const e = entry([
      { account: '1579', debit: 150 },
      { account: '1920', credit: 100 },
      { account: '1920', credit: 50 },
    ]);
    expect(assertBalanced(e)).toBe(e);
  });

  it.each([
    [[{ account: '1579', debit: 100 }], 0, /1 line/],
    [
      [
        { account: '1579', debit: 100 },
        { account: '1920', credit: 99 },
      ],
      1,
      /difference 1/,
    ],
    [
      [
        { account: '1579', debit: 100, credit: 100 },
        { account: '1920', credit: 100 },
      ],
      0,
      /exactly one/,
    ],
    [[{ account: '1579' }, { account: '1920', credit: 100 }], 0, /exactly one/],
    [
      [
        { account: '1579', debit: 0 },
        { account: '1920', credit: 0 },
      ],
      0,
      /positive/,
    ],
    [
      [
        { account: '1579', debit: -5 },
        { account: '1920', debit: 5 },
      ],
      0,
      /positive/,
    ],
    [
      [
        { account: '1579', debit: 1.5 },
        { account: '1920', credit: 1.5 },
      ],
      0,
      /positive safe integer/,
    ],
    [
      [
        { account: ' ', debit: 5 },
        { account: '1920', credit: 5 },
      ],
      0,
      /no account/,
    ],
  ] as [JournalLine[], number, RegExp][])('rejects %j', (lines, difference, reason) => {
    const error = (() => {
      try {
        assertBalanced(entry(lines));
      } catch (e) {
        return e;
      }
      return undefined;
    })() as UnbalancedEntryError;
    expect(error).toBeInstanceOf(UnbalancedEntryError);
    expect(error).toBeInstanceOf(KobError);
    expect(error.code).toBe('KOB_ENTRY_UNBALANCED');
    expect(error.idempotencyKey).toBe('kob:c:payment:P1');
    expect(error.difference).toBe(difference);
    expect(error.message).toMatch(reason);
    expect(error.message).toContain('kob:c:payment:P1');
  });

  it('accepts exactly the entries whose debits and credits agree (property)', () => {
    const amount = fc.integer({ min: 1, max: 1e12 });
    fc.assert(
      fc.property(
        fc.array(amount, { minLength: 1, maxLength: 6 }),
        fc.array(amount, { minLength: 1, maxLength: 6 }),
        (debits, credits) => {
          const lines: JournalLine[] = [
            ...debits.map((debit) => ({ account: '2740', debit })),
            ...credits.map((credit) => ({ account: '1579', credit })),
          ];
          const difference = debits.reduce((a, b) => a + b, 0) - credits.reduce((a, b) => a + b, 0);
          if (difference === 0) expect(() => assertBalanced(entry(lines))).not.toThrow();
          else expect(() => assertBalanced(entry(lines))).toThrow(expect.objectContaining({ difference }));
        },
      ),
    );
  });
});
