import type { IsoDate, Period } from '../domain/common.model.js';
import type { Ore } from '../domain/money.js';
import type { Allocation } from './matching/allocations.js';
import type { BankMatch } from './matching/bank-matching.js';
import type { Suggestion } from './matching/suggestions.js';
import type { PostingIssue } from './posting/posting-rules.js';
import type { AssertionResult } from './reconciliation-assertions.js';

/**
 * What one reconciliation run of one customer did and found.
 * - `ok`: entries posted (or none needed) and every assertion held.
 * - `blocked`: an assertion failed now or in an earlier run: nothing is posted automatically until
 *   `ReconciliationService.unblock` is called.
 * - `skipped`: the customer is disabled or its access is not valid (see `reason`).
 * - `failed`: fetching or posting failed; pending entries are delivered by the next run.
 * @publicApi
 */
export interface ReconciliationReport {
  runId: string;
  customerId: string;
  asOf: IsoDate;
  dryRun: boolean;
  status: 'ok' | 'blocked' | 'skipped' | 'failed';
  reason?: string;
  /** Period fetched for claims, payments and payouts. */
  window?: Required<Period>;
  counts: {
    claims: number;
    instalments: number;
    openClaims: number;
    payments: number;
    unplacedPayments: number;
    payouts: number;
  };
  sums: {
    /** Remaining on open claims (debts minus credits). */
    openRemaining: Ore;
    /** Unplaced on payments. */
    unplaced: Ore;
    paidIn: Ore;
    paidOut: Ore;
  };
  allocations: Allocation[];
  suggestions: Suggestion[];
  bankMatches: BankMatch[];
  unmatched: { paymentIds: string[]; bankTransactionIds: string[] };
  postingIssues: PostingIssue[];
  entries: {
    /** Entries the facts call for (in scope). */
    desired: number;
    unchanged: number;
    added: number;
    changed: number;
    reversed: number;
    outOfScope: number;
    /** Delivered to the journal in this run (including pending ones from an interrupted run). */
    posted: number;
    /** The journal already had them. */
    duplicate: number;
    /**
     * Entries of the journal call that failed, marked failed in the outbox. With `journalBatchSize`, the batches
     * before it count as posted or duplicate, and the entries after it were not sent (they stay pending).
     */
    failed: number;
    /** Keys of the entries delivered in this run, in order. */
    postedKeys: string[];
  };
  assertions: { ok: boolean; checked: number; failures: AssertionResult[] };
  /**
   * How many items each list left out when the service's `reportItemLimit` capped it; absent when nothing was
   * left out. Counts, sums and entry counts always cover everything.
   */
  omitted?: Partial<Record<ReportList, number>>;
  durationMs: number;
}

/**
 * The report's lists, as `reportItemLimit` and {@link ReconciliationReport.omitted} name them:
 * `unmatchedPaymentIds` and `unmatchedBankTransactionIds` are `unmatched.paymentIds` and
 * `unmatched.bankTransactionIds`, `postedKeys` is `entries.postedKeys`.
 * @publicApi
 */
export type ReportList =
  | 'allocations'
  | 'suggestions'
  | 'bankMatches'
  | 'unmatchedPaymentIds'
  | 'unmatchedBankTransactionIds'
  | 'postingIssues'
  | 'postedKeys';
