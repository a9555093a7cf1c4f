import type { IsoDate, Period } from '../domain/common.model.js';
import type {
  BalanceAssertion,
  BankTransaction,
  CustomerRef,
  JournalAdapter,
  JournalEntry,
  PostResult,
} from './journal-adapter.interface.js';

/**
 * Posts every batch to several journals in turn, e.g. the hledger journal an accountant checks and a JSON-lines
 * feed another system reads. Each target is idempotent on the entry key, so when one fails after another has
 * written, the retry (the outbox keeps the batch pending) finds the first a `duplicate` and completes the rest.
 * An entry counts as `posted` when any target wrote it, `duplicate` when every target had it already. Bank
 * lines come from the first target that offers them; balance assertions go to every target that takes them.
 * @publicApi
 */
export class FanOutJournalAdapter implements JournalAdapter {
  readonly findBankTransactions?: (customer: CustomerRef, period: Period) => Promise<BankTransaction[]>;

  constructor(private readonly targets: readonly JournalAdapter[]) {
    if (targets.length === 0) throw new RangeError('FanOutJournalAdapter needs at least one journal');
    const bankSource = targets.find((t) => typeof t.findBankTransactions === 'function');
    if (bankSource?.findBankTransactions) {
      this.findBankTransactions = (customer, period) => bankSource.findBankTransactions!(customer, period);
    }
  }

  async postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
    const byKey = new Map<string, PostResult>();
    for (const target of this.targets) {
      for (const result of await target.postEntries(customer, entries)) {
        const seen = byKey.get(result.idempotencyKey);
        if (!seen) byKey.set(result.idempotencyKey, { ...result });
        else if (result.status === 'posted') seen.status = 'posted';
      }
    }
    return entries.map(
      (e) => byKey.get(e.idempotencyKey) ?? { idempotencyKey: e.idempotencyKey, status: 'duplicate' },
    );
  }

  async assertBalances(customer: CustomerRef, date: IsoDate, balances: BalanceAssertion[]): Promise<void> {
    for (const target of this.targets) await target.assertBalances?.(customer, date, balances);
  }
}
