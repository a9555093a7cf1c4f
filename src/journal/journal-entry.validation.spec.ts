import type { JournalEntry, JournalLine } from './journal-adapter.interface.js';
import {
  assertValidBalanceAssertions,
  assertValidJournalBatch,
  journalBatchIssues,
  netByAccount,
} from './journal-entry.validation.js';
import { InvalidJournalEntryError } from './journal.error.js';

function entry(key: string, lines: JournalLine[], extra: Partial<JournalEntry> = {}): JournalEntry {
  return {
    idempotencyKey: key,
    date: '2024-03-15',
    description: 'Payment received',
    lines,
    source: { kind: 'payment', ids: ['p1'] },
    ...extra,
  };
}

const balanced = entry('kob:c1:payment:p1', [
  { account: '1579', debit: 123456 },
  { account: '1920', credit: 123456 },
]);

function messages(entries: JournalEntry[]): string[] {
  return journalBatchIssues(entries).map((i) => `${i.path}: ${i.message}`);
}

describe('journalBatchIssues', () => {
  it('accepts balanced entries, including split lines and sums beyond the safe integer range', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const big = entry('k-big', [
      { account: '2740', debit: max },
      { account: '2770', debit: max },
      { account: '1579', credit: max },
      { account: '1579', credit: max },
    ]);
    expect(journalBatchIssues([balanced, big])).toEqual([]);
    expect(journalBatchIssues([])).toEqual([]);
  });

  it('reports an unbalanced entry with its key and the difference in kroner', () => {
    const off = entry('kob:c1:placement:p1:i1', [
      { account: '2740', debit: 10000 },
      { account: '1579', credit: 9999 },
    ]);
    expect(messages([balanced, off])).toEqual([
      'entries[1]: kob:c1:placement:p1:i1: does not balance: debits 100.00 ≠ credits 99.99 (difference 0.01)',
    ]);
  });

  it.each<[string, JournalLine[], string]>([
    ['one line', [{ account: '1579', debit: 0 }], 'entries[0].lines: k: must have at least 2 lines (has 1)'],
    [
      'a zero amount',
      [
        { account: '1579', debit: 0 },
        { account: '1920', credit: 0 },
      ],
      'entries[0].lines[0].debit: k: must be a positive safe integer number of øre (got 0)',
    ],
    [
      'a negative amount',
      [
        { account: '1579', debit: -5 },
        { account: '1920', debit: 5 },
      ],
      'entries[0].lines[0].debit: k: must be a positive safe integer number of øre (got -5)',
    ],
    [
      'a fraction of an øre',
      [
        { account: '1579', debit: 1.5 },
        { account: '1920', credit: 1.5 },
      ],
      'entries[0].lines[0].debit: k: must be a positive safe integer number of øre (got 1.5)',
    ],
    [
      'an unsafe integer',
      [
        { account: '1579', debit: 2 ** 53 },
        { account: '1920', credit: 2 ** 53 },
      ],
      'entries[0].lines[0].debit: k: must be a positive safe integer number of øre (got 9007199254740992)',
    ],
    [
      'both debit and credit',
      [
        { account: '1579', debit: 5, credit: 5 },
        { account: '1920', credit: 5 },
      ],
      'entries[0].lines[0]: k: must have exactly one of debit and credit, not both',
    ],
    [
      'neither debit nor credit',
      [{ account: '1579' }, { account: '1920', credit: 5 }],
      'entries[0].lines[0]: k: needs a debit or a credit amount',
    ],
    [
      'an account with a semicolon',
      [
        { account: '1579;x', debit: 5 },
        { account: '1920', credit: 5 },
      ],
      'entries[0].lines[0].account: k: must not contain ";"',
    ],
    [
      'an account with two spaces',
      [
        { account: 'Assets  Bank', debit: 5 },
        { account: '1920', credit: 5 },
      ],
      'entries[0].lines[0].account: k: must not contain two spaces in a row',
    ],
    [
      'a virtual account',
      [
        { account: '(1579)', debit: 5 },
        { account: '1920', credit: 5 },
      ],
      'entries[0].lines[0].account: k: must not start with "(" or "["',
    ],
    [
      'an empty account',
      [
        { account: '', debit: 5 },
        { account: '1920', credit: 5 },
      ],
      'entries[0].lines[0].account: k: must be a non-empty string',
    ],
  ])('rejects %s', (_name, lines, expected) => {
    expect(messages([entry('k', lines)])).toContain(expected);
  });

  it('rejects bad keys, dates, sources and reversal keys', () => {
    const lines = balanced.lines;
    expect(messages([entry('', lines)])).toEqual(['entries[0].idempotencyKey: must be a non-empty string']);
    expect(messages([entry('a\nb', lines)])).toEqual([
      'entries[0].idempotencyKey: must not contain control characters (line breaks, tabs)',
    ]);
    expect(messages([entry('k', lines, { date: '2024-02-30' })])).toEqual([
      'entries[0].date: k: must be a calendar date YYYY-MM-DD',
    ]);
    expect(messages([entry('k', lines, { reverses: '' })])).toEqual([
      'entries[0].reverses: k: must be a non-empty string',
    ]);
    expect(
      messages([entry('k', lines, { source: { kind: 'payment', ids: [1 as unknown as string] } })]),
    ).toEqual(['entries[0].source: k: must be { kind: string, ids: string[] }']);
  });

  it.each<[string, string, string | undefined]>([
    ['a tab', '15\t79', 'must not contain control characters'],
    ['a DEL character', '1579\u007f', 'must not contain control characters'],
    ['a control character and a semicolon', '15;7\n9', 'must not contain control characters'],
    ['a lone surrogate', '1579\ud800', 'must be well-formed Unicode'],
    ['a leading space', ' 1579', 'must not start or end with whitespace'],
    ['a trailing no-break space', '1579\u00a0', 'must not start or end with whitespace'],
    ['a leading ideographic space', '\u30001579', 'must not start or end with whitespace'],
    ['a leading "["', '[1579]', 'must not start with "(" or "["'],
    ['201 characters', 'a'.repeat(201), 'must be at most 200 characters'],
    ['200 characters', 'a'.repeat(200), undefined],
    ['one space and a surrogate pair', 'Eiendeler:Bank \ud83c\udfe6', undefined],
    ['a "(" inside', '1579(x)', undefined],
  ])('checks an account with %s', (_name, account, problem) => {
    const lines = [
      { account: '1920', debit: 5 },
      { account, credit: 5 },
    ];
    expect(messages([entry('k', lines)])).toEqual(
      problem === undefined ? [] : [`entries[0].lines[1].account: k: ${problem}`],
    );
  });

  it('checks every line of every entry, also an account that earlier lines used correctly', () => {
    const batch = Array.from({ length: 12 }, (_, i) =>
      entry(`k${i}`, [
        { account: '2740', debit: 5 },
        { account: i === 5 || i === 9 ? '1579 ' : '1579', credit: 5 },
      ]),
    );
    expect(messages(batch)).toEqual([
      'entries[5].lines[1].account: k5: must not start or end with whitespace',
      'entries[9].lines[1].account: k9: must not start or end with whitespace',
    ]);
  });

  it('checks the date of every entry, also after entries with a good one', () => {
    const dated = (key: string, date: unknown) =>
      entry(key, balanced.lines, { date: date as JournalEntry['date'] });
    expect(
      messages([
        dated('k0', '2024-03-15'),
        dated('k1', '2024-03-15'),
        dated('k2', '2024-02-30'),
        dated('k3', '2024-03-15'),
        dated('k4', undefined),
        dated('k5', ''),
      ]),
    ).toEqual([
      'entries[2].date: k2: must be a calendar date YYYY-MM-DD',
      'entries[4].date: k4: must be a calendar date YYYY-MM-DD',
      'entries[5].date: k5: must be a calendar date YYYY-MM-DD',
    ]);
    expect(messages([dated('k', undefined), dated('k', '')])).toEqual([
      'entries[0].date: k: must be a calendar date YYYY-MM-DD',
      'entries[1].date: k: must be a calendar date YYYY-MM-DD',
    ]);
  });

  it('rejects optional line texts that are not strings and keys that are too long or not well-formed', () => {
    const lines: JournalLine[] = [
      { account: '1920', debit: 5, kid: 123 as unknown as string },
      { account: '1579', credit: 5, description: null as unknown as string, reference: 'r' },
    ];
    expect(messages([entry('k', lines)])).toEqual([
      'entries[0].lines[0].kid: k: must be a string when present',
      'entries[0].lines[1].description: k: must be a string when present',
    ]);
    expect(messages([entry('k'.repeat(1025), balanced.lines)])).toEqual([
      'entries[0].idempotencyKey: must be at most 1024 characters',
    ]);
    expect(messages([entry('k'.repeat(1024), balanced.lines)])).toEqual([]);
    expect(messages([entry('k\ud800', balanced.lines)])).toEqual([
      'entries[0].idempotencyKey: must be well-formed Unicode',
    ]);
    expect(messages([entry('k\ud83d\ude00', balanced.lines)])).toEqual([]);
    expect(messages([entry('k', balanced.lines, { reverses: 'r\tx' })])).toEqual([
      'entries[0].reverses: k: must not contain control characters (line breaks, tabs)',
    ]);
  });

  it('reports an unbalanced entry whose sums lie beyond the safe integer range exactly', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const off = entry('k', [
      { account: '2740', debit: max },
      { account: '2770', debit: max },
      { account: '1579', credit: max },
      { account: '1579', credit: max - 1 },
    ]);
    expect(messages([off])).toEqual([
      'entries[0]: k: does not balance: debits 180143985094819.82 ≠ credits 180143985094819.81 (difference 0.01)',
    ]);
  });

  it('throws one typed error for the whole batch that never repeats descriptions', () => {
    const personal = entry('k2', [{ account: '2500', debit: 1 }], { description: 'Restskatt 04827896468' });
    let caught: unknown;
    try {
      assertValidJournalBatch([balanced, personal]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidJournalEntryError);
    const error = caught as InvalidJournalEntryError;
    expect(error.code).toBe('KOB_JOURNAL_ENTRY_INVALID');
    expect(error.issues.map((i) => i.path)).toEqual(['entries[1].lines', 'entries[1]']);
    expect(error.message).toContain('nothing written');
    expect(error.message).not.toContain('04827896468');
  });
});

describe('assertValidBalanceAssertions', () => {
  it('accepts signed balances, zero included', () => {
    expect(() =>
      assertValidBalanceAssertions('2024-03-31', [
        { account: '1579', amount: 0 },
        { account: '2740', amount: -123456 },
      ]),
    ).not.toThrow();
  });

  it('lists a bad date, repeated accounts and non-integer amounts', () => {
    let caught: InvalidJournalEntryError | undefined;
    try {
      assertValidBalanceAssertions('31.03.2024', [
        { account: '1579', amount: 1 },
        { account: '1579', amount: 2 },
        { account: '2740', amount: 0.5 },
      ]);
    } catch (error) {
      caught = error as InvalidJournalEntryError;
    }
    expect(caught?.issues).toEqual([
      { path: 'date', message: 'must be a calendar date YYYY-MM-DD' },
      { path: 'balances[1].account', message: 'repeats balances[0]' },
      { path: 'balances[2].amount', message: 'must be a safe integer number of øre (got 0.5)' },
    ]);
  });
});

describe('netByAccount', () => {
  it('nets debits and credits per account, debit-positive', () => {
    const net = netByAccount(
      entry('k', [
        { account: '2740', debit: 500 },
        { account: '1579', credit: 300 },
        { account: '1579', credit: 200 },
        { account: '2740', credit: 100 },
        { account: '1920', debit: 100 },
      ]),
    );
    expect([...net]).toEqual([
      ['2740', 400n],
      ['1579', -500n],
      ['1920', 100n],
    ]);
  });
});
