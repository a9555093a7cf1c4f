import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CustomerRef, JournalEntry } from './journal-adapter.interface.js';
import { HledgerJournalAdapter } from './hledger-journal.adapter.js';
import { JournalFileError } from './journal.error.js';

// File behaviour of the hledger adapter; test/journal/hledger-journal.e2e-spec.ts runs hledger over the output.

const acme: CustomerRef = { id: 'acme', organisasjonsnummer: '212201782' };

function move(key: string, debit: string, credit: string, amount: number, date = '2024-01-10'): JournalEntry {
  return {
    idempotencyKey: key,
    date,
    description: `Entry ${key}`,
    lines: [
      { account: debit, debit: amount },
      { account: credit, credit: amount },
    ],
    source: { kind: 'test', ids: [key] },
  };
}

describe('HledgerJournalAdapter', () => {
  let dir: string;
  let journal: HledgerJournalAdapter;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kob-hledger-unit-'));
    journal = new HledgerJournalAdapter({ dir });
    file = journal.fileFor(acme.id);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the header once, declares each account once, and frames every batch', async () => {
    const first = await journal.postEntries(acme, [move('pay', '1579', '1920', 150_000)]);
    await journal.postEntries(acme, [move('place', '2740', '1579', 150_000, '2024-01-15')]);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      [
        '; kob batch begin',
        '; hledger journal written by nestjs-krav-og-betalinger. Do not edit entries: the module appends only.',
        '; kob-customer:acme, org:212201782',
        '; A changed fact is posted as a reversal (tag reverses:) plus a new entry. Transactions tagged',
        "; kob-assertion: hold Skatteetaten's balances; verify with: hledger -f <this file> check --strict",
        '',
        'decimal-mark .',
        'commodity 1000.00 NOK',
        '',
        'account 1579  ; Andre kortsiktige fordringer, type:A',
        'account 1920  ; Bankinnskudd, type:C',
        '',
        '2024-01-10 Entry pay  ; key:pay, source:test:pay',
        '    1579             1500.00 NOK',
        '    1920            -1500.00 NOK',
        '',
        '; kob batch end',
        '',
        '; kob batch begin',
        'account 2740  ; Oppgjørskonto merverdiavgift, type:L',
        '',
        '2024-01-15 Entry place  ; key:place, source:test:place',
        '    2740             1500.00 NOK',
        '    1579            -1500.00 NOK',
        '',
        '; kob batch end',
        '',
        '',
      ].join('\n'),
    );
    // The ref names the transaction's line.
    expect(first[0].ref).toBe('acme.journal:13');
    expect(text.split('\n')[12]).toMatch(/^2024-01-10 Entry pay/);
  });

  it('gives refs that point at each transaction, also after reading the file back', async () => {
    await journal.postEntries(acme, [move('a', '1579', '1920', 1)]);
    const restarted = new HledgerJournalAdapter({ dir });
    const results = await restarted.postEntries(acme, [
      move('b', '1579', '1920', 2),
      move('c', '1579', '1920', 3),
    ]);
    const lines = (await readFile(file, 'utf8')).split('\n');
    for (const r of results) {
      const line = Number(r.ref?.split(':')[1]);
      expect(lines[line - 1]).toContain(`key:${r.idempotencyKey},`);
    }
  });

  it('repeats no assertion that is already in force', async () => {
    await journal.postEntries(acme, [move('pay', '1579', '1920', 500)]);
    await journal.assertBalances(acme, '2024-01-31', [{ account: '1579', amount: 500 }]);
    const before = await readFile(file, 'utf8');
    await journal.assertBalances(acme, '2024-01-31', [{ account: '1579', amount: 500 }]);
    await new HledgerJournalAdapter({ dir }).assertBalances(acme, '2024-01-31', [
      { account: '1579', amount: 500 },
    ]);
    expect(await readFile(file, 'utf8')).toBe(before);
    await journal.assertBalances(acme, '2024-02-29', [{ account: '1579', amount: 500 }]);
    expect((await readFile(file, 'utf8')).match(/= 5\.00 NOK/g)).toHaveLength(2);
  });

  it('retires only assertions whose account a back-dated entry changes', async () => {
    await journal.postEntries(acme, [move('pay', '1579', '1920', 500)]);
    await journal.assertBalances(acme, '2024-01-31', [
      { account: '1579', amount: 500 },
      { account: '1920', amount: -500 },
    ]);
    // Back-dated but netting to zero on 1579 and not touching 1920: nothing goes stale.
    await journal.postEntries(acme, [
      move('x', '1579', '2740', 10, '2024-01-05'),
      move('y', '2740', '1579', 10, '2024-01-06'),
    ]);
    expect(await readFile(file, 'utf8')).not.toContain('retired');
    await journal.postEntries(acme, [move('z', '2740', '1579', 1, '2024-01-20')]);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('    ; retired by back-dated entry z: 1579        0 NOK = 5.00 NOK');
    expect(text).toContain('    1920        0 NOK = -5.00 NOK');
    // A fresh instance reads the retirement back: the same assertion may be made again and is written.
    await new HledgerJournalAdapter({ dir }).assertBalances(acme, '2024-01-31', [
      { account: '1579', amount: 500 },
    ]);
    expect((await readFile(file, 'utf8')).match(/^ {4}1579 +0 NOK = 5\.00 NOK$/gm)).toHaveLength(1);
  });

  it('repairs a torn last batch and appends after whatever a person added without a final newline', async () => {
    await journal.postEntries(acme, [move('a', '1579', '1920', 1)]);
    await appendFile(file, '; kob batch begin\n2024-01-11 Entry b  ; key:b');
    expect(
      (await new HledgerJournalAdapter({ dir }).postEntries(acme, [move('b', '1579', '1920', 1)]))[0].status,
    ).toBe('posted');
    await appendFile(file, '; a note without a newline');
    await new HledgerJournalAdapter({ dir }).postEntries(acme, [move('c', '1579', '1920', 1)]);
    const text = await readFile(file, 'utf8');
    expect(text.match(/key:b,/g)).toHaveLength(1);
    expect(text).toContain('; a note without a newline\n; kob batch begin\n2024-01-10 Entry c');
  });

  it('refuses a journal that belongs to another organisation number', async () => {
    await journal.postEntries(acme, [move('a', '1579', '1920', 1)]);
    const attempt = journal.postEntries({ ...acme, organisasjonsnummer: '310010221' }, [
      move('b', '1579', '1920', 1),
    ]);
    await expect(attempt).rejects.toBeInstanceOf(JournalFileError);
    await expect(attempt).rejects.toMatchObject({ code: 'KOB_JOURNAL_CUSTOMER_MISMATCH' });
  });

  it('keeps every customer id inside the directory, one distinct file each', () => {
    const ids = ['acme', '../up', 'a/b', 'a%2Fb', '.hidden', 'Ærlig AS'];
    const files = ids.map((id) => journal.fileFor(id));
    for (const f of files) expect(dirname(f)).toBe(dir);
    expect(new Set(files).size).toBe(ids.length);
    expect(files[0]).toBe(join(dir, 'acme.journal'));
  });

  it('reports a path it cannot use as a typed error naming the file', async () => {
    await writeFile(join(dir, 'blocker'), '');
    const blocked = new HledgerJournalAdapter({ dir: join(dir, 'blocker') });
    await expect(blocked.postEntries(acme, [move('a', '1579', '1920', 1)])).rejects.toMatchObject({
      code: 'KOB_JOURNAL_READ_FAILED',
      file: expect.stringContaining('blocker'),
    });
  });
});
