import { isIsoDate } from '../domain/dates.js';
import type { JournalLine } from '../journal/journal-adapter.interface.js';
import type {
  AddToOutboxResult,
  CustomerBlock,
  RunFinish,
  RunStart,
  LatestVersion,
  ListOutboxOptions,
  MatchRecord,
  NewOutboxEntry,
  OutboxStatus,
  PostedEffect,
  StateBatch,
} from './state-store.interface.js';
import { StateStoreError } from './state-store.error.js';

/** Rows per statement for bulk writes to PostgreSQL (one JSON parameter each). */
export const BULK_CHUNK = 5_000;

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'posted', 'failed'];

/**
 * A number read back from a database (pg returns int8 as a string, sqlite may return a bigint) as a safe integer.
 * @internal
 */
export function toSafeInteger(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  const num = typeof n === 'bigint' ? Number(n) : n;
  if (typeof num !== 'number' || !Number.isSafeInteger(num) || (typeof n === 'bigint' && BigInt(num) !== n)) {
    throw new StateStoreError(`${field}: stored value is not a safe integer`, 'KOB_STORE_CORRUPT');
  }
  return num;
}

function invalid(message: string): StateStoreError {
  return new StateStoreError(message, 'KOB_STORE_INVALID_INPUT');
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${field} must be a non-empty string`);
  return value;
}

function requireAmount(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value))) {
    throw invalid(`${field} must be a safe integer amount in øre`);
  }
}

const isText = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const isAmount = (value: unknown): boolean =>
  value === undefined || (typeof value === 'number' && Number.isSafeInteger(value));

/**
 * Checks what the store relies on: keys, hashes, versions, and integer øre on every line. The field names of
 * the messages are only built for an entry that fails (a run writes hundreds of thousands). @internal
 */
export function validateNewEntries(entries: readonly NewOutboxEntry[]): void {
  for (let i = 0; i < entries.length; i++) {
    if (!(i in entries)) continue; // a hole, as forEach would skip it
    const e = entries[i];
    const lines: unknown = e.entry?.lines;
    let valid =
      isText(e.entry?.idempotencyKey) &&
      isText(e.contentHash) &&
      isText(e.baseKey) &&
      Number.isSafeInteger(e.version) &&
      e.version >= 1 &&
      Array.isArray(lines);
    if (valid) {
      const list = lines as JournalLine[];
      for (let j = 0; j < list.length; j++) {
        if (!(j in list)) continue;
        if (!isAmount(list[j].debit) || !isAmount(list[j].credit)) {
          valid = false;
          break;
        }
      }
    }
    if (valid && e.effects !== undefined) valid = validEffects(e.effects);
    if (valid && e.parents !== undefined) valid = Array.isArray(e.parents) && e.parents.every(isText);
    if (!valid) explainEntry(e, i);
  }
}

/** Throws the error for the first problem of an entry {@link validateNewEntries} found wrong. */
function explainEntry(e: NewOutboxEntry, i: number): void {
  const at = `outbox[${i}]`;
  requireText(e.entry?.idempotencyKey, `${at}.entry.idempotencyKey`);
  requireText(e.contentHash, `${at}.contentHash`);
  requireText(e.baseKey, `${at}.baseKey`);
  if (!Number.isSafeInteger(e.version) || e.version < 1)
    throw invalid(`${at}.version must be an integer >= 1`);
  if (!Array.isArray(e.entry.lines)) throw invalid(`${at}.entry.lines must be an array`);
  e.entry.lines.forEach((line: JournalLine, j) => {
    requireAmount(line.debit, `${at}.entry.lines[${j}].debit`);
    requireAmount(line.credit, `${at}.entry.lines[${j}].credit`);
  });
  if (e.effects !== undefined) {
    if (!Array.isArray(e.effects)) throw invalid(`${at}.effects must be an array`);
    e.effects.forEach((effect, j) => {
      if (!Array.isArray(effect) || effect.length !== 2)
        throw invalid(`${at}.effects[${j}] must be a [subject, amount] pair`);
      requireText(effect[0], `${at}.effects[${j}][0]`);
      if (!Number.isSafeInteger(effect[1])) throw invalid(`${at}.effects[${j}][1] must be a safe integer`);
    });
  }
  if (e.parents !== undefined) {
    if (!Array.isArray(e.parents)) throw invalid(`${at}.parents must be an array`);
    e.parents.forEach((parent, j) => requireText(parent, `${at}.parents[${j}]`));
  }
}

function validEffects(effects: readonly PostedEffect[]): boolean {
  if (!Array.isArray(effects)) return false;
  for (const effect of effects) {
    if (!Array.isArray(effect) || effect.length !== 2 || !isText(effect[0])) return false;
    if (!Number.isSafeInteger(effect[1])) return false;
  }
  return true;
}

/** The entries of `source` under `keys` (a key without one is absent). @internal */
export function pickKeys<V>(
  source: ReadonlyMap<string, V> | undefined,
  keys: Iterable<string>,
): Map<string, V> {
  const out = new Map<string, V>();
  if (source === undefined) return out;
  for (const key of keys) {
    const value = source.get(key);
    if (value !== undefined) out.set(key, value);
  }
  return out;
}

/**
 * Adds the effects of entries that just became posted to running totals (a map the store then writes). @internal
 */
export function addEffects(totals: Map<string, number>, effects: readonly PostedEffect[] | undefined): void {
  if (effects === undefined) return;
  for (const [subject, amount] of effects) totals.set(subject, (totals.get(subject) ?? 0) + amount);
}

/** Effects as stored in a text column: JSON, or null for none. @internal */
export function effectsToText(effects: readonly PostedEffect[] | undefined): string | null {
  return effects === undefined || effects.length === 0 ? null : JSON.stringify(effects);
}

/** Effects read back from a text column. @internal */
export function effectsOfText(text: string | null | undefined): PostedEffect[] | undefined {
  if (text === null || text === undefined) return undefined;
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed) || !validEffects(parsed as PostedEffect[]))
    throw new StateStoreError(
      'outbox effects: stored value is not a list of [subject, amount]',
      'KOB_STORE_CORRUPT',
    );
  return parsed as PostedEffect[];
}

/** Checks a whole batch before any of it is written. @internal */
export function validateBatch(batch: StateBatch): void {
  validateNewEntries(batch.outbox ?? []);
  for (const f of batch.factHashes ?? []) validateFactHashes(f.kind, f.hashes);
  for (const d of batch.deleteFactHashes ?? []) requireText(d.kind, 'deleteFactHashes.kind');
  for (const w of batch.watermarks ?? []) {
    requireText(w.stream, 'watermark stream');
    if (typeof w.date !== 'string' || !isIsoDate(w.date))
      throw invalid(`watermark ${w.stream}: not a YYYY-MM-DD date`);
  }
  if (batch.finishRun) validateRunFinish(batch.finishRun.runId, batch.finishRun);
  if (batch.unlock) {
    requireText(batch.unlock.name, 'unlock name');
    requireText(batch.unlock.owner, 'unlock owner');
  }
  if (batch.matches) {
    requireText(batch.matches.runId, 'matches runId');
    const records = batch.matches.records;
    for (let i = 0; i < records.length; i++) {
      if (!(i in records)) continue; // a hole, as forEach would skip it
      const m = records[i];
      const valid =
        isText(m.kind) &&
        isText(m.rule) &&
        (m.confidence === 'auto' || m.confidence === 'suggested') &&
        Array.isArray(m.subjectIds);
      if (!valid) explainMatch(m, i);
    }
  }
}

/** Throws the error for the first problem of a match {@link validateBatch} found wrong. */
function explainMatch(m: MatchRecord, i: number): void {
  requireText(m.kind, `matches[${i}].kind`);
  requireText(m.rule, `matches[${i}].rule`);
  if (m.confidence !== 'auto' && m.confidence !== 'suggested') {
    throw invalid(`matches[${i}].confidence must be 'auto' or 'suggested'`);
  }
  if (!Array.isArray(m.subjectIds)) throw invalid(`matches[${i}].subjectIds must be an array`);
}

/** @internal */
export function validateBlock(block: CustomerBlock): void {
  requireText(block.reason, 'block reason');
  requireText(block.at, 'block at');
}

const FINISHED_STATUSES: ReadonlySet<string> = new Set(['ok', 'blocked', 'failed', 'skipped']);

function validateRunFinish(runId: string, finish: RunFinish): void {
  requireText(runId, 'runId');
  requireText(finish.finishedAt, 'finishedAt');
  if (!FINISHED_STATUSES.has(finish.status))
    throw invalid('run status must be ok, blocked, failed or skipped');
}

/**
 * Why a run could not be finished: it is not in the log (or, asked for by a customer's batch, is another
 * customer's), or it was finished before.
 * @internal
 */
export function runNotFinishable(runId: string, exists: boolean): StateStoreError {
  return exists
    ? new StateStoreError(`Run ${runId} is already finished`, 'KOB_STORE_RUN_FINISHED')
    : new StateStoreError(`Run ${runId} is not in the run log`, 'KOB_STORE_UNKNOWN_RUN');
}

/** @internal */
export function validateRunStart(run: RunStart): void {
  requireText(run.runId, 'runId');
  requireText(run.customerId, 'customerId');
  requireText(run.startedAt, 'startedAt');
  if (typeof run.dryRun !== 'boolean') throw invalid('dryRun must be a boolean');
}

/** Error texts are kept short: they are for people reading the outbox, not for storing payloads. */
export const MAX_ERROR_LENGTH = 2_000;

export function truncateError(error: string): string {
  const text = String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * Splits keys into first occurrences and repeats. Each key is marked at most once per call, in every
 * implementation; repeats are reported unchanged.
 * @internal
 */
export function firstOccurrences<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
): { unique: T[]; repeats: string[] } {
  const seen = new Set<string>();
  const unique: T[] = [];
  const repeats: string[] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) repeats.push(key);
    else {
      seen.add(key);
      unique.push(item);
    }
  }
  return { unique, repeats };
}

export function validateFactHashes(kind: string, hashes: readonly (readonly [string, string])[]): void {
  requireText(kind, 'kind');
  for (const [id, hash] of hashes) {
    if (isText(id) && isText(hash)) continue; // the messages below are only built for a bad pair
    requireText(id, `fact id of kind ${kind}`);
    requireText(hash, `hash of ${kind} ${id}`);
  }
}

/** Lock arguments as integers, and the new expiry. @internal */
export function lockExpiry(name: string, owner: string, ttlMs: number, nowMs: number): number {
  requireText(name, 'lock name');
  requireText(owner, 'lock owner');
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw invalid('ttlMs must be a positive integer');
  if (!Number.isSafeInteger(nowMs)) throw invalid('nowMs must be an integer (milliseconds since the epoch)');
  const expiresAt = nowMs + ttlMs;
  if (!Number.isSafeInteger(expiresAt)) throw invalid('nowMs + ttlMs is out of range');
  return expiresAt;
}

/** The statuses to list, or undefined for all. @internal */
export function statusFilter(options: ListOutboxOptions | undefined): OutboxStatus[] | undefined {
  const s = options?.status;
  if (s === undefined) return undefined;
  const list = typeof s === 'string' ? [s] : [...s];
  for (const status of list) {
    if (!OUTBOX_STATUSES.includes(status)) throw invalid(`unknown outbox status ${String(status)}`);
  }
  return list;
}

export function limitOf(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0) throw invalid('limit must be a non-negative integer');
  return limit;
}

/**
 * Sorts entries a store did not insert into `existing` (same content hash as stored) and `conflicts`.
 * @internal
 */
export function classifyNotInserted(
  added: number,
  notInserted: readonly { key: string; contentHash: string }[],
  storedHash: (key: string) => string | undefined,
): AddToOutboxResult {
  const existing: string[] = [];
  const conflicts: string[] = [];
  for (const e of notInserted) {
    (storedHash(e.key) === e.contentHash ? existing : conflicts).push(e.key);
  }
  return { added, existing, conflicts };
}

/** A row of the outbox reduced to what the version chain needs. @internal */
export interface VersionRow {
  baseKey: string;
  key: string;
  version: number;
  contentHash: string;
  status: OutboxStatus;
  reverses?: string | null;
}

/**
 * Newest non-reversal version per base key, with whether a reversal of it was written. The same code for every
 * implementation, so they cannot disagree.
 * @internal
 */
export function latestVersionsOf(rows: Iterable<VersionRow>): Map<string, LatestVersion> {
  const reversals = new Map<string, { key: string; status: OutboxStatus }>();
  const latest = new Map<string, LatestVersion>();
  for (const row of rows) {
    if (row.reverses) {
      reversals.set(row.reverses, { key: row.key, status: row.status });
      continue;
    }
    const current = latest.get(row.baseKey);
    if (!current || row.version > current.version) {
      latest.set(row.baseKey, {
        key: row.key,
        version: row.version,
        contentHash: row.contentHash,
        status: row.status,
        reversed: false,
      });
    }
  }
  for (const v of latest.values()) {
    const reversal = reversals.get(v.key);
    if (reversal) {
      v.reversed = true;
      v.reversalKey = reversal.key;
      v.reversalStatus = reversal.status;
    }
  }
  return latest;
}

/** Parses a JSON column that may come back parsed already (pg `json`) or as text (sqlite). @internal */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function chunks<T>(items: readonly T[], size = BULK_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The last value per key, in first-seen order: what writing them one after another would leave. @internal */
export function lastOccurrences<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(keyOf(item), item);
  return [...byKey.values()];
}
