import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomerRef, JournalEntry, JournalLine } from '../../src/journal/index.js';

export const acme: CustomerRef = { id: 'acme', organisasjonsnummer: '212201782' };
export const other: CustomerRef = { id: 'other', organisasjonsnummer: '310010221' };

/** A two-line entry moving `amount` øre from `credit` to `debit`. */
export function move(
  key: string,
  debit: string,
  credit: string,
  amount: number,
  date = '2024-03-15',
): JournalEntry {
  return entry(key, date, [
    { account: debit, debit: amount },
    { account: credit, credit: amount },
  ]);
}

export function entry(key: string, date: string, lines: JournalLine[], extra: Partial<JournalEntry> = {}) {
  return {
    idempotencyKey: key,
    date,
    description: `Entry ${key}`,
    lines,
    source: { kind: 'test', ids: [key] },
    ...extra,
  } satisfies JournalEntry;
}

/** The mirror image of an entry, as the reconciliation posts it to cancel `original`. */
export function reversal(original: JournalEntry, key: string, date = original.date): JournalEntry {
  return {
    ...original,
    idempotencyKey: key,
    date,
    description: `Reversal of ${original.description}`,
    reverses: original.idempotencyKey,
    lines: original.lines.map(({ debit, credit, ...rest }) =>
      debit !== undefined ? { ...rest, credit: debit } : { ...rest, debit: credit },
    ),
  };
}

export async function tempDir(prefix = 'kob-journal-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Every file in `dir` (recursively not needed: adapters write flat) with its content, sorted by name. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  const out: Record<string, string> = {};
  for (const name of names) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

/** Debit-positive balance per account over entries (zero balances left out). */
export function expectedBalances(entries: readonly JournalEntry[]): Record<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const e of entries) {
    for (const l of e.lines) {
      const delta = l.debit !== undefined ? BigInt(l.debit) : -BigInt(l.credit as number);
      sums.set(l.account, (sums.get(l.account) ?? 0n) + delta);
    }
  }
  return Object.fromEntries([...sums].filter(([, v]) => v !== 0n).sort(([a], [b]) => (a < b ? -1 : 1)));
}
