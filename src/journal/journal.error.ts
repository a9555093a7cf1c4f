import { KobError, type ValidationIssue } from '../errors/kob.error.js';

/**
 * A batch given to a journal adapter holds an entry that does not balance or is malformed (fewer than two lines,
 * a line with both or neither of debit and credit, a zero, negative or unsafe amount, a bad date, key or account).
 * The whole batch is rejected and nothing is written. Issues name the entry by index and idempotency key; the
 * message never repeats descriptions (they may hold personal data).
 * @publicApi
 */
export class InvalidJournalEntryError extends KobError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], subject = 'Journal batch') {
    const shown = issues
      .slice(0, 10)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    const more = issues.length > 10 ? `; and ${issues.length - 10} more` : '';
    super(`${subject} rejected, nothing written: ${shown}${more}`, { code: 'KOB_JOURNAL_ENTRY_INVALID' });
    this.issues = issues;
  }
}

/**
 * A journal file the adapter cannot use: unreadable or unwritable (`KOB_JOURNAL_READ_FAILED`,
 * `KOB_JOURNAL_WRITE_FAILED`, with the file system error as `cause`), holding a line that is not its own format
 * in the middle of the file (`KOB_JOURNAL_CORRUPT`), or written for another customer or organisation number
 * (`KOB_JOURNAL_CUSTOMER_MISMATCH`). The adapter refuses to write rather than risk posting an entry twice or
 * into the wrong company's ledger.
 * @publicApi
 */
export class JournalFileError extends KobError {
  /** The file concerned. */
  readonly file: string;

  constructor(message: string, options: { code: string; file: string; cause?: unknown }) {
    super(message, { code: options.code, cause: options.cause });
    this.file = options.file;
  }
}

/** One account whose balance differs from the asserted one. @publicApi */
export interface BalanceMismatch {
  account: string;
  /** Debit-positive øre. */
  expected: number;
  actual: number;
  /** actual − expected. */
  difference: number;
}

/**
 * Balances asserted through `assertBalances` differ from what the ledger holds (raised by ledgers that check
 * assertions when they are made, such as {@link MemoryJournalAdapter}). Lists every mismatching account.
 * @publicApi
 */
export class BalanceAssertionError extends KobError {
  readonly date: string;
  readonly mismatches: readonly BalanceMismatch[];

  constructor(date: string, mismatches: readonly BalanceMismatch[]) {
    const shown = mismatches
      .map(
        (m) => `${m.account}: expected ${m.expected} øre, actual ${m.actual} øre, difference ${m.difference}`,
      )
      .join('; ');
    super(`Balance assertion on ${date} failed: ${shown}`, { code: 'KOB_JOURNAL_ASSERTION_FAILED' });
    this.date = date;
    this.mismatches = mismatches;
  }
}
