import type { AccessStateStore } from '../auth/access/access-state.store.js';
import type { IsoDate } from '../domain/common.model.js';
import type { JournalEntry } from '../journal/journal-adapter.interface.js';

/**
 * Where an outbox entry stands. `pending`: written, not yet confirmed by the journal adapter (also after a crash
 * between writing and posting). `posted`: the adapter confirmed it (final). `failed`: the adapter refused or threw;
 * retried on the next run.
 * @publicApi
 */
export type OutboxStatus = 'pending' | 'posted' | 'failed';

/**
 * An entry to write to the outbox before the adapter is called. `key` is `entry.idempotencyKey`. `baseKey` and
 * `version` place it in the chain of versions of one fact (`{baseKey}` for version 1, `{baseKey}#{n}` after);
 * reversals (`entry.reverses` set) are kept out of {@link StateStore.latestVersions} and mark what they reverse.
 * @publicApi
 */
export interface NewOutboxEntry {
  entry: JournalEntry;
  /** sha-256 (or any stable digest) of the canonical entry. */
  contentHash: string;
  baseKey: string;
  /** 1 for the first version of a fact. */
  version: number;
  /**
   * Amounts this entry adds to the customer's running totals ({@link StateStore.postedTotals}) when it becomes
   * posted: once, at the mark that makes it posted. Subjects are the caller's names (the reconciliation uses
   * `a:{account}` for debit-positive account balances and `i:{instalment}` / `p:{payment}` for the amounts its
   * entries move); amounts are safe integers (øre). Default: none.
   */
  effects?: readonly PostedEffect[];
  /**
   * The objects whose full description shows whether this fact still exists (the reconciliation uses
   * `i:{instalment}` and `p:{payment}`), so {@link StateStore.latestVersionsFor} finds the fact by them. Default: none.
   */
  parents?: readonly string[];
}

/** One amount an outbox entry adds to a running total when it becomes posted. @publicApi */
export type PostedEffect = readonly [subject: string, amount: number];

/** What {@link StateStore.latestVersionsFor} looks up. @publicApi */
export interface VersionQuery {
  /** Facts by base key. */
  baseKeys?: Iterable<string>;
  /** Facts that named one of these among their `parents` when written. */
  parents?: Iterable<string>;
}

/** A {@link LatestVersion} with the entry of its `key`. @publicApi */
export interface LatestVersionWithEntry extends LatestVersion {
  entry: JournalEntry;
}

/** An entry in the outbox, as stored. @publicApi */
export interface OutboxEntry {
  customerId: string;
  key: string;
  entry: JournalEntry;
  contentHash: string;
  status: OutboxStatus;
  /** Failed posting attempts so far. */
  attempts: number;
  lastError?: string;
  /** The ledger's reference for the posted entry, when the adapter gave one. */
  ref?: string;
  /** True when the adapter said the key had been posted before (a rerun after a crash during posting). */
  duplicate?: boolean;
  /** ISO 8601 instant. */
  createdAt: string;
  /** ISO 8601 instant. */
  postedAt?: string;
  baseKey: string;
  version: number;
}

/**
 * What {@link StateStore.addToOutbox} did. Keys already in the outbox are left untouched: `existing` lists those
 * with the same content hash, `conflicts` those whose stored hash differs (the caller should have written a new
 * version instead).
 * @publicApi
 */
export interface AddToOutboxResult {
  added: number;
  existing: string[];
  conflicts: string[];
  /**
   * Set when the batch asked to finish a run ({@link StateBatch.finishRun}) and it was finished with the batch. A
   * store written before that field left it out: the caller then finishes the run itself.
   */
  runFinished?: true;
  /** Set when the batch asked to release a lock ({@link StateBatch.unlock}): whether the owner held it and let go. */
  unlocked?: boolean;
}

/** One adapter result to record. @publicApi */
export interface PostedResult {
  key: string;
  ref?: string;
  duplicate?: boolean;
}

/**
 * What a mark call changed. `unchanged` lists keys that are not in the customer's outbox or are already posted
 * (posted is final: it is never marked failed or posted again).
 * @publicApi
 */
export interface MarkResult {
  updated: number;
  unchanged: string[];
}

/**
 * The newest version of one fact's entry chain, as the posting diff needs it. `reversed` is true when a reversal
 * of `key` is in the outbox (any status; `reversalStatus` says which).
 * @publicApi
 */
export interface LatestVersion {
  key: string;
  version: number;
  contentHash: string;
  status: OutboxStatus;
  reversed: boolean;
  reversalKey?: string;
  reversalStatus?: OutboxStatus;
}

/** @publicApi */
export interface ListOutboxOptions {
  status?: OutboxStatus | readonly OutboxStatus[];
  /** At most this many entries, in the order they were written. */
  limit?: number;
}

/**
 * A match between facts (payment ↔ instalment, payment ↔ bank line, ...), with the rule that made it and the
 * evidence. `auto` matches are acted on; `suggested` ones are only reported.
 * @publicApi
 */
export interface MatchRecord {
  kind: string;
  rule: string;
  confidence: 'auto' | 'suggested';
  evidence: Record<string, unknown>;
  subjectIds: string[];
}

/** A match as stored, with the run that produced it. @publicApi */
export interface StoredMatch extends MatchRecord {
  runId: string;
}

/** Why automatic posting is stopped for a customer (a failed assertion). @publicApi */
export interface CustomerBlock {
  reason: string;
  /** ISO 8601 instant. */
  at: string;
  details?: Record<string, unknown>;
}

/** @publicApi */
export type RunStatus = 'running' | 'ok' | 'blocked' | 'failed' | 'skipped';

/** @publicApi */
export interface RunStart {
  runId: string;
  customerId: string;
  /** ISO 8601 instant. */
  startedAt: string;
  dryRun: boolean;
}

/** @publicApi */
export interface RunFinish {
  finishedAt: string;
  status: Exclude<RunStatus, 'running'>;
  summary: Record<string, unknown>;
}

/** One run in the run log. @publicApi */
export interface RunRecord extends RunStart {
  status: RunStatus;
  finishedAt?: string;
  summary?: Record<string, unknown>;
}

/**
 * Writes applied together or not at all, for one customer: the entries of a run with the fact hashes and
 * watermarks that produced them, so a crash never leaves hashes saying "seen" for entries that were never written.
 * @publicApi
 */
export interface StateBatch {
  outbox?: readonly NewOutboxEntry[];
  factHashes?: readonly { kind: string; hashes: readonly (readonly [id: string, hash: string])[] }[];
  /** Fact ids to forget, per kind. */
  deleteFactHashes?: readonly { kind: string; ids: readonly string[] }[];
  watermarks?: readonly { stream: string; date: IsoDate }[];
  /** Replaces the customer's matches, or adds to those of the same run (see {@link StateStore.putMatches}). */
  matches?: { runId: string; records: readonly MatchRecord[] };
  /**
   * Finishes one of this customer's runs with the batch, as {@link StateStore.finishRun} would (the same errors;
   * a run of another customer counts as unknown), so a run's last writes and its log entry are one commit.
   */
  finishRun?: { runId: string } & RunFinish;
  /** Releases a lock with the batch, as {@link StateStore.unlock} would (not an error when not held). */
  unlock?: { name: string; owner: string };
}

/**
 * The module's durable state, per customer: watermarks, content hashes of fetched facts, the outbox of journal
 * entries, matches with evidence, posting blocks, access states, the run log and run locks. Every method taking a
 * `customerId` reads and writes only that customer's rows. Implementations: memory, SQLite, PostgreSQL; all pass
 * the same contract tests. Values returned are copies.
 * @publicApi
 */
export interface StateStore extends AccessStateStore {
  /** Creates or upgrades the schema; a no-op when it is current. Fails if the database is newer than the code. */
  migrate(): Promise<void>;
  /** The schema version of the database (0 before the first migration). */
  schemaVersion(): Promise<number>;
  /** Releases connections. Further calls reject. */
  close(): Promise<void>;

  /** Date (`YYYY-MM-DD`) up to which a stream (`krav`, `innbetalinger`, ...) was fetched. */
  getWatermark(customerId: string, stream: string): Promise<IsoDate | undefined>;
  setWatermark(customerId: string, stream: string, date: IsoDate): Promise<void>;

  /**
   * Content hash per fact id of one kind (`claim`, `payment`, ...): all of the kind, or only the ids asked for
   * (an id without a hash is absent), so a run can read what it needs without reading every fact ever seen.
   */
  getFactHashes(customerId: string, kind: string, ids?: Iterable<string>): Promise<Map<string, string>>;
  /** Inserts or replaces hashes. */
  putFactHashes(
    customerId: string,
    kind: string,
    hashes: readonly (readonly [string, string])[],
  ): Promise<void>;
  deleteFactHashes(customerId: string, kind: string, ids: readonly string[]): Promise<void>;

  /** Inserts new entries as `pending`; a key already present is left untouched and reported. */
  addToOutbox(customerId: string, entries: readonly NewOutboxEntry[]): Promise<AddToOutboxResult>;
  /** Entries in the order they were written. */
  listOutbox(customerId: string, options?: ListOutboxOptions): Promise<OutboxEntry[]>;
  /** Pending or failed entries become posted (at `postedAt`, default now). */
  markPosted(customerId: string, results: readonly PostedResult[], postedAt?: string): Promise<MarkResult>;
  /** Pending or failed entries become failed, with one more attempt and the error text. */
  markFailed(customerId: string, keys: readonly string[], error: string): Promise<MarkResult>;
  /** Newest non-reversal version per base key, in the order the base keys were first written. */
  latestVersions(customerId: string): Promise<Map<string, LatestVersion>>;
  /** Every posted entry, in the order they were written. */
  postedEntries(customerId: string): Promise<OutboxEntry[]>;
  /**
   * The latest version (as {@link latestVersions} gives it) of each fact asked for, by base key or by parent, with
   * its entry; facts without a version in the outbox are absent. Reads only those facts' rows, so a run's cost
   * follows its window, not the customer's history.
   */
  latestVersionsFor(customerId: string, query: VersionQuery): Promise<Map<string, LatestVersionWithEntry>>;
  /**
   * Running totals over the customer's posted entries: per subject, the sum of the `effects` of every entry
   * marked posted. All subjects, or only those asked for; a subject no posted entry named is absent.
   */
  postedTotals(customerId: string, subjects?: Iterable<string>): Promise<Map<string, number>>;

  /**
   * Replaces the customer's matches with those of run `runId`; matches already stored for `runId` itself are
   * kept and these added after them (a run that matches its facts in windows writes each window's).
   */
  putMatches(customerId: string, runId: string, matches: readonly MatchRecord[]): Promise<void>;
  listMatches(customerId: string): Promise<StoredMatch[]>;

  getBlock(customerId: string): Promise<CustomerBlock | undefined>;
  /** `undefined` clears the block. */
  setBlock(customerId: string, block: CustomerBlock | undefined): Promise<void>;

  /** Fails if the run id is already in the log. */
  startRun(run: RunStart): Promise<void>;
  /** Fails if the run is unknown or already finished. */
  finishRun(runId: string, finish: RunFinish): Promise<void>;
  /** The customer's newest runs first. */
  listRuns(customerId: string, limit?: number): Promise<RunRecord[]>;

  /**
   * Takes the named lock for `ttlMs` if it is free, expired (`expiresAt <= nowMs`) or already held by `owner`
   * (which extends it). True when `owner` holds it afterwards.
   */
  tryLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean>;
  /** Extends a lock `owner` still holds (not taken over by someone else). True when extended. */
  renewLock(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean>;
  /** Releases a lock `owner` holds. True when released; false when someone else holds it or nobody does. */
  unlock(name: string, owner: string): Promise<boolean>;

  /** Applies all writes of the batch atomically. Returns what the outbox insert did. */
  applyBatch(customerId: string, batch: StateBatch): Promise<AddToOutboxResult>;
}
