import { randomUUID } from 'node:crypto';
import { Logger, type LoggerService } from '@nestjs/common';
import type { AccessCheck } from '../auth/access/access-state.model.js';
import { mergeAccounts } from '../config/account-mapping.js';
import { CustomerIndex } from '../config/customer-index.js';
import type { AccountMapping, CustomerConfig, CustomerSource } from '../config/module-options.interface.js';
import {
  addDays,
  assertIsoDate,
  compareIsoDate,
  maxDate,
  minDate,
  todayInTimeZone,
} from '../domain/dates.js';
import type { IsoDate, Period } from '../domain/common.model.js';
import { absOre, sumOre, type Ore } from '../domain/money.js';
import type { Payment } from '../domain/payment.model.js';
import { KobError } from '../errors/kob.error.js';
import type { CustomerRef, JournalAdapter, JournalEntry } from '../journal/journal-adapter.interface.js';
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
import {
  bookedInRun,
  countsEntry,
  factWindows,
  isClaimHome,
  isPaymentHome,
  placeAllocation,
  type WindowPosition,
} from './fact-windows.js';
import { allocationsFromSnapshot, type Allocation } from './matching/allocations.js';
import { BankMatchSweep, type BankMatch } from './matching/bank-matching.js';
import { suggestPlacements } from './matching/suggestions.js';
import { claimDirectory, type ClaimRef } from './posting/claim-accounts.js';
import { directoryLookups, instalmentClaimRows, missingPrincipals } from './posting/directory-lookups.js';
import { planPostings, type PlannedPosting, type PostingPlan } from './posting/entry-diff.js';
import { entryEffects, entryParents, totalSubject } from './posting/entry-effects.js';
import {
  entriesForSnapshot,
  snapshotParents,
  unbookedFactsOf,
  type DesiredEntry,
  type PostingIssue,
  type PostingRulesResult,
  type SnapshotParents,
} from './posting/posting-rules.js';
import { buildSnapshot, indexSnapshot, type ReconciliationSnapshot } from './posting/snapshot.js';
import { mirrorSubjects, type MirrorInput } from './reconciliation-assertions.js';
import { RECONCILIATION_DEFAULTS } from './reconciliation-defaults.js';
import type { ReconciliationReport } from './reconciliation-report.js';
import { itemCount, ReportLists } from './report-lists.js';
import { RunChecks } from './run-checks.js';

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
  /**
   * Fetch, plan and post a run's facts a window of at most this many days at a time, oldest first, so a run
   * holds one window's facts and entries, not its whole period's: for customers with hundreds of thousands of
   * claims a year. Each window is posted and checked before the next is fetched; the claims it saw go to the
   * claim directory, where later windows find their accounts. A crash between windows leaves the earlier ones
   * posted and the watermark where it was: the next run fetches the whole period again and posts only what is
   * missing. Default: the whole period in one window. Dry runs and blocked customers always use one window.
   */
  factWindowDays?: number;
  /**
   * At most this many items in each of the report's lists (allocations, suggestions, bank matches, unmatched
   * ids, posting issues, posted keys); `report.omitted` counts the rest. Counts, sums and the run log cover
   * everything. Default: no limit.
   */
  reportItemLimit?: number;
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
// A payment and its bank line are at most this far apart (the KID match's reach, `kidDateWindowDays`): a window
// fetches the bank lines up to this far past its end.
const BANK_REACH_DAYS = 30;
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
  private readonly factWindowDays: number | undefined;
  private readonly reportItemLimit: number;
  /** The customers array by id, made on first use (see {@link CustomerIndex}). */
  private customerIndex?: CustomerIndex;

  constructor(private readonly options: ReconciliationServiceOptions) {
    const overlap = options.overlapDays ?? RECONCILIATION_DEFAULTS.overlapDays;
    this.overlapDays = wholeNumber('overlapDays', overlap, 'days', { min: 0, max: 3660 });
    this.lockTtlMs = options.lockTtlMs ?? RECONCILIATION_DEFAULTS.lockTtlMs;
    const chunk = options.outboxChunkSize ?? RECONCILIATION_DEFAULTS.outboxChunkSize;
    this.outboxChunkSize = wholeNumber('outboxChunkSize', chunk, 'entries', { min: 1 });
    // Infinity is what leaving these out means: one journal call per run, whole lists.
    const batch = options.journalBatchSize ?? Number.POSITIVE_INFINITY;
    this.journalBatchSize = wholeNumber('journalBatchSize', batch, 'entries', { min: 1, unbounded: true });
    const days = options.factWindowDays;
    this.factWindowDays =
      days === undefined ? undefined : wholeNumber('factWindowDays', days, 'days', { min: 1, max: 366 });
    const limit = options.reportItemLimit ?? Number.POSITIVE_INFINITY;
    this.reportItemLimit = wholeNumber('reportItemLimit', limit, 'items', { min: 0, unbounded: true });
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
    const { store, journal } = this.options;
    const ref: CustomerRef = { id: customer.id, organisasjonsnummer: customer.organisasjonsnummer };
    const asOf = report.asOf;

    // Fetch since the watermark minus an overlap, never before the booking start.
    const watermark = await store.getWatermark(customer.id, WATERMARK);
    const overlapFrom = watermark ? addDays(watermark, -this.overlapDays) : customer.bookingStartDate;
    let from = maxDate(customer.bookingStartDate, backfillFrom ?? overlapFrom);
    if (compareIsoDate(from, asOf) > 0) from = asOf;
    const period = { from, to: asOf };
    report.window = period;
    const accounts = mergeAccounts(this.options.accounts, customer.accounts);
    const lists = new ReportLists(report, this.reportItemLimit);
    // Entries an interrupted run left in the outbox: they count as posted for planning and are delivered first.
    const pendingRows = await store.listOutbox(customer.id, { status: ['pending', 'failed'] });
    // Nothing stored (a first run): no stored version to read for the first window.
    const firstRun =
      pendingRows.length === 0 && (await store.listOutbox(customer.id, { limit: 1 })).length === 0;
    const block = await store.getBlock(customer.id);
    const run: RunState = { customer, ref, accounts, report, lists, tally: new WindowTally() };

    if (report.dryRun || block) {
      // One window: nothing is written, so a later window could not build on an earlier one.
      const at: WindowPosition = { window: period, run: period, last: true };
      const w = await this.planWindow(run, at, firstRun ? 'nothing' : 'earlier runs');
      await this.reportUnbooked(run);
      const subjects = mirrorSubjects(w.snapshot, accounts.taxAccountClearing);
      const totals = await store.postedTotals(customer.id, subjects);
      // A dry run asserts what the books would show with the plan posted.
      if (report.dryRun) for (const p of w.plan.toPost) addEffects(totals, effectsOf(p, w.latest));
      const checks = new RunChecks();
      checks.add(mirrorInput(w, customer, accounts, totals), at);
      report.assertions = checks.results();
      const status = block ? 'blocked' : report.assertions.ok ? 'ok' : 'blocked';
      return this.finish(report, status, started, block ? `posting is blocked: ${block.reason}` : undefined);
    }

    // A window at a time (one by default): fetch, match, plan, write the outbox, post and mark, check, then let
    // go of the window's facts and entries. What a later window needs of an earlier one is in the store: the
    // claim directory (accounts of claims it does not hold), the outbox (entries already posted) and the
    // running totals (the checks).
    const windows = factWindows(period, this.factWindowDays);
    if (windows.length > 1) await this.recordClaims(run, windows);
    const checks = new RunChecks();
    let earlierPending = pendingRows.map((o) => o.entry);
    let lastWindow: WindowPlan | undefined;
    for (let k = 0; k < windows.length; k++) {
      const at: WindowPosition = { window: windows[k], run: period, last: k === windows.length - 1 };
      const stored = !firstRun ? 'earlier runs' : k === 0 ? 'nothing' : 'this run';
      const w = await this.planWindow(run, at, stored);
      await this.writeOutbox(customer.id, w);
      // In outbox order: what was pending before this run, then this window's plan (no key is in both: planning
      // counted the pending ones as posted).
      const entries = [...earlierPending, ...w.plan.toPost.map((p) => p.entry)];
      earlierPending = [];
      const refused = await this.post(run, entries);
      if (refused) {
        await this.reportUnbooked(run);
        const notFetched = windows.length - k - 1;
        return this.finish(
          report,
          'failed',
          started,
          `journal refused the entries: ${describe(refused.error)}` +
            (refused.unsent > 0
              ? `; ${refused.unsent} later entries were not sent and wait in the outbox`
              : '') +
            (notFetched > 0 ? `; ${notFetched} later fact windows were not reconciled` : ''),
        );
      }
      // Check, to the øre, against what is now posted: the store's running totals, which marking the entries the
      // journal confirmed has just brought up to date.
      const subjects = mirrorSubjects(w.snapshot, accounts.taxAccountClearing);
      const totals = await store.postedTotals(customer.id, subjects);
      checks.add(mirrorInput(w, customer, accounts, totals), at);
      if (at.last) {
        lastWindow = w;
        break;
      }
      // The window's bank matches (its claims went to the directory before the first window).
      await store.applyBatch(customer.id, {
        matches: { runId: report.runId, records: matchRecords(w.bankMatches) },
      });
    }
    const w = lastWindow!;
    for (const a of run.tally.allocationsOutside.values()) lists.add('allocations', a);
    await this.reportUnbooked(run);
    const again = checks.againSubjects();
    if (again.length > 0) checks.checkAgain(await store.postedTotals(customer.id, again));
    report.assertions = checks.results();
    if (!report.assertions.ok) {
      const first = report.assertions.failures[0];
      await store.setBlock(customer.id, {
        reason: `${report.assertions.failures.length} assertion(s) failed, first ${first.name} ${first.subject}: expected ${first.expected}, got ${first.actual}`,
        at: new Date(this.clock.now()).toISOString(),
        details: { failures: report.assertions.failures.slice(0, 100) },
      });
      return this.finish(report, 'blocked', started, 'an assertion failed: automatic posting is blocked');
    }
    if (journal.assertBalances && !customer.hostBooksBankLines && w.snapshot.openClaims) {
      const clearing = report.assertions.checked > 0 ? checks.clearing?.expected : undefined;
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
      ...(windows.length > 1 ? {} : { factHashes: directoryWrites(w.directory, w.stored) }),
      matches: { runId: report.runId, records: matchRecords(w.bankMatches) },
      finishRun: { runId: report.runId, ...done },
      ...(lock ? { unlock: { name: lock.name, owner: lock.owner } } : {}),
    });
    if (lock && written.unlocked !== undefined) lock.released = true;
    if (written.runFinished !== true) await store.finishRun(report.runId, done);
    this.logOutcome(report);
    return report;
  }

  /**
   * Before a run in several windows: the claims of every window (and the open claims) go to the claim directory,
   * a window at a time. Then each window finds the accounts of the claims its entries name but other windows
   * list (an interest claim's principal, a credit set off or paid out), as one window over the whole period
   * would: an entry never takes a fallback account in one window and the right one in a later window.
   */
  private async recordClaims(run: RunState, windows: readonly Required<Period>[]): Promise<void> {
    const { customer, ref, report } = run;
    const { facts, store } = this.options;
    for (let k = 0; k < windows.length; k++) {
      const last = k === windows.length - 1;
      const [openClaims, claims] = await Promise.all([
        last ? facts.openClaims(customer) : undefined,
        facts.claims(customer, windows[k]),
      ]);
      const snapshot = buildSnapshot({
        customer: ref,
        asOf: report.asOf,
        ...(openClaims === undefined ? {} : { openClaims }),
        claims: [claims],
      });
      const directory = claimDirectory(snapshot.claims);
      const stored = await this.knownClaims(customer.id, snapshot, [], directory);
      // As a window does: the snapshot's claims replace the stored ones (and are indexed with them).
      for (const [id, claim] of directory) stored.known.set(id, claim);
      await store.applyBatch(customer.id, { factHashes: directoryWrites(directory, stored) });
    }
  }

  /**
   * One window of a run: fetches its facts (the open claims too in the last), matches them into the report,
   * turns them into entries and plans them against what the store holds: `nothing` (a customer's first run),
   * only what `this run`'s earlier windows wrote, or what `earlier runs` wrote too.
   */
  private async planWindow(
    run: RunState,
    at: WindowPosition,
    stored: 'nothing' | 'this run' | 'earlier runs',
  ): Promise<WindowPlan> {
    const { store, journal, facts } = this.options;
    const { customer, ref, accounts, report, lists, tally } = run;
    const { window } = at;
    const [openClaims, claims, payments, payouts] = await Promise.all([
      at.last ? facts.openClaims(customer) : undefined,
      facts.claims(customer, window),
      facts.payments(customer, window),
      facts.payouts(customer, window),
    ]);
    const snapshot = buildSnapshot({
      customer: ref,
      asOf: report.asOf,
      ...(openClaims === undefined ? {} : { openClaims }),
      claims: [claims],
      payments: [payments],
      payouts: [payouts],
    });
    const windowed = at.run !== at.window;
    // A window books the claims it lists first, whole; a claim an earlier window listed was booked there.
    if (windowed) snapshot.claims = snapshot.claims.filter((c) => isClaimHome(c, at));

    // Match: Skatteetaten's own allocations, suggestions for what it has not placed, links to bank lines.
    const allocations = allocationsFromSnapshot(snapshot);
    for (const a of allocations) {
      if (placeAllocation(a, at, tally.allocationsOutside) === 'now') lists.add('allocations', a);
    }
    // From the open claims and unplaced payments (all of them are in the last window's response).
    if (at.last) {
      const open =
        windowed && openClaims ? buildSnapshot({ customer: ref, asOf: report.asOf, openClaims }) : snapshot;
      for (const s of suggestPlacements(open)) lists.add('suggestions', s);
    }
    const own = windowed ? snapshot.payments.filter((p) => isPaymentHome(p, at)) : snapshot.payments;
    let bankMatches: BankMatch[] = [];
    if (journal.findBankTransactions) {
      bankMatches = await this.matchBank(run, at, own);
    } else {
      for (const p of own) if ((p.unplacedAmount ?? 0) > 0) lists.add('unmatchedPaymentIds', p.paymentId);
    }
    addCounts(report, snapshot, at);

    // Post: desired entries, diffed against what the outbox already holds.
    // Claims seen in earlier runs, so an interest claim whose principal left the fetch window keeps its account.
    const directory = claimDirectory(snapshot.claims);
    // A run in windows wrote its claims to the directory before the first (`recordClaims`): nothing to compare.
    const known = await this.knownClaims(customer.id, snapshot, allocations, directory, !windowed);
    const knownClaims = known.known;
    for (const [id, claim] of directory) knownClaims.set(id, claim);
    const rules = entriesForSnapshot(snapshot, customer, accounts, { allocations, knownClaims });
    this.reportIssues(run, rules.issues, at);
    // Only the stored facts this snapshot can change are read: those it calls for, and those whose parents it
    // describes in full (a fact missing under such a parent was undone). A customer's first run has nothing to
    // undo, and its earlier windows wrote only entries no later window calls for, but for the payments received
    // the last window sees again (`countsEntry`).
    const { paymentsById } = indexSnapshot(snapshot);
    let parents = NO_PARENTS;
    let latest = new Map<string, LatestVersionWithEntry>();
    if (stored === 'earlier runs') {
      parents = snapshotParents(snapshot);
      latest = await store.latestVersionsFor(customer.id, {
        baseKeys: inScopeKeys(rules.entries),
        parents: parentSubjects(parents),
      });
    } else if (stored === 'this run') {
      const again = inScopeKeys(rules.entries.filter((e) => !countsEntry(e, at, paymentsById)));
      if (again.length > 0) latest = await store.latestVersionsFor(customer.id, { baseKeys: again });
    }
    // planPostings checks every planned entry with assertBalanced: nothing unbalanced is written or sent.
    const plan = planPostings(rules.entries, latest, parents, { unbooked: rules.unbooked });
    // Counted once per run: an entry that several windows call for counts in one of them (`countsEntry`).
    const counts = report.entries;
    for (const e of rules.entries) {
      if (!countsEntry(e, at, paymentsById)) continue;
      if (e.inScope) counts.desired++;
      else counts.outOfScope++;
    }
    counts.added += plan.added;
    counts.changed += plan.changed;
    counts.reversed += plan.reversed;
    // What a window posts is new or changed; the rest of what the run calls for is unchanged.
    counts.unchanged = Math.max(0, counts.desired - counts.added - counts.changed);
    return { snapshot, directory, stored: known, rules, latest, plan, bankMatches };
  }

  /**
   * Links the window's own payments to the host's bank lines through the run's {@link BankMatchSweep}: each
   * window fetches the lines up to the KID match's reach past its end (within the run's period) not fetched
   * before, and gets the matches and unmatched items no later window can change, so the run's are those of one
   * window over its whole period.
   */
  private async matchBank(
    run: RunState,
    at: WindowPosition,
    payments: readonly Payment[],
  ): Promise<BankMatch[]> {
    const { ref, lists, tally } = run;
    const from = tally.bankFetchedTo === undefined ? at.run.from : addDays(tally.bankFetchedTo, 1);
    const to = at.last ? at.run.to : minDate(at.run.to, addDays(at.window.to, BANK_REACH_DAYS));
    const lines = from <= to ? await this.options.journal.findBankTransactions!(ref, { from, to }) : [];
    tally.bankFetchedTo = to;
    const bank = tally.bank.advance(payments, lines, at.last ? undefined : at.window.to);
    for (const m of bank.matches) lists.add('bankMatches', m);
    for (const id of bank.unmatchedPaymentIds) lists.add('unmatchedPaymentIds', id);
    for (const id of bank.unmatchedBankTransactionIds) lists.add('unmatchedBankTransactionIds', id);
    return bank.matches;
  }

  /** Writes the window's plan to the outbox, in chunks, each with its effects and parents made just before it. */
  private async writeOutbox(customerId: string, w: WindowPlan): Promise<void> {
    // The outbox is written before the journal is called; a crash from here on is repaired by the next run.
    // In chunks, so the effects and parents need not all be held at once. A crash between two chunks leaves
    // pending rows, which the next run delivers first, as after a crash once the whole outbox was written.
    const size = this.outboxChunkSize;
    for (let i = 0; i < w.plan.toPost.length; i += size) {
      const chunk = w.plan.toPost.slice(i, i + size).map((p) => outboxEntryOf(p, w.latest));
      await this.options.store.applyBatch(customerId, { outbox: chunk });
    }
  }

  /**
   * Sends entries to the journal a batch at a time (all at once by default), each marked as soon as the journal
   * confirms it. A refused batch is marked failed; what it returns says so, and how many entries were not sent.
   */
  private async post(
    run: RunState,
    entries: JournalEntry[],
  ): Promise<{ error: unknown; unsent: number } | undefined> {
    const { store, journal } = this.options;
    const { customer, ref, report, lists } = run;
    const counts = report.entries;
    const batchSize = this.journalBatchSize;
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
          if (r.status === 'posted') counts.posted++;
          else if (r.status === 'duplicate') counts.duplicate++;
          lists.add('postedKeys', r.idempotencyKey);
        }
      } catch (error) {
        await store.markFailed(
          customer.id,
          batch.map((e) => e.idempotencyKey),
          describe(error),
        );
        counts.failed = batch.length;
        return { error, unsent: entries.length - start - batch.length };
      }
    }
    return undefined;
  }

  /**
   * Adds a window's posting issues to the report. One about facts left unbooked (their other side is not in the
   * window) waits for the run's end: another window may book them, or an earlier run may have. With several
   * windows, an issue two windows raise is reported once.
   */
  private reportIssues(run: RunState, issues: readonly PostingIssue[], at: WindowPosition): void {
    const { lists, tally } = run;
    const windowed = at.run !== at.window;
    for (const issue of issues) {
      const facts = unbookedFactsOf(issue);
      // Facts another window books (the claim of their other side is active in the run): not an issue.
      if (windowed && facts !== undefined && bookedInRun(facts, at)) continue;
      if (windowed && tally.issuesSeen.has(issue.message)) continue;
      if (windowed) tally.issuesSeen.add(issue.message);
      if (facts === undefined) lists.add('postingIssues', issue);
      else tally.unbooked.push({ issue, keys: facts.keys });
    }
  }

  /** Reports the facts left unbooked that no window of the run, nor an earlier run, booked. */
  private async reportUnbooked(run: RunState): Promise<void> {
    const { unbooked } = run.tally;
    if (unbooked.length === 0) return;
    const baseKeys = unbooked.flatMap((u) => u.keys);
    const booked = await this.options.store.latestVersionsFor(run.customer.id, { baseKeys, parents: [] });
    for (const { issue, keys } of unbooked) {
      if (!keys.some((k) => booked.has(k))) run.lists.add('postingIssues', issue);
    }
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
    readOwn = true,
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
    let wanted = new Set([
      ...(readOwn ? directory.keys() : []),
      ...needs.claimIds,
      ...claimsOfInstalments.values(),
    ]);
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

/** What every window of a run shares: the customer, its chart, the report and what windows pass on. */
interface RunState {
  customer: CustomerConfig;
  ref: CustomerRef;
  accounts: AccountMapping;
  report: ReconciliationReport;
  lists: ReportLists;
  tally: WindowTally;
}

/** What a window of a run leaves for the windows after it, beyond the store. */
class WindowTally {
  /** Allocations dated outside the run's period, by key, reported at the run's end (see `placeAllocation`). */
  readonly allocationsOutside = new Map<string, Allocation>();
  /** The run's bank matching, window by window. */
  readonly bank = new BankMatchSweep({ kidDateWindowDays: BANK_REACH_DAYS });
  /** The last day of the bank lines fetched so far. */
  bankFetchedTo: IsoDate | undefined;
  /** Posting issues reported (by message). */
  readonly issuesSeen = new Set<string>();
  /** Issues about facts a window could not book, with their keys, until the run's end. */
  readonly unbooked: { issue: PostingIssue; keys: readonly string[] }[] = [];
}

/** One window of a run, planned. */
interface WindowPlan {
  snapshot: ReconciliationSnapshot;
  directory: ReadonlyMap<string, ClaimRef>;
  stored: StoredDirectory;
  rules: PostingRulesResult;
  latest: ReadonlyMap<string, LatestVersionWithEntry>;
  plan: PostingPlan;
  bankMatches: BankMatch[];
}

/** The run's lock, so the run's last write can release it (`released` once it has). */
interface HeldLock {
  readonly name: string;
  readonly owner: string;
  released: boolean;
}

/** What the mirror checks compare for a planned window, against the posted totals. */
function mirrorInput(
  w: WindowPlan,
  customer: CustomerConfig,
  accounts: AccountMapping,
  totals: ReadonlyMap<string, number>,
): MirrorInput {
  return {
    snapshot: w.snapshot,
    customer,
    clearingAccount: accounts.taxAccountClearing,
    desired: w.rules.entries,
    posted: { totals },
  };
}

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

/**
 * Adds a window's counts and sums to the report: each claim and payment in the one window that counts it (see
 * `isClaimHome`), each payout in its window, the open claims in the last.
 */
function addCounts(report: ReconciliationReport, snapshot: ReconciliationSnapshot, at: WindowPosition): void {
  const { counts, sums } = report;
  for (const claim of snapshot.claims) {
    if (!isClaimHome(claim, at)) continue;
    counts.claims++;
    counts.instalments += claim.instalments.length;
  }
  const paidIn: Ore[] = [sums.paidIn];
  for (const p of snapshot.payments) {
    if (!isPaymentHome(p, at)) continue;
    counts.payments++;
    paidIn.push(p.amount);
  }
  sums.paidIn = sumOre(paidIn);
  counts.payouts += snapshot.payouts.length;
  sums.paidOut = sumOre([sums.paidOut, ...snapshot.payouts.map((p) => p.amount)]);
  const open = snapshot.openClaims;
  if (open === undefined) return;
  counts.openClaims = open.claims.length;
  counts.unplacedPayments = open.unplacedPayments.length;
  sums.openRemaining = sumOre(open.claims.map((c) => c.remainingAmount));
  sums.unplaced = sumOre(open.unplacedPayments.map((p) => absOre(p.unplacedAmount ?? 0)));
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
    allocations: itemCount(report, 'allocations'),
    suggestions: itemCount(report, 'suggestions'),
    bankMatches: itemCount(report, 'bankMatches'),
    entries: { ...report.entries, postedKeys: itemCount(report, 'postedKeys') },
    assertions: {
      ok: report.assertions.ok,
      checked: report.assertions.checked,
      failed: report.assertions.failures.length,
    },
  };
}

/**
 * `value` when it is a whole number within the range (or Infinity, when `unbounded` allows it); a RangeError
 * naming the option otherwise.
 */
function wholeNumber(
  name: string,
  value: number,
  unit: string,
  range: { min: number; max?: number; unbounded?: boolean },
): number {
  if (range.unbounded && value === Number.POSITIVE_INFINITY) return value;
  const { min, max } = range;
  if (Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) return value;
  const bounds = max === undefined ? `, at least ${min}` : ` from ${min} to ${max}`;
  throw new RangeError(`${name} must be a whole number of ${unit}${bounds}`);
}

function describe(error: unknown): string {
  if (error instanceof KobError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
