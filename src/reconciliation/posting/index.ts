// Posting rules (pure): snapshot → desired entries → plan of what to post. Explicit named exports only.

export { buildSnapshot, indexSnapshot } from './snapshot.js';
export type { ReconciliationSnapshot, SnapshotIndex, SnapshotSources } from './snapshot.js';
export { classifyClaim, lookupClaimType, natureFromText } from './claim-nature.js';
export type { ClaimNature, ClaimTypeInfo, ClaimTypeSource } from './claim-nature.js';
export { ClaimAccounts, claimDirectory, normaliseClaimGroup } from './claim-accounts.js';
export type {
  ClaimAccountContext,
  ClaimRef,
  LiabilityRule,
  Recognition,
  ResolvedLiability,
} from './claim-accounts.js';
export { entriesForSnapshot, snapshotParents } from './posting-rules.js';
export type {
  DesiredEntry,
  EntryFact,
  EntryFlag,
  PostingCustomer,
  PostingIssue,
  PostingIssueKind,
  PostingRulesOptions,
  PostingRulesResult,
  SnapshotParents,
} from './posting-rules.js';
export { applyPlan, planPostings } from './entry-diff.js';
export type { LatestVersion, PlannedPosting, PlanOptions, PostingPlan } from './entry-diff.js';
export { factKey, keyPrefix, parentsOfKey, reversalKey, versionKey } from './entry-keys.js';
export type { FactKind } from './entry-keys.js';
export { assertBalanced, UnbalancedEntryError } from './balance.js';
export {
  canonicalEntryContent,
  canonicalJson,
  entryContentHash,
  sameEntryContent,
  sha256Hex,
} from './content-hash.js';
export { entryTouches } from './entry-touches.js';
export { entryEffects, entryParents, totalSubject } from './entry-effects.js';
export { directoryLookups, instalmentClaimRows, missingPrincipals } from './directory-lookups.js';
export type { DirectoryLookups } from './directory-lookups.js';
export type { EntryTouches } from './entry-touches.js';
