import { createHash } from 'node:crypto';
import type { AccessState } from '../../src/auth/access/access-state.model.js';
import type { JournalEntry } from '../../src/journal/journal-adapter.interface.js';
import {
  LATEST_SCHEMA_VERSION,
  SchemaVersionError,
  type MatchRecord,
  type NewOutboxEntry,
  type StateStore,
} from '../../src/store/index.js';
import type { Clock } from '../../src/time/clock.js';

/** One empty database behind a store made for the contract tests. */
export interface ContractDatabase {
  /** A store on the database, not migrated yet. */
  store: StateStore;
  /** Another store on the same database (durable stores only), not migrated yet. */
  reopen?(): Promise<StateStore>;
  /** Records a schema version newer than the code knows, as a newer module release would. */
  writeFutureVersion?(): Promise<void>;
}

/** How a test file gives the contract suite its implementation. */
export interface StateStoreTarget {
  /** Data outlives the store object: `reopen` and `writeFutureVersion` are given, and their tests run. */
  durable: boolean;
  /** A new, empty database. */
  open(options: { clock: Clock }): Promise<ContractDatabase>;
  /** Releases whatever `open` created (files, schemas). */
  dispose?(): Promise<void>;
}

/** A clock the tests move by hand. */
export class ManualClock implements Clock {
  constructor(public ms = Date.parse('2025-03-01T08:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

export function journalEntry(key: string, amount = 125_000, extra: Partial<JournalEntry> = {}): JournalEntry {
  return {
    idempotencyKey: key,
    date: '2025-02-10',
    description: `MVA 6. termin 2024 (${key})`,
    lines: [
      { account: '2740', debit: amount, kid: '2024060000012345', description: 'Merverdiavgift' },
      { account: '1579', credit: amount, reference: 'innbetaling-1' },
    ],
    source: { kind: 'placement', ids: [key] },
    ...extra,
  };
}

export function hashOf(entry: JournalEntry): string {
  return createHash('sha256')
    .update(JSON.stringify([entry.date, entry.lines, entry.description]))
    .digest('hex');
}

/** An outbox item for `key`; `#n` in the key sets the version (`base#2` is version 2 of `base`). */
export function outboxItem(key: string, amount = 125_000, extra: Partial<JournalEntry> = {}): NewOutboxEntry {
  const entry = journalEntry(key, amount, extra);
  const m = /^(.*)#(\d+)$/.exec(key);
  return {
    entry,
    contentHash: hashOf(entry),
    baseKey: m ? m[1] : key,
    version: m ? Number(m[2]) : 1,
  };
}

function accessState(customerId: string, status: AccessState['status'] = 'active'): AccessState {
  return {
    customerId,
    type: 'systembruker',
    status,
    requestId: `req-${customerId}`,
    checkedAt: '2025-03-01T08:00:00Z',
  };
}

const A = 'customer-a';
const B = 'customer-b';

/**
 * The behaviour every {@link StateStore} must have, run against each implementation. Each test gets a new, empty,
 * migrated database.
 */
export function describeStateStoreContract(name: string, target: StateStoreTarget): void {
  describe(`StateStore contract: ${name}`, () => {
    const durableIt = target.durable ? it : () => undefined;
    let clock: ManualClock;
    let db: ContractDatabase;
    let store: StateStore;
    const opened: StateStore[] = [];

    async function reopen(): Promise<StateStore> {
      const other = await db.reopen!();
      opened.push(other);
      return other;
    }

    beforeEach(async () => {
      clock = new ManualClock();
      db = await target.open({ clock });
      store = db.store;
      opened.push(store);
      await store.migrate();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    afterAll(async () => {
      await target.dispose?.();
    });

    describe('migrations', () => {
      it('starts at version 0, refuses use before migrate(), and reaches the latest version', async () => {
        const fresh = await target.open({ clock });
        opened.push(fresh.store);
        expect(await fresh.store.schemaVersion()).toBe(0);
        await expect(fresh.store.getWatermark(A, 'krav')).rejects.toMatchObject({
          code: 'KOB_STORE_NOT_MIGRATED',
        });
        await fresh.store.migrate();
        expect(await fresh.store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      });

      it('migrating again is a no-op that keeps the data', async () => {
        await store.addToOutbox(A, [outboxItem('k1')]);
        await store.setWatermark(A, 'krav', '2025-02-01');
        await store.migrate();
        expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
        expect((await store.listOutbox(A)).map((e) => e.key)).toEqual(['k1']);
        if (target.durable) {
          const second = await reopen();
          await second.migrate();
          expect(await second.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
          expect((await second.listOutbox(A)).map((e) => e.key)).toEqual(['k1']);
          expect(await second.getWatermark(A, 'krav')).toBe('2025-02-01');
        }
      });

      durableIt('refuses a database written by a newer version of the module', async () => {
        await db.writeFutureVersion!();
        const second = await reopen();
        const error = await second.migrate().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SchemaVersionError);
        expect(error).toMatchObject({
          code: 'KOB_STORE_SCHEMA_TOO_NEW',
          databaseVersion: LATEST_SCHEMA_VERSION + 1,
          codeVersion: LATEST_SCHEMA_VERSION,
        });
        expect((error as Error).message).toMatch(/newer than this version/);
        await expect(second.getWatermark(A, 'krav')).rejects.toMatchObject({
          code: 'KOB_STORE_NOT_MIGRATED',
        });
      });

      it('rejects every call after close(), and closing twice is harmless', async () => {
        await store.close();
        await store.close();
        await expect(store.getWatermark(A, 'krav')).rejects.toMatchObject({ code: 'KOB_STORE_CLOSED' });
        await expect(store.addToOutbox(A, [outboxItem('k1')])).rejects.toMatchObject({
          code: 'KOB_STORE_CLOSED',
        });
        await expect(store.migrate()).rejects.toMatchObject({ code: 'KOB_STORE_CLOSED' });
      });
    });

    describe('access states and cursors', () => {
      it('stores one state per customer, replaces it, and lists all by customer id', async () => {
        expect(await store.get(A)).toBeUndefined();
        await store.put(accessState(B, 'pending'));
        await store.put(accessState(A, 'pending'));
        await store.put({ ...accessState(A), validTo: '2025-06-01T00:00:00Z', warning: 'expires soon' });
        expect(await store.get(A)).toEqual({
          ...accessState(A),
          validTo: '2025-06-01T00:00:00Z',
          warning: 'expires soon',
        });
        expect(await store.get(B)).toEqual(accessState(B, 'pending'));
        expect((await store.list()).map((s) => [s.customerId, s.status])).toEqual([
          [A, 'active'],
          [B, 'pending'],
        ]);
      });

      it('returns copies', async () => {
        await store.put(accessState(A));
        const read = (await store.get(A))!;
        read.status = 'revoked';
        expect((await store.get(A))!.status).toBe('active');
      });

      it('keeps named cursors', async () => {
        expect(await store.getCursor('altinn-consent-events')).toBeUndefined();
        await store.putCursor('altinn-consent-events', 'token-1');
        await store.putCursor('altinn-consent-events', 'token-2');
        expect(await store.getCursor('altinn-consent-events')).toBe('token-2');
      });
    });

    describe('watermarks', () => {
      it('keeps one date per customer and stream', async () => {
        expect(await store.getWatermark(A, 'krav')).toBeUndefined();
        await store.setWatermark(A, 'krav', '2025-01-31');
        await store.setWatermark(A, 'innbetalinger', '2025-02-28');
        await store.setWatermark(A, 'krav', '2025-02-15');
        await store.setWatermark(B, 'krav', '2024-12-31');
        expect(await store.getWatermark(A, 'krav')).toBe('2025-02-15');
        expect(await store.getWatermark(A, 'innbetalinger')).toBe('2025-02-28');
        expect(await store.getWatermark(B, 'krav')).toBe('2024-12-31');
        expect(await store.getWatermark(B, 'innbetalinger')).toBeUndefined();
      });

      it('rejects a value that is not a calendar date', async () => {
        await expect(store.setWatermark(A, 'krav', '2025-02-30')).rejects.toMatchObject({
          code: 'KOB_STORE_INVALID_INPUT',
        });
        expect(await store.getWatermark(A, 'krav')).toBeUndefined();
      });
    });

    describe('fact hashes', () => {
      it('inserts, replaces and deletes hashes per customer and kind', async () => {
        await store.putFactHashes(A, 'payment', [
          ['p1', 'h1'],
          ['p2', 'h2'],
        ]);
        await store.putFactHashes(A, 'payment', [
          ['p2', 'h2b'],
          ['p3', 'h3'],
        ]);
        await store.putFactHashes(A, 'claim', [['p1', 'claim-hash']]);
        await store.putFactHashes(B, 'payment', [['p1', 'other']]);
        expect(await store.getFactHashes(A, 'payment')).toEqual(
          new Map([
            ['p1', 'h1'],
            ['p2', 'h2b'],
            ['p3', 'h3'],
          ]),
        );
        expect(await store.getFactHashes(A, 'claim')).toEqual(new Map([['p1', 'claim-hash']]));
        expect(await store.getFactHashes(B, 'payment')).toEqual(new Map([['p1', 'other']]));
        await store.deleteFactHashes(A, 'payment', ['p1', 'p3', 'unknown']);
        expect(await store.getFactHashes(A, 'payment')).toEqual(new Map([['p2', 'h2b']]));
        expect(await store.getFactHashes(B, 'payment')).toEqual(new Map([['p1', 'other']]));
        expect(await store.getFactHashes(B, 'payout')).toEqual(new Map());
      });

      it('reads only the ids asked for, of that customer and kind', async () => {
        const many = Array.from({ length: 1_203 }, (_, i) => [`c${i}`, `h${i}`] as const);
        await store.putFactHashes(A, 'claim', many);
        await store.putFactHashes(A, 'payment', [['c7', 'payment-hash']]);
        await store.putFactHashes(B, 'claim', [['c8', 'other customer']]);
        expect(await store.getFactHashes(A, 'claim', ['c7', 'unknown', 'c7', 'c1202'])).toEqual(
          new Map([
            ['c7', 'h7'],
            ['c1202', 'h1202'],
          ]),
        );
        expect(await store.getFactHashes(B, 'claim', new Set(['c7', 'c8']))).toEqual(
          new Map([['c8', 'other customer']]),
        );
        expect(await store.getFactHashes(A, 'claim', [])).toEqual(new Map());
        // More ids than one look-up statement takes: every one is found, nothing else is.
        const asked = many.filter((_, i) => i % 2 === 0).map(([id]) => id);
        const found = await store.getFactHashes(A, 'claim', asked);
        expect([...found.keys()].sort()).toEqual([...asked].sort());
        expect(found.get('c1000')).toBe('h1000');
      });

      it('keeps the last hash when an id repeats in one call', async () => {
        await store.putFactHashes(A, 'payment', [
          ['p1', 'first'],
          ['p1', 'last'],
        ]);
        expect(await store.getFactHashes(A, 'payment')).toEqual(new Map([['p1', 'last']]));
      });
    });

    describe('outbox', () => {
      it('writes entries as pending, in order, exactly as given', async () => {
        const items = [
          outboxItem('kob:a:placement:p1:i1'),
          outboxItem('kob:a:payment:p1', 9_007_199_254_740_991),
        ];
        const result = await store.addToOutbox(A, items);
        expect(result).toEqual({ added: 2, existing: [], conflicts: [] });
        const listed = await store.listOutbox(A);
        expect(listed).toEqual(
          items.map((item) => ({
            customerId: A,
            key: item.entry.idempotencyKey,
            entry: item.entry,
            contentHash: item.contentHash,
            status: 'pending',
            attempts: 0,
            createdAt: clock.iso(),
            baseKey: item.baseKey,
            version: 1,
          })),
        );
        expect(Number.isSafeInteger(listed[1].entry.lines[0].debit)).toBe(true);
      });

      it('leaves a key already present untouched and reports it (same hash: existing, other hash: conflict)', async () => {
        await store.addToOutbox(A, [outboxItem('k1'), outboxItem('k2')]);
        await store.markPosted(A, [{ key: 'k1', ref: 'V-1' }]);
        const changed = outboxItem('k2', 999);
        const result = await store.addToOutbox(A, [outboxItem('k1'), changed, outboxItem('k3')]);
        expect(result).toEqual({ added: 1, existing: ['k1'], conflicts: ['k2'] });
        const byKey = new Map((await store.listOutbox(A)).map((e) => [e.key, e]));
        expect(byKey.get('k1')).toMatchObject({ status: 'posted', ref: 'V-1' });
        expect(byKey.get('k2')!.entry.lines[0].debit).toBe(125_000);
        expect(byKey.get('k2')!.contentHash).toBe(outboxItem('k2').contentHash);
        expect([...byKey.keys()]).toEqual(['k1', 'k2', 'k3']);
      });

      it('writes a key repeated within one call once', async () => {
        const result = await store.addToOutbox(A, [outboxItem('k1'), outboxItem('k1'), outboxItem('k1', 5)]);
        expect(result).toEqual({ added: 1, existing: ['k1'], conflicts: ['k1'] });
        expect(await store.listOutbox(A)).toHaveLength(1);
      });

      it('refuses amounts that are not safe integers and writes nothing of the call', async () => {
        const bad = outboxItem('k2', 10.5);
        await expect(store.addToOutbox(A, [outboxItem('k1'), bad])).rejects.toMatchObject({
          code: 'KOB_STORE_INVALID_INPUT',
        });
        const huge = outboxItem('k3', 2 ** 53);
        await expect(store.addToOutbox(A, [huge])).rejects.toMatchObject({ code: 'KOB_STORE_INVALID_INPUT' });
        const noVersion = { ...outboxItem('k4'), version: 0 };
        await expect(store.addToOutbox(A, [noVersion])).rejects.toMatchObject({
          code: 'KOB_STORE_INVALID_INPUT',
        });
        expect(await store.listOutbox(A)).toEqual([]);
      });

      it('filters by status and limits, in written order', async () => {
        await store.addToOutbox(
          A,
          ['k1', 'k2', 'k3', 'k4', 'k5'].map((k) => outboxItem(k)),
        );
        await store.markPosted(A, [{ key: 'k2' }, { key: 'k4' }]);
        await store.markFailed(A, ['k3'], 'ledger closed');
        const keys = async (options: Parameters<StateStore['listOutbox']>[1]) =>
          (await store.listOutbox(A, options)).map((e) => e.key);
        expect(await keys({ status: 'pending' })).toEqual(['k1', 'k5']);
        expect(await keys({ status: 'posted' })).toEqual(['k2', 'k4']);
        expect(await keys({ status: ['pending', 'failed'] })).toEqual(['k1', 'k3', 'k5']);
        expect(await keys({ limit: 2 })).toEqual(['k1', 'k2']);
        expect(await keys({ status: 'pending', limit: 1 })).toEqual(['k1']);
        expect(await keys({ limit: 0 })).toEqual([]);
        expect((await store.postedEntries(A)).map((e) => e.key)).toEqual(['k2', 'k4']);
      });

      it('marks posted with ref, time and duplicate flag; posted is final', async () => {
        await store.addToOutbox(A, [outboxItem('k1'), outboxItem('k2'), outboxItem('k3')]);
        clock.ms += 60_000;
        const first = await store.markPosted(A, [
          { key: 'k1', ref: 'V-1' },
          { key: 'k2', duplicate: true },
          { key: 'unknown' },
        ]);
        expect(first).toEqual({ updated: 2, unchanged: ['unknown'] });
        const again = await store.markPosted(A, [{ key: 'k1', ref: 'V-other' }], '2030-01-01T00:00:00.000Z');
        expect(again).toEqual({ updated: 0, unchanged: ['k1'] });
        const failed = await store.markFailed(A, ['k1'], 'late error');
        expect(failed).toEqual({ updated: 0, unchanged: ['k1'] });
        const posted = await store.postedEntries(A);
        expect(posted).toHaveLength(2);
        expect(posted[0]).toMatchObject({ key: 'k1', status: 'posted', ref: 'V-1', postedAt: clock.iso() });
        expect(posted[0].duplicate).toBeUndefined();
        expect(posted[0].lastError).toBeUndefined();
        expect(posted[1]).toMatchObject({
          key: 'k2',
          status: 'posted',
          duplicate: true,
          postedAt: clock.iso(),
        });
        expect(posted[1].ref).toBeUndefined();
        await store.markPosted(A, [{ key: 'k3' }], '2025-03-02T10:00:00.000Z');
        expect((await store.listOutbox(A, { status: 'posted' }))[2].postedAt).toBe(
          '2025-03-02T10:00:00.000Z',
        );
      });

      it('counts failed attempts and lets a failed entry be posted later', async () => {
        await store.addToOutbox(A, [outboxItem('k1'), outboxItem('k2')]);
        expect(await store.markFailed(A, ['k1', 'k1', 'nope'], 'timeout')).toEqual({
          updated: 1,
          unchanged: ['nope', 'k1'],
        });
        await store.markFailed(A, ['k1'], 'x'.repeat(5_000));
        const [failed] = await store.listOutbox(A, { status: 'failed' });
        expect(failed).toMatchObject({ key: 'k1', status: 'failed', attempts: 2 });
        expect(failed.lastError!.length).toBeLessThanOrEqual(2_000);
        expect(await store.markPosted(A, [{ key: 'k1', ref: 'V-9' }, { key: 'k1' }])).toEqual({
          updated: 1,
          unchanged: ['k1'],
        });
        expect((await store.postedEntries(A))[0]).toMatchObject({ key: 'k1', attempts: 2, ref: 'V-9' });
      });

      it('reports the newest version of each fact and whether it was reversed', async () => {
        const base = 'kob:a:placement:p1:i1';
        await store.addToOutbox(A, [outboxItem(base), outboxItem('kob:a:payment:p1')]);
        await store.markPosted(A, [{ key: base }]);
        // The placement changed: reversal of version 1, then version 2.
        const reversal = outboxItem(`kob:a:reversal:${base}#1`, 125_000, { reverses: base });
        await store.addToOutbox(A, [
          { ...reversal, baseKey: `kob:a:reversal:${base}`, version: 1 },
          outboxItem(`${base}#2`, 100_000),
        ]);
        await store.markPosted(A, [{ key: `kob:a:reversal:${base}#1` }]);
        const latest = await store.latestVersions(A);
        expect([...latest.keys()]).toEqual([base, 'kob:a:payment:p1']); // order of first writing
        expect(latest.get(base)).toEqual({
          key: `${base}#2`,
          version: 2,
          contentHash: outboxItem(`${base}#2`, 100_000).contentHash,
          status: 'pending',
          reversed: false,
        });
        expect(latest.get('kob:a:payment:p1')).toMatchObject({
          version: 1,
          status: 'pending',
          reversed: false,
        });
        // Version 2 is undone as well (the placement disappeared): a reversal only.
        await store.addToOutbox(A, [
          {
            ...outboxItem(`kob:a:reversal:${base}#2`, 100_000, { reverses: `${base}#2` }),
            baseKey: `kob:a:reversal:${base}`,
            version: 2,
          },
        ]);
        expect((await store.latestVersions(A)).get(base)).toMatchObject({
          key: `${base}#2`,
          reversed: true,
          reversalKey: `kob:a:reversal:${base}#2`,
          reversalStatus: 'pending',
        });
        expect(await store.latestVersions(B)).toEqual(new Map());
      });

      it('keeps running totals of the effects of posted entries, each added once', async () => {
        const withEffects = (key: string, effects: [string, number][], parents?: string[]) => ({
          ...outboxItem(key),
          effects,
          ...(parents ? { parents } : {}),
        });
        await store.addToOutbox(A, [
          withEffects('k1', [
            ['a:2740', 125_000],
            ['a:1579', -125_000],
            ['i:I1', 125_000],
          ]),
          withEffects('k2', [
            ['a:1579', 40_000],
            ['i:I1', -5],
          ]),
          outboxItem('k3'),
        ]);
        expect(await store.postedTotals(A)).toEqual(new Map());
        await store.markPosted(A, [{ key: 'k1' }, { key: 'k3' }]);
        // A second mark of a posted key adds nothing; a failed key adds nothing until it is posted.
        await store.markPosted(A, [{ key: 'k1' }]);
        await store.markFailed(A, ['k2'], 'journal down');
        expect(await store.postedTotals(A)).toEqual(
          new Map([
            ['a:2740', 125_000],
            ['a:1579', -125_000],
            ['i:I1', 125_000],
          ]),
        );
        await store.markPosted(A, [{ key: 'k2', duplicate: true }]);
        expect(await store.postedTotals(A, ['a:1579', 'i:I1', 'i:unknown'])).toEqual(
          new Map([
            ['a:1579', -85_000],
            ['i:I1', 124_995],
          ]),
        );
        // A key written again keeps the effects it was first written with.
        await store.addToOutbox(A, [withEffects('k2', [['a:1579', 999]])]);
        expect((await store.postedTotals(A, ['a:1579'])).get('a:1579')).toBe(-85_000);
        expect(await store.postedTotals(B)).toEqual(new Map());
      });

      it('refuses effects and parents that are not what the store keeps, naming the field', async () => {
        await expect(
          store.addToOutbox(A, [{ ...outboxItem('k1'), effects: [['a:1', 1.5]] }]),
        ).rejects.toThrow(/outbox\[0\]\.effects\[0\]\[1\] must be a safe integer/);
        await expect(
          store.addToOutbox(A, [outboxItem('k0'), { ...outboxItem('k1'), parents: [''] }]),
        ).rejects.toThrow(/outbox\[1\]\.parents\[0\]/);
        expect(await store.listOutbox(A)).toEqual([]);
      });

      it('finds the latest versions of facts by base key and by parent, with their entries', async () => {
        const base = 'kob:a:placement:p1:i1';
        const other = 'kob:a:placement:p2:i2';
        await store.addToOutbox(A, [
          { ...outboxItem(base), parents: ['i:i1', 'p:p1'] },
          { ...outboxItem(other, 5), parents: ['i:i2', 'p:p2'] },
          outboxItem('kob:a:payment:p1', 7),
        ]);
        await store.addToOutbox(B, [{ ...outboxItem(base), parents: ['i:i1'] }]);
        await store.markPosted(A, [{ key: base }]);
        const reversal = outboxItem(`kob:a:reversal:${base}#1`, 125_000, { reverses: base });
        await store.addToOutbox(A, [
          // A reversal under its own base key, as some callers write it: found by the key it reverses.
          { ...reversal, baseKey: `kob:a:reversal:${base}`, version: 1 },
          { ...outboxItem(`${base}#2`, 100_000), parents: ['i:i1', 'p:p1'] },
        ]);

        const byParent = await store.latestVersionsFor(A, { parents: ['i:i1', 'i:unknown'] });
        expect([...byParent.keys()]).toEqual([base]);
        expect(byParent.get(base)).toMatchObject({ key: `${base}#2`, version: 2, reversed: false });
        expect(byParent.get(base)?.entry).toEqual(journalEntry(`${base}#2`, 100_000));

        const byKey = await store.latestVersionsFor(A, {
          baseKeys: ['kob:a:payment:p1', 'kob:a:unknown'],
          parents: ['p:p2'],
        });
        expect(new Set(byKey.keys())).toEqual(new Set(['kob:a:payment:p1', other]));
        expect(byKey.get(other)?.entry.lines[0].debit).toBe(5);
        // The same answer as latestVersions gives for those facts.
        const all = await store.latestVersions(A);
        for (const [k, v] of byKey)
          expect({ ...v, entry: undefined }).toEqual({ ...all.get(k), entry: undefined });

        // Version 2 reversed too, again under another base key: the latest version says so.
        await store.addToOutbox(A, [
          {
            ...outboxItem(`kob:a:reversal:${base}#2`, 100_000, { reverses: `${base}#2` }),
            baseKey: `kob:a:reversal:${base}`,
            version: 2,
          },
        ]);
        expect((await store.latestVersionsFor(A, { baseKeys: [base] })).get(base)).toMatchObject({
          key: `${base}#2`,
          reversed: true,
          reversalKey: `kob:a:reversal:${base}#2`,
          reversalStatus: 'pending',
        });
        expect(await store.latestVersionsFor(A, {})).toEqual(new Map());
        expect([...(await store.latestVersionsFor(B, { parents: ['i:i1', 'i:i2'] })).keys()]).toEqual([base]);
        expect(await store.latestVersionsFor('nobody', { baseKeys: [base], parents: ['i:i1'] })).toEqual(
          new Map(),
        );
      });

      it('keeps customers apart, even under the same key', async () => {
        await store.addToOutbox(A, [outboxItem('shared'), outboxItem('only-a')]);
        expect(await store.addToOutbox(B, [outboxItem('shared', 7)])).toEqual({
          added: 1,
          existing: [],
          conflicts: [],
        });
        expect(await store.markPosted(B, [{ key: 'only-a' }])).toEqual({ updated: 0, unchanged: ['only-a'] });
        expect(await store.markFailed(B, ['only-a'], 'x')).toEqual({ updated: 0, unchanged: ['only-a'] });
        await store.markPosted(B, [{ key: 'shared', ref: 'B-1' }]);
        expect((await store.listOutbox(A)).map((e) => [e.key, e.status])).toEqual([
          ['shared', 'pending'],
          ['only-a', 'pending'],
        ]);
        const [b] = await store.listOutbox(B);
        expect(b).toMatchObject({ customerId: B, key: 'shared', status: 'posted', ref: 'B-1' });
        expect(b.entry.lines[0].debit).toBe(7);
        expect(await store.postedEntries(A)).toEqual([]);
        expect([...(await store.latestVersions(B)).keys()]).toEqual(['shared']);
      });
    });

    describe('atomic batches', () => {
      it('writes outbox entries, fact hashes, watermarks and matches together', async () => {
        await store.putFactHashes(A, 'payment', [['gone', 'h0']]);
        const result = await store.applyBatch(A, {
          outbox: [outboxItem('k1'), outboxItem('k2')],
          factHashes: [
            { kind: 'payment', hashes: [['p1', 'h1']] },
            { kind: 'claim', hashes: [['c1', 'hc']] },
          ],
          deleteFactHashes: [{ kind: 'payment', ids: ['gone'] }],
          watermarks: [
            { stream: 'innbetalinger', date: '2025-02-28' },
            { stream: 'krav', date: '2025-02-27' },
          ],
          matches: { runId: 'run-1', records: [match('payment-kid', ['p1', 'i1'])] },
        });
        expect(result).toEqual({ added: 2, existing: [], conflicts: [] });
        expect((await store.listOutbox(A)).map((e) => e.key)).toEqual(['k1', 'k2']);
        expect(await store.getFactHashes(A, 'payment')).toEqual(new Map([['p1', 'h1']]));
        expect(await store.getFactHashes(A, 'claim')).toEqual(new Map([['c1', 'hc']]));
        expect(await store.getWatermark(A, 'innbetalinger')).toBe('2025-02-28');
        expect(await store.getWatermark(A, 'krav')).toBe('2025-02-27');
        expect(await store.listMatches(A)).toEqual([
          { ...match('payment-kid', ['p1', 'i1']), runId: 'run-1' },
        ]);
      });

      it('writes nothing when any part is invalid', async () => {
        const attempt = store.applyBatch(A, {
          outbox: [outboxItem('k1')],
          factHashes: [{ kind: 'payment', hashes: [['p1', 'h1']] }],
          watermarks: [{ stream: 'krav', date: 'yesterday' }],
        });
        await expect(attempt).rejects.toMatchObject({ code: 'KOB_STORE_INVALID_INPUT' });
        expect(await store.listOutbox(A)).toEqual([]);
        expect(await store.getFactHashes(A, 'payment')).toEqual(new Map());
        expect(await store.getWatermark(A, 'krav')).toBeUndefined();
      });

      const T0 = 1_740_000_000_000;
      const startedRun = (runId: string, customerId: string) =>
        store.startRun({ runId, customerId, startedAt: '2025-03-01T08:00:00.000Z', dryRun: false });

      it('finishes a run and releases its lock with the batch', async () => {
        await startedRun('r1', A);
        expect(await store.tryLock('run:a', 'w1', 60_000, T0)).toBe(true);
        const result = await store.applyBatch(A, {
          watermarks: [{ stream: 'krav', date: '2025-03-01' }],
          finishRun: {
            runId: 'r1',
            status: 'ok',
            finishedAt: '2025-03-01T08:00:09.000Z',
            summary: { posted: 3 },
          },
          unlock: { name: 'run:a', owner: 'w1' },
        });
        expect(result).toEqual({ added: 0, existing: [], conflicts: [], runFinished: true, unlocked: true });
        expect(await store.getWatermark(A, 'krav')).toBe('2025-03-01');
        expect((await store.listRuns(A))[0]).toMatchObject({
          status: 'ok',
          finishedAt: '2025-03-01T08:00:09.000Z',
          summary: { posted: 3 },
        });
        expect(await store.tryLock('run:a', 'w2', 60_000, T0 + 1)).toBe(true);
        // A lock the owner no longer holds is not an error: the batch is written, and says so.
        const late = await store.applyBatch(A, {
          watermarks: [{ stream: 'krav', date: '2025-03-02' }],
          unlock: { name: 'run:a', owner: 'w1' },
        });
        expect(late).toEqual({ added: 0, existing: [], conflicts: [], unlocked: false });
        expect(await store.getWatermark(A, 'krav')).toBe('2025-03-02');
        expect(await store.tryLock('run:a', 'w1', 60_000, T0 + 2)).toBe(false);
      });

      it('writes nothing, and keeps the lock, when the run cannot be finished', async () => {
        const finish = { status: 'ok' as const, finishedAt: '2025-03-01T08:00:09.000Z', summary: {} };
        await startedRun('ra', A);
        await startedRun('rb', B);
        await store.finishRun('ra', { ...finish, status: 'failed' });
        await store.tryLock('run:a', 'w1', 60_000, T0);
        const attempt = (runId: string) =>
          store.applyBatch(A, {
            outbox: [outboxItem('k1')],
            watermarks: [{ stream: 'krav', date: '2025-03-01' }],
            finishRun: { runId, ...finish },
            unlock: { name: 'run:a', owner: 'w1' },
          });
        // Another customer's run counts as unknown, as a run not in the log does.
        await expect(attempt('rb')).rejects.toMatchObject({ code: 'KOB_STORE_UNKNOWN_RUN' });
        await expect(attempt('r404')).rejects.toMatchObject({ code: 'KOB_STORE_UNKNOWN_RUN' });
        await expect(attempt('ra')).rejects.toMatchObject({ code: 'KOB_STORE_RUN_FINISHED' });
        expect(await store.listOutbox(A)).toEqual([]);
        expect(await store.getWatermark(A, 'krav')).toBeUndefined();
        expect(await store.tryLock('run:a', 'w2', 60_000, T0 + 1)).toBe(false);
        expect((await store.listRuns(B))[0]).toMatchObject({ runId: 'rb', status: 'running' });
        expect((await store.listRuns(A))[0]).toMatchObject({ runId: 'ra', status: 'failed' });
        await expect(
          store.applyBatch(A, { finishRun: { runId: 'ra', ...finish, status: 'running' as never } }),
        ).rejects.toMatchObject({ code: 'KOB_STORE_INVALID_INPUT' });
        await expect(store.applyBatch(A, { unlock: { name: '', owner: 'w1' } })).rejects.toMatchObject({
          code: 'KOB_STORE_INVALID_INPUT',
        });
      });

      it('reports keys already in the outbox like addToOutbox', async () => {
        await store.addToOutbox(A, [outboxItem('k1')]);
        const result = await store.applyBatch(A, {
          outbox: [outboxItem('k1'), outboxItem('k2')],
          watermarks: [{ stream: 'krav', date: '2025-03-01' }],
        });
        expect(result).toEqual({ added: 1, existing: ['k1'], conflicts: [] });
        expect(await store.getWatermark(A, 'krav')).toBe('2025-03-01');
      });
    });

    describe('matches', () => {
      it('replaces a customer’s matches with the latest run’s, keeping order and evidence', async () => {
        const first = [match('placement', ['p1', 'i1']), match('kid', ['p2', 'i9'], 'suggested')];
        await store.putMatches(A, 'run-1', first);
        await store.putMatches(B, 'run-b', [match('amount', ['p7'], 'suggested')]);
        expect(await store.listMatches(A)).toEqual(first.map((m) => ({ ...m, runId: 'run-1' })));
        const second = [match('bank-line', ['p1', 'bank-44'])];
        await store.putMatches(A, 'run-2', second);
        expect(await store.listMatches(A)).toEqual([{ ...second[0], runId: 'run-2' }]);
        expect(await store.listMatches(B)).toEqual([
          { ...match('amount', ['p7'], 'suggested'), runId: 'run-b' },
        ]);
        await store.putMatches(A, 'run-3', []);
        expect(await store.listMatches(A)).toEqual([]);
      });

      it('adds to the matches of the same run, written in parts, and replaces them with the next run’s', async () => {
        const parts = [[match('kid', ['p1', 'bank-1'])], [match('amount', ['p2', 'bank-2'], 'suggested')]];
        await store.putMatches(A, 'run-1', [match('kid', ['p0', 'bank-0'])]);
        await store.putMatches(A, 'run-2', parts[0]);
        await store.applyBatch(A, { matches: { runId: 'run-2', records: parts[1] } });
        expect(await store.listMatches(A)).toEqual(parts.flat().map((m) => ({ ...m, runId: 'run-2' })));
        await store.putMatches(A, 'run-3', parts[1]);
        expect(await store.listMatches(A)).toEqual([{ ...parts[1][0], runId: 'run-3' }]);
      });

      it('rejects an unknown confidence', async () => {
        const bad = { ...match('kid', ['p1']), confidence: 'maybe' } as unknown as MatchRecord;
        await expect(store.putMatches(A, 'run-1', [bad])).rejects.toMatchObject({
          code: 'KOB_STORE_INVALID_INPUT',
        });
      });
    });

    describe('blocks', () => {
      it('sets, reads and clears a block per customer', async () => {
        expect(await store.getBlock(A)).toBeUndefined();
        const block = {
          reason: 'mirror assertion failed',
          at: '2025-03-01T08:00:00.000Z',
          details: { instalment: 'i1', expected: 100_000, actual: 90_000 },
        };
        await store.setBlock(A, block);
        await store.setBlock(B, { reason: 'clearing assertion failed', at: '2025-03-01T09:00:00.000Z' });
        expect(await store.getBlock(A)).toEqual(block);
        expect(await store.getBlock(B)).toEqual({
          reason: 'clearing assertion failed',
          at: '2025-03-01T09:00:00.000Z',
        });
        await store.setBlock(A, { ...block, reason: 'still failing' });
        expect((await store.getBlock(A))!.reason).toBe('still failing');
        await store.setBlock(A, undefined);
        expect(await store.getBlock(A)).toBeUndefined();
        expect(await store.getBlock(B)).toBeDefined();
      });
    });

    describe('run log', () => {
      it('records runs and lists a customer’s newest first', async () => {
        await store.startRun({
          runId: 'r1',
          customerId: A,
          startedAt: '2025-03-01T08:00:00.000Z',
          dryRun: false,
        });
        await store.startRun({
          runId: 'r2',
          customerId: A,
          startedAt: '2025-03-02T08:00:00.000Z',
          dryRun: true,
        });
        await store.startRun({
          runId: 'rb',
          customerId: B,
          startedAt: '2025-03-03T08:00:00.000Z',
          dryRun: false,
        });
        await store.startRun({
          runId: 'r3',
          customerId: A,
          startedAt: '2025-03-02T08:00:00.000Z',
          dryRun: false,
        });
        await store.finishRun('r1', {
          finishedAt: '2025-03-01T08:00:05.000Z',
          status: 'ok',
          summary: { posted: 12, sums: { placed: 1_250_000 } },
        });
        const runs = await store.listRuns(A, 10);
        expect(runs.map((r) => r.runId)).toEqual(['r3', 'r2', 'r1']);
        expect(runs[1]).toEqual({
          runId: 'r2',
          customerId: A,
          startedAt: '2025-03-02T08:00:00.000Z',
          dryRun: true,
          status: 'running',
        });
        expect(runs[2]).toEqual({
          runId: 'r1',
          customerId: A,
          startedAt: '2025-03-01T08:00:00.000Z',
          dryRun: false,
          status: 'ok',
          finishedAt: '2025-03-01T08:00:05.000Z',
          summary: { posted: 12, sums: { placed: 1_250_000 } },
        });
        expect((await store.listRuns(A, 2)).map((r) => r.runId)).toEqual(['r3', 'r2']);
        expect((await store.listRuns(B)).map((r) => r.runId)).toEqual(['rb']);
        expect(await store.listRuns('nobody')).toEqual([]);
      });

      it('refuses a repeated run id, an unknown run and finishing twice', async () => {
        const start = { runId: 'r1', customerId: A, startedAt: '2025-03-01T08:00:00.000Z', dryRun: false };
        await store.startRun(start);
        await expect(store.startRun({ ...start, customerId: B })).rejects.toMatchObject({
          code: 'KOB_STORE_RUN_EXISTS',
        });
        const finish = { finishedAt: '2025-03-01T08:01:00.000Z', status: 'blocked' as const, summary: {} };
        await expect(store.finishRun('r404', finish)).rejects.toMatchObject({
          code: 'KOB_STORE_UNKNOWN_RUN',
        });
        await store.finishRun('r1', finish);
        await expect(store.finishRun('r1', { ...finish, status: 'ok' })).rejects.toMatchObject({
          code: 'KOB_STORE_RUN_FINISHED',
        });
        expect((await store.listRuns(A))[0]).toMatchObject({ status: 'blocked', summary: {} });
        expect(await store.listRuns(B)).toEqual([]);
      });
    });

    describe('locks', () => {
      const T0 = 1_740_000_000_000;

      it('refuses another owner before expiry and lets it take over after', async () => {
        expect(await store.tryLock('run:a', 'worker-1', 30_000, T0)).toBe(true);
        expect(await store.tryLock('run:a', 'worker-2', 30_000, T0 + 29_999)).toBe(false);
        expect(await store.tryLock('run:b', 'worker-2', 30_000, T0)).toBe(true);
        expect(await store.tryLock('run:a', 'worker-2', 30_000, T0 + 30_000)).toBe(true);
        // The old owner lost it: it can neither renew nor release it.
        expect(await store.renewLock('run:a', 'worker-1', 30_000, T0 + 30_001)).toBe(false);
        expect(await store.unlock('run:a', 'worker-1')).toBe(false);
        expect(await store.tryLock('run:a', 'worker-1', 30_000, T0 + 30_001)).toBe(false);
      });

      it('lets the owner re-take and renew its lock, extending the expiry', async () => {
        expect(await store.tryLock('run:a', 'w1', 10_000, T0)).toBe(true);
        expect(await store.tryLock('run:a', 'w1', 10_000, T0 + 5_000)).toBe(true);
        expect(await store.tryLock('run:a', 'w2', 10_000, T0 + 14_999)).toBe(false);
        expect(await store.renewLock('run:a', 'w1', 10_000, T0 + 14_000)).toBe(true);
        expect(await store.tryLock('run:a', 'w2', 10_000, T0 + 23_999)).toBe(false);
        expect(await store.tryLock('run:a', 'w2', 10_000, T0 + 24_000)).toBe(true);
        expect(await store.renewLock('run:none', 'w1', 10_000, T0)).toBe(false);
      });

      it('releases only for the owner, after which anyone may take it', async () => {
        await store.tryLock('run:a', 'w1', 60_000, T0);
        expect(await store.unlock('run:a', 'w2')).toBe(false);
        expect(await store.tryLock('run:a', 'w2', 60_000, T0 + 1)).toBe(false);
        expect(await store.unlock('run:a', 'w1')).toBe(true);
        expect(await store.unlock('run:a', 'w1')).toBe(false);
        expect(await store.tryLock('run:a', 'w2', 60_000, T0 + 2)).toBe(true);
      });

      it('rejects a non-positive ttl', async () => {
        await expect(store.tryLock('run:a', 'w1', 0, T0)).rejects.toMatchObject({
          code: 'KOB_STORE_INVALID_INPUT',
        });
      });

      durableIt('gives a contested lock to exactly one of two stores on the same database', async () => {
        const other = await reopen();
        await other.migrate();
        const names = Array.from({ length: 20 }, (_, i) => `run:c${i}`);
        const wins = await Promise.all(
          names.flatMap((n) => [store.tryLock(n, 'w1', 60_000, T0), other.tryLock(n, 'w2', 60_000, T0)]),
        );
        for (let i = 0; i < names.length; i++) expect(Number(wins[2 * i]) + Number(wins[2 * i + 1])).toBe(1);
      });
    });

    describe('capacity', () => {
      it('round-trips 100 000 outbox entries', async () => {
        const n = 100_000;
        const items = Array.from({ length: n }, (_, i) =>
          outboxItem(`kob:a:placement:p${i}:i${i % 977}`, 100 + i),
        );
        expect(await store.addToOutbox(A, items)).toEqual({ added: n, existing: [], conflicts: [] });
        expect(await store.addToOutbox(A, items.slice(0, 1_000))).toMatchObject({ added: 0 });
        const pending = await store.listOutbox(A, { status: 'pending' });
        expect(pending).toHaveLength(n);
        expect(pending[n - 1].entry).toEqual(items[n - 1].entry);
        expect((await store.latestVersions(A)).size).toBe(n);
        const marked = await store.markPosted(
          A,
          pending.map((e, i) => ({ key: e.key, ref: `V-${i}` })),
        );
        expect(marked).toEqual({ updated: n, unchanged: [] });
        const posted = await store.postedEntries(A);
        expect(posted).toHaveLength(n);
        expect(posted.map((e) => e.key)).toEqual(items.map((i) => i.entry.idempotencyKey));
        expect(posted[n - 1]).toMatchObject({ ref: `V-${n - 1}`, status: 'posted' });
        let sum = 0;
        for (const e of posted) sum += e.entry.lines[0].debit!;
        expect(sum).toBe(100 * n + (n * (n - 1)) / 2);
      }, 120_000);
    });
  });
}

function match(rule: string, subjectIds: string[], confidence: 'auto' | 'suggested' = 'auto'): MatchRecord {
  return {
    kind: 'payment-instalment',
    rule,
    confidence,
    evidence: { kid: '2024060000012345', amount: 125_000, nested: { window: ['2025-01-01', '2025-01-31'] } },
    subjectIds,
  };
}
