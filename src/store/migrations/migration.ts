import { SchemaVersionError, StateStoreError } from '../state-store.error.js';

/**
 * One numbered schema step. Steps are applied in order, each exactly once, and recorded in `schema_migrations`;
 * a released step is never edited, only followed by a new one.
 * @internal
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/**
 * The steps still to apply, given the versions a database has applied. Refuses a database that is newer than the
 * code (a downgrade would misread it) or whose history has gaps (someone applied steps by hand).
 * @internal
 */
export function pendingMigrations(migrations: readonly Migration[], applied: readonly number[]): Migration[] {
  checkMigrationList(migrations);
  const known = migrations.at(-1)?.version ?? 0;
  const sorted = [...applied].sort((a, b) => a - b);
  const current = sorted.at(-1) ?? 0;
  if (current > known) throw new SchemaVersionError(current, known);
  sorted.forEach((version, i) => {
    if (version !== i + 1) {
      throw new StateStoreError(
        `State store schema history is inconsistent: applied versions ${sorted.join(', ')}`,
        'KOB_STORE_CORRUPT',
      );
    }
  });
  return migrations.filter((m) => m.version > current);
}

/** Versions must run 1, 2, 3, ... with no gaps. @internal */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
