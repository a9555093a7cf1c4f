import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import type { Migration } from '../migrations/migration.js';
import { applySqliteMigrations, sqliteSchemaVersion, SqliteStateStore } from './sqlite-state.store.js';
import { SQLITE_MIGRATIONS } from './sqlite.migrations.js';
import { versionOnePlacement, versionOneReversal } from '../../../test/fixtures/version-one-outbox.js';

const AT = '2025-03-01T08:00:00.000Z';

const tables = (db: Database.Database) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

describe('applySqliteMigrations', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());

  const steps: Migration[] = [
    { version: 1, name: 'create a', statements: ['CREATE TABLE a (x INTEGER)', 'INSERT INTO a VALUES (1)'] },
    { version: 2, name: 'add b', statements: ['CREATE TABLE b (y TEXT)'] },
  ];

  it('applies steps in order, records each once, and applies only new steps later', () => {
    expect(applySqliteMigrations(db, steps.slice(0, 1), AT)).toEqual([1]);
    expect(applySqliteMigrations(db, steps, AT)).toEqual([2]);
    expect(applySqliteMigrations(db, steps, AT)).toEqual([]);
    expect(
      db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all(),
    ).toEqual([
      { version: 1, name: 'create a', applied_at: AT },
      { version: 2, name: 'add b', applied_at: AT },
    ]);
    expect(db.prepare('SELECT COUNT(*) FROM a').pluck().get()).toBe(1);
    expect(sqliteSchemaVersion(db)).toBe(2);
  });

  it('rolls back every step of a call when one fails', () => {
    const failing: Migration[] = [
      ...steps,
      { version: 3, name: 'broken', statements: ['CREATE TABLE c (', ''] },
    ];
    expect(() => applySqliteMigrations(db, failing, AT)).toThrow();
    expect(sqliteSchemaVersion(db)).toBe(0);
    expect(tables(db)).not.toContain('a');
  });

  it('reports version 0 for a database that was never migrated', () => {
    expect(sqliteSchemaVersion(db)).toBe(0);
  });
});

describe('SqliteStateStore on a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kob-sqlite-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates missing folders, uses WAL, and keeps data for the next process', async () => {
    const path = join(dir, 'nested', 'deeper', 'state.sqlite');
    const first = new SqliteStateStore({ path });
    await first.migrate();
    await first.setWatermark('c1', 'krav', '2025-02-01');
    await first.close();
    expect(existsSync(path)).toBe(true);

    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();

    const second = new SqliteStateStore({ path });
    await second.migrate();
    expect(await second.getWatermark('c1', 'krav')).toBe('2025-02-01');
    await second.close();
  });

  it('syncs at checkpoints by default and on every commit when asked', async () => {
    const level = (store: SqliteStateStore) =>
      (store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true });
    const normal = new SqliteStateStore({ path: join(dir, 'normal.sqlite') });
    const full = new SqliteStateStore({ path: join(dir, 'full.sqlite'), synchronous: 'full' });
    expect([level(normal), level(full)]).toEqual([1, 2]);
    await normal.close();
    await full.close();
  });

  it('gives its connection a 64 MB page cache by default, or the size asked for', async () => {
    const cache = (store: SqliteStateStore) =>
      (store as unknown as { db: Database.Database }).db.pragma('cache_size', { simple: true });
    const standard = new SqliteStateStore({ path: join(dir, 'cache-default.sqlite') });
    const small = new SqliteStateStore({ path: join(dir, 'cache-small.sqlite'), cacheSizeMb: 8 });
    // Negative: KiB.
    expect([cache(standard), cache(small)]).toEqual([-65_536, -8_192]);
    await standard.close();
    await small.close();
    expect(() => new SqliteStateStore({ path: join(dir, 'cache-bad.sqlite'), cacheSizeMb: 0 })).toThrow(
      /cacheSizeMb/,
    );
  });
});

describe('SqliteStateStore upgrading a version 1 database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kob-sqlite-upgrade-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;

  const placement = versionOnePlacement;
  const reversalOf = versionOneReversal;

  /** A file migrated to version 1 only, with outbox rows as version 1 wrote them. */
  function versionOneFile(
    rows: { customerId: string; entry: JournalEntry; baseKey?: string; version?: number; status: string }[],
  ): string {
    const path = join(dir, `v1-${++files}.sqlite`);
    const db = new Database(path);
    expect(applySqliteMigrations(db, SQLITE_MIGRATIONS.slice(0, 1), AT)).toEqual([1]);
    const insert = db.prepare(
      'INSERT INTO outbox (customer_id, key, base_key, version, reverses, content_hash, entry, status, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const r of rows) {
      insert.run(
        r.customerId,
        r.entry.idempotencyKey,
        r.baseKey ?? r.entry.idempotencyKey,
        r.version ?? 1,
        r.entry.reverses ?? null,
        `hash-${r.entry.idempotencyKey}`,
        JSON.stringify(r.entry),
        r.status,
        AT,
      );
    }
    db.close();
    return path;
  }

  it('backfills effects, parents and the totals of posted rows in the migration', async () => {
    const p1 = placement('c1', 'P1', 'I1', 500);
    const p1Reversal = reversalOf(p1, `kob:c1:reversal:${p1.idempotencyKey}#1`);
    const p1v2 = { ...placement('c1', 'P1', 'I1', 300), idempotencyKey: `${p1.idempotencyKey}#2` };
    const payment: JournalEntry = {
      idempotencyKey: 'kob:c1:payment:P9',
      date: '2025-01-03',
      description: 'payment',
      lines: [
        { account: '1579', debit: 700, reference: 'P9' },
        { account: '1920', credit: 700 },
      ],
      source: { kind: 'payment', ids: ['P9'] },
    };
    const other = placement('c2', 'P2', 'I2', 40);
    const path = versionOneFile([
      { customerId: 'c1', entry: p1, status: 'posted' },
      { customerId: 'c1', entry: p1Reversal, baseKey: p1.idempotencyKey, status: 'posted' },
      { customerId: 'c1', entry: p1v2, baseKey: p1.idempotencyKey, version: 2, status: 'pending' },
      { customerId: 'c1', entry: payment, status: 'pending' },
      { customerId: 'c2', entry: other, status: 'posted' },
    ]);

    const store = new SqliteStateStore({ path });
    expect(await store.schemaVersion()).toBe(1);
    await store.migrate();
    expect(await store.schemaVersion()).toBe(2);

    // The placement and its reversal cancel out: the subjects they named are there, at 0.
    expect(await store.postedTotals('c1')).toEqual(
      new Map([
        ['a:2600', 0],
        ['a:1579', 0],
        ['i:I1', 0],
        ['p:P1', 0],
      ]),
    );
    expect(await store.postedTotals('c2')).toEqual(
      new Map([
        ['a:2600', 40],
        ['a:1579', -40],
        ['i:I2', 40],
        ['p:P2', 40],
      ]),
    );
    expect(await store.postedTotals('c2', ['i:I2', 'i:I1', 'a:1579'])).toEqual(
      new Map([
        ['i:I2', 40],
        ['a:1579', -40],
      ]),
    );

    // The fact is found by its parents; its latest version is the pending version 2, with its entry.
    for (const parent of ['i:I1', 'p:P1']) {
      const found = await store.latestVersionsFor('c1', { parents: [parent] });
      expect([...found.keys()]).toEqual([p1.idempotencyKey]);
      expect(found.get(p1.idempotencyKey)).toEqual({
        key: p1v2.idempotencyKey,
        version: 2,
        contentHash: `hash-${p1v2.idempotencyKey}`,
        status: 'pending',
        reversed: false,
        entry: p1v2,
      });
    }
    expect(await store.latestVersionsFor('c2', { parents: ['i:I1'] })).toEqual(new Map());
    expect([...(await store.latestVersionsFor('c2', { parents: ['p:P2'] })).keys()]).toEqual([
      other.idempotencyKey,
    ]);

    // Stored effects: posting the pending rows adds theirs (version 2 of the placement; the payment received
    // only moves accounts) once.
    expect(
      await store.markPosted('c1', [
        { key: p1v2.idempotencyKey },
        { key: payment.idempotencyKey },
        { key: p1.idempotencyKey },
      ]),
    ).toEqual({ updated: 2, unchanged: [p1.idempotencyKey] });
    await store.markPosted('c1', [{ key: p1v2.idempotencyKey }]);
    expect(await store.postedTotals('c1')).toEqual(
      new Map([
        ['a:2600', 300],
        ['a:1579', -300 + 700],
        ['a:1920', -700],
        ['i:I1', 300],
        ['p:P1', 300],
      ]),
    );
    await store.close();

    // Migrating again does nothing more.
    const again = new SqliteStateStore({ path });
    await again.migrate();
    expect((await again.postedTotals('c1')).get('a:1920')).toBe(-700);
    await again.close();
  });

  it('rolls the whole upgrade back when the backfill fails', async () => {
    const path = versionOneFile([
      { customerId: 'c1', entry: placement('c1', 'P1', 'I1', 5), status: 'posted' },
    ]);
    const raw = new Database(path);
    raw.prepare('UPDATE outbox SET entry = ?').run('{not json');
    raw.close();

    const store = new SqliteStateStore({ path });
    await expect(store.migrate()).rejects.toThrow();
    expect(await store.schemaVersion()).toBe(1);
    await store.close();
    const db = new Database(path);
    expect(tables(db)).not.toContain('posted_totals');
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('outbox')).not.toContain(
      'effects',
    );
    db.close();
  });

  it('stores effects and parents only for the rows it inserts', async () => {
    const store = new SqliteStateStore({ path: ':memory:' });
    await store.migrate();
    const entry = placement('c1', 'P1', 'I1', 500);
    const item = (effects: [string, number][], parents: string[]) => ({
      entry,
      contentHash: 'h',
      baseKey: entry.idempotencyKey,
      version: 1,
      effects,
      parents,
    });
    await store.addToOutbox('c1', [item([['a:2600', 500]], ['i:I1', 'i:I1'])]);
    // Same key again, other effects and parents: left untouched.
    expect(await store.addToOutbox('c1', [item([['a:2600', 9]], ['p:P7'])])).toEqual({
      added: 0,
      existing: [entry.idempotencyKey],
      conflicts: [],
    });
    expect((await store.latestVersionsFor('c1', { parents: ['p:P7'] })).size).toBe(0);
    expect((await store.latestVersionsFor('c1', { parents: ['i:I1'] })).size).toBe(1);
    await store.markPosted('c1', [{ key: entry.idempotencyKey }]);
    expect(await store.postedTotals('c1')).toEqual(new Map([['a:2600', 500]]));
    await store.close();
  });
});
