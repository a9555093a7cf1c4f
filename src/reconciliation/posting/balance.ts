import { KobError } from '../../errors/kob.error.js';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';

/**
 * A journal entry that must not reach the ledger: fewer than two lines, a line without exactly one positive
 * safe-integer amount, an empty account, or debits and credits that differ. Names the entry's key; `difference`
 * is Σdebit − Σcredit in øre (0 when the sums agree and another rule failed).
 * @publicApi
 */
export class UnbalancedEntryError extends KobError {
  readonly idempotencyKey: string;
  readonly difference: number;
  readonly reason: string;

  constructor(idempotencyKey: string, difference: number, reason: string) {
    super(`Journal entry ${idempotencyKey} is not balanced: ${reason}`, { code: 'KOB_ENTRY_UNBALANCED' });
    this.idempotencyKey = idempotencyKey;
    this.difference = difference;
    this.reason = reason;
  }
}

/**
 * Checks an entry before it goes to an adapter: at least two lines, each with a non-empty account and exactly
 * one of `debit`/`credit`, a positive safe integer of øre, and Σdebit = Σcredit exactly. Throws an
 * {@link UnbalancedEntryError}; returns the entry otherwise.
 * @publicApi
 */
export function assertBalanced<T extends Pick<JournalEntry, 'idempotencyKey' | 'lines'>>(entry: T): T {
  const key = entry.idempotencyKey;
  if (entry.lines.length < 2)
    throw new UnbalancedEntryError(key, 0, `has ${entry.lines.length} line(s), needs at least 2`);
  let debit = 0;
  let credit = 0;
  for (let i = 0; i < entry.lines.length; i++) {
    const line = entry.lines[i];
    const hasDebit = line.debit !== undefined;
    const hasCredit = line.credit !== undefined;
    if (hasDebit === hasCredit) {
      throw new UnbalancedEntryError(key, 0, `line ${i} must have exactly one of debit and credit`);
    }
    const amount = (hasDebit ? line.debit : line.credit) as number;
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new UnbalancedEntryError(key, 0, `line ${i} amount must be a positive safe integer of øre`);
    }
    if (typeof line.account !== 'string' || line.account.trim() === '') {
      throw new UnbalancedEntryError(key, 0, `line ${i} has no account`);
    }
    if (hasDebit) debit += amount;
    else credit += amount;
  }
  if (!Number.isSafeInteger(debit) || !Number.isSafeInteger(credit)) {
    throw new UnbalancedEntryError(key, 0, 'sums exceed the safe integer range of øre');
  }
  if (debit !== credit) {
    throw new UnbalancedEntryError(
      key,
      debit - credit,
      `debits ${debit} øre, credits ${credit} øre (difference ${debit - credit})`,
    );
  }
  return entry;
}
