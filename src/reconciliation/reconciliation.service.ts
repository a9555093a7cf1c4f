import { randomUUID } from 'node:crypto';
import { Logger, type LoggerService } from '@nestjs/common';
import type { AccessCheck } from '../auth/access/access-state.model.js';
import { mergeAccounts } from '../config/account-mapping.js';
import { CustomerIndex } from '../config/customer-index.js';
import type { AccountMapping, CustomerConfig, CustomerSource } from '../config/module-options.interface.js';
import { addDays, assertIsoDate, compareIsoDate, maxDate, todayInTimeZone } from '../domain/dates.js';
import type { IsoDate } from '../domain/common.model.js';
import { absOre, sumOre } from '../domain/money.js';
import { KobError } from '../errors/kob.error.js';
import type { CustomerRef, JournalAdapter } from '../journal/journal-adapter.interface.js';
import type {
  LatestVersionWithEntry,
  MatchRecord,
  NewOutboxEntry,
  PostedEffect,
  RunFinish,
  StateStore,
  StateBatch,
} from '../store/state-store.interface.js';
import { addEffects } from '../store/store-values.js';
import { systemClock, type Clock } from '../time/clock.js';
import type { FactSource } from './fact-source.js';
import { allocationsFromSnapshot, type Allocation } from './matching/allocations.js';
import { matchBankTransactions, type BankMatch } from './matching/bank-matching.js';
import { suggestPlacements } from './matching/suggestions.js';
import { claimDirectory, type ClaimRef } from './posting/claim-accounts.js';
import { directoryLookups, instalmentClaimRows, missingPrincipals } from './posting/directory-lookups.js';
import { planPostings, type PlannedPosting } from './posting/entry-diff.js';
import { entryEffects, entryParents, totalSubject } from './posting/entry-effects.js';
import {
  entriesForSnapshot,
  snapshotParents,
  type DesiredEntry,
  type SnapshotParents,
} from './posting/posting-rules.js';
import { buildSnapshot, type ReconciliationSnapshot } from './posting/snapshot.js';
import {
  mirrorSubjects,
  summariseMirror,
  type AssertionResult,
  type MirrorInput,
} from './reconciliation-assertions.js';
import { RECONCILIATION_DEFAULTS } from './reconciliation-defaults.js';
import type { ReconciliationReport } from './reconciliation-report.js';

/** Decides whether a customer's access is valid now; `AccessStatusService` is one. @publicApi */
export interface AccessChecker {
  checkAccess(customer: CustomerConfig): Promise<AccessCheck>;
}

/** @publicApi */
export interface ReconciliationServiceOptions {
  facts: FactSource;
  access: AccessChecker;
  store: StateStore;
  journal: JournalAdapter;
  customers: readonly CustomerConfig[] | CustomerSource;
  /** The module-wide chart (defaults with overrides); each customer's `accounts` go on top. */
  accounts: AccountMapping;
  clock?: Clock;
  /** Re-fetch this many days before the watermark: placements and set-offs change after the fact. Default 60. */
  overlapDays?: number;
  /** How long a run may hold the customer's lock. Default 15 minutes. */
  lockTtlMs?: number;
  /**
   * Entries per outbox write. Each write carries the entries' effects and parents, made just before it, so a
   * large run need not hold them all at once; a crash between two writes leaves pending entries that the next
   * run delivers first. Default 10,000.
   */
  outboxChunkSize?: number;
  /**
   * Entries per journal call. The run's entries go to `postEntries` in this order, a batch at a time, and each
   * batch is marked in the store as soon as the journal confirms it, so a journal that refuses batch k leaves the
   * batches before it posted and marked, batch k failed and the later ones pending, for the next run to deliver
   * first. For host ledgers that take a bounded number of entries per request. Default: every entry of the run
   * in one call.
   */
  journalBatchSize?: number;
  logger?: LoggerService | false;
}

/** @publicApi */
export interface ReconcileOptions {
  /** The day to reconcile up to. Default: today in Norway. */
  asOf?: IsoDate;
  /** Compute and report everything, post nothing, write nothing but the run log. */
  dryRun?: boolean;
  /**
   * Backfill: fetch from this day (never before the customer's `bookingStartDate`) instead of the watermark minus
   * the overlap. Entries already posted are recognised by their keys, so a backfill posts only what is missing.
   */
  from?: IsoDate;
}

/** A customer id that no customer has. @publicApi */
export class UnknownCustomerError extends KobError {
  constructor(readonly customerId: string) {
    super(`No customer with id ${customerId}`, { code: 'KOB_UNKNOWN_CUSTOMER' });
  }
}

const WATERMARK = 'facts';
const NO_PARENTS: SnapshotParents = { instalments: new Set(), payments: new Set() };
// The fact store keeps, per claim id, the claim's type, group, principal and instalments (as JSON), not a hash.
const CLAIM_DIRECTORY = 'claim-directory';
// And per instalment id, the id of its claim in the directory: how a run finds the claims of instalments it
// does not hold without reading the whole directory.
const INSTALMENT_CLAIMS = 'claim-directory-instalments';
// One row (`INDEX_BUILT`) once INSTALMENT_CLAIMS covers the whole directory. A directory written before the index
// existed lacks it: that run reads the directory whole, as before, and writes the index for all of it.
const DIRECTORY_INDEX = 'claim-directory-index';
const INDEX_BUILT = 'instalments';

/**
 * Keeps one customer's ledger in step with its tax account: checks access, fetches the facts since the last run
 * (minus an overlap), takes Skatteetaten's placements and set-offs as ground truth, suggests placements for
 * unplaced payments, links payments to the host's bank lines, turns the facts into balanced entries with
 * deterministic keys, writes them to the outbox, posts them through the journal adapter and marks them, then
 * checks to the øre that the mirrored books equal Skatteetaten's figures. A failed check blocks automatic
 * posting for that customer until {@link unblock}. A crash anywhere, followed by a rerun, posts exactly the
 * entries of an uninterrupted run.
 * @publicApi
 */
export class ReconciliationService {
  private readonly clock: Clock;
  private readonly logger?: LoggerService;
  private readonly overlapDays: number;
  private readonly lockTtlMs: number;
  private readonly outboxChunkSize: number;
  private readonly journalBatchSize: number;
  /** The customers array by id, made on first use (see {@link CustomerIndex}). */
  private customerIndex?: CustomerIndex;

  constructor(private readonly options: ReconciliationServiceOptions) {
    const overlap = options.overlapDays ?? RECONCILIATION_DEFAULTS.overlapDays;
    if (!Number.isSafeInteger(overlap) || overlap < 0 || overlap > 3660) {
      throw new RangeError('overlapDays must be a whole number of days from 0 to 3660');
    }
    this.overlapDays = overlap;
    this.lockTtlMs = options.lockTtlMs ?? RECONCILIATION_DEFAULTS.lockTtlMs;
    const chunk = options.outboxChunkSize ?? RECONCILIATION_DEFAULTS.outboxChunkSize;
    if (!Number.isSafeInteger(chunk) || chunk < 1) {
      throw new RangeError('outboxChunkSize must be a whole number of entries, at least 1');
    }
    this.outboxChunkSize = chunk;
    const batch = options.journalBatchSize ?? Number.POSITIVE_INFINITY;
    if (batch !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(batch) || batch < 1)) {
      throw new RangeError('journalBatchSize must be a whole number of entries, at least 1');
    }
    this.journalBatchSize = batch;
    this.clock = options.clock ?? systemClock;
    this.logger =
      options.logger === false ? undefined : (options.logger ?? new Logger(ReconciliationService.name));
  }

  /** Reconciles one customer. Never throws for a problem of that customer: the report says what happened. */
  async reconcile(customerId: string, options: ReconcileOptions = {}): Promise<ReconciliationReport> {
    if (options.from !== undefined) assertIsoDate(options.from, 'from');
    if (options.asOf !== undefined) assertIsoDate(options.asOf, 'asOf');
    const customer = await this.customer(customerId);
    const runId = randomUUID();
    const started = this.clock.now();
    const asOf = options.asOf ?? todayInTimeZone(new Date(started));
    const dryRun = options.dryRun === true;
    const report = emptyReport(runId, customerId, asOf, dryRun);
    const { store } = this.options;
    await store.startRun({ runId, customerId, startedAt: new Date(started).toISOString(), dryRun });

    const owner = `${runId}`;
    const lockName = `run:${customerId}`;
    const locked = dryRun || (await store.tryLock(lockName, owner, this.lockTtlMs, started));
    const lock: HeldLock | undefined =
      locked && !dryRun ? { name: lockName, owner, released: false } : undefined;
    try {
      if (!locked)
        return this.finish(report, 'skipped', started, 'another run of this customer is in progress');
      if (customer.enabled === false) return this.finish(report, 'skipped', started, 'customer is disabled');
      const access = await this.options.access.checkAccess(customer);
      if (!access.ok) return this.finish(report, 'skipped', started, access.reason);
      return await this.run(customer, report, started, options.from, lock);
    } catch (error) {
      this.logger?.error?.(`Reconciliation of ${customerId} failed: ${describe(error)}`);
      return this.finish(report, 'failed', started, describe(error));
    } finally {
      if (lock && !lock.released) await store.unlock(lockName, owner).catch(() => undefined);
    }
  }

  /** Lifts a block set by a failed assertion, so the next run posts again. */
  async unblock(customerId: string): Promise<void> {
    await this.customer(customerId);
    await this.options.store.setBlock(customerId, undefined);
  }

  private async run(
    customer: CustomerConfig,
    report: ReconciliationReport,
    started: number,
    backfillFrom: IsoDate | undefined,
    lock: HeldLock | undefined,
  ): Promise<ReconciliationReport> {
    const { store, journal, facts } = this.options;
    const ref: CustomerRef = { id: customer.id, organisasjonsnummer: customer.organisasjonsnummer };
    const asOf = report.asOf;

    // Fetch since the watermark minus an overlap, never before the booking start.
    const watermark = await store.getWatermark(customer.id, WATERMARK);
    const overlapFrom = watermark ? addDays(watermark, -this.overlapDays) : customer.bookingStartDate;
    let from = maxDate(customer.bookingStartDate, backfillFrom ?? overlapFrom);
    if (compareIsoDate(from, asOf) > 0) from = asOf;
    const window = { from, to: asOf };
    report.window = window;
    const [openClaims, claims, payments, payouts] = await Promise.all([
      facts.openClaims(customer),
      facts.claims(customer, window),
      facts.payments(customer, window),
      facts.payouts(customer, window),
    ]);
    const snapshot = buildSnapshot({
      customer: ref,
      asOf,
      openClaims,
      claims: [claims],
      payments: [payments],
      payouts: [payouts],
    });

    // Match: Skatteetaten's own allocations, suggestions for what it has not placed, links to bank lines.
    const allocations = allocationsFromSnapshot(snapshot);
    report.allocations = allocations;
    report.suggestions = suggestPlacements(snapshot);
    if (journal.findBankTransactions) {
      const bankLines = await journal.findBankTransactions(ref, window);
      const bank = matchBankTransactions(snapshot.payments, bankLines);
      report.bankMatches = bank.matches;
      report.unmatched = {
        paymentIds: bank.unmatchedPaymentIds,
        bankTransactionIds: bank.unmatchedBankTransactionIds,
      };
    } else {
      report.unmatched.paymentIds = snapshot.payments
        .filter((p) => (p.unplacedAmount ?? 0) > 0)
        .map((p) => p.paymentId);
    }
    fillCounts(report, snapshot);

    // Post: desired entries, diffed against what the outbox already holds.
    const accounts = mergeAccounts(this.options.accounts, customer.accounts);
    // Claims seen in earlier runs, so an interest claim whose principal left the fetch window keeps its account.
    const directory = claimDirectory(snapshot.claims);
    const stored = await this.knownClaims(customer.id, snapshot, allocations, directory);
    const knownClaims = stored.known;
    for (const [id, ref] of directory) knownClaims.set(id, ref);
    const rules = entriesForSnapshot(snapshot, customer, accounts, { allocations, knownClaims });
    report.postingIssues = rules.issues;
    // Entries an interrupted run left in the outbox: they count as posted for planning and are delivered first.
    const pendingRows = await store.listOutbox(customer.id, { status: ['pending', 'failed'] });
    const earlierPending = pendingRows.map((o) => o.entry);
    // Only the stored facts this snapshot can change are read: those it calls for, and those whose parents it
    // describes in full (a fact missing under such a parent was undone). Nothing stored (a first run): none.
    const firstRun =
      pendingRows.length === 0 && (await store.listOutbox(customer.id, { limit: 1 })).length === 0;
    const parents = firstRun ? NO_PARENTS : snapshotParents(snapshot);
    const latest = firstRun
      ? new Map<string, LatestVersionWithEntry>()
      : await store.latestVersionsFor(customer.id, {
          baseKeys: inScopeKeys(rules.entries),
          parents: parentSubjects(parents),
        });
    // planPostings checks every planned entry with assertBalanced: nothing unbalanced is written or sent.
    const plan = planPostings(rules.entries, latest, parents, { unbooked: rules.unbooked });
    let desiredInScope = 0;
    for (const e of rules.entries) if (e.inScope) desiredInScope++;
    Object.assign(report.entries, {
      desired: desiredInScope,
      unchanged: plan.unchanged,
      added: plan.added,
      changed: plan.changed,
      reversed: plan.reversed,
      outOfScope: plan.outOfScope,
    });

    const block = await store.getBlock(customer.id);
    const subjects = mirrorSubjects(snapshot, accounts.taxAccountClearing);
    if (report.dryRun || block) {
      const totals = await store.postedTotals(customer.id, subjects);
      // A dry run asserts what the books would show with the plan posted.
      if (report.dryRun) for (const p of plan.toPost) addEffects(totals, effectsOf(p, latest));
      this.assert(report, snapshot, customer, accounts, rules.entries, { totals });
      const status = block ? 'blocked' : report.assertions.ok ? 'ok' : 'blocked';
      return this.finish(report, status, started, block ? `posting is blocked: ${block.reason}` : undefined);
    }

    // The outbox is written before the journal is called; a crash from here on is repaired by the next run.
    // In chunks, each with its effects and parents made just before it is written, so they need not all be held
    // at once. A crash between two chunks leaves pending rows, which the next run delivers first, as after a crash
    // once the whole outbox was written.
    const size = this.outboxChunkSize;
    for (let i = 0; i < plan.toPost.length; i += size) {
      const chunk = plan.toPost.slice(i, i + size).map((p) => outboxEntryOf(p, latest));
      await store.applyBatch(customer.id, { outbox: chunk });
    }
    // In outbox order: what was pending before this run, then this run's plan (no key is in both: planning
    // counted the pending ones as posted).
    const entries = [...earlierPending, ...plan.toPost.map((p) => p.entry)];
    // A batch at a time (all at once by default), each marked as soon as the journal confirms it.
    const batchSize = this.journalBatchSize;
    const postedKeys: string[] = [];
    let postedCount = 0;
    let duplicates = 0;
    for (let start = 0; start < entries.length; start += batchSize) {
      const batch = batchSize >= entries.length ? entries : entries.slice(start, start + batchSize);
      try {
        const results = await journal.postEntries(ref, batch);
        await store.markPosted(
          customer.id,
          results.map((r) => ({ key: r.idempotencyKey, ref: r.ref, duplicate: r.status === 'duplicate' })),
        );
        for (let i = 0; i < results.length; i++) {
          const r = results[i];
          if (r.status === 'posted') postedCount++;
          else if (r.status === 'duplicate') duplicates++;
          postedKeys.push(r.idempotencyKey);
        }
      } catch (error) {
        await store.markFailed(
          customer.id,
          batch.map((e) => e.idempotencyKey),
          describe(error),
        );
        Object.assign(report.entries, {
          posted: postedCount,
          duplicate: duplicates,
          failed: batch.length,
          postedKeys,
        });
        const unsent = entries.length - start - batch.length;
        return this.finish(
          report,
          'failed',
          started,
          `journal refused the entries: ${describe(error)}` +
            (unsent > 0 ? `; ${unsent} later entries were not sent and wait in the outbox` : ''),
        );
      }
    }
    Object.assign(report.entries, { posted: postedCount, duplicate: duplicates, postedKeys });

    // Assert, to the øre, against what is now posted: the store's running totals, which marking the entries the
    // journal confirmed has just brought up to date.
    const totals = await store.postedTotals(customer.id, subjects);
    this.assert(report, snapshot, customer, accounts, rules.entries, { totals });
    if (!report.assertions.ok) {
      const first = report.assertions.failures[0];
      await store.setBlock(customer.id, {
        reason: `${report.assertions.failures.length} assertion(s) failed, first ${first.name} ${first.subject}: expected ${first.expected}, got ${first.actual}`,
        at: new Date(this.clock.now()).toISOString(),
        details: { failures: report.assertions.failures.slice(0, 100) },
      });
      return this.finish(report, 'blocked', started, 'an assertion failed: automatic posting is blocked');
    }
    if (journal.assertBalances && !customer.hostBooksBankLines && snapshot.openClaims) {
      const clearing = report.assertions.checked > 0 ? clearingExpected(report, accounts) : undefined;
      if (clearing !== undefined) {
        await journal.assertBalances(ref, asOf, [
          {
            account: accounts.taxAccountClearing,
            amount: clearing,
            description: 'unplaced payments at Skatteetaten',
          },
        ]);
      }
    }
    // The run's last writes, its entry in the run log and the release of its lock: one commit (the duration is
    // taken before it). A store that does not finish runs in a batch leaves `runFinished` out: finished here then.
    const done = this.settle(report, 'ok', started);
    const written = await store.applyBatch(customer.id, {
      watermarks: [{ stream: WATERMARK, date: asOf }],
      factHashes: directoryWrites(directory, stored),
      matches: { runId: report.runId, records: matchRecords(report.bankMatches) },
      finishRun: { runId: report.runId, ...done },
      ...(lock ? { unlock: { name: lock.name, owner: lock.owner } } : {}),
    });
    if (lock && written.unlocked !== undefined) lock.released = true;
    if (written.runFinished !== true) await store.finishRun(report.runId, done);
    this.logOutcome(report);
    return report;
  }

  private assert(
    report: ReconciliationReport,
    snapshot: MirrorInput['snapshot'],
    customer: CustomerConfig,
    accounts: AccountMapping,
    desired: MirrorInput['desired'],
    posted: MirrorInput['posted'],
  ): void {
    const { checked, failures, clearing } = summariseMirror({
      snapshot,
      customer,
      clearingAccount: accounts.taxAccountClearing,
      desired,
      posted,
    });
    report.assertions = { ok: failures.length === 0, checked, failures };
    (report as ReportWithClearing).clearing = clearing;
  }

  /**
   * The claims of the directory this snapshot's entries may consult (`directoryLookups`, then the principals of
   * those, in turn), parsed, and the stored JSON of those and of the snapshot's own claims (to write only
   * changes). Reads only those rows once the instalment index is built; the whole directory before.
   */
  private async knownClaims(
    customerId: string,
    snapshot: ReconciliationSnapshot,
    allocations: readonly Allocation[],
    directory: ReadonlyMap<string, ClaimRef>,
  ): Promise<StoredDirectory> {
    const { store } = this.options;
    const known = new Map<string, ClaimRef>();
    const indexed = (await store.getFactHashes(customerId, DIRECTORY_INDEX, [INDEX_BUILT])).size > 0;
    if (!indexed) {
      const json = await store.getFactHashes(customerId, CLAIM_DIRECTORY);
      for (const [id, text] of json) known.set(id, JSON.parse(text) as ClaimRef);
      return { known, json, indexWhole: true };
    }
    const needs = directoryLookups(snapshot, allocations);
    const claimsOfInstalments = await store.getFactHashes(customerId, INSTALMENT_CLAIMS, needs.instalmentIds);
    const json = new Map<string, string>();
    const asked = new Set<string>();
    let wanted = new Set([...directory.keys(), ...needs.claimIds, ...claimsOfInstalments.values()]);
    while (wanted.size > 0) {
      for (const id of wanted) asked.add(id);
      const found = await store.getFactHashes(customerId, CLAIM_DIRECTORY, wanted);
      const read: ClaimRef[] = [];
      for (const [id, text] of found) {
        json.set(id, text);
        if (directory.has(id)) continue; // the snapshot's own copy replaces it
        const ref = JSON.parse(text) as ClaimRef;
        known.set(id, ref);
        read.push(ref);
      }
      wanted = missingPrincipals(read, (id) => asked.has(id));
    }
    return { known, json, indexWhole: false };
  }

  private async customer(customerId: string): Promise<CustomerConfig> {
    const { customers } = this.options;
    const found = Array.isArray(customers)
      ? (this.customerIndex ??= new CustomerIndex(customers as readonly CustomerConfig[])).get(customerId)
      : await (customers as CustomerSource).get(customerId);
    if (!found) throw new UnknownCustomerError(customerId);
    return found;
  }

  private async finish(
    report: ReconciliationReport,
    status: ReconciliationReport['status'],
    started: number,
    reason?: string,
  ): Promise<ReconciliationReport> {
    await this.options.store.finishRun(report.runId, this.settle(report, status, started, reason));
    this.logOutcome(report);
    return report;
  }

  /** Gives the report its outcome and duration; what the run log records for it. */
  private settle(
    report: ReconciliationReport,
    status: ReconciliationReport['status'],
    started: number,
    reason?: string,
  ): RunFinish {
    report.status = status;
    if (reason !== undefined) report.reason = reason;
    report.durationMs = this.clock.now() - started;
    delete (report as ReportWithClearing).clearing;
    return {
      finishedAt: new Date(this.clock.now()).toISOString(),
      status,
      summary: summaryOf(report),
    };
  }

  private logOutcome(report: ReconciliationReport): void {
    const { status, reason } = report;
    const line = `${report.customerId}: ${status}${reason ? ` (${reason})` : ''}, posted ${report.entries.posted}`;
    if (status === 'failed' || status === 'blocked') this.logger?.warn?.(line);
    else this.logger?.log?.(line);
  }
}

/** The run's lock, so the run's last write can release it (`released` once it has). */
interface HeldLock {
  readonly name: string;
  readonly owner: string;
  released: boolean;
}

type ReportWithClearing = ReconciliationReport & { clearing?: AssertionResult };

/** The base keys of the in-scope entries a snapshot calls for (out-of-scope ones are never posted). */
function inScopeKeys(desired: readonly DesiredEntry[]): string[] {
  const keys: string[] = [];
  for (const d of desired) if (d.inScope) keys.push(d.idempotencyKey);
  return keys;
}

/** The snapshot's parents as the subjects the outbox indexes facts by (`entryParents`). */
function parentSubjects(parents: SnapshotParents): string[] {
  const subjects: string[] = [];
  for (const id of parents.instalments) subjects.push(totalSubject.instalment(id));
  for (const id of parents.payments) subjects.push(totalSubject.payment(id));
  return subjects;
}

/**
 * A planned posting as written to the outbox: with what it adds to the running totals once posted, and the
 * parents to find its fact by. A reversal takes back the touches of the version it reverses, read from the
 * stored entry planning reversed.
 */
function outboxEntryOf(
  p: PlannedPosting,
  latest: ReadonlyMap<string, LatestVersionWithEntry>,
): NewOutboxEntry {
  return {
    entry: p.entry,
    contentHash: p.contentHash,
    baseKey: p.baseKey,
    version: p.version,
    effects: effectsOf(p, latest),
    parents: p.action === 'reverse' ? [] : entryParents(p.baseKey),
  };
}

/** What a planned posting adds to the running totals once posted (see {@link outboxEntryOf}). */
function effectsOf(p: PlannedPosting, latest: ReadonlyMap<string, LatestVersionWithEntry>): PostedEffect[] {
  return entryEffects(p.entry, p.action === 'reverse' ? latest.get(p.baseKey)?.entry : undefined);
}

function clearingExpected(report: ReconciliationReport, _accounts: AccountMapping): number | undefined {
  return (report as ReportWithClearing).clearing?.expected;
}

function emptyReport(
  runId: string,
  customerId: string,
  asOf: IsoDate,
  dryRun: boolean,
): ReconciliationReport {
  return {
    runId,
    customerId,
    asOf,
    dryRun,
    status: 'ok',
    counts: { claims: 0, instalments: 0, openClaims: 0, payments: 0, unplacedPayments: 0, payouts: 0 },
    sums: { openRemaining: 0, unplaced: 0, paidIn: 0, paidOut: 0 },
    allocations: [],
    suggestions: [],
    bankMatches: [],
    unmatched: { paymentIds: [], bankTransactionIds: [] },
    postingIssues: [],
    entries: {
      desired: 0,
      unchanged: 0,
      added: 0,
      changed: 0,
      reversed: 0,
      outOfScope: 0,
      posted: 0,
      duplicate: 0,
      failed: 0,
      postedKeys: [],
    },
    assertions: { ok: true, checked: 0, failures: [] },
    durationMs: 0,
  };
}

function fillCounts(report: ReconciliationReport, snapshot: ReturnType<typeof buildSnapshot>): void {
  const open = snapshot.openClaims;
  report.counts = {
    claims: snapshot.claims.length,
    instalments: snapshot.claims.reduce((n, c) => n + c.instalments.length, 0),
    openClaims: open?.claims.length ?? 0,
    payments: snapshot.payments.length,
    unplacedPayments: open?.unplacedPayments.length ?? 0,
    payouts: snapshot.payouts.length,
  };
  report.sums = {
    openRemaining: sumOre((open?.claims ?? []).map((c) => c.remainingAmount)),
    unplaced: sumOre((open?.unplacedPayments ?? []).map((p) => absOre(p.unplacedAmount ?? 0))),
    paidIn: sumOre(snapshot.payments.map((p) => p.amount)),
    paidOut: sumOre(snapshot.payouts.map((p) => p.amount)),
  };
}

/** The claim directory as a run read it (see `knownClaims`). */
interface StoredDirectory {
  /**
   * The stored claims the snapshot's entries may consult, parsed (the whole directory when `indexWhole`); the run
   * then puts the snapshot's own claims in (their copies replace the stored ones).
   */
  known: Map<string, ClaimRef>;
  /** The stored JSON of those and of the snapshot's own claims. */
  json: ReadonlyMap<string, string>;
  /** The instalment index does not cover the directory yet: this run writes it for all of it. */
  indexWhole: boolean;
}

/**
 * The directory rows a finished run writes, in one batch with the watermark, so the directory and its index
 * never disagree: the snapshot's claims that changed and their instalment index rows; when the index did not
 * cover the directory yet, the index rows of every claim and the mark that it now does.
 */
function directoryWrites(
  directory: ReadonlyMap<string, ClaimRef>,
  stored: StoredDirectory,
): NonNullable<StateBatch['factHashes']> {
  const changed = changedDirectory(directory, stored.json);
  const indexed = stored.indexWhole ? stored.known.values() : changed.map(([id]) => directory.get(id)!);
  return [
    { kind: CLAIM_DIRECTORY, hashes: changed },
    { kind: INSTALMENT_CLAIMS, hashes: instalmentClaimRows(indexed) },
    ...(stored.indexWhole ? [{ kind: DIRECTORY_INDEX, hashes: [[INDEX_BUILT, '1'] as const] }] : []),
  ];
}

/** The directory entries to store: those not stored yet or stored with other content. */
function changedDirectory(
  directory: ReadonlyMap<string, ClaimRef>,
  stored: ReadonlyMap<string, string>,
): (readonly [string, string])[] {
  const changed: (readonly [string, string])[] = [];
  for (const [id, ref] of directory) {
    const json = JSON.stringify(ref);
    if (stored.get(id) !== json) changed.push([id, json]);
  }
  return changed;
}

function matchRecords(bank: readonly BankMatch[]): MatchRecord[] {
  return bank.map((m) => ({
    kind: 'bank-transaction',
    rule: m.rule,
    confidence: m.tier,
    evidence: { ...m.evidence, amount: m.amount, score: m.confidence } as Record<string, unknown>,
    subjectIds: [
      ...m.paymentIds.map((id) => `payment:${id}`),
      ...m.bankTransactionIds.map((id) => `bank:${id}`),
    ],
  }));
}

function summaryOf(report: ReconciliationReport): Record<string, unknown> {
  return {
    status: report.status,
    reason: report.reason,
    window: report.window,
    counts: report.counts,
    sums: report.sums,
    allocations: report.allocations.length,
    suggestions: report.suggestions.length,
    bankMatches: report.bankMatches.length,
    entries: { ...report.entries, postedKeys: report.entries.postedKeys.length },
    assertions: {
      ok: report.assertions.ok,
      checked: report.assertions.checked,
      failed: report.assertions.failures.length,
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof KobError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
