import type { AccessState } from '../../auth/access/access-state.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import { isSealedJournalEntry } from '../../journal/sealed-journal-entry.js';
import { systemClock, type Clock } from '../../time/clock.js';
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
  OutboxStatus,
  PostedEffect,
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
  classifyNotInserted,
  latestVersionsOf,
  limitOf,
  pickKeys,
  lockExpiry,
  requireText,
  runNotFinishable,
  statusFilter,
  truncateError,
  validateBatch,
  validateBlock,
  validateRunStart,
} from '../store-values.js';
import { LATEST_SCHEMA_VERSION } from '../migrations/schema-version.js';

/**
 * An outbox row. The entry is what a JSON round trip of the written one gives (see {@link jsonCopy}), as the
 * durable stores keep it: the written object itself when it is deep-frozen and JSON-safe, else a copy. Reads copy
 * it again, except a `SealedJournalEntry`, given out as it is (it cannot be changed). Every field is set in the
 * constructor, so marking a row changes values, not its shape (no allocation per row).
 */
class OutboxRow {
  status: OutboxStatus = 'pending';
  attempts = 0;
  lastError: string | undefined = undefined;
  ref: string | undefined = undefined;
  duplicate = false;
  postedAt: string | undefined = undefined;
  /** The last mark call that saw this row (to tell a key repeated within one call), see {@link MarkCall}. */
  markCall = 0;

  constructor(
    /** Position in `CustomerData.rows`. */
    readonly index: number,
    readonly key: string,
    readonly entry: JournalEntry,
    /** True when `entry` is a `SealedJournalEntry`: reads give it as it is instead of a copy. */
    readonly sealed: boolean,
    readonly contentHash: string,
    readonly createdAt: string,
    readonly baseKey: string,
    readonly version: number,
    readonly reverses: string | undefined,
    /**
     * Subject, amount, subject, amount, ...: one array per row (a run writes hundreds of thousands); dropped once
     * added to the totals (posted is final, so they are never added again).
     */
    public effects: readonly (string | number)[] | undefined,
  ) {}
}

interface CustomerData {
  watermarks: Map<string, IsoDate>;
  facts: Map<string, Map<string, string>>;
  /** The outbox by key. */
  outbox: Map<string, OutboxRow>;
  /** The outbox in written order. */
  rows: OutboxRow[];
  /** The outbox rows of each base key, in written order. */
  byBaseKey: Map<string, OutboxRow | OutboxRow[]>;
  /** Reversal rows by the key they reverse. */
  reversals: Map<string, OutboxRow>;
  /** Base keys by the parents their facts named. */
  parents: Map<string, string | string[]>;
  /** Running totals of the effects of posted rows. */
  totals: Map<string, number>;
  /** Copies of the matches, never handed out (reads copy them again). */
  matches: StoredMatch[];
  blockJson?: string;
}

/** @publicApi */
export interface MemoryStateStoreOptions {
  /** Time source for `createdAt`/`postedAt`. */
  clock?: Clock;
}

/**
 * A {@link StateStore} in process memory, for tests and demos. It keeps values as JSON text or as copies equal
 * to their JSON round trip, like the durable stores, so what comes back is a copy and looks exactly like what
 * SQLite or PostgreSQL would return. Outbox entries are kept as such copies (a deep-frozen one as it is) and
 * copied on reads; an entry the reconciliation sealed (deep-frozen, JSON-safe) is kept and given back as it is,
 * since nobody can change it.
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

  async getFactHashes(
    customerId: string,
    kind: string,
    ids?: Iterable<string>,
  ): Promise<Map<string, string>> {
    const facts = this.open().customers.get(customerId)?.facts.get(kind);
    if (ids !== undefined) return pickKeys(facts, ids);
    const out = new Map<string, string>();
    // forEach: faster than `new Map(map)` and for-of, which go through the iterator protocol.
    facts?.forEach((hash, id) => out.set(id, hash));
    return out;
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
    return this.open().readOutbox(customerId, statuses, limit);
  }

  async markPosted(
    customerId: string,
    results: readonly PostedResult[],
    postedAt?: string,
  ): Promise<MarkResult> {
    const call = new MarkCall(this.open().customers.get(customerId));
    // One string for every row of the call.
    const at = postedAt ?? new Date(this.clock.now()).toISOString();
    const totals = this.customers.get(customerId)?.totals;
    for (const r of results) {
      const row = call.take(r.key);
      if (row === undefined) continue;
      const effects = row.effects;
      if (totals !== undefined && effects !== undefined) {
        for (let i = 0; i < effects.length; i += 2) {
          const subject = effects[i] as string;
          totals.set(subject, (totals.get(subject) ?? 0) + (effects[i + 1] as number));
        }
      }
      row.effects = undefined;
      row.status = 'posted';
      row.postedAt = at;
      row.ref = r.ref;
      row.duplicate = r.duplicate === true;
    }
    return call.result();
  }

  async markFailed(customerId: string, keys: readonly string[], error: string): Promise<MarkResult> {
    const call = new MarkCall(this.open().customers.get(customerId));
    const text = truncateError(error);
    for (const key of keys) {
      const row = call.take(key);
      if (row === undefined) continue;
      row.status = 'failed';
      row.attempts += 1;
      row.lastError = text;
    }
    return call.result();
  }

  async latestVersions(customerId: string): Promise<Map<string, LatestVersion>> {
    return latestVersionsOf(this.open().customers.get(customerId)?.rows ?? []);
  }

  async postedEntries(customerId: string): Promise<OutboxEntry[]> {
    return this.open().readOutbox(customerId, ['posted'], Infinity);
  }

  async latestVersionsFor(
    customerId: string,
    query: VersionQuery,
  ): Promise<Map<string, LatestVersionWithEntry>> {
    const data = this.open().customers.get(customerId);
    const out = new Map<string, LatestVersionWithEntry>();
    if (!data || data.rows.length === 0) return out;
    const baseKeys = new Set<string>();
    for (const baseKey of query.baseKeys ?? []) if (data.byBaseKey.has(baseKey)) baseKeys.add(baseKey);
    for (const parent of query.parents ?? []) {
      const keys = data.parents.get(parent);
      if (typeof keys === 'string') baseKeys.add(keys);
      else if (keys) for (const baseKey of keys) baseKeys.add(baseKey);
    }
    for (const baseKey of baseKeys) {
      const found = data.byBaseKey.get(baseKey)!;
      const chain = Array.isArray(found) ? found : [found];
      // A reversal written under another base key is found by the key it reverses.
      const rows = [...chain];
      for (const row of chain) {
        const reversal = data.reversals.get(row.key);
        if (reversal !== undefined && reversal.baseKey !== baseKey) rows.push(reversal);
      }
      for (const [factKey, version] of latestVersionsOf(rows)) {
        const entry = toOutboxEntry(customerId, data.outbox.get(version.key)!).entry;
        out.set(factKey, { ...version, entry });
      }
    }
    return out;
  }

  async postedTotals(customerId: string, subjects?: Iterable<string>): Promise<Map<string, number>> {
    const totals = this.open().customers.get(customerId)?.totals;
    if (subjects !== undefined) return pickKeys(totals, subjects);
    return new Map(totals);
  }

  // Matches and blocks

  async putMatches(customerId: string, runId: string, matches: readonly MatchRecord[]): Promise<void> {
    this.open().applyBatchNow(customerId, { matches: { runId, records: matches } });
  }

  async listMatches(customerId: string): Promise<StoredMatch[]> {
    // Copied whole, holes as well: they come back as null, as from JSON text.
    return jsonCopy(this.open().customers.get(customerId)?.matches ?? []);
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
    this.open();
    this.runs.set(runId, this.finishedRunJson(runId, finish));
  }

  /** The run's record once finished, as JSON; throws if `runId` is not a running run (of `customerId`, if given). */
  private finishedRunJson(runId: string, finish: RunFinish, customerId?: string): string {
    const json = this.runs.get(runId);
    const record = json === undefined ? undefined : (JSON.parse(json) as RunRecord);
    if (record === undefined || (customerId !== undefined && record.customerId !== customerId)) {
      throw runNotFinishable(runId, false);
    }
    if (record.status !== 'running') throw runNotFinishable(runId, true);
    const finished: RunRecord = {
      ...record,
      status: finish.status,
      finishedAt: finish.finishedAt,
      summary: finish.summary,
    };
    return JSON.stringify(finished);
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
    return this.open().release(name, owner);
  }

  private release(name: string, owner: string): boolean {
    if (this.locks.get(name)?.owner !== owner) return false;
    this.locks.delete(name);
    return true;
  }

  // Batches

  async applyBatch(customerId: string, batch: StateBatch): Promise<AddToOutboxResult> {
    return this.open().applyBatchNow(customerId, batch);
  }

  /**
   * Validates everything first, then writes synchronously: all of the batch or none of it. What may still throw
   * after validation (copying a value JSON cannot represent, such as a bigint) happens before anything is
   * written, or is undone.
   */
  private applyBatchNow(customerId: string, batch: StateBatch): AddToOutboxResult {
    validateBatch(batch);
    const data = this.customer(customerId);
    const matches = batch.matches && storedMatches(batch.matches.runId, batch.matches.records);
    const { finishRun } = batch;
    const finishedRun = finishRun && this.finishedRunJson(finishRun.runId, finishRun, customerId);
    const result: AddToOutboxResult = this.insertOutbox(data, batch.outbox ?? []);
    for (const { stream, date } of batch.watermarks ?? []) data.watermarks.set(stream, date);
    for (const { kind, ids } of batch.deleteFactHashes ?? []) {
      const facts = data.facts.get(kind);
      if (facts) for (const id of ids) facts.delete(id);
    }
    for (const { kind, hashes } of batch.factHashes ?? []) {
      let facts = data.facts.get(kind);
      if (!facts) data.facts.set(kind, (facts = new Map<string, string>()));
      for (const [id, hash] of hashes) facts.set(id, hash);
    }
    if (matches) {
      // A run that writes its matches in parts adds to its own; another run's are replaced.
      const own = batch.matches!.runId;
      if (data.matches.length > 0 && data.matches[0].runId === own)
        for (const m of matches) data.matches.push(m);
      else data.matches = matches;
    }
    if (finishRun && finishedRun !== undefined) {
      this.runs.set(finishRun.runId, finishedRun);
      result.runFinished = true;
    }
    if (batch.unlock) result.unlocked = this.release(batch.unlock.name, batch.unlock.owner);
    return result;
  }

  /** Inserts the entries whose keys are new; on an error, removes those it inserted. */
  private insertOutbox(data: CustomerData, entries: readonly NewOutboxEntry[]): AddToOutboxResult {
    const { outbox, rows } = data;
    const skipped: { key: string; contentHash: string }[] = [];
    if (entries.length === 0) return classifyNotInserted(0, skipped, () => undefined);
    const createdAt = new Date(this.clock.now()).toISOString();
    const start = rows.length;
    // The parents of each inserted row, by its place among them.
    const parentsOf: (readonly string[] | undefined)[] = [];
    try {
      for (const e of entries) {
        const key = e.entry.idempotencyKey;
        // A key repeated within the call meets the row its first occurrence inserted.
        if (outbox.has(key)) {
          skipped.push({ key, contentHash: e.contentHash });
          continue;
        }
        const sealed = isSealedJournalEntry(e.entry);
        // A deep-frozen entry that JSON would give back unchanged is kept as it is; a sealed one is both.
        const entry = sealed || isFrozenJson(e.entry) ? e.entry : jsonCopy(e.entry);
        const row = new OutboxRow(
          rows.length,
          key,
          entry,
          sealed,
          e.contentHash,
          createdAt,
          e.baseKey,
          e.version,
          e.entry.reverses,
          flatEffects(e.effects),
        );
        outbox.set(key, row);
        rows.push(row);
        parentsOf.push(e.parents);
      }
    } catch (error) {
      // Only new keys were inserted, at the end of the map: deleting them leaves it as it was.
      for (let i = start; i < rows.length; i++) outbox.delete(rows[i].key);
      rows.length = start;
      throw error;
    }
    // Indexed once every row is in (nothing above can throw after this).
    for (let i = start; i < rows.length; i++) {
      const row = rows[i];
      // One row per base key is the rule (a fact changes rarely): kept as it is, an array from the second on.
      const chain = data.byBaseKey.get(row.baseKey);
      if (chain === undefined) data.byBaseKey.set(row.baseKey, row);
      else if (Array.isArray(chain)) chain.push(row);
      else data.byBaseKey.set(row.baseKey, [chain, row]);
      if (row.reverses !== undefined) data.reversals.set(row.reverses, row);
      for (const parent of parentsOf[i - start] ?? []) {
        const keys = data.parents.get(parent);
        if (keys === undefined) data.parents.set(parent, row.baseKey);
        else if (typeof keys === 'string') {
          if (keys !== row.baseKey) data.parents.set(parent, [keys, row.baseKey]);
        } else if (!keys.includes(row.baseKey)) keys.push(row.baseKey);
      }
    }
    return classifyNotInserted(rows.length - start, skipped, (key) => outbox.get(key)?.contentHash);
  }

  /** Read copies of the customer's rows with one of `statuses` (any when undefined), in written order. */
  private readOutbox(
    customerId: string,
    statuses: readonly OutboxStatus[] | undefined,
    limit: number,
  ): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    const rows = this.customers.get(customerId)?.rows;
    if (!rows || limit === 0) return out;
    const pending = !statuses || statuses.includes('pending');
    const posted = !statuses || statuses.includes('posted');
    const failed = !statuses || statuses.includes('failed');
    for (const row of rows) {
      const status = row.status;
      if (status === 'posted' ? !posted : status === 'pending' ? !pending : !failed) continue;
      out.push(toOutboxEntry(customerId, row));
      if (out.length >= limit) break;
    }
    return out;
  }

  private customer(customerId: string): CustomerData {
    requireText(customerId, 'customerId');
    let data = this.customers.get(customerId);
    if (!data) {
      data = {
        watermarks: new Map(),
        facts: new Map(),
        outbox: new Map(),
        rows: [],
        byBaseKey: new Map(),
        reversals: new Map(),
        parents: new Map(),
        totals: new Map(),
        matches: [],
      };
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

/** Numbers the mark calls of every store (see `OutboxRow.markCall`). */
let markCalls = 0;

/**
 * One `markPosted`/`markFailed` call: gives the rows to mark, the first occurrence of each key that is in the
 * outbox and not posted yet, as `firstOccurrences` gives the durable stores, without a set of every key (a run
 * marks hundreds of thousands): a row remembers the call that last saw it, and only keys missing from the
 * outbox go into a set.
 */
class MarkCall {
  private readonly id = ++markCalls;
  private readonly outbox: Map<string, OutboxRow> | undefined;
  private readonly rows: readonly OutboxRow[];
  /** Where the row of the next key is looked for first (see {@link take}). */
  private next = 0;
  private missing: Set<string> | undefined;
  private readonly unchanged: string[] = [];
  private repeats: string[] | undefined;
  private updated = 0;

  constructor(data: CustomerData | undefined) {
    this.outbox = data?.outbox;
    this.rows = data?.rows ?? [];
  }

  /** The row to mark for `key`, or undefined (and the key reported unchanged) when there is none. */
  take(key: string): OutboxRow | undefined {
    // Results mostly come in written order (the journal answers in the order it was given the entries): the row
    // after the last one found is tried first, which spares a look-up in a map of hundreds of thousands.
    const next = this.next < this.rows.length ? this.rows[this.next] : undefined;
    const row = next !== undefined && next.key === key ? next : this.outbox?.get(key);
    if (row === undefined) {
      const missing = (this.missing ??= new Set());
      if (missing.has(key)) (this.repeats ??= []).push(key);
      else {
        missing.add(key);
        this.unchanged.push(key);
      }
      return undefined;
    }
    this.next = row.index + 1;
    if (row.markCall === this.id) {
      (this.repeats ??= []).push(key);
      return undefined;
    }
    row.markCall = this.id;
    if (row.status === 'posted') {
      this.unchanged.push(key);
      return undefined;
    }
    this.updated += 1;
    return row;
  }

  /** Unchanged keys, then repeats, each in call order. */
  result(): MarkResult {
    const unchanged = this.repeats ? [...this.unchanged, ...this.repeats] : this.unchanged;
    return { updated: this.updated, unchanged };
  }
}

/**
 * The matches as stored: the fields of a {@link StoredMatch}, in its order, with what a JSON round trip of
 * `evidence` and `subjectIds` gives (the reads copy them again).
 */
function storedMatches(runId: string, records: readonly MatchRecord[]): StoredMatch[] {
  const out: StoredMatch[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    if (!(i in records)) continue; // a hole, as map() leaves it
    const m = records[i];
    out[i] = {
      kind: m.kind,
      rule: m.rule,
      confidence: m.confidence,
      evidence: jsonCopy(m.evidence ?? {}),
      subjectIds: jsonCopy(m.subjectIds),
      runId,
    };
  }
  return out;
}

function toOutboxEntry(customerId: string, row: OutboxRow): OutboxEntry {
  const entry = row.sealed ? row.entry : jsonCopy(row.entry);
  // The usual posted row in one literal: members added one by one would give each copy a second allocation.
  const { status, ref, postedAt } = row;
  if (
    status === 'posted' &&
    ref !== undefined &&
    postedAt !== undefined &&
    row.lastError === undefined &&
    !row.duplicate
  ) {
    return {
      customerId,
      key: row.key,
      entry,
      contentHash: row.contentHash,
      status,
      attempts: row.attempts,
      createdAt: row.createdAt,
      baseKey: row.baseKey,
      version: row.version,
      ref,
      postedAt,
    };
  }
  const out: OutboxEntry = {
    customerId,
    key: row.key,
    entry,
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

/** Effects as kept: a flat copy (subject, amount, ...), so the caller's arrays may change afterwards. */
function flatEffects(effects: readonly PostedEffect[] | undefined): (string | number)[] | undefined {
  if (effects === undefined || effects.length === 0) return undefined;
  const flat: (string | number)[] = new Array(effects.length * 2);
  for (let i = 0; i < effects.length; i++) {
    flat[2 * i] = effects[i][0];
    flat[2 * i + 1] = effects[i][1];
  }
  return flat;
}
