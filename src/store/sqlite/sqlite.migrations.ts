import type { Migration } from '../migrations/migration.js';

/**
 * SQLite schema steps. Instants and dates are ISO text (sorted as text), JSON values are text, booleans 0/1.
 * Released steps are never edited; a change is a new step at the end.
 * @internal
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
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
];
