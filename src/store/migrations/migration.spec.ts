import { POSTGRES_MIGRATIONS } from '../postgres/postgres.migrations.js';
import { SQLITE_MIGRATIONS } from '../sqlite/sqlite.migrations.js';
import { SchemaVersionError, StateStoreError } from '../state-store.error.js';
import { checkMigrationList, pendingMigrations, type Migration } from './migration.js';
import { LATEST_SCHEMA_VERSION } from './schema-version.js';

const steps: Migration[] = [
  { version: 1, name: 'one', statements: ['s1'] },
  { version: 2, name: 'two', statements: ['s2'] },
  { version: 3, name: 'three', statements: ['s3'] },
];

describe('pendingMigrations', () => {
  it('returns every step for a new database and only the missing ones for an older one', () => {
    expect(pendingMigrations(steps, []).map((m) => m.version)).toEqual([1, 2, 3]);
    expect(pendingMigrations(steps, [2, 1]).map((m) => m.version)).toEqual([3]);
    expect(pendingMigrations(steps, [1, 2, 3])).toEqual([]);
  });

  it('refuses a database newer than the code, naming both versions', () => {
    const run = () => pendingMigrations(steps, [1, 2, 3, 4]);
    expect(run).toThrow(SchemaVersionError);
    expect(run).toThrow(/schema version 4 is newer .* \(3\)/);
  });

  it('refuses a history with gaps', () => {
    expect(() => pendingMigrations(steps, [1, 3])).toThrow(StateStoreError);
    expect(() => pendingMigrations(steps, [1, 3])).toThrow(/inconsistent: applied versions 1, 3/);
  });

  it('refuses a step list that is not numbered 1, 2, 3, ...', () => {
    expect(() => checkMigrationList([steps[0], steps[2]])).toThrow(/expected 2/);
  });
});

describe('dialect migration lists', () => {
  const tablesOf = (list: readonly Migration[]) =>
    list
      .flatMap((m) => m.statements)
      .map((s) => /^CREATE TABLE (?:\{\{schema\}\}\.)?(\w+)/.exec(s)?.[1])
      .filter((t): t is string => t !== undefined)
      .sort();

  it('end at the schema version the code writes', () => {
    expect(SQLITE_MIGRATIONS.at(-1)?.version).toBe(LATEST_SCHEMA_VERSION);
    expect(POSTGRES_MIGRATIONS.at(-1)?.version).toBe(LATEST_SCHEMA_VERSION);
    checkMigrationList(SQLITE_MIGRATIONS);
    checkMigrationList(POSTGRES_MIGRATIONS);
  });

  it('create the same tables in both dialects', () => {
    expect(tablesOf(SQLITE_MIGRATIONS)).toEqual(tablesOf(POSTGRES_MIGRATIONS));
    expect(tablesOf(SQLITE_MIGRATIONS)).toEqual([
      'access_states',
      'blocks',
      'cursors',
      'fact_hashes',
      'locks',
      'matches',
      'outbox',
      'outbox_parents',
      'posted_totals',
      'runs',
      'watermarks',
    ]);
  });
});
