import type { AccessState } from '../../auth/access/access-state.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { StateStoreError, notMigrated, storeClosed } from '../state-store.error.js';
import type {
  AddToOutboxResult,
  CustomerBlock,
  LatestVersion,
  ListOutboxOptions,
  MarkResult,
  MatchRecord,
  NewOutboxEntry,
  OutboxEntry,
  OutboxStatus,
  PostedResult,
  RunFinish,
  RunRecord,
  RunStart,
  StateBatch,
  StateStore,
  StoredMatch,
} from '../state-store.interface.js';
import {
  classifyNotInserted,
  latestVersionsOf,
  limitOf,
  lockExpiry,
  requireText,
  statusFilter,
  truncateError,
  validateBatch,
  validateBlock,
  validateRunStart,
} from '../store-values.js';
import { LATEST_SCHEMA_VERSION } from '../migrations/schema-version.js';

/**
 * An outbox row. The entry is kept as what a JSON round trip of it gives (see {@link jsonCopy}), as the durable
 * stores keep it, and copied again on every read.
 */
interface OutboxRow {
  key: string;
  entry: JournalEntry;
  contentHash: string;
  status: OutboxStatus;
  attempts: number;
  lastError?: string;
  ref?: string;
  duplicate?: boolean;
  createdAt: string;
  postedAt?: string;
  baseKey: string;
  version: number;
  reverses?: string;
  /** The last `markEach` call that saw this row (to tell a key repeated within one call). */
  markCall?: number;
}

interface CustomerData {
  watermarks: Map<string, IsoDate>;
  facts: Map<string, Map<string, string>>;
  outbox: Map<string, OutboxRow>;
  matchesJson: string;
  blockJson?: string;
}

/** @publicApi */
export interface MemoryStateStoreOptions {
  /** Time source for `createdAt`/`postedAt`. */
  clock?: Clock;
}

/**
 * A {@link StateStore} in process memory, for tests and demos. It keeps values as JSON text, like the durable
 * stores, so what comes back is a copy and looks exactly like what SQLite or PostgreSQL would return. Outbox
 * entries are kept as objects equal to their JSON round trip (a deep-frozen one as it is) and copied on reads.
 * @publicApi
 */
export class MemoryStateStore implements StateStore {
  private readonly clock: Clock;
  private readonly customers = new Map<string, CustomerData>();
  private readonly accessStates = new Map<string, string>();
  private readonly cursors = new Map<string, string>();
  private readonly runs = new Map<string, string>();
  private readonly locks = new Map<string, { owner: string; expiresAt: number }>();
  private closed = false;
  private migrated = false;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Nothing to create; marks the store ready, as the durable stores are after migrating. */
  async migrate(): Promise<void> {
    this.notClosed();
    this.migrated = true;
  }

  async schemaVersion(): Promise<number> {
    this.notClosed();
    return this.migrated ? LATEST_SCHEMA_VERSION : 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // Access states

  async get(customerId: string): Promise<AccessState | undefined> {
    const json = this.open().accessStates.get(customerId);
    return json === undefined ? undefined : (JSON.parse(json) as AccessState);
  }

  async put(state: AccessState): Promise<void> {
    this.open().accessStates.set(requireText(state.customerId, 'customerId'), JSON.stringify(state));
  }

  async list(): Promise<AccessState[]> {
    // Ordered by customer id, as the SQL stores return them.
    return [...this.open().accessStates.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, json]) => JSON.parse(json) as AccessState);
  }

  async getCursor(name: string): Promise<string | undefined> {
    return this.open().cursors.get(name);
  }

  async putCursor(name: string, value: string): Promise<void> {
    this.open().cursors.set(requireText(name, 'cursor name'), value);
  }

  // Watermarks and fact hashes

  async getWatermark(customerId: string, stream: string): Promise<IsoDate | undefined> {
    return this.open().customers.get(customerId)?.watermarks.get(stream);
  }

  async setWatermark(customerId: string, stream: string, date: IsoDate): Promise<void> {
    this.open().applyBatchNow(customerId, { watermarks: [{ stream, date }] });
  }

  async getFactHashes(customerId: string, kind: string): Promise<Map<string, string>> {
    return new Map(this.open().customers.get(customerId)?.facts.get(kind));
  }

  async putFactHashes(
    customerId: string,
    kind: string,
    hashes: readonly (readonly [string, string])[],
  ): Promise<void> {
    this.open().applyBatchNow(customerId, { factHashes: [{ kind, hashes }] });
  }

  async deleteFactHashes(customerId: string, kind: string, ids: readonly string[]): Promise<void> {
    this.open().applyBatchNow(customerId, { deleteFactHashes: [{ kind, ids }] });
  }

  // Outbox

  async addToOutbox(customerId: string, entries: readonly NewOutboxEntry[]): Promise<AddToOutboxResult> {
    return this.open().applyBatchNow(customerId, { outbox: entries });
  }

  async listOutbox(customerId: string, options?: ListOutboxOptions): Promise<OutboxEntry[]> {
    const statuses = statusFilter(options);
    const limit = limitOf(options?.limit) ?? Infinity;
    const out: OutboxEntry[] = [];
    for (const row of this.open().rowsOf(customerId)) {
      if (out.length >= limit) break;
      if (!statuses || statuses.includes(row.status)) out.push(toOutboxEntry(customerId, row));
    }
    return out;
  }

  async markPosted(
    customerId: string,
    results: readonly PostedResult[],
    postedAt?: string,
  ): Promise<MarkResult> {
    const outbox = this.open().customers.get(customerId)?.outbox;
    const at = postedAt ?? new Date(this.clock.now()).toISOString();
    return markEach(
      outbox,
      results,
      (r) => r.key,
      (row, r) => {
        row.status = 'posted';
        row.postedAt = at;
        row.ref = r.ref;
        row.duplicate = r.duplicate === true ? true : undefined;
      },
    );
  }

  async markFailed(customerId: string, keys: readonly string[], error: string): Promise<MarkResult> {
    const outbox = this.open().customers.get(customerId)?.outbox;
    const text = truncateError(error);
    return markEach(
      outbox,
      keys,
      (key) => key,
      (row) => {
        row.status = 'failed';
        row.attempts += 1;
        row.lastError = text;
      },
    );
  }

  async latestVersions(customerId: string): Promise<Map<string, LatestVersion>> {
    return latestVersionsOf(this.open().rowsOf(customerId));
  }

  async postedEntries(customerId: string): Promise<OutboxEntry[]> {
    return this.listOutbox(customerId, { status: 'posted' });
  }

  // Matches and blocks

  async putMatches(customerId: string, runId: string, matches: readonly MatchRecord[]): Promise<void> {
    this.open().applyBatchNow(customerId, { matches: { runId, records: matches } });
  }

  async listMatches(customerId: string): Promise<StoredMatch[]> {
    const json = this.open().customers.get(customerId)?.matchesJson;
    return json ? (JSON.parse(json) as StoredMatch[]) : [];
  }

  async getBlock(customerId: string): Promise<CustomerBlock | undefined> {
    const json = this.open().customers.get(customerId)?.blockJson;
    return json === undefined ? undefined : (JSON.parse(json) as CustomerBlock);
  }

  async setBlock(customerId: string, block: CustomerBlock | undefined): Promise<void> {
    if (block !== undefined) validateBlock(block);
    const stored: CustomerBlock | undefined = block && {
      reason: block.reason,
      at: block.at,
      details: block.details,
    };
    this.open().customer(customerId).blockJson = stored && JSON.stringify(stored);
  }

  // Run log

  async startRun(run: RunStart): Promise<void> {
    validateRunStart(run);
    if (this.open().runs.has(run.runId)) {
      throw new StateStoreError(`Run ${run.runId} is already in the run log`, 'KOB_STORE_RUN_EXISTS');
    }
    const record: RunRecord = {
      runId: run.runId,
      customerId: run.customerId,
      startedAt: run.startedAt,
      dryRun: run.dryRun,
      status: 'running',
    };
    this.runs.set(run.runId, JSON.stringify(record));
  }

  async finishRun(runId: string, finish: RunFinish): Promise<void> {
    const json = this.open().runs.get(runId);
    if (json === undefined)
      throw new StateStoreError(`Run ${runId} is not in the run log`, 'KOB_STORE_UNKNOWN_RUN');
    const record = JSON.parse(json) as RunRecord;
    if (record.status !== 'running') {
      throw new StateStoreError(`Run ${runId} is already finished`, 'KOB_STORE_RUN_FINISHED');
    }
    const finished: RunRecord = {
      ...record,
      status: finish.status,
      finishedAt: finish.finishedAt,
      summary: finish.summary,
    };
    this.runs.set(runId, JSON.stringify(finished));
  }

  async listRuns(customerId: string, limit = 50): Promise<RunRecord[]> {
    const max = limitOf(limit) ?? 50;
    const all = [...this.open().runs.values()]
      .map((json, seq) => ({ run: JSON.parse(json) as RunRecord, seq }))
      .filter((r) => r.run.customerId === customerId);
    all.sort((a, b) =>
      a.run.startedAt === b.run.startedAt ? b.seq - a.seq : a.run.startedAt < b.run.startedAt ? 1 : -1,
    );
    return all.slice(0, max).map((r) => r.run);
  }

  // Locks

  async tryLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const expiresAt = lockExpiry(name, owner, ttlMs, nowMs);
    const held = this.open().locks.get(name);
    if (held && held.owner !== owner && held.expiresAt > nowMs) return false;
    this.locks.set(name, { owner, expiresAt });
    return true;
  }

  async renewLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const expiresAt = lockExpiry(name, owner, ttlMs, nowMs);
    const held = this.open().locks.get(name);
    if (held?.owner !== owner) return false;
    held.expiresAt = expiresAt;
    return true;
  }

  async unlock(name: string, owner: string): Promise<boolean> {
    if (this.open().locks.get(name)?.owner !== owner) return false;
    this.locks.delete(name);
    return true;
  }

  // Batches

  async applyBatch(customerId: string, batch: StateBatch): Promise<AddToOutboxResult> {
    return this.open().applyBatchNow(customerId, batch);
  }

  /** Validates everything first, then writes synchronously: all of the batch or none of it. */
  private applyBatchNow(customerId: string, batch: StateBatch): AddToOutboxResult {
    validateBatch(batch);
    const data = this.customer(customerId);
    for (const { stream, date } of batch.watermarks ?? []) data.watermarks.set(stream, date);
    for (const { kind, ids } of batch.deleteFactHashes ?? []) {
      const facts = data.facts.get(kind);
      for (const id of ids) facts?.delete(id);
    }
    for (const { kind, hashes } of batch.factHashes ?? []) {
      const facts = data.facts.get(kind) ?? new Map<string, string>();
      data.facts.set(kind, facts);
      for (const [id, hash] of hashes) facts.set(id, hash);
    }
    if (batch.matches) {
      const { runId, records } = batch.matches;
      const stored = records.map((m): StoredMatch => ({
        kind: m.kind,
        rule: m.rule,
        confidence: m.confidence,
        evidence: m.evidence ?? {},
        subjectIds: m.subjectIds,
        runId,
      }));
      data.matchesJson = JSON.stringify(stored);
    }
    return this.insertOutbox(data, batch.outbox ?? []);
  }

  private insertOutbox(data: CustomerData, entries: readonly NewOutboxEntry[]): AddToOutboxResult {
    const createdAt = new Date(this.clock.now()).toISOString();
    const skipped: { key: string; contentHash: string }[] = [];
    let added = 0;
    for (const e of entries) {
      const key = e.entry.idempotencyKey;
      if (data.outbox.has(key)) {
        skipped.push({ key, contentHash: e.contentHash });
        continue;
      }
      data.outbox.set(key, {
        key,
        // A deep-frozen entry that JSON would give back unchanged (the reconciliation's are) is kept as it is.
        entry: isFrozenJson(e.entry) ? e.entry : jsonCopy(e.entry),
        contentHash: e.contentHash,
        status: 'pending',
        attempts: 0,
        createdAt,
        baseKey: e.baseKey,
        version: e.version,
        reverses: e.entry.reverses,
      });
      added += 1;
    }
    return classifyNotInserted(added, skipped, (key) => data.outbox.get(key)?.contentHash);
  }

  private rowsOf(customerId: string): Iterable<OutboxRow> {
    return this.customers.get(customerId)?.outbox.values() ?? [];
  }

  private customer(customerId: string): CustomerData {
    requireText(customerId, 'customerId');
    let data = this.customers.get(customerId);
    if (!data) {
      data = { watermarks: new Map(), facts: new Map(), outbox: new Map(), matchesJson: '[]' };
      this.customers.set(customerId, data);
    }
    return data;
  }

  private notClosed(): void {
    if (this.closed) throw storeClosed();
  }

  /** The store, when it may be used: open and migrated. */
  private open(): this {
    this.notClosed();
    if (!this.migrated) throw notMigrated();
    return this;
  }
}

/** Tells the calls of {@link markEach} apart (see `OutboxRow.markCall`). */
let markCalls = 0;

/**
 * Marks the first occurrence of each key that is in the outbox and not posted yet; what `firstOccurrences`
 * gives the durable stores, without a set of every key (a run marks hundreds of thousands): a row remembers the
 * call that last saw it, and only keys missing from the outbox go into a set.
 */
function markEach<T>(
  outbox: Map<string, OutboxRow> | undefined,
  items: readonly T[],
  keyOf: (item: T) => string,
  mark: (row: OutboxRow, item: T) => void,
): MarkResult {
  const call = ++markCalls;
  const missing = new Set<string>();
  const unchanged: string[] = [];
  const repeats: string[] = [];
  let updated = 0;
  for (const item of items) {
    const key = keyOf(item);
    const row = outbox?.get(key);
    if (!row) {
      if (missing.has(key)) repeats.push(key);
      else {
        missing.add(key);
        unchanged.push(key);
      }
      continue;
    }
    if (row.markCall === call) {
      repeats.push(key);
      continue;
    }
    row.markCall = call;
    if (row.status === 'posted') {
      unchanged.push(key);
      continue;
    }
    mark(row, item);
    updated += 1;
  }
  return { updated, unchanged: [...unchanged, ...repeats] };
}

function toOutboxEntry(customerId: string, row: OutboxRow): OutboxEntry {
  const out: OutboxEntry = {
    customerId,
    key: row.key,
    entry: jsonCopy(row.entry),
    contentHash: row.contentHash,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.createdAt,
    baseKey: row.baseKey,
    version: row.version,
  };
  if (row.lastError !== undefined) out.lastError = row.lastError;
  if (row.ref !== undefined) out.ref = row.ref;
  if (row.duplicate) out.duplicate = true;
  if (row.postedAt !== undefined) out.postedAt = row.postedAt;
  return out;
}

/**
 * True when `value` is frozen all the way down and a JSON round trip would give it back unchanged: plain objects
 * and arrays, strings, booleans, finite numbers other than `-0`, `null`; no `undefined` members.
 */
function isFrozenJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (!Object.isFrozen(value)) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!isFrozenJson(value[i])) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      if (typeof record.toJSON === 'function') return false;
      // for-in walks the enumeration cache without allocating a key array (Object.keys would, per object).
      for (const key in record) {
        if (!Object.hasOwn(record, key) || key === '__proto__' || !isFrozenJson(record[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Thrown inside {@link fastJsonCopy} for a value it leaves to `JSON`. */
const NOT_PLAIN = Symbol('not plain JSON data');

/**
 * What `JSON.parse(JSON.stringify(value))` gives, without the text in between: members that are `undefined`
 * left out, `-0` as `0`, non-finite numbers as `null`. Plain objects, arrays and primitives are copied member by
 * member (several times faster than the round trip, and no JSON text is kept); anything else (a `toJSON`, a
 * class instance, a bigint) takes the real round trip, so the result is always the same.
 */
function jsonCopy<T>(value: T): T {
  try {
    return fastJsonCopy(value) as T;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return JSON.parse(JSON.stringify(value)) as T;
  }
}

function fastJsonCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null; // + 0 turns -0 into 0
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) throw NOT_PLAIN;
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = fastJsonCopy(value[i]);
          out[i] = item === undefined ? null : item;
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
      const record = value as Record<string, unknown>;
      if (typeof record.toJSON === 'function') throw NOT_PLAIN;
      const out: Record<string, unknown> = {};
      for (const key in record) {
        // An inherited enumerable member, or an own one named __proto__ (JSON.parse makes it a plain member).
        if (!Object.hasOwn(record, key) || key === '__proto__') throw NOT_PLAIN;
        const member = fastJsonCopy(record[key]);
        if (member !== undefined) out[key] = member;
      }
      return out;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      throw NOT_PLAIN; // bigint: JSON.stringify throws, and so will the round trip
  }
}
