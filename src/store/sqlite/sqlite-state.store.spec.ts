import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Migration } from '../migrations/migration.js';
import { applySqliteMigrations, sqliteSchemaVersion, SqliteStateStore } from './sqlite-state.store.js';

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
});
