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
  const out: OutboxEntry = {
    customerId: row.customer_id,
    key: row.key,
    entry: fromJson<JournalEntry>(row.entry),
    contentHash: row.content_hash,
    status: row.status,
    attempts: toSafeInteger(row.attempts, 'outbox.attempts'),
    createdAt: row.created_at,
    baseKey: row.base_key,
    version: toSafeInteger(row.version, 'outbox.version'),
  };
  if (row.last_error !== null) out.lastError = row.last_error;
  if (row.ref !== null) out.ref = row.ref;
  if (row.duplicate === true || row.duplicate === 1) out.duplicate = true;
  if (row.posted_at !== null) out.postedAt = row.posted_at;
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
  return {
    baseKey: row.base_key,
    key: row.key,
    version: toSafeInteger(row.version, 'outbox.version'),
    contentHash: row.content_hash,
    status: row.status,
    reverses: row.reverses,
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
