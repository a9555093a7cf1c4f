import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { StoreOptions } from '../config/module-options.interface.js';
import { createStateStore } from './create-state-store.js';
import { MemoryStateStore } from './memory/memory-state.store.js';
import { LATEST_SCHEMA_VERSION } from './migrations/schema-version.js';
import { SqliteStateStore } from './sqlite/sqlite-state.store.js';
import { SchemaVersionError } from './state-store.error.js';

describe('createStateStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kob-factory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a migrated memory store', async () => {
    const store = await createStateStore({ kind: 'memory' });
    expect(store).toBeInstanceOf(MemoryStateStore);
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await store.close();
  });

  it('opens a migrated SQLite store on the given path, with the given clock', async () => {
    const store = await createStateStore(
      { kind: 'sqlite', path: join(dir, 'a.sqlite') },
      { clock: { now: () => Date.parse(AT) } },
    );
    expect(store).toBeInstanceOf(SqliteStateStore);
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await store.addToOutbox('c1', [
      {
        entry: {
          idempotencyKey: 'k1',
          date: '2025-03-01',
          description: 'x',
          lines: [
            { account: '1579', debit: 1 },
            { account: '1920', credit: 1 },
          ],
          source: { kind: 'payment', ids: ['p1'] },
        },
        contentHash: 'h',
        baseKey: 'k1',
        version: 1,
      },
    ]);
    expect((await store.listOutbox('c1'))[0].createdAt).toBe(AT);
    await store.close();
  });

  it('gives a SQLite store the page cache asked for', async () => {
    const store = await createStateStore({ kind: 'sqlite', path: join(dir, 'cache.sqlite'), cacheSizeMb: 8 });
    // Negative: KiB (SQLite's unit for a size rather than a page count).
    const db = (store as unknown as { db: { pragma(p: string, o: object): unknown } }).db;
    expect(db.pragma('cache_size', { simple: true })).toBe(-8 * 1024);
    await store.close();
  });

  it('leaves migrating to the caller when asked', async () => {
    const store = await createStateStore({ kind: 'sqlite', path: join(dir, 'b.sqlite') }, { migrate: false });
    expect(await store.schemaVersion()).toBe(0);
    await store.close();
  });

  it('fails clearly on a database from a newer module version', async () => {
    const path = join(dir, 'future.sqlite');
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    raw
      .prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)')
      .run(LATEST_SCHEMA_VERSION + 5, 'future', AT);
    raw.close();
    await expect(createStateStore({ kind: 'sqlite', path })).rejects.toThrow(SchemaVersionError);
  });

  it('rejects an unknown kind', async () => {
    await expect(createStateStore({ kind: 'redis' } as unknown as StoreOptions)).rejects.toMatchObject({
      code: 'KOB_STORE_INVALID_INPUT',
    });
  });
});

const AT = '2025-03-01T08:00:00.000Z';
