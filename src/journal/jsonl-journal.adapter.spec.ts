import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CustomerRef, JournalEntry } from './journal-adapter.interface.js';
import { JsonlJournalAdapter, type JsonlRecord } from './jsonl-journal.adapter.js';
import { JournalFileError } from './journal.error.js';

const acme: CustomerRef = { id: 'acme', organisasjonsnummer: '212201782' };
const other: CustomerRef = { id: 'other', organisasjonsnummer: '310010221' };
const clock = { now: () => Date.parse('2024-04-02T08:30:00.000Z') };

function move(key: string, amount: number, date = '2024-03-15'): JournalEntry {
  return {
    idempotencyKey: key,
    date,
    description: `entry ${key}`,
    lines: [
      { account: '1579', debit: amount },
      { account: '1920', credit: amount },
    ],
    source: { kind: 'test', ids: [key] },
  };
}

async function records(file: string): Promise<JsonlRecord[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonlRecord);
}

describe('JsonlJournalAdapter', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kob-jsonl-'));
    file = join(dir, 'journal.jsonl');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes one line per entry: øre as integers plus kroner text, customer, batch and time', async () => {
    const journal = new JsonlJournalAdapter({ path: file, clock });
    const entry: JournalEntry = {
      ...move('kob:acme:payment:p1', 123456),
      description: 'Restskatt for 04827896468',
      reverses: 'kob:acme:payment:p0',
    };
    entry.lines[0] = { ...entry.lines[0], kid: '2024011234567', description: 'eier 04827896468' };
    const results = await journal.postEntries(acme, [entry, move('k2', 5)]);
    expect(results).toEqual([
      { idempotencyKey: 'kob:acme:payment:p1', status: 'posted', ref: 'journal.jsonl:1' },
      { idempotencyKey: 'k2', status: 'posted', ref: 'journal.jsonl:2' },
    ]);
    const [first, second] = await records(file);
    expect(first).toEqual({
      v: 1,
      customerId: 'acme',
      organisasjonsnummer: '212201782',
      batch: expect.any(String),
      batchSize: 2,
      postedAt: '2024-04-02T08:30:00.000Z',
      type: 'entry',
      idempotencyKey: 'kob:acme:payment:p1',
      date: '2024-03-15',
      description: 'Restskatt for ******96468',
      lines: [
        {
          account: '1579',
          debit: 123456,
          debitNok: '1234.56',
          kid: '2024011234567',
          description: 'eier ******96468',
        },
        { account: '1920', credit: 123456, creditNok: '1234.56' },
      ],
      source: { kind: 'test', ids: ['kob:acme:payment:p1'] },
      reverses: 'kob:acme:payment:p0',
    });
    expect(second.batch).toBe(first.batch);
    expect(await readFile(file, 'utf8')).not.toContain('04827896468');
  });

  it('writes nothing for a batch of duplicates', async () => {
    const journal = new JsonlJournalAdapter({ path: file });
    await journal.postEntries(acme, [move('a', 1)]);
    const before = await readFile(file, 'utf8');
    expect(await journal.postEntries(acme, [move('a', 1)])).toEqual([
      { idempotencyKey: 'a', status: 'duplicate' },
    ]);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('keeps customers of one file apart by id and refuses a known id with another organisation number', async () => {
    const journal = new JsonlJournalAdapter({ path: file });
    await journal.postEntries(acme, [move('a', 1)]);
    await journal.postEntries(other, [move('a', 2)]);
    expect((await records(file)).map((r) => r.customerId)).toEqual(['acme', 'other']);
    const impostor = { id: 'acme', organisasjonsnummer: '999999999' };
    const attempt = new JsonlJournalAdapter({ path: file }).postEntries(impostor, [move('b', 1)]);
    await expect(attempt).rejects.toBeInstanceOf(JournalFileError);
    await expect(attempt).rejects.toMatchObject({ code: 'KOB_JOURNAL_CUSTOMER_MISMATCH' });
  });

  it('with a directory, writes one file per customer, named safely', async () => {
    const journal = new JsonlJournalAdapter({ dir });
    await journal.postEntries(acme, [move('a', 1)]);
    await journal.postEntries({ id: '../escape', organisasjonsnummer: '310010221' }, [move('a', 1)]);
    expect(journal.fileFor('acme')).toBe(join(dir, 'acme.jsonl'));
    expect(dirname(journal.fileFor('../escape'))).toBe(dir);
    expect((await records(journal.fileFor('../escape')))[0].customerId).toBe('../escape');
    expect((await records(journal.fileFor('acme'))).map((r) => r.customerId)).toEqual(['acme']);
  });

  it('removes a batch a crash cut short, so its entries are posted again, once', async () => {
    const journal = new JsonlJournalAdapter({ path: file });
    await journal.postEntries(acme, [move('a', 1)]);
    const whole = await readFile(file, 'utf8');
    // A crash while appending a batch of two: the first line made it, the second only partly.
    const cut = { ...JSON.parse(whole.trim()), idempotencyKey: 'b', batch: 'crashed', batchSize: 2 };
    await appendFile(file, `${JSON.stringify(cut)}\n{"v":1,"type":"entry","custo`);

    const restarted = new JsonlJournalAdapter({ path: file });
    const results = await restarted.postEntries(acme, [move('b', 1), move('c', 1)]);
    expect(results.map((r) => r.status)).toEqual(['posted', 'posted']);
    expect(results[0].ref).toBe('journal.jsonl:2');
    expect((await records(file)).map((r) => (r.type === 'entry' ? r.idempotencyKey : r.type))).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('also removes an incomplete batch whose lines all ended cleanly', async () => {
    const journal = new JsonlJournalAdapter({ path: file });
    await journal.postEntries(acme, [move('a', 1)]);
    const line = JSON.parse((await readFile(file, 'utf8')).trim());
    await appendFile(file, `${JSON.stringify({ ...line, idempotencyKey: 'b', batch: 'x', batchSize: 3 })}\n`);
    const results = await new JsonlJournalAdapter({ path: file }).postEntries(acme, [move('b', 1)]);
    expect(results[0].status).toBe('posted');
    expect((await records(file)).map((r) => r.batch === 'x')).toEqual([false, false]);
  });

  it('refuses to write to a file with a damaged line in the middle, and leaves it as it is', async () => {
    const journal = new JsonlJournalAdapter({ path: file });
    await journal.postEntries(acme, [move('a', 1)]);
    const good = await readFile(file, 'utf8');
    const damaged = `not json\n${good}`;
    await writeFile(file, damaged);
    const attempt = new JsonlJournalAdapter({ path: file }).postEntries(acme, [move('b', 1)]);
    await expect(attempt).rejects.toMatchObject({ code: 'KOB_JOURNAL_CORRUPT' });
    await expect(attempt).rejects.toThrow(/line 1/);
    expect(await readFile(file, 'utf8')).toBe(damaged);
  });

  it('records balance assertions as their own lines, without affecting posted keys', async () => {
    const journal = new JsonlJournalAdapter({ path: file, clock });
    await journal.assertBalances(acme, '2024-03-31', [
      { account: '1579', amount: -5, description: 'uplassert' },
      { account: '2740', amount: 0 },
    ]);
    const [record] = await records(file);
    expect(record).toMatchObject({
      type: 'balance-assertion',
      customerId: 'acme',
      date: '2024-03-31',
      balances: [
        { account: '1579', amount: -5, amountNok: '-0.05', description: 'uplassert' },
        { account: '2740', amount: 0, amountNok: '0.00' },
      ],
    });
    expect((await journal.postEntries(acme, [move('a', 1)]))[0]).toMatchObject({ ref: 'journal.jsonl:2' });
  });

  it('reports a path it cannot use as a typed error naming the file', async () => {
    await writeFile(join(dir, 'blocker'), '');
    const journal = new JsonlJournalAdapter({ path: join(dir, 'blocker', 'journal.jsonl') });
    await expect(journal.postEntries(acme, [move('a', 1)])).rejects.toMatchObject({
      code: 'KOB_JOURNAL_READ_FAILED',
      file: expect.stringContaining('blocker'),
    });
  });
});
