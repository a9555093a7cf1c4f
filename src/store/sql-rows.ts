import type { AccessState } from '../auth/access/access-state.model.js';
import type { JournalEntry } from '../journal/journal-adapter.interface.js';
import type {
  CustomerBlock,
  OutboxEntry,
  OutboxStatus,
  RunRecord,
  RunStatus,
  StoredMatch,
} from './state-store.interface.js';
import { fromJson, toSafeInteger, type VersionRow } from './store-values.js';

/**
 * Row shapes shared by the SQL stores (same column names in both dialects) and their mapping to the contract's
 * types. Integer columns go through {@link toSafeInteger} (pg returns int8 as text), JSON columns through
 * {@link fromJson} (pg parses `json`, SQLite returns text), booleans may be 0/1.
 * @internal
 */
export const OUTBOX_COLUMNS =
  'customer_id, key, entry, content_hash, status, attempts, last_error, ref, duplicate, created_at, posted_at, ' +
  'base_key, version';

export interface OutboxRowSql {
  customer_id: string;
  key: string;
  entry: unknown;
  content_hash: string;
  status: OutboxStatus;
  attempts: unknown;
  last_error: string | null;
  ref: string | null;
  duplicate: unknown;
  created_at: string;
  posted_at: string | null;
  base_key: string;
  version: unknown;
}

export function outboxEntryOf(row: OutboxRowSql): OutboxEntry {
  return outboxEntryOfArray(row.customer_id, [
    row.key,
    row.entry,
    row.content_hash,
    row.status,
    row.attempts,
    row.last_error,
    row.ref,
    row.duplicate,
    row.created_at,
    row.posted_at,
    row.base_key,
    row.version,
  ]);
}

/**
 * {@link OUTBOX_COLUMNS} but `customer_id` (the query's own parameter), for SQLite statements that return rows
 * as arrays (`raw()`): building a named object per row costs more than the rest of reading it (240k rows: 4.0 s
 * as objects, 2.6 s as arrays). PostgreSQL reads objects: its store takes any `query(text, values)`.
 */
export const OUTBOX_ARRAY_COLUMNS = OUTBOX_COLUMNS.replace('customer_id, ', '');

/** {@link outboxEntryOf} for a row of {@link OUTBOX_ARRAY_COLUMNS} as an array. */
export function outboxEntryOfArray(customerId: string, row: readonly unknown[]): OutboxEntry {
  const out: OutboxEntry = {
    customerId,
    key: row[0] as string,
    entry: fromJson<JournalEntry>(row[1]),
    contentHash: row[2] as string,
    status: row[3] as OutboxStatus,
    attempts: toSafeInteger(row[4], 'outbox.attempts'),
    createdAt: row[8] as string,
    baseKey: row[10] as string,
    version: toSafeInteger(row[11], 'outbox.version'),
  };
  if (row[5] !== null) out.lastError = row[5] as string;
  if (row[6] !== null) out.ref = row[6] as string;
  if (row[7] === true || row[7] === 1) out.duplicate = true;
  if (row[9] !== null) out.postedAt = row[9] as string;
  return out;
}

export const VERSION_COLUMNS = 'base_key, key, version, content_hash, status, reverses';

export interface VersionRowSql {
  base_key: string;
  key: string;
  version: unknown;
  content_hash: string;
  status: OutboxStatus;
  reverses: string | null;
}

export function versionRowOf(row: VersionRowSql): VersionRow {
  return versionRowOfArray([row.base_key, row.key, row.version, row.content_hash, row.status, row.reverses]);
}

/** {@link versionRowOf} for a row of {@link VERSION_COLUMNS} as an array. */
export function versionRowOfArray(row: readonly unknown[]): VersionRow {
  return {
    baseKey: row[0] as string,
    key: row[1] as string,
    version: toSafeInteger(row[2], 'outbox.version'),
    contentHash: row[3] as string,
    status: row[4] as OutboxStatus,
    reverses: row[5] as string | null,
  };
}

export const RUN_COLUMNS = 'run_id, customer_id, started_at, dry_run, status, finished_at, summary';

export interface RunRowSql {
  run_id: string;
  customer_id: string;
  started_at: string;
  dry_run: unknown;
  status: RunStatus;
  finished_at: string | null;
  summary: unknown;
}

export function runRecordOf(row: RunRowSql): RunRecord {
  const out: RunRecord = {
    runId: row.run_id,
    customerId: row.customer_id,
    startedAt: row.started_at,
    dryRun: row.dry_run === true || row.dry_run === 1,
    status: row.status,
  };
  if (row.finished_at !== null) out.finishedAt = row.finished_at;
  if (row.summary !== null) out.summary = fromJson<Record<string, unknown>>(row.summary);
  return out;
}

export const MATCH_COLUMNS = 'run_id, kind, rule, confidence, evidence, subject_ids';

export interface MatchRowSql {
  run_id: string;
  kind: string;
  rule: string;
  confidence: 'auto' | 'suggested';
  evidence: unknown;
  subject_ids: unknown;
}

export function storedMatchOf(row: MatchRowSql): StoredMatch {
  return {
    kind: row.kind,
    rule: row.rule,
    confidence: row.confidence,
    evidence: fromJson<Record<string, unknown>>(row.evidence),
    subjectIds: fromJson<string[]>(row.subject_ids),
    runId: row.run_id,
  };
}

export interface BlockRowSql {
  reason: string;
  at: string;
  details: unknown;
}

export function blockOf(row: BlockRowSql): CustomerBlock {
  const out: CustomerBlock = { reason: row.reason, at: row.at };
  if (row.details !== null) out.details = fromJson<Record<string, unknown>>(row.details);
  return out;
}

export function accessStateOf(value: unknown): AccessState {
  return fromJson<AccessState>(value);
}
