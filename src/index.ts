// Public API of nestjs-krav-og-betalinger. Explicit named exports only: anything not listed here is internal.

// Module and configuration
export { KravOgBetalingerModule } from './krav-og-betalinger.module.js';
export type {
  KravOgBetalingerModuleOptionsWithExtras,
  KravOgBetalingerModuleAsyncOptions,
} from './krav-og-betalinger.module-definition.js';
export { KOB_OPTIONS } from './krav-og-betalinger.constants.js';
export { InjectKobOptions } from './config/inject-kob-options.decorator.js';
export { kobConfig, KOB_CONFIG_NAMESPACE } from './config/kob.config.js';
export { buildKobConfig } from './config/kob-env.factory.js';
export type { KobEnv } from './config/kob-env.factory.js';
export { validateCustomerConfig, validateCustomerList } from './config/customer-config.validator.js';
export { validateModuleOptions, KOB_DEFAULTS, isCustomerSource } from './config/resolve-module-options.js';
export type {
  KobEnvironment,
  KobEnvironmentEndpoints,
  MaskinportenKey,
  SigningAlgorithm,
  JsonWebKeyInput,
  MaskinportenOptions,
  CustomerAccess,
  AccountMapping,
  CustomerConfig,
  CustomerSource,
  StoreOptions,
  ReconciliationOptions,
  ScheduleOptions,
  ScheduleDriverOption,
  BullmqDriverOptions,
  HttpOptions,
  KravOgBetalingerModuleOptions,
  BuiltinJournalDescriptor,
  AltinnOptions,
} from './config/module-options.interface.js';
export type {
  KravOgBetalingerModuleInput,
  ResolvedKobOptions,
  ResolvedKobEnvironment,
  ResolvedMaskinportenOptions,
  ResolvedHttpOptions,
  ResolvedReconciliationOptions,
  ResolvedScheduleOptions,
  ResolvedAltinnOptions,
} from './config/resolved-options.interface.js';

// Errors
export {
  KobError,
  InvalidAmountError,
  InvalidIdentifierError,
  InvalidDateError,
  PayloadValidationError,
  MalformedJsonError,
  ConfigurationError,
} from './errors/kob.error.js';
export type { KobErrorCode, ValidationIssue } from './errors/kob.error.js';

// Money, identifiers, dates
export {
  parseOre,
  assertOre,
  kronerToOre,
  addOre,
  subtractOre,
  sumOre,
  negateOre,
  absOre,
  compareOre,
  allocateOre,
  formatOre,
} from './domain/money.js';
export type { Ore } from './domain/money.js';
export {
  isValidOrganisationNumber,
  assertOrganisationNumber,
  makeOrganisationNumber,
  isValidPersonNumber,
  assertPersonNumber,
  personNumberKind,
  isSyntheticPersonNumber,
  makePersonNumber,
  partyKind,
  isValidKid,
  kidCheckMethod,
  makeKid,
  assertKid,
  normaliseAccountNumber,
  isValidAccountNumber,
  assertAccountNumber,
  makeAccountNumber,
  maskIdentifier,
  maskPersonNumbersInText,
} from './domain/identifiers.js';
export type { KidCheckMethod, PersonNumberKind, PartyKind } from './domain/identifiers.js';
export {
  isIsoDate,
  assertIsoDate,
  parseApiDate,
  addDays,
  addMonths,
  addYears,
  compareIsoDate,
  daysBetween,
  minDate,
  maxDate,
  todayInTimeZone,
} from './domain/dates.js';

// Domain model
export type {
  IsoDate,
  RightsPackage,
  Period,
  Party,
  BankAccount,
  Recipient,
  PaymentDetails,
  ClaimPeriod,
  Totals,
  ClaimGroupTotals,
} from './domain/common.model.js';
export type {
  PaymentPlacement,
  SetOffPlacement,
  Placement,
  InstalmentPayout,
  Instalment,
  Claim,
  CoveredClaim,
  ExternalSetOff,
} from './domain/claim.model.js';
export type { PaymentClaimPlacement, PaymentPayout, Payment } from './domain/payment.model.js';
export type { PaidOutCredit, RefundedPayment, Payout } from './domain/payout.model.js';
export type {
  OpenClaims,
  ClaimsInPeriod,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from './domain/responses.model.js';

// Wire format (the API's Norwegian names) and the tolerant reader
export {
  readOpenClaims,
  readClaims,
  readPayments,
  readPayouts,
  readOpenClaimsFromJson,
  readClaimsFromJson,
  readPaymentsFromJson,
  readPayoutsFromJson,
  readApiError,
  instalmentArithmetic,
  LosslessJson,
  parseLosslessJson,
  isJsonNumber,
  jsonNumberText,
} from './api/wire/index.js';
export type {
  AapneKrav,
  AlleKrav,
  Innbetalinger,
  Utbetalinger,
  Krav,
  Kravforfall,
  Innbetaling,
  Utbetaling,
  Feil,
} from './api/wire/index.js';

// Maskinporten
export { MaskinportenTokenProvider } from './auth/maskinporten-token.provider.js';
export type { AccessToken, TokenProviderOptions } from './auth/maskinporten-token.provider.js';
export { createGrantSigner } from './auth/grant-signer.js';
export type { GrantSigner } from './auth/grant-signer.js';
export type { TokenSubject, AuthorizationDetail } from './auth/grant-claims.js';
export { TokenAcquisitionError } from './auth/token-acquisition.error.js';
export type { Clock } from './time/clock.js';
export { systemClock } from './time/clock.js';

// Access status: system users and consents in Altinn
export {
  AccessStatusService,
  InMemoryAccessStateStore,
  AltinnClient,
  AltinnError,
  ALTINN_SCOPES,
  CONSENT_EVENTS_CURSOR,
  ALTINN2_TOKEN_MAX_CACHE_MS,
} from './auth/access/index.js';
export type {
  AccessAction,
  AccessCheck,
  AccessState,
  AccessStatus,
  AccessType,
  AccessStateStore,
  AccessStatusServiceOptions,
  ConsentEventsResult,
  AltinnClientOptions,
  AltinnTokenSource,
  AltinnOperation,
  ConsentEvent,
  ConsentEventsPage,
  ConsentRequestDetails,
  ConsentRequestStatus,
  CreateConsentRequest,
  CreateSystemUserRequest,
  SystemUser,
  SystemUserRequest,
  SystemUserRequestStatus,
} from './auth/access/index.js';

// Krav og betalinger API client
export { KravOgBetalingerClient, subjectFor } from './api/krav-og-betalinger.client.js';
export type {
  KravOgBetalingerClientOptions,
  AccessTokenSource,
  Altinn2ConsentTokenSource,
  KobApiCustomer,
} from './api/krav-og-betalinger.client.js';
export { KravOgBetalingerApiError } from './api/krav-og-betalinger-api.error.js';
export type { KobEndpoint } from './api/krav-og-betalinger-api.error.js';
export { splitIntoYearWindows, lastDayOfYearWindow, isWithinOneYear } from './api/period-windows.js';
export type { RetryPolicy } from './api/retry-policy.js';

// Reconciliation
export { ReconciliationService, UnknownCustomerError } from './reconciliation/reconciliation.service.js';
export type {
  ReconciliationServiceOptions,
  ReconcileOptions,
  AccessChecker,
} from './reconciliation/reconciliation.service.js';
export type { ReconciliationReport, ReportList } from './reconciliation/reconciliation-report.js';
export type { FactSource } from './reconciliation/fact-source.js';
export { checkMirror, mirrorSubjects } from './reconciliation/reconciliation-assertions.js';
export type {
  AssertionResult,
  MirrorInput,
  PostedTotals,
} from './reconciliation/reconciliation-assertions.js';
export {
  allocationsFromSnapshot,
  suggestPlacements,
  matchBankTransactions,
  normaliseBankAccount,
} from './reconciliation/matching/index.js';
export type {
  Allocation,
  AllocationEvidence,
  AllocationSource,
  PaymentAllocation,
  PayoutAllocation,
  SetOffAllocation,
  Suggestion,
  SuggestionEvidence,
  SuggestionRule,
  SuggestionScope,
  BankMatch,
  BankMatchEvidence,
  BankMatchOptions,
  BankMatchResult,
  BankMatchRule,
} from './reconciliation/matching/index.js';
export {
  buildSnapshot,
  entriesForSnapshot,
  planPostings,
  assertBalanced,
  UnbalancedEntryError,
  entryContentHash,
  sameEntryContent,
  entryEffects,
  entryParents,
  totalSubject,
  ClaimAccounts,
  classifyClaim,
} from './reconciliation/posting/index.js';
export type {
  ReconciliationSnapshot,
  DesiredEntry,
  PostingIssue,
  PostingRulesResult,
  PostingPlan,
  PlannedPosting,
  ClaimNature,
} from './reconciliation/posting/index.js';

// State store
export type {
  StateStore,
  OutboxStatus,
  NewOutboxEntry,
  OutboxEntry,
  AddToOutboxResult,
  PostedResult,
  MarkResult,
  LatestVersion,
  LatestVersionWithEntry,
  VersionQuery,
  PostedEffect,
  ListOutboxOptions,
  MatchRecord,
  StoredMatch,
  CustomerBlock,
  RunStatus,
  RunStart,
  RunFinish,
  RunRecord,
  StateBatch,
  MemoryStateStoreOptions,
  SqliteStateStoreOptions,
  PostgresStateStoreOptions,
  PostgresConnectOptions,
  CreateStateStoreOptions,
} from './store/index.js';
export {
  StateStoreError,
  SchemaVersionError,
  MemoryStateStore,
  SqliteStateStore,
  PostgresStateStore,
  DEFAULT_POSTGRES_SCHEMA,
  createStateStore,
  LATEST_SCHEMA_VERSION,
} from './store/index.js';

// Journal contract and the built-in adapters
export type {
  CustomerRef,
  JournalLine,
  JournalEntry,
  PostResult,
  BankTransaction,
  BalanceAssertion,
  JournalAdapter,
  MemoryJournalAdapterOptions,
  RecordedBalanceAssertion,
  RecordedPostCall,
  JsonlJournalAdapterOptions,
  JsonlRecord,
  JsonlEntryRecord,
  JsonlAssertionRecord,
  JsonlLineRecord,
  HledgerJournalAdapterOptions,
  BalanceMismatch,
} from './journal/index.js';
export {
  MemoryJournalAdapter,
  InjectedJournalFailure,
  JsonlJournalAdapter,
  HledgerJournalAdapter,
  FanOutJournalAdapter,
  createBuiltinJournal,
  journalBatchIssues,
  assertValidJournalBatch,
  assertValidBalanceAssertions,
  InvalidJournalEntryError,
  JournalFileError,
  BalanceAssertionError,
  standardAccountName,
} from './journal/index.js';

// Scheduling
export { CustomerRunner, RunnerShuttingDownError } from './scheduling/customer-runner.js';
export type {
  RunTrigger,
  RunListener,
  Reconciler,
  CustomerRunOptions,
  CustomerRunStatus,
  DrainResult,
} from './scheduling/customer-runner.js';
export { KobScheduler } from './scheduling/kob-scheduler.js';
export { LocalScheduleDriver, cronJobName } from './scheduling/local-schedule.driver.js';
export type { LocalScheduleDriverDeps, JitterTimers } from './scheduling/local-schedule.driver.js';
export type { CronJobRegistry } from './scheduling/cron-registry.js';
export type {
  ScheduleDriver,
  ScheduleDriverDeps,
  CustomerSourceLike,
} from './scheduling/schedule-driver.interface.js';
