import { createHash } from 'node:crypto';
import type { AccessState } from '../../auth/access/access-state.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { pendingMigrations, type Migration } from '../migrations/migration.js';
import { backfillOutbox, type LegacyOutboxRow } from '../outbox-backfill.js';
import {
  accessStateOf,
  blockOf,
  MATCH_COLUMNS,
  OUTBOX_COLUMNS,
  outboxEntryOf,
  RUN_COLUMNS,
  runRecordOf,
  storedMatchOf,
  VERSION_COLUMNS,
  versionRowOf,
  type BlockRowSql,
  type MatchRowSql,
  type OutboxRowSql,
  type RunRowSql,
  type VersionRowSql,
} from '../sql-rows.js';
import { StateStoreError, notMigrated, storeClosed } from '../state-store.error.js';
import type {
  AddToOutboxResult,
  CustomerBlock,
  LatestVersion,
  LatestVersionWithEntry,
  ListOutboxOptions,
  MarkResult,
  MatchRecord,
  NewOutboxEntry,
  OutboxEntry,
  PostedResult,
  RunFinish,
  RunRecord,
  RunStart,
  StateBatch,
  StateStore,
  StoredMatch,
  VersionQuery,
} from '../state-store.interface.js';
import {
  chunks,
  classifyNotInserted,
  firstOccurrences,
  fromJson,
  lastOccurrences,
  latestVersionsOf,
  limitOf,
  lockExpiry,
  requireText,
  runNotFinishable,
  statusFilter,
  toSafeInteger,
  truncateError,
  validateBatch,
  validateBlock,
  validateRunStart,
  type VersionRow,
} from '../store-values.js';
import { POSTGRES_MIGRATIONS, SCHEMA } from './postgres.migrations.js';

/** What the store needs of a `pg` result. @publicApi */
export interface PgResultLike {
  rows: unknown[];
  rowCount: number | null;
}

/** What the store needs of a `pg` client or pool: parameterised queries. @publicApi */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<PgResultLike>;
}

/** A client checked out of a pool, for transactions. @publicApi */
export interface PgClientLike extends PgQueryable {
  release(error?: Error | boolean): void;
}

/** What the store needs of a `pg.Pool` (typed structurally so `pg` stays an optional peer dependency). @publicApi */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
}

/** @publicApi */
export interface PostgresStateStoreOptions {
  /** A pool the host owns; the store never ends it. */
  pool: PgPoolLike;
  /** Schema holding the tables, created if missing. Default `kob`. */
  schema?: string;
  /** Time source for `createdAt`/`postedAt` and migration records. */
  clock?: Clock;
  /**
   * Rows this store may write to a table (outbox, its parents, posted totals, fact hashes) before a keyed read of
   * that table first refreshes its planner statistics with `ANALYZE`. A table that grew from empty in one run has
   * none until autovacuum gets to it, and without them PostgreSQL answers a look-up of a few thousand keys by
   * scanning all of the customer's rows, once per chunk of keys. Default 10,000; `Infinity` never analyzes.
   */
  analyzeAfterRows?: number;
}

/** @publicApi */
export interface PostgresConnectOptions extends Omit<PostgresStateStoreOptions, 'pool'> {
  connectionString: string;
  /** Connections in the store's own pool. Default 5. */
  poolSize?: number;
}

/** Tables whose planner statistics keyed reads depend on (see `PostgresStateStoreOptions.analyzeAfterRows`). */
type AnalyzedTable = 'outbox' | 'outbox_parents' | 'posted_totals' | 'fact_hashes';

const DEFAULT_ANALYZE_AFTER_ROWS = 10_000;

/** Schema used when none is given: keeps the module's tables apart from the host's own. @publicApi */
export const DEFAULT_POSTGRES_SCHEMA = 'kob';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The schema name, double-quoted, after checking it is a plain identifier. @internal */
export function quoteSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new StateStoreError(
      `PostgreSQL schema name must be a plain identifier (letters, digits, _), got ${JSON.stringify(schema)}`,
      'KOB_STORE_INVALID_INPUT',
    );
  }
  return `"${schema}"`;
}

/** A 64-bit advisory lock key per schema, so migrators of one schema take turns and others do not wait. */
function migrationLockKey(schema: string): string {
  return createHash('sha256').update(`kob-migrate:${schema}`).digest().readBigInt64BE(0).toString();
}

/** Runs `fn` in a transaction on one pooled client; rolls back on any error. @internal */
export async function withTransaction<T>(
  pool: PgPoolLike,
  fn: (client: PgClientLike) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Data steps, by the version of the schema step they follow: each runs right after its step's statements, in the
 * same transaction, when the step upgrades a database that was already migrated (a new one has no rows to
 * convert). `q` is the quoted schema name.
 * @internal
 */
export type PostgresUpgradeSteps = Readonly<
  Partial<Record<number, (client: PgQueryable, q: string) => Promise<void>>>
>;

/**
 * Creates the schema if missing and applies the pending steps of `migrations` (with their `upgradeSteps`) in one
 * transaction, holding an advisory lock so concurrent starters take turns. Returns the versions applied.
 * @internal
 */
export async function applyPostgresMigrations(
  pool: PgPoolLike,
  schema: string,
  migrations: readonly Migration[],
  appliedAt: string,
  upgradeSteps: PostgresUpgradeSteps = {},
): Promise<number[]> {
  const q = quoteSchema(schema);
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [migrationLockKey(schema)]);
    // Checked first so a user without CREATE on the database can use a schema made for it by someone else.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rows.length === 0) await client.query(`CREATE SCHEMA ${q}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${q}.schema_migrations ` +
        '(version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)',
    );
    const applied = await client.query(`SELECT version FROM ${q}.schema_migrations`);
    const versions = (applied.rows as { version: unknown }[]).map((r) => toSafeInteger(r.version, 'version'));
    const pending = pendingMigrations(migrations, versions);
    const upgrading = versions.length > 0;
    for (const m of pending) {
      for (const sql of m.statements) await client.query(sql.replaceAll(SCHEMA, q));
      const upgrade = upgradeSteps[m.version];
      if (upgrading && upgrade) await upgrade(client, q);
      await client.query(
        `INSERT INTO ${q}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
        [m.version, m.name, appliedAt],
      );
    }
    return pending.map((m) => m.version);
  });
}

interface LegacyRowSql {
  customer_id: string;
  key: string;
  base_key: string;
  status: LegacyOutboxRow['status'];
  entry: unknown;
}

/**
 * Version 2 for rows written by version 1: their effects, parents and the running totals of the posted ones,
 * from {@link backfillOutbox}. One customer at a time (a reversal's effects need only its own customer's rows),
 * so memory follows the largest customer, not the whole table.
 */
async function backfillPostedTotals(client: PgQueryable, q: string): Promise<void> {
  const customers = await client.query(`SELECT DISTINCT customer_id FROM ${q}.outbox`);
  for (const { customer_id: customerId } of customers.rows as { customer_id: string }[]) {
    const res = await client.query(
      `SELECT customer_id, key, base_key, status, entry FROM ${q}.outbox WHERE customer_id = $1 ORDER BY seq`,
      [customerId],
    );
    const legacy: LegacyOutboxRow[] = (res.rows as LegacyRowSql[]).map((r) => ({
      customerId: r.customer_id,
      key: r.key,
      baseKey: r.base_key,
      status: r.status,
      entry: fromJson<JournalEntry>(r.entry),
    }));
    const { rows, totals } = backfillOutbox(legacy);
    const withEffects = rows
      .filter((r) => r.effects.length > 0)
      .map((r) => ({ key: r.key, effects: r.effects }));
    for (const part of chunks(withEffects)) {
      await client.query(
        `UPDATE ${q}.outbox AS o SET effects = x.effects ` +
          'FROM json_to_recordset($2::json) AS x(key text, effects json) WHERE o.customer_id = $1 AND o.key = x.key',
        [customerId, JSON.stringify(part)],
      );
    }
    const withParents = rows
      .filter((r) => r.parents.length > 0)
      .map((r) => ({ base_key: r.baseKey, parents: r.parents }));
    for (const part of chunks(withParents)) {
      await client.query(
        `INSERT INTO ${q}.outbox_parents (customer_id, parent, base_key) ` +
          'SELECT DISTINCT $1::text, p.parent, x.base_key ' +
          'FROM json_to_recordset($2::json) AS x(base_key text, parents json) ' +
          'CROSS JOIN json_array_elements_text(x.parents) AS p(parent) ON CONFLICT DO NOTHING',
        [customerId, JSON.stringify(part)],
      );
    }
    const sums = [...(totals.get(customerId) ?? [])].map(([subject, amount]) => ({ subject, amount }));
    for (const part of chunks(sums)) await upsertTotals(client, q, customerId, JSON.stringify(part));
  }
}

/** Adds amounts (`[{subject, amount}]` as JSON, one row per subject) to a customer's running totals. */
async function upsertTotals(client: PgQueryable, q: string, customerId: string, json: string): Promise<void> {
  await client.query(
    `INSERT INTO ${q}.posted_totals AS t (customer_id, subject, amount) ` +
      'SELECT $1, x.subject, x.amount FROM json_to_recordset($2::json) AS x(subject text, amount bigint) ' +
      'ORDER BY x.subject ON CONFLICT (customer_id, subject) DO UPDATE SET amount = t.amount + EXCLUDED.amount',
    [customerId, json],
  );
}

/** The data steps of {@link POSTGRES_MIGRATIONS}. @internal */
export const POSTGRES_UPGRADE_STEPS: PostgresUpgradeSteps = { 2: backfillPostedTotals };

/** The highest applied version in `schema`, 0 when it has none. @internal */
export async function postgresSchemaVersion(db: PgQueryable, schema: string): Promise<number> {
  const q = quoteSchema(schema);
  const table = await db.query('SELECT to_regclass($1) AS t', [`${q}.schema_migrations`]);
  if ((table.rows[0] as { t: unknown }).t === null) return 0;
  const res = await db.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${q}.schema_migrations`);
  return toSafeInteger((res.rows[0] as { v: unknown }).v, 'schema version');
}

/**
 * The {@link StateStore} on PostgreSQL, for hosts that already run it and for several processes sharing state.
 * Bulk writes send up to 5 000 rows per statement as one JSON parameter (`json_to_recordset`) or as arrays
 * (`unnest`); inserts use `ON CONFLICT DO NOTHING`, locks a conditional upsert, so concurrent processes stay
 * correct without explicit row locks. `pg` is loaded only when {@link PostgresStateStore.connect} is called.
 * @publicApi
 */
export class PostgresStateStore implements StateStore {
  private readonly pool: PgPoolLike;
  private readonly schema: string;
  private readonly clock: Clock;
  /** Quoted schema prefix for table names. */
  private readonly t: string;
  private ownsPool = false;
  private closed = false;
  private migrated = false;
  private readonly analyzeAfterRows: number;
  /** Rows written per table since this store last analyzed it (see {@link analyzeIfStale}). */
  private readonly unanalyzed = new Map<AnalyzedTable, number>();

  constructor(options: PostgresStateStoreOptions) {
    this.pool = options.pool;
    this.schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
    this.t = quoteSchema(this.schema);
    this.clock = options.clock ?? systemClock;
    const after = options.analyzeAfterRows ?? DEFAULT_ANALYZE_AFTER_ROWS;
    if (typeof after !== 'number' || Number.isNaN(after) || after < 1) {
      throw new StateStoreError(
        'analyzeAfterRows must be a number of at least 1 (Infinity: never)',
        'KOB_STORE_INVALID_INPUT',
      );
    }
    this.analyzeAfterRows = after;
  }

  /** Opens a pool of its own (ended by {@link close}), importing `pg` on demand. */
  static async connect(options: PostgresConnectOptions): Promise<PostgresStateStore> {
    requireText(options.connectionString, 'connectionString');
    if (options.schema !== undefined) quoteSchema(options.schema);
    const { default: pg } = await import('pg').catch((cause: unknown) => {
      throw new StateStoreError(
        "The PostgreSQL state store needs the 'pg' package: npm install pg",
        'KOB_STORE_DEPENDENCY_MISSING',
        cause,
      );
    });
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 5 });
    // An idle client losing its connection must not crash the host; the next query reports the problem.
    pool.on('error', () => undefined);
    const store = new PostgresStateStore({
      pool,
      schema: options.schema,
      clock: options.clock,
      analyzeAfterRows: options.analyzeAfterRows,
    });
    store.ownsPool = true;
    return store;
  }

  async migrate(): Promise<void> {
    this.notClosed();
    await applyPostgresMigrations(
      this.pool,
      this.schema,
      POSTGRES_MIGRATIONS,
      this.nowIso(),
      POSTGRES_UPGRADE_STEPS,
    );
    this.migrated = true;
  }

  async schemaVersion(): Promise<number> {
    this.notClosed();
    return postgresSchemaVersion(this.pool, this.schema);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }

  // Access states

  async get(customerId: string): Promise<AccessState | undefined> {
    const res = await this.db().query(`SELECT state FROM ${this.t}.access_states WHERE customer_id = $1`, [
      customerId,
    ]);
    const row = res.rows[0] as { state: unknown } | undefined;
    return row && accessStateOf(row.state);
  }

  async put(state: AccessState): Promise<void> {
    requireText(state.customerId, 'customerId');
    await this.db().query(
      `INSERT INTO ${this.t}.access_states (customer_id, state) VALUES ($1, $2::json) ` +
        'ON CONFLICT (customer_id) DO UPDATE SET state = EXCLUDED.state',
      [state.customerId, JSON.stringify(state)],
    );
  }

  async list(): Promise<AccessState[]> {
    const res = await this.db().query(`SELECT state FROM ${this.t}.access_states ORDER BY customer_id`);
    return (res.rows as { state: unknown }[]).map((r) => accessStateOf(r.state));
  }

  async getCursor(name: string): Promise<string | undefined> {
    const res = await this.db().query(`SELECT value FROM ${this.t}.cursors WHERE name = $1`, [name]);
    return (res.rows[0] as { value: string } | undefined)?.value;
  }

  async putCursor(name: string, value: string): Promise<void> {
    requireText(name, 'cursor name');
    await this.db().query(
      `INSERT INTO ${this.t}.cursors (name, value) VALUES ($1, $2) ` +
        'ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value',
      [name, value],
    );
  }

  // Watermarks and fact hashes

  async getWatermark(customerId: string, stream: string): Promise<IsoDate | undefined> {
    const res = await this.db().query(
      `SELECT date FROM ${this.t}.watermarks WHERE customer_id = $1 AND stream = $2`,
      [customerId, stream],
    );
    return (res.rows[0] as { date: string } | undefined)?.date;
  }

  async setWatermark(customerId: string, stream: string, date: IsoDate): Promise<void> {
    await this.applyBatch(customerId, { watermarks: [{ stream, date }] });
  }

  async getFactHashes(
    customerId: string,
    kind: string,
    ids?: Iterable<string>,
  ): Promise<Map<string, string>> {
    if (ids !== undefined) await this.analyzeIfStale(['fact_hashes']);
    const rows = await this.rowsWhere<{ id: string; hash: string }>(
      `SELECT id, hash FROM ${this.t}.fact_hashes WHERE customer_id = $1 AND kind = $2`,
      [customerId, kind],
      { column: 'id', keys: ids },
    );
    return new Map(rows.map((r) => [r.id, r.hash]));
  }

  async putFactHashes(
    customerId: string,
    kind: string,
    hashes: readonly (readonly [string, string])[],
  ): Promise<void> {
    await this.applyBatch(customerId, { factHashes: [{ kind, hashes }] });
  }

  async deleteFactHashes(customerId: string, kind: string, ids: readonly string[]): Promise<void> {
    await this.applyBatch(customerId, { deleteFactHashes: [{ kind, ids }] });
  }

  // Outbox

  async addToOutbox(customerId: string, entries: readonly NewOutboxEntry[]): Promise<AddToOutboxResult> {
    return this.applyBatch(customerId, { outbox: entries });
  }

  async listOutbox(customerId: string, options?: ListOutboxOptions): Promise<OutboxEntry[]> {
    const statuses = statusFilter(options);
    const limit = limitOf(options?.limit) ?? null;
    // Two texts rather than `$2 IS NULL OR ...`, so a status filter always uses the (customer, status, seq) index.
    const res = statuses
      ? await this.db().query(
          `SELECT ${OUTBOX_COLUMNS} FROM ${this.t}.outbox ` +
            'WHERE customer_id = $1 AND status = ANY($2::text[]) ORDER BY seq LIMIT $3',
          [customerId, statuses, limit],
        )
      : await this.db().query(
          `SELECT ${OUTBOX_COLUMNS} FROM ${this.t}.outbox WHERE customer_id = $1 ORDER BY seq LIMIT $2`,
          [customerId, limit],
        );
    return (res.rows as OutboxRowSql[]).map(outboxEntryOf);
  }

  async markPosted(
    customerId: string,
    results: readonly PostedResult[],
    postedAt?: string,
  ): Promise<MarkResult> {
    this.db();
    const at = postedAt ?? this.nowIso();
    const { unique, repeats } = firstOccurrences(results, (r) => r.key);
    const updated = await withTransaction(this.pool, async (client) => {
      const done = new Set<string>();
      for (const part of chunks(unique)) {
        const rows = part.map((r) => ({ key: r.key, ref: r.ref ?? null, duplicate: r.duplicate === true }));
        // Only rows this update makes posted add their effects (a posted row is not updated again), summed per
        // subject so the upsert meets each total once; in subject order, so concurrent callers lock alike.
        const res = await client.query(
          `WITH done AS (UPDATE ${this.t}.outbox AS o ` +
            "SET status = 'posted', ref = x.ref, duplicate = x.duplicate, posted_at = $3 " +
            'FROM json_to_recordset($2::json) AS x(key text, ref text, duplicate boolean) ' +
            "WHERE o.customer_id = $1 AND o.key = x.key AND o.status <> 'posted' RETURNING o.key, o.effects), " +
            `totals AS (INSERT INTO ${this.t}.posted_totals AS t (customer_id, subject, amount) ` +
            'SELECT $1::text, e->>0, sum((e->>1)::bigint) FROM done CROSS JOIN json_array_elements(done.effects) AS e ' +
            'GROUP BY 2 ORDER BY 2 ' +
            'ON CONFLICT (customer_id, subject) DO UPDATE SET amount = t.amount + EXCLUDED.amount) ' +
            'SELECT key FROM done',
          [customerId, JSON.stringify(rows), at],
        );
        for (const row of res.rows as { key: string }[]) done.add(row.key);
      }
      return done;
    });
    // Each posted row adds to a few totals, many of them new: counted as one row each.
    this.wrote('posted_totals', updated.size);
    return markResult(
      unique.map((r) => r.key),
      updated,
      repeats,
    );
  }

  async markFailed(customerId: string, keys: readonly string[], error: string): Promise<MarkResult> {
    this.db();
    const text = truncateError(error);
    const { unique, repeats } = firstOccurrences(keys, (k) => k);
    const updated = await withTransaction(this.pool, async (client) => {
      const done = new Set<string>();
      for (const part of chunks(unique)) {
        const res = await client.query(
          `UPDATE ${this.t}.outbox SET status = 'failed', attempts = attempts + 1, last_error = $3 ` +
            "WHERE customer_id = $1 AND key = ANY($2::text[]) AND status <> 'posted' RETURNING key",
          [customerId, part, text],
        );
        for (const row of res.rows as { key: string }[]) done.add(row.key);
      }
      return done;
    });
    return markResult(unique, updated, repeats);
  }

  async latestVersions(customerId: string): Promise<Map<string, LatestVersion>> {
    const res = await this.db().query(
      `SELECT ${VERSION_COLUMNS} FROM ${this.t}.outbox WHERE customer_id = $1 ORDER BY seq`,
      [customerId],
    );
    return latestVersionsOf((res.rows as VersionRowSql[]).map(versionRowOf));
  }

  async postedEntries(customerId: string): Promise<OutboxEntry[]> {
    return this.listOutbox(customerId, { status: 'posted' });
  }

  async latestVersionsFor(
    customerId: string,
    query: VersionQuery,
  ): Promise<Map<string, LatestVersionWithEntry>> {
    const db = this.db();
    const out = new Map<string, LatestVersionWithEntry>();
    // A customer's first run asks for every fact it plans: nothing to read, and no reason to send the keys.
    const any = await db.query(`SELECT 1 FROM ${this.t}.outbox WHERE customer_id = $1 LIMIT 1`, [customerId]);
    if (any.rows.length === 0) return out;
    await this.analyzeIfStale(['outbox', 'outbox_parents']);
    const baseKeys = new Set(query.baseKeys ?? []);
    const parents = [...new Set(query.parents ?? [])];
    for (const part of chunks(parents)) {
      const res = await db.query(
        `SELECT DISTINCT base_key FROM ${this.t}.outbox_parents WHERE customer_id = $1 AND parent = ANY($2::text[])`,
        [customerId, part],
      );
      for (const row of res.rows as { base_key: string }[]) baseKeys.add(row.base_key);
    }
    // Every row of the asked chains, then the reversals of their latest versions (a reversal may be written under
    // a base key of its own), merged back into writing order: latestVersionsOf then sees what latestVersions sees.
    const rows = new Map<string, { seq: number; row: VersionRow; entry: unknown }>();
    await this.readVersionRows(db, customerId, 'base_key', [...baseKeys], rows);
    if (rows.size === 0) return out;
    const latestKeys = [...latestVersionsOf([...rows.values()].map((r) => r.row)).values()].map((v) => v.key);
    await this.readVersionRows(db, customerId, 'reverses', latestKeys, rows);
    const ordered = [...rows.values()].sort((a, b) => a.seq - b.seq);
    for (const [baseKey, version] of latestVersionsOf(ordered.map((r) => r.row))) {
      out.set(baseKey, { ...version, entry: fromJson<JournalEntry>(rows.get(version.key)!.entry) });
    }
    return out;
  }

  /** Adds the customer's outbox rows whose `column` is one of `values` to `into`, by key. */
  private async readVersionRows(
    db: PgQueryable,
    customerId: string,
    column: 'base_key' | 'reverses',
    values: readonly string[],
    into: Map<string, { seq: number; row: VersionRow; entry: unknown }>,
  ): Promise<void> {
    for (const part of chunks(values)) {
      const res = await db.query(
        `SELECT seq, ${VERSION_COLUMNS}, entry FROM ${this.t}.outbox ` +
          `WHERE customer_id = $1 AND ${column} = ANY($2::text[])`,
        [customerId, part],
      );
      for (const r of res.rows as (VersionRowSql & { seq: unknown; entry: unknown })[]) {
        into.set(r.key, { seq: toSafeInteger(r.seq, 'outbox.seq'), row: versionRowOf(r), entry: r.entry });
      }
    }
  }

  async postedTotals(customerId: string, subjects?: Iterable<string>): Promise<Map<string, number>> {
    if (subjects !== undefined) await this.analyzeIfStale(['posted_totals']);
    const rows = await this.rowsWhere<{ subject: string; amount: unknown }>(
      `SELECT subject, amount FROM ${this.t}.posted_totals WHERE customer_id = $1`,
      [customerId],
      { column: 'subject', keys: subjects, orderAll: 'subject' },
    );
    return new Map(rows.map((r) => [r.subject, toSafeInteger(r.amount, 'posted_totals.amount')]));
  }

  /**
   * The rows of `select` (a query ending in its WHERE clause, over `params`): all of them (ordered by `orderAll`
   * when given), or only those whose `column` is one of `keys`, asked for in chunks, each key once.
   */
  private async rowsWhere<R>(
    select: string,
    params: readonly unknown[],
    by: { column: string; keys: Iterable<string> | undefined; orderAll?: string },
  ): Promise<R[]> {
    const db = this.db();
    if (by.keys === undefined) {
      const order = by.orderAll === undefined ? '' : ` ORDER BY ${by.orderAll}`;
      return (await db.query(select + order, [...params])).rows as R[];
    }
    const rows: R[] = [];
    const sql = `${select} AND ${by.column} = ANY($${params.length + 1}::text[])`;
    for (const part of chunks([...new Set(by.keys)])) {
      rows.push(...((await db.query(sql, [...params, part])).rows as R[]));
    }
    return rows;
  }

  // Matches and blocks

  async putMatches(customerId: string, runId: string, matches: readonly MatchRecord[]): Promise<void> {
    await this.applyBatch(customerId, { matches: { runId, records: matches } });
  }

  async listMatches(customerId: string): Promise<StoredMatch[]> {
    const res = await this.db().query(
      `SELECT ${MATCH_COLUMNS} FROM ${this.t}.matches WHERE customer_id = $1 ORDER BY seq`,
      [customerId],
    );
    return (res.rows as MatchRowSql[]).map(storedMatchOf);
  }

  async getBlock(customerId: string): Promise<CustomerBlock | undefined> {
    const res = await this.db().query(
      `SELECT reason, at, details FROM ${this.t}.blocks WHERE customer_id = $1`,
      [customerId],
    );
    const row = res.rows[0] as BlockRowSql | undefined;
    return row && blockOf(row);
  }

  async setBlock(customerId: string, block: CustomerBlock | undefined): Promise<void> {
    requireText(customerId, 'customerId');
    const db = this.db();
    if (block === undefined) {
      await db.query(`DELETE FROM ${this.t}.blocks WHERE customer_id = $1`, [customerId]);
      return;
    }
    validateBlock(block);
    const details = block.details === undefined ? null : JSON.stringify(block.details);
    await db.query(
      `INSERT INTO ${this.t}.blocks (customer_id, reason, at, details) VALUES ($1, $2, $3, $4::json) ` +
        'ON CONFLICT (customer_id) DO UPDATE SET reason = EXCLUDED.reason, at = EXCLUDED.at, details = EXCLUDED.details',
      [customerId, block.reason, block.at, details],
    );
  }

  // Run log

  async startRun(run: RunStart): Promise<void> {
    validateRunStart(run);
    const res = await this.db().query(
      `INSERT INTO ${this.t}.runs (run_id, customer_id, started_at, dry_run, status) ` +
        "VALUES ($1, $2, $3, $4, 'running') ON CONFLICT (run_id) DO NOTHING RETURNING run_id",
      [run.runId, run.customerId, run.startedAt, run.dryRun],
    );
    if (res.rows.length === 0) {
      throw new StateStoreError(`Run ${run.runId} is already in the run log`, 'KOB_STORE_RUN_EXISTS');
    }
  }

  async finishRun(runId: string, finish: RunFinish): Promise<void> {
    await this.finishRunOn(this.db(), runId, finish);
  }

  /** Finishes a running run (of `customerId`, when given), or throws why it cannot. */
  private async finishRunOn(
    db: PgQueryable,
    runId: string,
    finish: RunFinish,
    customerId?: string,
  ): Promise<void> {
    // The customer's condition, when there is one, takes the parameter after the others.
    const ofCustomer = customerId === undefined ? [] : [customerId];
    const andCustomer = (n: number) => (customerId === undefined ? '' : ` AND customer_id = $${n}`);
    const res = await db.query(
      `UPDATE ${this.t}.runs SET status = $1, finished_at = $2, summary = $3::json ` +
        `WHERE run_id = $4${andCustomer(5)} AND status = 'running' RETURNING run_id`,
      [finish.status, finish.finishedAt, JSON.stringify(finish.summary ?? {}), runId, ...ofCustomer],
    );
    if (res.rows.length > 0) return;
    const exists = await db.query(`SELECT 1 FROM ${this.t}.runs WHERE run_id = $1${andCustomer(2)}`, [
      runId,
      ...ofCustomer,
    ]);
    throw runNotFinishable(runId, exists.rows.length > 0);
  }

  async listRuns(customerId: string, limit = 50): Promise<RunRecord[]> {
    const max = limitOf(limit) ?? 50;
    const res = await this.db().query(
      `SELECT ${RUN_COLUMNS} FROM ${this.t}.runs WHERE customer_id = $1 ORDER BY started_at DESC, seq DESC LIMIT $2`,
      [customerId, max],
    );
    return (res.rows as RunRowSql[]).map(runRecordOf);
  }

  // Locks

  async tryLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const expiresAt = lockExpiry(name, owner, ttlMs, nowMs);
    // Free, expired or already ours: the upsert's WHERE decides under the row lock, so two takers cannot both win.
    const res = await this.db().query(
      `INSERT INTO ${this.t}.locks AS l (name, owner, expires_at) VALUES ($1, $2, $3) ` +
        'ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at ' +
        'WHERE l.owner = EXCLUDED.owner OR l.expires_at <= $4 RETURNING name',
      [name, owner, expiresAt, nowMs],
    );
    return res.rows.length > 0;
  }

  async renewLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const expiresAt = lockExpiry(name, owner, ttlMs, nowMs);
    const res = await this.db().query(
      `UPDATE ${this.t}.locks SET expires_at = $1 WHERE name = $2 AND owner = $3 RETURNING name`,
      [expiresAt, name, owner],
    );
    return res.rows.length > 0;
  }

  async unlock(name: string, owner: string): Promise<boolean> {
    return this.releaseOn(this.db(), name, owner);
  }

  private async releaseOn(db: PgQueryable, name: string, owner: string): Promise<boolean> {
    const res = await db.query(`DELETE FROM ${this.t}.locks WHERE name = $1 AND owner = $2 RETURNING name`, [
      name,
      owner,
    ]);
    return res.rows.length > 0;
  }

  // Batches

  async applyBatch(customerId: string, batch: StateBatch): Promise<AddToOutboxResult> {
    requireText(customerId, 'customerId');
    validateBatch(batch);
    this.db();
    const createdAt = this.nowIso();
    const result = await withTransaction(this.pool, async (client) => {
      const { finishRun, unlock } = batch;
      if (finishRun) await this.finishRunOn(client, finishRun.runId, finishRun, customerId);
      const watermarks = lastOccurrences(batch.watermarks ?? [], (w) => w.stream);
      if (watermarks.length > 0) {
        await client.query(
          `INSERT INTO ${this.t}.watermarks (customer_id, stream, date) ` +
            'SELECT $1, s, d FROM unnest($2::text[], $3::text[]) AS x(s, d) ' +
            'ON CONFLICT (customer_id, stream) DO UPDATE SET date = EXCLUDED.date',
          [customerId, watermarks.map((w) => w.stream), watermarks.map((w) => w.date)],
        );
      }
      for (const { kind, ids } of batch.deleteFactHashes ?? []) {
        for (const part of chunks(ids)) {
          await client.query(
            `DELETE FROM ${this.t}.fact_hashes WHERE customer_id = $1 AND kind = $2 AND id = ANY($3::text[])`,
            [customerId, kind, part],
          );
        }
      }
      for (const { kind, hashes } of batch.factHashes ?? []) {
        for (const part of chunks(lastOccurrences(hashes, ([id]) => id))) {
          await client.query(
            `INSERT INTO ${this.t}.fact_hashes (customer_id, kind, id, hash) ` +
              'SELECT $1, $2, i, h FROM unnest($3::text[], $4::text[]) AS x(i, h) ' +
              'ON CONFLICT (customer_id, kind, id) DO UPDATE SET hash = EXCLUDED.hash',
            [customerId, kind, part.map(([id]) => id), part.map(([, hash]) => hash)],
          );
        }
      }
      if (batch.matches)
        await this.replaceMatches(client, customerId, batch.matches.runId, batch.matches.records);
      const inserted = await this.insertOutbox(client, customerId, batch.outbox ?? [], createdAt);
      if (finishRun) inserted.runFinished = true;
      if (unlock) inserted.unlocked = await this.releaseOn(client, unlock.name, unlock.owner);
      return inserted;
    });
    // Counted once committed. Parents: at most those the batch named (a repeat is not written again).
    let facts = 0;
    for (const { hashes } of batch.factHashes ?? []) facts += hashes.length;
    let parents = 0;
    for (const e of batch.outbox ?? []) parents += e.parents?.length ?? 0;
    this.wrote('fact_hashes', facts);
    this.wrote('outbox', result.added);
    this.wrote('outbox_parents', result.added > 0 ? parents : 0);
    return result;
  }

  private wrote(table: AnalyzedTable, rows: number): void {
    if (rows > 0) this.unanalyzed.set(table, (this.unanalyzed.get(table) ?? 0) + rows);
  }

  /**
   * Refreshes the planner statistics of those of `tables` this store has written `analyzeAfterRows` rows to
   * since it last did, before a keyed read of them. At 240,000 outbox rows without statistics, a look-up of 500
   * base keys took 175 ms (a scan of the customer's rows); with them 9 ms (the index). Other processes writing
   * the same tables are left to autovacuum.
   */
  private async analyzeIfStale(tables: readonly AnalyzedTable[]): Promise<void> {
    const stale = tables.filter((t) => (this.unanalyzed.get(t) ?? 0) >= this.analyzeAfterRows);
    if (stale.length === 0) return;
    // Forgotten first, so a concurrent read does not analyze the same tables again.
    for (const t of stale) this.unanalyzed.delete(t);
    await this.db().query(`ANALYZE ${stale.map((t) => `${this.t}.${t}`).join(', ')}`);
  }

  private async replaceMatches(
    client: PgClientLike,
    customerId: string,
    runId: string,
    records: readonly MatchRecord[],
  ): Promise<void> {
    // Every row is of one run (each write for a run removes the others'), so a run whose write is not its first
    // finds its own run on the newest row and need not scan the customer's rows to delete nothing: a run in fact
    // windows writes its matches once per window, and each scan grew with the matches so far.
    const newest = await client.query(
      `SELECT run_id FROM ${this.t}.matches WHERE customer_id = $1 ORDER BY seq DESC LIMIT 1`,
      [customerId],
    );
    if ((newest.rows[0] as { run_id: string } | undefined)?.run_id !== runId) {
      await client.query(`DELETE FROM ${this.t}.matches WHERE customer_id = $1 AND run_id <> $2`, [
        customerId,
        runId,
      ]);
    }
    let offset = 0;
    for (const part of chunks(records)) {
      const rows = part.map((m, i) => ({
        i: offset + i,
        kind: m.kind,
        rule: m.rule,
        confidence: m.confidence,
        evidence: m.evidence ?? {},
        subject_ids: m.subjectIds,
      }));
      offset += part.length;
      await client.query(
        `INSERT INTO ${this.t}.matches (customer_id, run_id, kind, rule, confidence, evidence, subject_ids) ` +
          'SELECT $1, $2, x.kind, x.rule, x.confidence, x.evidence, x.subject_ids ' +
          'FROM json_to_recordset($3::json) AS x(i integer, kind text, rule text, confidence text, evidence json, ' +
          'subject_ids json) ORDER BY x.i',
        [customerId, runId, JSON.stringify(rows)],
      );
    }
  }

  /** Inserts the first occurrence of each key, then compares what was not inserted with what is stored. */
  private async insertOutbox(
    client: PgClientLike,
    customerId: string,
    entries: readonly NewOutboxEntry[],
    createdAt: string,
  ): Promise<AddToOutboxResult> {
    const { unique } = firstOccurrences(entries, (e) => e.entry.idempotencyKey);
    const inserted = new Set<string>();
    let offset = 0;
    for (const part of chunks(unique)) {
      const rows = part.map((e, i) => ({
        i: offset + i,
        key: e.entry.idempotencyKey,
        base_key: e.baseKey,
        version: e.version,
        reverses: e.entry.reverses ?? null,
        content_hash: e.contentHash,
        entry: e.entry,
        effects: e.effects !== undefined && e.effects.length > 0 ? e.effects : null,
        parents: e.parents !== undefined && e.parents.length > 0 ? e.parents : null,
      }));
      offset += part.length;
      // `x` is read twice, so PostgreSQL parses the JSON once; only rows actually inserted get their parents.
      const res = await client.query(
        'WITH x AS (SELECT * FROM json_to_recordset($2::json) AS x(i integer, key text, base_key text, ' +
          'version integer, reverses text, content_hash text, entry json, effects json, parents json)), ' +
          `ins AS (INSERT INTO ${this.t}.outbox ` +
          '(customer_id, key, base_key, version, reverses, content_hash, entry, effects, status, created_at) ' +
          "SELECT $1, x.key, x.base_key, x.version, x.reverses, x.content_hash, x.entry, x.effects, 'pending', $3 " +
          'FROM x ORDER BY x.i ON CONFLICT (customer_id, key) DO NOTHING RETURNING key), ' +
          `par AS (INSERT INTO ${this.t}.outbox_parents (customer_id, parent, base_key) ` +
          'SELECT DISTINCT $1::text, p.parent, x.base_key FROM ins JOIN x ON x.key = ins.key ' +
          'CROSS JOIN json_array_elements_text(x.parents) AS p(parent) ON CONFLICT DO NOTHING) ' +
          'SELECT key FROM ins',
        [customerId, JSON.stringify(rows), createdAt],
      );
      for (const row of res.rows as { key: string }[]) inserted.add(row.key);
    }
    // Repeats in the input and keys stored earlier: compare their hashes with the stored ones.
    const notInserted: { key: string; contentHash: string }[] = [];
    const seen = new Set<string>();
    for (const e of entries) {
      const key = e.entry.idempotencyKey;
      if (seen.has(key) || !inserted.has(key)) notInserted.push({ key, contentHash: e.contentHash });
      seen.add(key);
    }
    const stored = new Map<string, string>();
    for (const part of chunks([...new Set(notInserted.map((e) => e.key))])) {
      const res = await client.query(
        `SELECT key, content_hash FROM ${this.t}.outbox WHERE customer_id = $1 AND key = ANY($2::text[])`,
        [customerId, part],
      );
      for (const row of res.rows as { key: string; content_hash: string }[])
        stored.set(row.key, row.content_hash);
    }
    return classifyNotInserted(inserted.size, notInserted, (key) => stored.get(key));
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private notClosed(): void {
    if (this.closed) throw storeClosed();
  }

  /** The pool, when the store may be used: open and migrated. */
  private db(): PgPoolLike {
    this.notClosed();
    if (!this.migrated) throw notMigrated();
    return this.pool;
  }
}

function markResult(
  keys: readonly string[],
  updated: ReadonlySet<string>,
  repeats: readonly string[],
): MarkResult {
  return { updated: updated.size, unchanged: [...keys.filter((k) => !updated.has(k)), ...repeats] };
}
