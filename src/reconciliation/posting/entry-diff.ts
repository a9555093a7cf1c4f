import type { IsoDate } from '../../domain/common.model.js';
import type { JournalEntry, JournalLine } from '../../journal/journal-adapter.interface.js';
import { assertBalanced } from './balance.js';
import { SealedJournalEntry } from '../../journal/sealed-journal-entry.js';
import { entryContentHash, sameEntryContent } from './content-hash.js';
import { hasParentIn, reversalKey, versionKey } from './entry-keys.js';
import type { DesiredEntry, SnapshotParents } from './posting-rules.js';
import { compareText } from './snapshot.js';

/**
 * What the store knows about the latest version of a fact (by base key): its key and version, the hash of what
 * it said, its outbox status, whether it has been reversed, and the entry itself (for mirroring its lines in a
 * reversal). Pending and failed versions count as posted: the outbox will deliver them under their key.
 * @publicApi
 */
export interface LatestVersion {
  key: string;
  version: number;
  contentHash: string;
  status: string;
  reversed: boolean;
  entry: Pick<JournalEntry, 'date' | 'description' | 'lines'>;
}

/**
 * One entry to hand to the outbox and then the adapter. `action: 'post'` is version `version` of the fact with
 * base key `baseKey`; `action: 'reverse'` cancels version `version` of it.
 * @publicApi
 */
export interface PlannedPosting {
  action: 'post' | 'reverse';
  baseKey: string;
  version: number;
  contentHash: string;
  entry: JournalEntry;
}

/** @publicApi */
export interface PostingPlan {
  /** In order: by date then base key, each reversal right before the new version that replaces it. */
  toPost: PlannedPosting[];
  /** In scope, posted before, same content. */
  unchanged: number;
  /** First versions of new facts. */
  added: number;
  /** Changed facts: a reversal and a new version each (also a fact that came back after being undone). */
  changed: number;
  /** Facts that disappeared while a parent is in the snapshot: a reversal only. */
  reversed: number;
  /** Desired entries before the booking start (never posted; posted versions are left alone). */
  outOfScope: number;
}

/** @publicApi */
export interface PlanOptions {
  /**
   * Date of reversals. Default: the date of the entry reversed, so a correction lands in the same period as
   * the fact; pass the run's date for ledgers whose past periods are closed. A reversal is never dated before
   * the entry it reverses.
   */
  reversalDate?: IsoDate;
  /** Base keys of facts that exist but were not booked (`PostingRulesResult.unbooked`): never reversed. */
  unbooked?: Iterable<string>;
}

/**
 * Diffs the entries a snapshot calls for against what was posted (issue 6 idempotency and change rules):
 * unknown fact → version 1 under the base key; same hash → nothing; different hash → a reversal of the latest
 * version (`reversalKey`, `reverses` = its key, lines mirrored) and version n+1 (`{baseKey}#{n+1}`); a fact
 * posted and reversed that is desired again → version n+1 only; a posted fact that is no longer desired while
 * one of its parents (`parentsOfKey`) is in `parentsInSnapshot` → a reversal only, unless it is listed in
 * `options.unbooked`. Out-of-scope desired entries are never posted and never reverse anything. `toPost`
 * follows the order of `desired` (each reversal right before the version replacing it), then the reversal-only
 * entries by date and key. Every planned entry is checked with `assertBalanced` and frozen all the way down (it
 * shares the lines and source of a desired entry when those are frozen, as the posting rules make them, and
 * copies them otherwise); two desired entries with one key throw. Pure.
 * @publicApi
 */
export function planPostings(
  desired: readonly DesiredEntry[],
  latestVersions: ReadonlyMap<string, LatestVersion>,
  parentsInSnapshot: SnapshotParents,
  options: PlanOptions = {},
): PostingPlan {
  const plan: PostingPlan = { toPost: [], unchanged: 0, added: 0, changed: 0, reversed: 0, outOfScope: 0 };
  const desiredKeys = new Set<string>();
  for (const d of desired) {
    const baseKey = d.idempotencyKey;
    if (desiredKeys.has(baseKey))
      throw new TypeError(`planPostings: two desired entries share the key ${baseKey}`);
    desiredKeys.add(baseKey);
    if (!d.inScope) {
      plan.outOfScope++;
      continue;
    }
    const latest = latestVersions.get(baseKey);
    if (!latest) {
      plan.added++;
      plan.toPost.push(newVersion(d, 1));
    } else if (latest.reversed) {
      plan.changed++;
      plan.toPost.push(newVersion(d, latest.version + 1));
    } else if (sameEntryContent(latest.entry, d)) {
      // Compared by content, not by hash: exact, and independent of the form a stored hash was written in.
      plan.unchanged++;
    } else {
      plan.changed++;
      plan.toPost.push(reversal(baseKey, latest, options), newVersion(d, latest.version + 1));
    }
  }
  const undone: PlannedPosting[] = [];
  const unbooked = new Set(options.unbooked ?? []);
  for (const [baseKey, latest] of latestVersions) {
    if (latest.reversed || desiredKeys.has(baseKey) || unbooked.has(baseKey)) continue;
    if (!hasParentIn(baseKey, parentsInSnapshot)) continue;
    undone.push(reversal(baseKey, latest, options));
  }
  undone.sort((a, b) => compareText(a.entry.date, b.entry.date) || compareText(a.baseKey, b.baseKey));
  plan.reversed = undone.length;
  for (const item of undone) plan.toPost.push(item);
  return plan;
}

/**
 * The latest versions after the plan was posted: what the store will hold. For dry runs and tests (planning
 * again on the result posts nothing).
 * @publicApi
 */
export function applyPlan(
  latestVersions: ReadonlyMap<string, LatestVersion>,
  plan: Pick<PostingPlan, 'toPost'>,
  status = 'posted',
): Map<string, LatestVersion> {
  const next = new Map(latestVersions);
  for (const p of plan.toPost) {
    if (p.action === 'reverse') {
      const latest = next.get(p.baseKey);
      if (latest && latest.version === p.version) next.set(p.baseKey, { ...latest, reversed: true });
    } else {
      next.set(p.baseKey, {
        key: p.entry.idempotencyKey,
        version: p.version,
        contentHash: p.contentHash,
        status,
        reversed: false,
        entry: { date: p.entry.date, description: p.entry.description, lines: p.entry.lines },
      });
    }
  }
  return next;
}

function newVersion(d: DesiredEntry, version: number): PlannedPosting {
  // Sealed: frozen all the way down, so the store and journal keep it without copying (see SealedJournalEntry).
  const entry = new SealedJournalEntry(
    versionKey(d.idempotencyKey, version),
    d.date,
    d.description,
    d.lines,
    d.source,
  );
  return {
    action: 'post',
    baseKey: d.idempotencyKey,
    version,
    contentHash: d.contentHash,
    entry: assertBalanced(entry),
  };
}

function reversal(baseKey: string, latest: LatestVersion, options: PlanOptions): PlannedPosting {
  const old = latest.entry;
  const date =
    options.reversalDate !== undefined && options.reversalDate > old.date ? options.reversalDate : old.date;
  const entry = new SealedJournalEntry(
    reversalKey(baseKey, latest.version),
    date,
    `Reversering: ${old.description}`,
    Object.freeze(old.lines.map(mirror)),
    Object.freeze({ kind: 'reversal', ids: Object.freeze([latest.key]) as string[] }),
    latest.key,
  );
  return {
    action: 'reverse',
    baseKey,
    version: latest.version,
    contentHash: entryContentHash(entry),
    entry: assertBalanced(entry),
  };
}

/** The line the other way round; only the line fields, so the sealed entry holds strings and numbers only. */
function mirror(line: JournalLine): JournalLine {
  const out: JournalLine = { account: line.account };
  if (line.debit !== undefined) out.credit = line.debit;
  else out.debit = line.credit;
  if (line.description !== undefined) out.description = line.description;
  if (line.kid !== undefined) out.kid = line.kid;
  if (line.reference !== undefined) out.reference = line.reference;
  return Object.freeze(out);
}
