import type { IsoDate, Period } from '../domain/common.model.js';
import type { Ore } from '../domain/money.js';

/** Who the entries are for: enough for an adapter to pick the right company ledger. @publicApi */
export interface CustomerRef {
  id: string;
  organisasjonsnummer: string;
}

/** One line of a journal entry. Exactly one of `debit` and `credit` is a positive amount in øre. @publicApi */
export interface JournalLine {
  account: string;
  debit?: Ore;
  credit?: Ore;
  description?: string;
  kid?: string;
  reference?: string;
}

/**
 * A balanced journal entry (sum of debits = sum of credits, to the øre). Entries are append-only: a fact that
 * changed produces an entry with `reverses` set to the key of the entry it cancels, plus a new entry.
 * @publicApi
 */
export interface JournalEntry {
  /** Deterministic key built from the source identifiers; adapters must post each key at most once. */
  idempotencyKey: string;
  date: IsoDate;
  description: string;
  lines: JournalLine[];
  source: { kind: string; ids: string[] };
  reverses?: string;
}

/** @publicApi */
export interface PostResult {
  idempotencyKey: string;
  /** `duplicate`: the key was posted before and nothing was written. */
  status: 'posted' | 'duplicate';
  ref?: string;
}

/** A bank line from the host's ledger, for linking Skatteetaten payments to it. @publicApi */
export interface BankTransaction {
  id: string;
  date: IsoDate;
  /** Positive = money out of the customer's bank account (a payment to Skatteetaten). */
  amount: Ore;
  kid?: string;
  counterpartyAccount?: string;
  ownAccount?: string;
  text?: string;
}

/** An account balance the ledger must show, debit-positive (a liability's credit balance is negative). @publicApi */
export interface BalanceAssertion {
  account: string;
  amount: Ore;
  description?: string;
}

/**
 * The host's ledger, as the module sees it. `postEntries` must be idempotent on `idempotencyKey`.
 * @publicApi
 */
export interface JournalAdapter {
  postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]>;
  /** Optional: bank lines the host booked, so Skatteetaten payments can be linked to them. */
  findBankTransactions?(customer: CustomerRef, period: Period): Promise<BankTransaction[]>;
  /**
   * Optional: record balances the ledger must show on `date` (Skatteetaten's figures), for ledgers that can check
   * them themselves (hledger balance assertions).
   */
  assertBalances?(customer: CustomerRef, date: IsoDate, balances: BalanceAssertion[]): Promise<void>;
}
