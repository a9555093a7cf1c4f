import type { Migration } from '../migrations/migration.js';

/** Replaced by the quoted schema name when a step runs. @internal */
export const SCHEMA = '{{schema}}';

/**
 * PostgreSQL schema steps, written against {@link SCHEMA}. Instants and dates are ISO text with `COLLATE "C"`
 * where they are sorted (byte order, as in SQLite), JSON values `json` (kept as written, unlike `jsonb`), amounts
 * stay inside the entry JSON (and an entry's `effects`, JSON of `[subject, amount]` pairs or NULL), counters
 * `integer`, sequence numbers, lock expiries and running totals (`posted_totals.amount`) `bigint`.
 * Released steps are never edited; a change is a new step at the end.
 * @internal
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE ${SCHEMA}.access_states (
        customer_id text COLLATE "C" PRIMARY KEY,
        state json NOT NULL
      )`,
      `CREATE TABLE ${SCHEMA}.cursors (
        name text PRIMARY KEY,
        value text NOT NULL
      )`,
      `CREATE TABLE ${SCHEMA}.watermarks (
        customer_id text NOT NULL,
        stream text NOT NULL,
        date text NOT NULL,
        PRIMARY KEY (customer_id, stream)
      )`,
      `CREATE TABLE ${SCHEMA}.fact_hashes (
        customer_id text NOT NULL,
        kind text NOT NULL,
        id text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (customer_id, kind, id)
      )`,
      `CREATE TABLE ${SCHEMA}.outbox (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id text NOT NULL,
        key text NOT NULL,
        base_key text NOT NULL,
        version integer NOT NULL,
        reverses text,
        content_hash text NOT NULL,
        entry json NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'posted', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        ref text,
        duplicate boolean NOT NULL DEFAULT false,
        created_at text NOT NULL,
        posted_at text,
        UNIQUE (customer_id, key)
      )`,
      `CREATE INDEX outbox_by_status ON ${SCHEMA}.outbox (customer_id, status, seq)`,
      `CREATE TABLE ${SCHEMA}.matches (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id text NOT NULL,
        run_id text NOT NULL,
        kind text NOT NULL,
        rule text NOT NULL,
        confidence text NOT NULL CHECK (confidence IN ('auto', 'suggested')),
        evidence json NOT NULL,
        subject_ids json NOT NULL
      )`,
      `CREATE INDEX matches_by_customer ON ${SCHEMA}.matches (customer_id, seq)`,
      `CREATE TABLE ${SCHEMA}.blocks (
        customer_id text PRIMARY KEY,
        reason text NOT NULL,
        at text NOT NULL,
        details json
      )`,
      `CREATE TABLE ${SCHEMA}.runs (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL UNIQUE,
        customer_id text NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        dry_run boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'ok', 'blocked', 'failed', 'skipped')),
        finished_at text,
        summary json
      )`,
      `CREATE INDEX runs_by_customer ON ${SCHEMA}.runs (customer_id, started_at, seq)`,
      `CREATE TABLE ${SCHEMA}.locks (
        name text PRIMARY KEY,
        owner text NOT NULL,
        expires_at bigint NOT NULL
      )`,
    ],
  },
  {
    // Rows written before this step get their effects, parents and totals from `backfillOutbox`, run in the
    // same transaction by the store (`POSTGRES_UPGRADE_STEPS`).
    version: 2,
    name: 'posted-totals',
    statements: [
      `ALTER TABLE ${SCHEMA}.outbox ADD COLUMN effects json`,
      `CREATE TABLE ${SCHEMA}.posted_totals (
        customer_id text NOT NULL,
        subject text NOT NULL,
        amount bigint NOT NULL,
        PRIMARY KEY (customer_id, subject)
      )`,
      `CREATE TABLE ${SCHEMA}.outbox_parents (
        customer_id text NOT NULL,
        parent text NOT NULL,
        base_key text NOT NULL,
        PRIMARY KEY (customer_id, parent, base_key)
      )`,
      `CREATE INDEX outbox_by_base_key ON ${SCHEMA}.outbox (customer_id, base_key, seq)`,
      // latestVersionsFor finds the reversals of the versions it read by `reverses` (some callers write a reversal
      // under a base key of its own); only reversals have one, so the index stays small.
      `CREATE INDEX outbox_by_reverses ON ${SCHEMA}.outbox (customer_id, reverses) WHERE reverses IS NOT NULL`,
    ],
  },
];
