import type Database from 'better-sqlite3';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import type { Migration } from '../migrations/migration.js';
import { backfillOutbox, type LegacyOutboxRow } from '../outbox-backfill.js';
import type { OutboxStatus } from '../state-store.interface.js';
import { effectsToText, fromJson } from '../store-values.js';

/**
 * A SQLite schema step, optionally with a data step run right after its statements, in the same transaction
 * (before the step is recorded), so a crash leaves either the old schema and data or the new ones.
 * @internal
 */
export interface SqliteMigration extends Migration {
  after?: (db: Database.Database) => void;
}

/**
 * Schema version 2 for rows written by version 1: each row's effects and parents, and the customers' running
 * totals of their posted rows, as `backfillOutbox` computes them from the stored entries. Nothing to do on a new
 * database.
 * @internal
 */
export function backfillSqliteOutbox(db: Database.Database): void {
  const raw = db
    .prepare('SELECT customer_id, key, base_key, status, entry FROM outbox ORDER BY seq')
    .raw()
    .all() as [string, string, string, OutboxStatus, string][];
  if (raw.length === 0) return;
  const rows: LegacyOutboxRow[] = raw.map(([customerId, key, baseKey, status, entry]) => ({
    customerId,
    key,
    baseKey,
    status,
    entry: fromJson<JournalEntry>(entry),
  }));
  const { rows: filled, totals } = backfillOutbox(rows);
  const setEffects = db.prepare('UPDATE outbox SET effects = ? WHERE customer_id = ? AND key = ?');
  const addParent = db.prepare(
    'INSERT OR IGNORE INTO outbox_parents (customer_id, parent, base_key) VALUES (?, ?, ?)',
  );
  for (const row of filled) {
    const text = effectsToText(row.effects);
    if (text !== null) setEffects.run(text, row.customerId, row.key);
    for (const parent of row.parents) addParent.run(row.customerId, parent, row.baseKey);
  }
  const addTotal = db.prepare(
    'INSERT INTO posted_totals (customer_id, subject, amount) VALUES (?, ?, ?) ' +
      'ON CONFLICT (customer_id, subject) DO UPDATE SET amount = amount + excluded.amount',
  );
  for (const [customerId, subjects] of totals) {
    for (const [subject, amount] of subjects) addTotal.run(customerId, subject, amount);
  }
}

/**
 * SQLite schema steps. Instants and dates are ISO text (sorted as text), JSON values are text, booleans 0/1.
 * Released steps are never edited; a change is a new step at the end.
 * @internal
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE access_states (
        customer_id TEXT PRIMARY KEY,
        state TEXT NOT NULL
      ) WITHOUT ROWID`,
      `CREATE TABLE cursors (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID`,
      `CREATE TABLE watermarks (
        customer_id TEXT NOT NULL,
        stream TEXT NOT NULL,
        date TEXT NOT NULL,
        PRIMARY KEY (customer_id, stream)
      ) WITHOUT ROWID`,
      `CREATE TABLE fact_hashes (
        customer_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (customer_id, kind, id)
      ) WITHOUT ROWID`,
      `CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        key TEXT NOT NULL,
        base_key TEXT NOT NULL,
        version INTEGER NOT NULL,
        reverses TEXT,
        content_hash TEXT NOT NULL,
        entry TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'posted', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        ref TEXT,
        duplicate INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        posted_at TEXT,
        UNIQUE (customer_id, key)
      )`,
      `CREATE INDEX outbox_by_status ON outbox (customer_id, status, seq)`,
      `CREATE TABLE matches (
        seq INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        rule TEXT NOT NULL,
        confidence TEXT NOT NULL CHECK (confidence IN ('auto', 'suggested')),
        evidence TEXT NOT NULL,
        subject_ids TEXT NOT NULL
      )`,
      `CREATE INDEX matches_by_customer ON matches (customer_id, seq)`,
      `CREATE TABLE blocks (
        customer_id TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        details TEXT
      ) WITHOUT ROWID`,
      `CREATE TABLE runs (
        seq INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        dry_run INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'blocked', 'failed', 'skipped')),
        finished_at TEXT,
        summary TEXT
      )`,
      `CREATE INDEX runs_by_customer ON runs (customer_id, started_at, seq)`,
      `CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
    ],
  },
  {
    version: 2,
    name: 'posted-totals',
    statements: [
      // JSON text of the [subject, amount] pairs the row adds to posted_totals when it becomes posted, or NULL.
      `ALTER TABLE outbox ADD COLUMN effects TEXT`,
      `CREATE TABLE posted_totals (
        customer_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        amount INTEGER NOT NULL,
        PRIMARY KEY (customer_id, subject)
      ) WITHOUT ROWID`,
      `CREATE TABLE outbox_parents (
        customer_id TEXT NOT NULL,
        parent TEXT NOT NULL,
        base_key TEXT NOT NULL,
        PRIMARY KEY (customer_id, parent, base_key)
      ) WITHOUT ROWID`,
      `CREATE INDEX outbox_by_base_key ON outbox (customer_id, base_key, seq)`,
      // latestVersionsFor finds a reversal written under another base key than the entry it reverses by this.
      `CREATE INDEX outbox_by_reverses ON outbox (customer_id, reverses) WHERE reverses IS NOT NULL`,
    ],
    after: backfillSqliteOutbox,
  },
];
