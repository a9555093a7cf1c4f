import {
  HledgerJournalAdapter,
  InvalidJournalEntryError,
  JsonlJournalAdapter,
  MemoryJournalAdapter,
  type JournalAdapter,
} from '../../src/journal/index.js';
import { join } from 'node:path';
import { acme, move, other, removeDir, snapshotDir, tempDir } from './journal-fixtures.js';

// The contract every built-in adapter keeps, run against each of them: idempotent on the key, all-or-nothing on
// a bad batch, customers kept apart; file adapters also across restarts and across instances.

interface Subject {
  name: string;
  /** A new adapter on the same storage (a restart); `undefined` when storage does not outlive the instance. */
  open(dir: string): JournalAdapter | undefined;
  /** What is stored, to prove that nothing changed. */
  snapshot(dir: string, adapter: JournalAdapter): Promise<unknown>;
}

const files = (dir: string) => snapshotDir(dir);
const subjects: Subject[] = [
  {
    name: 'memory',
    open: () => undefined,
    snapshot: async (_dir, adapter) => {
      const memory = adapter as MemoryJournalAdapter;
      return { acme: memory.entries('acme'), other: memory.entries('other') };
    },
  },
  {
    name: 'jsonl (one file)',
    open: (dir) => new JsonlJournalAdapter({ path: join(dir, 'journal.jsonl') }),
    snapshot: files,
  },
  { name: 'jsonl (file per customer)', open: (dir) => new JsonlJournalAdapter({ dir }), snapshot: files },
  { name: 'hledger', open: (dir) => new HledgerJournalAdapter({ dir }), snapshot: files },
];

describe.each(subjects)('journal adapter contract: $name', (subject) => {
  let dir: string;
  let journal: JournalAdapter;

  beforeEach(async () => {
    dir = await tempDir();
    journal = subject.open(dir) ?? new MemoryJournalAdapter();
  });
  afterEach(() => removeDir(dir));

  it('posts a key once; a repeat is a duplicate and changes nothing', async () => {
    const first = await journal.postEntries(acme, [
      move('k1', '1579', '1920', 100),
      move('k2', '2740', '1579', 60),
    ]);
    expect(first.map((r) => [r.idempotencyKey, r.status])).toEqual([
      ['k1', 'posted'],
      ['k2', 'posted'],
    ]);
    const before = await subject.snapshot(dir, journal);
    const again = await journal.postEntries(acme, [
      move('k2', '2740', '1579', 60),
      move('k1', '1579', '1920', 100),
    ]);
    expect(again).toEqual([
      { idempotencyKey: 'k2', status: 'duplicate' },
      { idempotencyKey: 'k1', status: 'duplicate' },
    ]);
    expect(await subject.snapshot(dir, journal)).toEqual(before);
  });

  it('answers in input order and treats a key repeated within a batch as a duplicate', async () => {
    const results = await journal.postEntries(acme, [
      move('a', '1579', '1920', 1),
      move('b', '1579', '1920', 2),
      move('a', '1579', '1920', 1),
    ]);
    expect(results.map((r) => `${r.idempotencyKey}:${r.status}`)).toEqual([
      'a:posted',
      'b:posted',
      'a:duplicate',
    ]);
  });

  it('rejects a batch with one unbalanced entry as a whole: nothing is written', async () => {
    await journal.postEntries(acme, [move('earlier', '1579', '1920', 100)]);
    const before = await subject.snapshot(dir, journal);
    const unbalanced = {
      ...move('bad', '2740', '1579', 100),
      lines: [...move('bad', '2740', '1579', 100).lines],
    };
    unbalanced.lines[1] = { account: '1579', credit: 99 };
    await expect(
      journal.postEntries(acme, [move('good', '1579', '1920', 5), unbalanced]),
    ).rejects.toBeInstanceOf(InvalidJournalEntryError);
    expect(await subject.snapshot(dir, journal)).toEqual(before);
    // Nothing of the rejected batch counts as posted either.
    const retry = await journal.postEntries(acme, [move('good', '1579', '1920', 5)]);
    expect(retry[0].status).toBe('posted');
  });

  it('keeps customers apart: the same key is posted for each of them', async () => {
    await journal.postEntries(acme, [move('same', '1579', '1920', 100)]);
    const results = await journal.postEntries(other, [move('same', '1579', '1920', 7)]);
    expect(results[0].status).toBe('posted');
    expect((await journal.postEntries(other, [move('same', '1579', '1920', 7)]))[0].status).toBe('duplicate');
  });

  it('serialises concurrent calls: the same key posted twice at once is written once', async () => {
    const [a, b] = await Promise.all([
      journal.postEntries(acme, [move('race', '1579', '1920', 100)]),
      journal.postEntries(acme, [move('race', '1579', '1920', 100)]),
    ]);
    expect([a[0].status, b[0].status].sort()).toEqual(['duplicate', 'posted']);
  });

  // Only storage that outlives the adapter instance can be reopened (memory cannot).
  if (subject.open('/nonexistent') !== undefined) {
    it('stays idempotent after a restart and across instances on the same storage', async () => {
      await journal.postEntries(acme, [move('k1', '1579', '1920', 100)]);
      const restarted = subject.open(dir) as JournalAdapter;
      expect((await restarted.postEntries(acme, [move('k1', '1579', '1920', 100)]))[0].status).toBe(
        'duplicate',
      );
      // Another instance posts; the first one notices the file changed and does not post the key again.
      await restarted.postEntries(acme, [move('k2', '1579', '1920', 5)]);
      const before = await subject.snapshot(dir, journal);
      expect((await journal.postEntries(acme, [move('k2', '1579', '1920', 5)]))[0].status).toBe('duplicate');
      expect(await subject.snapshot(dir, journal)).toEqual(before);
    });
  }
});
