import type { StoreOptions } from '../config/module-options.interface.js';
import type { Clock } from '../time/clock.js';
import { MemoryStateStore } from './memory/memory-state.store.js';
import { PostgresStateStore } from './postgres/postgres-state.store.js';
import { SqliteStateStore } from './sqlite/sqlite-state.store.js';
import { StateStoreError } from './state-store.error.js';
import type { StateStore } from './state-store.interface.js';

/** @publicApi */
export interface CreateStateStoreOptions {
  clock?: Clock;
  /** Run {@link StateStore.migrate} before returning. Default true. */
  migrate?: boolean;
}

/**
 * Opens the store the options name (SQLite file, PostgreSQL, or memory) and migrates it. `pg` is imported only
 * for the PostgreSQL kind. A store that fails to migrate is closed before the error is rethrown.
 * @publicApi
 */
export async function createStateStore(
  options: StoreOptions,
  extra: CreateStateStoreOptions = {},
): Promise<StateStore> {
  const store = await openStore(options, extra.clock);
  if (extra.migrate === false) return store;
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

async function openStore(options: StoreOptions, clock: Clock | undefined): Promise<StateStore> {
  switch (options.kind) {
    case 'memory':
      return new MemoryStateStore({ clock });
    case 'sqlite':
      return new SqliteStateStore({
        path: options.path,
        clock,
        ...(options.synchronous ? { synchronous: options.synchronous } : {}),
        ...(options.cacheSizeMb !== undefined ? { cacheSizeMb: options.cacheSizeMb } : {}),
      });
    case 'postgres':
      return PostgresStateStore.connect({
        connectionString: options.connectionString,
        schema: options.schema,
        clock,
      });
    default:
      throw new StateStoreError(
        `Unknown store kind ${JSON.stringify((options as { kind?: unknown }).kind)}`,
        'KOB_STORE_INVALID_INPUT',
      );
  }
}
