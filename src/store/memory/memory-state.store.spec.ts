import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import { MemoryStateStore } from './memory-state.store.js';

function entry(key: string): JournalEntry {
  return {
    idempotencyKey: key,
    date: '2024-03-15',
    description: 'Innbetaling',
    lines: [
      { account: '1579', debit: 100, reference: 'P1' },
      { account: '1920', credit: 100, reference: 'P1' },
    ],
    source: { kind: 'payment', ids: ['P1'] },
  };
}

function deepFreeze(e: JournalEntry): JournalEntry {
  for (const line of e.lines) Object.freeze(line);
  Object.freeze(e.lines);
  Object.freeze(e.source.ids);
  Object.freeze(e.source);
  return Object.freeze(e);
}

async function store(): Promise<MemoryStateStore> {
  const s = new MemoryStateStore();
  await s.migrate();
  return s;
}

describe('MemoryStateStore outbox entries', () => {
  it('gives back what a JSON round trip gives: undefined members left out, -0 as 0', async () => {
    const s = await store();
    const e = entry('k1');
    const written = { ...e, reverses: undefined, lines: [{ ...e.lines[0], kid: undefined }, e.lines[1]] };
    written.lines[1] = { ...written.lines[1], description: 'x' };
    (written as unknown as { extra: number }).extra = -0;
    await s.addToOutbox('c', [{ entry: written, contentHash: 'h', baseKey: 'k1', version: 1 }]);
    const [read] = await s.listOutbox('c');
    expect(read.entry).toEqual(JSON.parse(JSON.stringify(written)));
    expect(Object.keys(read.entry)).toEqual(Object.keys(JSON.parse(JSON.stringify(written)) as object));
    expect(Object.is((read.entry as unknown as { extra: number }).extra, 0)).toBe(true);
    expect('kid' in read.entry.lines[0]).toBe(false);
  });

  it('is not changed by changing what was written or what was read, frozen or not', async () => {
    const s = await store();
    const plain = entry('k1');
    const frozen = deepFreeze(entry('k2'));
    await s.addToOutbox('c', [
      { entry: plain, contentHash: 'h1', baseKey: 'k1', version: 1 },
      { entry: frozen, contentHash: 'h2', baseKey: 'k2', version: 1 },
    ]);
    plain.lines[0].debit = 1;
    const read = await s.listOutbox('c');
    expect(read.map((o) => o.entry)).toEqual([entry('k1'), entry('k2')]);
    expect(Object.isFrozen(read[1].entry.lines[0])).toBe(false);
    read[1].entry.lines[0].debit = 2;
    expect((await s.listOutbox('c'))[1].entry).toEqual(entry('k2'));
  });

  it('marks each key once per call: repeats and unknown keys come back unchanged, in order', async () => {
    const s = await store();
    await s.addToOutbox('c', [
      { entry: entry('a'), contentHash: 'h', baseKey: 'a', version: 1 },
      { entry: entry('b'), contentHash: 'h', baseKey: 'b', version: 1 },
    ]);
    await s.markPosted('c', [{ key: 'b' }]);
    const result = await s.markPosted('c', [
      { key: 'a' },
      { key: 'x' },
      { key: 'a' },
      { key: 'b' },
      { key: 'x' },
    ]);
    expect(result).toEqual({ updated: 1, unchanged: ['x', 'b', 'a', 'x'] });
    expect((await s.listOutbox('c')).map((o) => o.status)).toEqual(['posted', 'posted']);
  });
});
