import { execFile } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { HledgerJournalAdapter, type JournalEntry } from '../../src/journal/index.js';
import {
  acme,
  entry,
  expectedBalances,
  move,
  other,
  removeDir,
  reversal,
  tempDir,
} from './journal-fixtures.js';

// Runs the real `hledger` binary (CI installs it from Debian) over what the adapter writes.

const run = promisify(execFile);

interface HledgerRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

async function hledger(file: string, ...args: string[]): Promise<HledgerRun> {
  try {
    const { stdout, stderr } = await run('hledger', ['-f', file, ...args], {
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('hledger is not installed (CI installs it from Debian in .ci/run)', { cause: error });
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `hledger check --strict` (parseable, balanced, assertions hold, accounts and commodities declared). */
async function check(file: string): Promise<HledgerRun> {
  return hledger(file, 'check', '--strict');
}

/** Øre (BigInt: hledger sums beyond the safe integer range) from `1234.56 NOK` / `-0.50 NOK` / `0`. */
function oreOf(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{2}))? NOK$/.exec(amount.trim());
  if (amount.trim() === '0') return 0n;
  if (!m) throw new Error(`unexpected hledger amount ${amount}`);
  const ore = BigInt(`${m[2]}${m[3] ?? '00'}`);
  return m[1] === '-' ? -ore : ore;
}

/** Balance per account as hledger reports it (zero balances are left out, as in {@link expectedBalances}). */
async function balances(file: string, ...args: string[]): Promise<Record<string, bigint>> {
  const result = await hledger(file, 'balance', '--flat', '-N', '-O', 'csv', ...args);
  if (!result.ok) throw new Error(`hledger balance failed: ${result.stderr}`);
  const rows = result.stdout.trim().split('\n').slice(1);
  const out: Record<string, bigint> = {};
  for (const row of rows) {
    const [account, amount] = JSON.parse(`[${row}]`) as [string, string];
    out[account] = oreOf(amount);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('HledgerJournalAdapter with hledger', () => {
  let dir: string;
  let journal: HledgerJournalAdapter;
  let file: string;

  beforeEach(async () => {
    dir = await tempDir('kob-hledger-');
    journal = new HledgerJournalAdapter({ dir });
    file = journal.fileFor(acme.id);
  });
  afterEach(() => removeDir(dir));

  it('writes journals with reversals that pass hledger check --strict and show the expected balances', async () => {
    const payment = move('kob:acme:payment:p1', '1579', '1920', 1_000_000, '2024-01-10');
    const placement = move('kob:acme:placement:p1:i1', '2740', '1579', 1_000_000, '2024-01-12');
    const payout = entry('kob:acme:payout:u1', '2024-02-01', [
      { account: '1920', debit: 25_050 },
      { account: '2740', credit: 20_000, kid: '2024011234567' },
      { account: '1579', credit: 5_050, description: 'refund of an overpayment' },
    ]);
    const batch1 = [payment, placement];
    const batch2 = [
      reversal(placement, 'kob:acme:reversal:kob:acme:placement:p1:i1#1', '2024-02-05'),
      move('kob:acme:placement:p1:i1#1', '2770', '1579', 1_000_000, '2024-01-12'),
      payout,
    ];
    await journal.postEntries(acme, batch1);
    await journal.postEntries(acme, batch2);

    const result = await check(file);
    expect(result).toMatchObject({ ok: true });
    expect(await balances(file)).toEqual(expectedBalances([...batch1, ...batch2]));
    expect(await balances(file)).toEqual({
      '1579': -5_050n,
      '1920': -974_950n,
      '2740': -20_000n,
      '2770': 1_000_000n,
    });
    // hledger sees our tags: the reversal points at the key it cancels.
    const reversals = await hledger(file, 'print', 'tag:reverses=^kob:acme:placement:p1:i1$');
    expect(reversals.stdout).toContain('key:kob:acme:reversal:kob:acme:placement:p1:i1#1');
  });

  it('keeps amounts exact at the limits: the largest øre amounts, sums beyond them, negative balances', async () => {
    const max = Number.MAX_SAFE_INTEGER;
    const entries = [
      move('big1', '2740', '1579', max, '2024-01-01'),
      move('big2', '2740', '1579', max, '2024-01-02'),
      move('tiny', '1579', '2740', 1, '2024-01-03'),
    ];
    await journal.postEntries(acme, entries);
    expect(await check(file)).toMatchObject({ ok: true });
    expect(await balances(file)).toEqual({ '1579': -2n * BigInt(max) + 1n, '2740': 2n * BigInt(max) - 1n });
  });

  it('writes balance assertions hledger checks: right ones pass, a wrong one fails the check', async () => {
    await journal.postEntries(acme, [
      move('pay', '1579', '1920', 50_000, '2024-01-10'),
      move('place', '2740', '1579', 30_000, '2024-01-20'),
      move('later', '2740', '1579', 20_000, '2024-02-10'),
    ]);
    await journal.assertBalances(acme, '2024-01-31', [
      { account: '1579', amount: 20_000, description: 'unplaced payments' },
      { account: '2740', amount: 30_000 },
      { account: '1920', amount: -50_000 },
    ]);
    expect(await check(file)).toMatchObject({ ok: true });

    await journal.assertBalances(acme, '2024-02-29', [{ account: '1579', amount: 1 }]);
    const failed = await check(file);
    expect(failed.ok).toBe(false);
    expect(failed.stderr).toMatch(/balance assertion/i);
    expect(failed.stderr).toContain('1579');
    // Only the assertion is wrong: ignoring assertions, the journal is fine.
    expect(await hledger(file, 'check', '--strict', '--ignore-assertions')).toMatchObject({ ok: true });
  });

  it('retires assertions a later, back-dated entry made stale, and only those', async () => {
    await journal.postEntries(acme, [move('pay', '1579', '1920', 50_000, '2024-01-10')]);
    await journal.assertBalances(acme, '2024-01-31', [
      { account: '1579', amount: 50_000 },
      { account: '2740', amount: 0 },
      { account: '1920', amount: -50_000 },
    ]);
    // Skatteetaten places the payment later, dated before the assertion: 1579 and 2740 change, 1920 does not.
    await journal.postEntries(acme, [move('place', '2740', '1579', 50_000, '2024-01-15')]);
    // An entry dated on the assertion date is checked after it (hledger: date, then file order): no retirement.
    await journal.postEntries(acme, [move('same-day', '1579', '1920', 7, '2024-01-31')]);
    expect(await check(file)).toMatchObject({ ok: true });

    const text = await readFile(file, 'utf8');
    const retired = text.split('\n').filter((l) => l.includes('; retired by back-dated entry place:'));
    expect(retired.map((l) => l.replace(/^.*: /, ''))).toEqual([
      '1579        0 NOK = 500.00 NOK',
      '2740        0 NOK = 0.00 NOK',
    ]);
    expect(text).toMatch(/^ {4}1920 +0 NOK = -500\.00 NOK$/m);

    // Proof that retiring was needed: put the stale assertions back and hledger rejects the journal.
    const unretired = join(dir, 'unretired.journal');
    await writeFile(unretired, text.replace(/^ {4}; retired by back-dated entry \S+: (.*)$/gm, '    $1'));
    const failed = await check(unretired);
    expect(failed.ok).toBe(false);
    expect(failed.stderr).toMatch(/balance assertion/i);

    // The reconciliation's next assertions for that date hold.
    await journal.assertBalances(acme, '2024-01-31', [
      { account: '1579', amount: 7 },
      { account: '2740', amount: 50_000 },
      { account: '1920', amount: -50_007 },
    ]);
    expect(await check(file)).toMatchObject({ ok: true });
  });

  it('writes one journal per customer, each balancing only its own entries', async () => {
    await journal.postEntries(acme, [move('k', '1579', '1920', 100)]);
    await journal.postEntries(other, [move('k', '2740', '1579', 7)]);
    const otherFile = journal.fileFor(other.id);
    expect(otherFile).not.toBe(file);
    expect(await check(file)).toMatchObject({ ok: true });
    expect(await check(otherFile)).toMatchObject({ ok: true });
    expect(await balances(file)).toEqual({ '1579': 100n, '1920': -100n });
    expect(await balances(otherFile)).toEqual({ '1579': -7n, '2740': 7n });
    expect(await readFile(otherFile, 'utf8')).toContain('org:310010221');
    expect(await readFile(otherFile, 'utf8')).not.toContain('212201782');
  });

  it('never writes a person number, and hledger reads the masked text', async () => {
    const personal: JournalEntry = {
      ...move('rest', '2070', '1579', 12_345, '2024-05-02'),
      description: 'Restskatt 2023 for 04827896468',
    };
    personal.lines[0].description = 'eier 048278 96468';
    await journal.postEntries(acme, [personal]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/04827896468|048278 96468/);
    const printed = await hledger(file, 'print');
    expect(printed.stdout).toContain('Restskatt 2023 for ******96468');
  });

  it('removes a batch a crash cut short, so the journal checks again after the next write', async () => {
    await journal.postEntries(acme, [move('a', '1579', '1920', 100, '2024-01-01')]);
    // What a crash in the middle of appending the next batch leaves behind.
    await appendFile(file, '; kob batch begin\n2024-01-02 Entry b  ; key:b, source:test:b\n    1579   5');
    expect((await check(file)).ok).toBe(false);

    const restarted = new HledgerJournalAdapter({ dir });
    const results = await restarted.postEntries(acme, [move('b', '1579', '1920', 5, '2024-01-02')]);
    expect(results[0].status).toBe('posted');
    expect(await check(file)).toMatchObject({ ok: true });
    expect(await balances(file)).toEqual({ '1579': 105n, '1920': -105n });
    expect((await readFile(file, 'utf8')).match(/key:b,/g)).toHaveLength(1);
  });

  it('property: hledger balances equal our own sums, and asserted balances hold, over random batches', async () => {
    const accounts = ['1579', '1920', '2500', '2740', '2770', '8159', 'Assets:Tax account'];
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2024-03-${String(d).padStart(2, '0')}`);
    const amount = fc.oneof(
      fc.integer({ min: 1, max: 100_000 }),
      fc.integer({ min: 1, max: 1_000_000_000_000 }),
    );
    const randomEntry = fc
      .record({
        key: fc.string({
          unit: fc.constantFrom('a', 'b', 'c', ':', '#', ' ', ',', 'ø'),
          minLength: 1,
          maxLength: 4,
        }),
        date: day,
        debits: fc.array(fc.tuple(fc.constantFrom(...accounts), amount), { minLength: 1, maxLength: 3 }),
        credit: fc.constantFrom(...accounts),
      })
      .map(({ key, date, debits, credit }) => {
        const total = debits.reduce((s, [, a]) => s + a, 0);
        return entry(key, date, [
          ...debits.map(([account, debit]) => ({ account, debit })),
          { account: credit, credit: total },
        ]);
      });
    const step = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.array(randomEntry, { minLength: 1, maxLength: 5 }).map((b) => ({ post: b })),
      },
      { weight: 1, arbitrary: day.map((d) => ({ assertOn: d })) },
    );

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const runDir = await tempDir('kob-hledger-prop-');
        try {
          const adapter = new HledgerJournalAdapter({ dir: runDir });
          const posted = new Map<string, JournalEntry>();
          for (const s of steps) {
            if ('post' in s) {
              const results = await adapter.postEntries(acme, s.post);
              s.post.forEach((e, i) => {
                expect(results[i].status).toBe(posted.has(e.idempotencyKey) ? 'duplicate' : 'posted');
                if (!posted.has(e.idempotencyKey)) posted.set(e.idempotencyKey, e);
              });
            } else {
              const asOf = [...posted.values()].filter((e) => e.date <= s.assertOn);
              const expected = expectedBalances(asOf);
              const asserted = accounts.map((account) => ({
                account,
                amount: Number(expected[account] ?? 0n),
              }));
              await adapter.assertBalances(acme, s.assertOn, asserted);
            }
          }
          const journalFile = adapter.fileFor(acme.id);
          if (posted.size === 0 && !steps.some((s) => 'assertOn' in s)) return;
          const checked = await check(journalFile);
          expect(checked.stderr).toBe('');
          expect(checked.ok).toBe(true);
          expect(await balances(journalFile)).toEqual(expectedBalances([...posted.values()]));
        } finally {
          await removeDir(runDir);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
