export type {
  StateStore,
  OutboxStatus,
  NewOutboxEntry,
  OutboxEntry,
  AddToOutboxResult,
  PostedResult,
  MarkResult,
  LatestVersion,
  LatestVersionWithEntry,
  VersionQuery,
  PostedEffect,
  ListOutboxOptions,
  MatchRecord,
  StoredMatch,
  CustomerBlock,
  RunStatus,
  RunStart,
  RunFinish,
  RunRecord,
  StateBatch,
} from './state-store.interface.js';
export { StateStoreError, SchemaVersionError } from './state-store.error.js';
export { MemoryStateStore } from './memory/memory-state.store.js';
export type { MemoryStateStoreOptions } from './memory/memory-state.store.js';
export { SqliteStateStore } from './sqlite/sqlite-state.store.js';
export type { SqliteStateStoreOptions } from './sqlite/sqlite-state.store.js';
export { PostgresStateStore, DEFAULT_POSTGRES_SCHEMA } from './postgres/postgres-state.store.js';
export type {
  PostgresStateStoreOptions,
  PostgresConnectOptions,
  PgPoolLike,
  PgClientLike,
  PgQueryable,
  PgResultLike,
} from './postgres/postgres-state.store.js';
export { createStateStore } from './create-state-store.js';
export type { CreateStateStoreOptions } from './create-state-store.js';
export { LATEST_SCHEMA_VERSION } from './migrations/schema-version.js';
