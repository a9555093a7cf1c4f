// Public API of `nestjs-krav-og-betalinger/testing`: the KobSandbox (a local Krav og betalinger API with its
// Maskinporten and Altinn), its ledgers, faults and test helpers. Explicit named exports only.

export { KobSandbox } from './kob-sandbox.js';
export type {
  KobSandboxOptions,
  KobSandboxScenario,
  KobSandboxStats,
  KobSandboxUrls,
} from './kob-sandbox.js';

export type {
  SandboxFault,
  SandboxFaultTarget,
  SchemaViolation,
  TerminalFault,
} from './sandbox/http/fault.types.js';
export { startSandboxServer, DEFAULT_MAX_CONCURRENT_PER_PARTY } from './sandbox/http/sandbox-server.js';
export type { SandboxServer, SandboxServerOptions } from './sandbox/http/sandbox-server.js';
export { FaultController } from './sandbox/http/fault-controller.js';
export type { FaultDecision } from './sandbox/http/fault-controller.js';
export type { HttpStats } from './sandbox/http/sandbox-stats.js';
export { JsonNumber, writeJson } from './sandbox/http/json-writer.js';
export type {
  SandboxRequest,
  SandboxResponse,
  SandboxRoute,
  SandboxHandler,
} from './sandbox/http/http.types.js';

export { SandboxLedger, DEFAULT_SANDBOX_TODAY } from './sandbox/ledger/sandbox-ledger.js';
export type { SandboxLedgerOptions } from './sandbox/ledger/sandbox-ledger.js';
export type { GenerateOptions } from './sandbox/ledger/scenarios.js';
export type { ClosedPeriod } from './sandbox/ledger/ledger-queries.js';
export { checkLedgerInvariants } from './sandbox/ledger/ledger-invariants.js';
export type { PartyBookView } from './sandbox/ledger/party-book.js';
export type {
  PartyProfile,
  PaymentBehaviour,
  CalendarSchedule,
  SlotSchedule,
  ClaimTemplate,
  ScriptedPayment,
  StrayPaymentTemplate,
} from './sandbox/ledger/ledger.types.js';
export type { ClaimKind } from './sandbox/ledger/claim-catalog.js';
export { isoToDay, dayToIso } from './sandbox/ledger/day.js';
export type { Day } from './sandbox/ledger/day.js';

export {
  kobApiRoutes,
  kobApiServerHooks,
  KOB_ENDPOINTS,
  API_PATH_PREFIXES,
} from './sandbox/api/kob-api.routes.js';
export type { KobApiRouteOptions, KobEndpoint } from './sandbox/api/kob-api.routes.js';
export { KB_ERRORS, THROTTLED_CODE } from './sandbox/api/kob-errors.js';
export type { KbErrorCode } from './sandbox/api/kob-errors.js';
export type { WireFormat, WireOptions } from './sandbox/api/wire-serialiser.js';

export {
  SandboxAuthority,
  createSandboxAuthority,
  SandboxAuthorityError,
  signTestGrant,
  tokenRequestBody,
  tokenKey,
} from './sandbox/authority/index.js';
export type {
  SandboxAuthorityOptions,
  SandboxBaseUrls,
  TestGrantInput,
  ApiCallAuthorization,
  ApiCallAuthorizationInput,
  ClientRegistration,
  ConsentSeed,
  Altinn2ConsentSeed,
} from './sandbox/authority/index.js';
