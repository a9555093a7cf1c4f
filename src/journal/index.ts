export type {
  CustomerRef,
  JournalLine,
  JournalEntry,
  PostResult,
  BankTransaction,
  BalanceAssertion,
  JournalAdapter,
} from './journal-adapter.interface.js';
export { MemoryJournalAdapter, InjectedJournalFailure } from './memory-journal.adapter.js';
export type {
  MemoryJournalAdapterOptions,
  RecordedBalanceAssertion,
  RecordedPostCall,
} from './memory-journal.adapter.js';
export { JsonlJournalAdapter } from './jsonl-journal.adapter.js';
export type {
  JsonlJournalAdapterOptions,
  JsonlRecord,
  JsonlEntryRecord,
  JsonlAssertionRecord,
  JsonlLineRecord,
} from './jsonl-journal.adapter.js';
export { HledgerJournalAdapter } from './hledger-journal.adapter.js';
export type { HledgerJournalAdapterOptions } from './hledger-journal.adapter.js';
export { FanOutJournalAdapter } from './fan-out-journal.adapter.js';
export { createBuiltinJournal } from './builtin-journal.factory.js';
export {
  journalBatchIssues,
  assertValidJournalBatch,
  assertValidBalanceAssertions,
} from './journal-entry.validation.js';
export { InvalidJournalEntryError, JournalFileError, BalanceAssertionError } from './journal.error.js';
export type { BalanceMismatch } from './journal.error.js';
export { standardAccountName } from './standard-account-names.js';
