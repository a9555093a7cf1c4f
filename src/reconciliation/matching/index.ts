// Matching (pure): Skatteetaten's allocations, suggestions for unplaced payments, links to the host's bank lines.
// Explicit named exports only.

export { allocationsFromSnapshot } from './allocations.js';
export type {
  Allocation,
  AllocationEvidence,
  AllocationSource,
  PaymentAllocation,
  PayoutAllocation,
  SetOffAllocation,
} from './allocations.js';
export { suggestPlacements } from './suggestions.js';
export type { Suggestion, SuggestionEvidence, SuggestionRule, SuggestionScope } from './suggestions.js';
export { matchBankTransactions } from './bank-matching.js';
export type {
  BankMatch,
  BankMatchEvidence,
  BankMatchOptions,
  BankMatchResult,
  BankMatchRule,
} from './bank-matching.js';
export { normaliseBankAccount } from './bank-accounts.js';
