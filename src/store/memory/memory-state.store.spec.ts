import fc from 'fast-check';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import { SealedJournalEntry } from '../../journal/sealed-journal-entry.js';
import { firstOccurrences } from '../store-values.js';
import type { MarkResult, StoredMatch } from '../state-store.interface.js';
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

function sealed(key: string, reverses?: string): SealedJournalEntry {
  const e = entry(key);
  return new SealedJournalEntry(key, e.date, e.description, e.lines, e.source, reverses);
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

  it('keeps a sealed entry as it is and gives it back as it is: it cannot be changed', async () => {
    const s = await store();
    const written = sealed('k1');
    await s.addToOutbox('c', [{ entry: written, contentHash: 'h', baseKey: 'k1', version: 1 }]);
    await s.markPosted('c', [{ key: 'k1', ref: 'V-1' }]);
    const [read] = await s.postedEntries('c');
    expect(read.entry).toBe(written);
    expect(read.entry).toEqual(entry('k1'));
    expect(() => {
      read.entry.lines[0].debit = 1;
    }).toThrow(TypeError);
    expect((await s.listOutbox('c'))[0].entry).toEqual(entry('k1'));
    expect(await s.latestVersions('c')).toEqual(
      new Map([['k1', { key: 'k1', version: 1, contentHash: 'h', status: 'posted', reversed: false }]]),
    );
  });

  it('reads the reversal of a sealed entry like any other', async () => {
    const s = await store();
    await s.addToOutbox('c', [
      { entry: sealed('k1'), contentHash: 'h1', baseKey: 'k1', version: 1 },
      { entry: sealed('r:k1#1', 'k1'), contentHash: 'h2', baseKey: 'r:k1', version: 1 },
    ]);
    expect((await s.latestVersions('c')).get('k1')).toEqual({
      key: 'k1',
      version: 1,
      contentHash: 'h1',
      status: 'pending',
      reversed: true,
      reversalKey: 'r:k1#1',
      reversalStatus: 'pending',
    });
  });

  it('writes nothing of a batch with an entry JSON cannot represent, even after good ones', async () => {
    const s = await store();
    await s.addToOutbox('c', [{ entry: entry('old'), contentHash: 'h', baseKey: 'old', version: 1 }]);
    const bad = { ...entry('bad'), extra: 1n } as unknown as JournalEntry;
    const attempt = s.applyBatch('c', {
      outbox: [
        { entry: entry('k1'), contentHash: 'h', baseKey: 'k1', version: 1 },
        { entry: sealed('k2'), contentHash: 'h', baseKey: 'k2', version: 1 },
        { entry: bad, contentHash: 'h', baseKey: 'bad', version: 1 },
      ],
      factHashes: [{ kind: 'payment', hashes: [['p1', 'h1']] }],
      watermarks: [{ stream: 'krav', date: '2025-03-01' }],
      matches: { runId: 'r1', records: [] },
    });
    await expect(attempt).rejects.toThrow(TypeError);
    expect((await s.listOutbox('c')).map((o) => o.key)).toEqual(['old']);
    expect(await s.getFactHashes('c', 'payment')).toEqual(new Map());
    expect(await s.getWatermark('c', 'krav')).toBeUndefined();
    // The keys of the failed batch are free, and new rows go after the old ones.
    await s.addToOutbox('c', [
      { entry: entry('k2'), contentHash: 'h', baseKey: 'k2', version: 1 },
      { entry: entry('k1'), contentHash: 'h', baseKey: 'k1', version: 1 },
    ]);
    expect((await s.listOutbox('c')).map((o) => o.key)).toEqual(['old', 'k2', 'k1']);
    expect([...(await s.latestVersions('c')).keys()]).toEqual(['old', 'k2', 'k1']);
    expect(await s.markPosted('c', [{ key: 'k1' }, { key: 'old' }, { key: 'k2' }])).toEqual({
      updated: 3,
      unchanged: [],
    });
  });

  it('writes nothing of a batch with match evidence JSON cannot represent', async () => {
    const s = await store();
    const attempt = s.applyBatch('c', {
      outbox: [{ entry: entry('k1'), contentHash: 'h', baseKey: 'k1', version: 1 }],
      watermarks: [{ stream: 'krav', date: '2025-03-01' }],
      matches: {
        runId: 'r1',
        records: [{ kind: 'k', rule: 'r', confidence: 'auto', evidence: { n: 1n }, subjectIds: [] }],
      },
    });
    await expect(attempt).rejects.toThrow(TypeError);
    expect(await s.listOutbox('c')).toEqual([]);
    expect(await s.getWatermark('c', 'krav')).toBeUndefined();
  });

  it('keeps matches as their JSON round trip, apart from what was written and what was read', async () => {
    const s = await store();
    const evidence: Record<string, unknown> = {
      amount: 5,
      nested: { list: [1, undefined] },
      gone: undefined,
    };
    const subjectIds = ['p1'];
    const records = [{ kind: 'k', rule: 'r', confidence: 'auto' as const, evidence, subjectIds }];
    await s.putMatches('c', 'r1', records);
    const expected: StoredMatch[] = JSON.parse(
      JSON.stringify(records.map((m) => ({ ...m, runId: 'r1' }))),
    ) as StoredMatch[];
    evidence.amount = 6;
    subjectIds.push('p2');
    const read = await s.listMatches('c');
    expect(read).toEqual(expected);
    expect('gone' in read[0].evidence).toBe(false);
    read[0].subjectIds.push('p3');
    (read[0].evidence.nested as { list: unknown[] }).list.push(2);
    expect(await s.listMatches('c')).toEqual(expected);
  });

  it('gives fact hashes as a copy', async () => {
    const s = await store();
    await s.putFactHashes('c', 'claim', [['c1', 'h1']]);
    const read = await s.getFactHashes('c', 'claim');
    read.set('c1', 'changed');
    read.set('c2', 'h2');
    expect(await s.getFactHashes('c', 'claim')).toEqual(new Map([['c1', 'h1']]));
  });

  it('marks keys in any order, repeated or unknown, as the durable stores do', async () => {
    // Keys of the outbox and unknown ones, in any order: what firstOccurrences gives the durable stores.
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const call = fc.record({
      failed: fc.boolean(),
      keys: fc.array(fc.constantFrom(...keys, 'x', 'y'), { maxLength: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 4 }), async (calls) => {
        const s = await store();
        await s.addToOutbox(
          'c',
          keys.map((k) => ({ entry: entry(k), contentHash: 'h', baseKey: k, version: 1 })),
        );
        const status = new Map<string, string>(keys.map((k) => [k, 'pending']));
        for (const { failed, keys: marked } of calls) {
          const { unique, repeats } = firstOccurrences(marked, (k) => k);
          const changed = unique.filter((k) => status.has(k) && status.get(k) !== 'posted');
          const expected: MarkResult = {
            updated: changed.length,
            unchanged: [...unique.filter((k) => !changed.includes(k)), ...repeats],
          };
          for (const k of changed) status.set(k, failed ? 'failed' : 'posted');
          const result = failed
            ? await s.markFailed('c', marked, 'e')
            : await s.markPosted(
                'c',
                marked.map((key) => ({ key })),
              );
          expect(result).toEqual(expected);
        }
        expect((await s.listOutbox('c')).map((o) => [o.key, o.status])).toEqual([...status]);
      }),
    );
  });
});
