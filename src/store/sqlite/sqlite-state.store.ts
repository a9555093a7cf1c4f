import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AccessState } from '../../auth/access/access-state.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { pendingMigrations } from '../migrations/migration.js';
import {
  accessStateOf,
  blockOf,
  MATCH_COLUMNS,
  OUTBOX_ARRAY_COLUMNS,
  outboxEntryOfArray,
  RUN_COLUMNS,
  runRecordOf,
  storedMatchOf,
  VERSION_COLUMNS,
  versionRowOfArray,
  type BlockRowSql,
  type MatchRowSql,
  type RunRowSql,
} from '../sql-rows.js';
import { StateStoreError, notMigrated, storeClosed } from '../state-store.error.js';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
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
  addEffects,
  chunks,
  classifyNotInserted,
  effectsOfText,
  effectsToText,
  firstOccurrences,
  fromJson,
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
import { SQLITE_MIGRATIONS, type SqliteMigration } from './sqlite.migrations.js';

type Db = Database.Database;
type Statement = Database.Statement;

/** @publicApi */
export interface SqliteStateStoreOptions {
  /** Database file (its folder is created if missing), or `:memory:`. */
  path: string;
  /**
   * SQLite's `synchronous` setting. `normal` (default) syncs at WAL checkpoints instead of on every commit: a
   * process crash loses nothing, a power failure may lose the last commits, which a rerun rebuilds (the outbox
   * is re-derived from the facts and adapters are idempotent on the entry key). `full` syncs every commit, at
   * a few milliseconds of blocked event loop each.
   */
  synchronous?: 'normal' | 'full';
  /** Time source for `createdAt`/`postedAt` and migration records. */
  clock?: Clock;
  /** How long a writer waits for another process's write lock before failing. Default 5 000 ms. */
  busyTimeoutMs?: number;
  /**
   * SQLite's page cache for this connection, in MB. Default 64: SQLite's own default (2 MB) holds a few thousand
   * pages, and a large customer's outbox indexes are written in key order, not insertion order, so each write and
   * look-up of a big run would read its index pages again.
   */
  cacheSizeMb?: number;
}

/** The page cache of a connection, in MB (see {@link SqliteStateStoreOptions.cacheSizeMb}). */
const DEFAULT_CACHE_MB = 64;

/** Keys per look-up statement in {@link SqliteStateStore.latestVersionsFor} (one JSON array parameter). */
const LOOKUP_CHUNK = 500;

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/**
 * Applies the pending steps of `migrations` in one immediate transaction (so two processes migrating the same file
 * take turns) and returns the versions applied. A step's data step (`after`) runs right after its statements. A
 * failing step rolls back every step of the call.
 * @internal
 */
export function applySqliteMigrations(
  db: Db,
  migrations: readonly SqliteMigration[],
  appliedAt: string,
): number[] {
  return db
    .transaction(() => {
      db.exec(MIGRATIONS_TABLE);
      const applied = db.prepare('SELECT version FROM schema_migrations').pluck().all() as unknown[];
      const versions = new Set(
        pendingMigrations(
          migrations,
          applied.map((v) => Number(v)),
        ).map((m) => m.version),
      );
      const pending = migrations.filter((m) => versions.has(m.version));
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const m of pending) {
        for (const sql of m.statements) db.exec(sql);
        m.after?.(db);
        record.run(m.version, m.name, appliedAt);
      }
      return pending.map((m) => m.version);
    })
    .immediate();
}

/** The highest applied version, 0 for a new database. @internal */
export function sqliteSchemaVersion(db: Db): number {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .pluck()
    .get();
  if (!exists) return 0;
  return Number(db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get());
}

/**
 * The {@link StateStore} on SQLite (better-sqlite3): the default, one file, no server. WAL mode with full sync, so
 * a committed outbox write survives a crash; every multi-row write is one transaction of prepared statements.
 * better-sqlite3 is synchronous, so each method runs to completion without interleaving with other callers in the
 * process; write transactions begin IMMEDIATE so other processes on the same file wait (busy timeout) instead of
 * failing on a lock upgrade.
 * @publicApi
 */
export class SqliteStateStore implements StateStore {
  private readonly db: Db;
  private readonly clock: Clock;
  private statements?: SqliteStatements;
  /** listOutbox's statements by SQL text; they return rows as arrays. */
  private readonly listStatements = new Map<string, Statement>();

  constructor(options: SqliteStateStoreOptions) {
    requireText(options.path, 'sqlite path');
    const cacheMb = options.cacheSizeMb ?? DEFAULT_CACHE_MB;
    if (!Number.isFinite(cacheMb) || cacheMb < 1) throw new RangeError('cacheSizeMb must be at least 1');
    const inMemory = options.path === ':memory:';
    if (!inMemory) mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.clock = options.clock ?? systemClock;
    this.db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5_000)}`);
    if (!inMemory) this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // Negative: a size in KiB rather than in pages.
    this.db.pragma(`cache_size = ${-Math.round(cacheMb * 1024)}`);
  }

  async migrate(): Promise<void> {
    const db = this.openDb();
    applySqliteMigrations(db, SQLITE_MIGRATIONS, this.nowIso());
    this.statements ??= new SqliteStatements(db);
  }

  async schemaVersion(): Promise<number> {
    return sqliteSchemaVersion(this.openDb());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // Access states

  async get(customerId: string): Promise<AccessState | undefined> {
    const value = this.s().accessGet.get(customerId);
    return value === undefined ? undefined : accessStateOf(value);
  }

  async put(state: AccessState): Promise<void> {
    requireText(state.customerId, 'customerId');
    this.s().accessPut.run(state.customerId, JSON.stringify(state));
  }

  async list(): Promise<AccessState[]> {
    return (this.s().accessList.all() as unknown[]).map(accessStateOf);
  }

  async getCursor(name: string): Promise<string | undefined> {
    return this.s().cursorGet.get(name) as string | undefined;
  }

  async putCursor(name: string, value: string): Promise<void> {
    requireText(name, 'cursor name');
    this.s().cursorPut.run(name, value);
  }

  // Watermarks and fact hashes

  async getWatermark(customerId: string, stream: string): Promise<IsoDate | undefined> {
    return this.s().watermarkGet.get(customerId, stream) as IsoDate | undefined;
  }

  async setWatermark(customerId: string, stream: string, date: IsoDate): Promise<void> {
    await this.applyBatch(customerId, { watermarks: [{ stream, date }] });
  }

  async getFactHashes(
    customerId: string,
    kind: string,
    ids?: Iterable<string>,
  ): Promise<Map<string, string>> {
    const s = this.s();
    if (ids === undefined) return new Map(s.factsGet.all(customerId, kind) as [string, string][]);
    return this.lookUpEach(ids, (id) => s.factGet.get(customerId, kind, id) as string | undefined);
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
    const limit = limitOf(options?.limit) ?? -1;
    const where = statuses ? ` AND status IN (${statuses.map(() => '?').join(', ')})` : '';
    const sql = `SELECT ${OUTBOX_ARRAY_COLUMNS} FROM outbox WHERE customer_id = ?${where} ORDER BY seq LIMIT ?`;
    const rows = this.listStatement(sql).all(customerId, ...(statuses ?? []), limit) as unknown[][];
    const out: OutboxEntry[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = outboxEntryOfArray(customerId, rows[i]);
    return out;
  }

  async markPosted(
    customerId: string,
    results: readonly PostedResult[],
    postedAt?: string,
  ): Promise<MarkResult> {
    const s = this.s();
    const at = postedAt ?? this.nowIso();
    const { unique, repeats } = firstOccurrences(results, (r) => r.key);
    return this.db
      .transaction(() => {
        const unchanged: string[] = [];
        const totals = new Map<string, number>();
        let updated = 0;
        for (const r of unique) {
          const { changes } = s.markPosted.run(
            r.ref ?? null,
            r.duplicate === true ? 1 : 0,
            at,
            customerId,
            r.key,
          );
          if (changes === 0) {
            unchanged.push(r.key);
            continue;
          }
          // Read after the update, not with RETURNING: 240k keys took 40 to 115 s as UPDATE ... RETURNING (SQLite
          // 3.53, better-sqlite3 12), under 3 s as these two statements.
          const effects = s.outboxEffects.get(customerId, r.key) as string | null;
          updated += 1;
          if (effects !== null) addEffects(totals, effectsOfText(effects));
        }
        for (const [subject, amount] of totals) s.totalAdd.run(customerId, subject, amount);
        return { updated, unchanged: [...unchanged, ...repeats] };
      })
      .immediate();
  }

  async markFailed(customerId: string, keys: readonly string[], error: string): Promise<MarkResult> {
    const s = this.s();
    const text = truncateError(error);
    const { unique, repeats } = firstOccurrences(keys, (k) => k);
    return this.db
      .transaction(() => {
        const unchanged: string[] = [];
        let updated = 0;
        for (const key of unique) {
          if (s.markFailed.run(text, customerId, key).changes > 0) updated += 1;
          else unchanged.push(key);
        }
        return { updated, unchanged: [...unchanged, ...repeats] };
      })
      .immediate();
  }

  async latestVersions(customerId: string): Promise<Map<string, LatestVersion>> {
    return latestVersionsOf((this.s().versions.all(customerId) as unknown[][]).map(versionRowOfArray));
  }

  async postedEntries(customerId: string): Promise<OutboxEntry[]> {
    return this.listOutbox(customerId, { status: 'posted' });
  }

  async latestVersionsFor(
    customerId: string,
    query: VersionQuery,
  ): Promise<Map<string, LatestVersionWithEntry>> {
    const s = this.s();
    return this.db
      .transaction((): Map<string, LatestVersionWithEntry> => {
        const out = new Map<string, LatestVersionWithEntry>();
        // A customer without outbox rows (a first run asks for every fact of its window) has no versions.
        if (s.outboxAny.get(customerId) === undefined) return out;
        // Keys go to SQLite LOOKUP_CHUNK at a time as one JSON array (json_each): a statement per key costs more in
        // the calls between JavaScript and SQLite than in SQLite's own index look-ups.
        const baseKeys = new Set<string>(query.baseKeys ?? []);
        for (const part of chunks([...new Set(query.parents ?? [])], LOOKUP_CHUNK)) {
          for (const baseKey of s.parentBaseKeysIn.all(customerId, JSON.stringify(part)) as string[])
            baseKeys.add(baseKey);
        }
        // Rows of every base key asked for, with the reversals of their versions written under another base key,
        // merged in write order (seq) as latestVersionsOf needs them.
        const rows: { seq: number; row: VersionRow; entry: unknown }[] = [];
        const seen = new Set<number>();
        const versionKeys: string[] = [];
        // r: VERSION_COLUMNS, seq, entry (a reversal may be found twice: under its base key and by `reverses`).
        const add = (r: unknown[]): void => {
          const seq = toSafeInteger(r[6], 'outbox.seq');
          if (seen.has(seq)) return;
          seen.add(seq);
          const row = versionRowOfArray(r);
          rows.push({ seq, row, entry: r[7] });
          if (!row.reverses) versionKeys.push(row.key);
        };
        for (const part of chunks([...baseKeys], LOOKUP_CHUNK)) {
          for (const r of s.versionsOfBaseKeys.all(customerId, JSON.stringify(part)) as unknown[][]) add(r);
        }
        for (const part of chunks(versionKeys, LOOKUP_CHUNK)) {
          for (const r of s.reversalsOfKeys.all(customerId, JSON.stringify(part)) as unknown[][]) add(r);
        }
        rows.sort((a, b) => a.seq - b.seq);
        const entries = new Map<string, unknown>();
        for (const r of rows) entries.set(r.row.key, r.entry);
        for (const [baseKey, v] of latestVersionsOf(rows.map((r) => r.row))) {
          out.set(baseKey, { ...v, entry: fromJson<JournalEntry>(entries.get(v.key)) });
        }
        return out;
      })
      .deferred();
  }

  async postedTotals(customerId: string, subjects?: Iterable<string>): Promise<Map<string, number>> {
    const s = this.s();
    const out = new Map<string, number>();
    if (subjects === undefined) {
      for (const [subject, amount] of s.totalsAll.all(customerId) as [string, unknown][]) {
        out.set(subject, toSafeInteger(amount, 'posted_totals.amount'));
      }
      return out;
    }
    return this.lookUpEach(subjects, (subject) => {
      const amount: unknown = s.totalGet.get(customerId, subject);
      return amount === undefined ? undefined : toSafeInteger(amount, 'posted_totals.amount');
    });
  }

  /** `get` of each key (an indexed look-up), once per key, in one read transaction; a key it gives nothing for is absent. */
  private lookUpEach<V>(keys: Iterable<string>, get: (key: string) => V | undefined): Map<string, V> {
    const out = new Map<string, V>();
    return this.db
      .transaction(() => {
        for (const key of keys) {
          if (out.has(key)) continue;
          const value = get(key);
          if (value !== undefined) out.set(key, value);
        }
        return out;
      })
      .deferred();
  }

  // Matches and blocks

  async putMatches(customerId: string, runId: string, matches: readonly MatchRecord[]): Promise<void> {
    await this.applyBatch(customerId, { matches: { runId, records: matches } });
  }

  async listMatches(customerId: string): Promise<StoredMatch[]> {
    return (this.s().matchesList.all(customerId) as MatchRowSql[]).map(storedMatchOf);
  }

  async getBlock(customerId: string): Promise<CustomerBlock | undefined> {
    const row = this.s().blockGet.get(customerId) as BlockRowSql | undefined;
    return row && blockOf(row);
  }

  async setBlock(customerId: string, block: CustomerBlock | undefined): Promise<void> {
    requireText(customerId, 'customerId');
    const s = this.s();
    if (block === undefined) {
      s.blockDelete.run(customerId);
      return;
    }
    validateBlock(block);
    const details = block.details === undefined ? null : JSON.stringify(block.details);
    s.blockPut.run(customerId, block.reason, block.at, details);
  }

  // Run log

  async startRun(run: RunStart): Promise<void> {
    validateRunStart(run);
    const { changes } = this.s().runStart.run(run.runId, run.customerId, run.startedAt, run.dryRun ? 1 : 0);
    if (changes === 0) {
      throw new StateStoreError(`Run ${run.runId} is already in the run log`, 'KOB_STORE_RUN_EXISTS');
    }
  }

  async finishRun(runId: string, finish: RunFinish): Promise<void> {
    const s = this.s();
    const summary = JSON.stringify(finish.summary ?? {});
    const { changes } = s.runFinish.run(finish.status, finish.finishedAt, summary, runId);
    if (changes === 0) throw runNotFinishable(runId, s.runExists.get(runId) !== undefined);
  }

  async listRuns(customerId: string, limit = 50): Promise<RunRecord[]> {
    const max = limitOf(limit) ?? 50;
    return (this.s().runsList.all(customerId, max) as RunRowSql[]).map(runRecordOf);
  }

  // Locks

  async tryLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const expiresAt = lockExpiry(name, owner, ttlMs, nowMs);
    return this.s().lockTry.get(name, owner, expiresAt, nowMs) !== undefined;
  }

  async renewLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const expiresAt = lockExpiry(name, owner, ttlMs, nowMs);
    return this.s().lockRenew.run(expiresAt, name, owner).changes > 0;
  }

  async unlock(name: string, owner: string): Promise<boolean> {
    return this.s().lockDelete.run(name, owner).changes > 0;
  }

  // Batches

  async applyBatch(customerId: string, batch: StateBatch): Promise<AddToOutboxResult> {
    requireText(customerId, 'customerId');
    validateBatch(batch);
    const s = this.s();
    const createdAt = this.nowIso();
    return this.db
      .transaction((): AddToOutboxResult => {
        const { finishRun, unlock } = batch;
        if (finishRun) {
          const { runId, status, finishedAt, summary } = finishRun;
          const json = JSON.stringify(summary ?? {});
          if (s.runFinishOf.run(status, finishedAt, json, runId, customerId).changes === 0) {
            throw runNotFinishable(runId, s.runExistsOf.get(runId, customerId) !== undefined);
          }
        }
        for (const { stream, date } of batch.watermarks ?? []) s.watermarkPut.run(customerId, stream, date);
        for (const { kind, ids } of batch.deleteFactHashes ?? []) {
          for (const id of ids) s.factDelete.run(customerId, kind, id);
        }
        for (const { kind, hashes } of batch.factHashes ?? []) {
          for (const [id, hash] of hashes) s.factPut.run(customerId, kind, id, hash);
        }
        if (batch.matches) {
          const { runId, records } = batch.matches;
          // Every row is of one run (each write for a run removes the others'), so a run whose write is not its
          // first finds its own run on the newest row and need not scan the customer's rows to delete nothing: a
          // run in fact windows writes its matches once per window, and each scan grew with the matches so far.
          if (s.matchesNewestRun.get(customerId) !== runId) s.matchesDelete.run(customerId, runId);
          for (const m of records) {
            s.matchInsert.run(
              customerId,
              runId,
              m.kind,
              m.rule,
              m.confidence,
              JSON.stringify(m.evidence ?? {}),
              JSON.stringify(m.subjectIds),
            );
          }
        }
        let added = 0;
        const skipped: { key: string; contentHash: string }[] = [];
        for (const e of batch.outbox ?? []) {
          const key = e.entry.idempotencyKey;
          const { changes } = s.outboxInsert.run(
            customerId,
            key,
            e.baseKey,
            e.version,
            e.entry.reverses ?? null,
            e.contentHash,
            JSON.stringify(e.entry),
            createdAt,
            effectsToText(e.effects),
          );
          if (changes === 0) {
            skipped.push({ key, contentHash: e.contentHash });
            continue;
          }
          added += 1;
          if (e.parents) {
            for (const parent of new Set(e.parents)) s.parentInsert.run(customerId, parent, e.baseKey);
          }
        }
        const result = classifyNotInserted(
          added,
          skipped,
          (key) => s.outboxHash.get(customerId, key) as string | undefined,
        );
        if (finishRun) result.runFinished = true;
        if (unlock) result.unlocked = s.lockDelete.run(unlock.name, unlock.owner).changes > 0;
        return result;
      })
      .immediate();
  }

  private listStatement(sql: string): Statement {
    let stmt = this.listStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw();
      this.listStatements.set(sql, stmt);
    }
    return stmt;
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private openDb(): Db {
    if (!this.db.open) throw storeClosed();
    return this.db;
  }

  /** The prepared statements, when the store may be used: open and migrated. */
  private s(): SqliteStatements {
    this.openDb();
    if (!this.statements) throw notMigrated();
    return this.statements;
  }
}

/** Every fixed statement, prepared once after migrating. */
class SqliteStatements {
  readonly accessGet: Statement;
  readonly accessPut: Statement;
  readonly accessList: Statement;
  readonly cursorGet: Statement;
  readonly cursorPut: Statement;
  readonly watermarkGet: Statement;
  readonly watermarkPut: Statement;
  readonly factsGet: Statement;
  readonly factGet: Statement;
  readonly factPut: Statement;
  readonly factDelete: Statement;
  readonly outboxInsert: Statement;
  readonly outboxHash: Statement;
  readonly markPosted: Statement;
  readonly outboxEffects: Statement;
  readonly markFailed: Statement;
  readonly versions: Statement;
  readonly outboxAny: Statement;
  readonly versionsOfBaseKeys: Statement;
  readonly reversalsOfKeys: Statement;
  readonly parentInsert: Statement;
  readonly parentBaseKeysIn: Statement;
  readonly totalAdd: Statement;
  readonly totalsAll: Statement;
  readonly totalGet: Statement;
  readonly matchesNewestRun: Statement;
  readonly matchesDelete: Statement;
  readonly matchInsert: Statement;
  readonly matchesList: Statement;
  readonly blockGet: Statement;
  readonly blockPut: Statement;
  readonly blockDelete: Statement;
  readonly runStart: Statement;
  readonly runFinish: Statement;
  readonly runExists: Statement;
  readonly runFinishOf: Statement;
  readonly runExistsOf: Statement;
  readonly runsList: Statement;
  readonly lockTry: Statement;
  readonly lockRenew: Statement;
  readonly lockDelete: Statement;

  constructor(db: Db) {
    this.accessGet = db.prepare('SELECT state FROM access_states WHERE customer_id = ?').pluck();
    this.accessPut = db.prepare(
      'INSERT INTO access_states (customer_id, state) VALUES (?, ?) ' +
        'ON CONFLICT (customer_id) DO UPDATE SET state = excluded.state',
    );
    this.accessList = db.prepare('SELECT state FROM access_states ORDER BY customer_id').pluck();
    this.cursorGet = db.prepare('SELECT value FROM cursors WHERE name = ?').pluck();
    this.cursorPut = db.prepare(
      'INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.watermarkGet = db
      .prepare('SELECT date FROM watermarks WHERE customer_id = ? AND stream = ?')
      .pluck();
    this.watermarkPut = db.prepare(
      'INSERT INTO watermarks (customer_id, stream, date) VALUES (?, ?, ?) ' +
        'ON CONFLICT (customer_id, stream) DO UPDATE SET date = excluded.date',
    );
    this.factsGet = db.prepare('SELECT id, hash FROM fact_hashes WHERE customer_id = ? AND kind = ?').raw();
    this.factGet = db
      .prepare('SELECT hash FROM fact_hashes WHERE customer_id = ? AND kind = ? AND id = ?')
      .pluck();
    this.factPut = db.prepare(
      'INSERT INTO fact_hashes (customer_id, kind, id, hash) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (customer_id, kind, id) DO UPDATE SET hash = excluded.hash',
    );
    this.factDelete = db.prepare('DELETE FROM fact_hashes WHERE customer_id = ? AND kind = ? AND id = ?');
    this.outboxInsert = db.prepare(
      'INSERT INTO outbox ' +
        '(customer_id, key, base_key, version, reverses, content_hash, entry, status, created_at, effects) ' +
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (customer_id, key) DO NOTHING",
    );
    this.outboxHash = db.prepare('SELECT content_hash FROM outbox WHERE customer_id = ? AND key = ?').pluck();
    this.markPosted = db.prepare(
      "UPDATE outbox SET status = 'posted', ref = ?, duplicate = ?, posted_at = ? " +
        "WHERE customer_id = ? AND key = ? AND status <> 'posted'",
    );
    this.outboxEffects = db.prepare('SELECT effects FROM outbox WHERE customer_id = ? AND key = ?').pluck();
    this.markFailed = db.prepare(
      "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? " +
        "WHERE customer_id = ? AND key = ? AND status <> 'posted'",
    );
    this.versions = db
      .prepare(`SELECT ${VERSION_COLUMNS} FROM outbox WHERE customer_id = ? ORDER BY seq`)
      .raw();
    this.outboxAny = db.prepare('SELECT 1 FROM outbox WHERE customer_id = ? LIMIT 1').pluck();
    this.versionsOfBaseKeys = db
      .prepare(
        `SELECT ${VERSION_COLUMNS}, seq, entry FROM outbox ` +
          'WHERE customer_id = ? AND base_key IN (SELECT value FROM json_each(?))',
      )
      .raw();
    this.reversalsOfKeys = db
      .prepare(
        `SELECT ${VERSION_COLUMNS}, seq, entry FROM outbox ` +
          'WHERE customer_id = ? AND reverses IN (SELECT value FROM json_each(?))',
      )
      .raw();
    this.parentInsert = db.prepare(
      'INSERT OR IGNORE INTO outbox_parents (customer_id, parent, base_key) VALUES (?, ?, ?)',
    );
    this.parentBaseKeysIn = db
      .prepare(
        'SELECT DISTINCT base_key FROM outbox_parents ' +
          'WHERE customer_id = ? AND parent IN (SELECT value FROM json_each(?))',
      )
      .pluck();
    this.totalAdd = db.prepare(
      'INSERT INTO posted_totals (customer_id, subject, amount) VALUES (?, ?, ?) ' +
        'ON CONFLICT (customer_id, subject) DO UPDATE SET amount = amount + excluded.amount',
    );
    // Integers as bigints, so toSafeInteger sees a total beyond 2^53 instead of a rounded number.
    this.totalsAll = db
      .prepare('SELECT subject, amount FROM posted_totals WHERE customer_id = ? ORDER BY subject')
      .raw()
      .safeIntegers();
    this.totalGet = db
      .prepare('SELECT amount FROM posted_totals WHERE customer_id = ? AND subject = ?')
      .pluck()
      .safeIntegers();
    this.matchesNewestRun = db
      .prepare('SELECT run_id FROM matches WHERE customer_id = ? ORDER BY seq DESC LIMIT 1')
      .pluck();
    this.matchesDelete = db.prepare('DELETE FROM matches WHERE customer_id = ? AND run_id <> ?');
    this.matchInsert = db.prepare(
      'INSERT INTO matches (customer_id, run_id, kind, rule, confidence, evidence, subject_ids) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.matchesList = db.prepare(`SELECT ${MATCH_COLUMNS} FROM matches WHERE customer_id = ? ORDER BY seq`);
    this.blockGet = db.prepare('SELECT reason, at, details FROM blocks WHERE customer_id = ?');
    this.blockPut = db.prepare(
      'INSERT INTO blocks (customer_id, reason, at, details) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (customer_id) DO UPDATE SET reason = excluded.reason, at = excluded.at, details = excluded.details',
    );
    this.blockDelete = db.prepare('DELETE FROM blocks WHERE customer_id = ?');
    this.runStart = db.prepare(
      "INSERT INTO runs (run_id, customer_id, started_at, dry_run, status) VALUES (?, ?, ?, ?, 'running') " +
        'ON CONFLICT (run_id) DO NOTHING',
    );
    this.runFinish = db.prepare(
      "UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE run_id = ? AND status = 'running'",
    );
    this.runExists = db.prepare('SELECT 1 FROM runs WHERE run_id = ?').pluck();
    this.runFinishOf = db.prepare(
      'UPDATE runs SET status = ?, finished_at = ?, summary = ? ' +
        "WHERE run_id = ? AND customer_id = ? AND status = 'running'",
    );
    this.runExistsOf = db.prepare('SELECT 1 FROM runs WHERE run_id = ? AND customer_id = ?').pluck();
    this.runsList = db.prepare(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE customer_id = ? ORDER BY started_at DESC, seq DESC LIMIT ?`,
    );
    // Free, expired or already ours: the upsert's WHERE decides in one statement, so two takers cannot both win.
    this.lockTry = db.prepare(
      'INSERT INTO locks (name, owner, expires_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at ' +
        'WHERE locks.owner = excluded.owner OR locks.expires_at <= ? RETURNING name',
    );
    this.lockRenew = db.prepare('UPDATE locks SET expires_at = ? WHERE name = ? AND owner = ?');
    this.lockDelete = db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?');
  }
}
