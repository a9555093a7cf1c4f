// Access status: per customer, where its access to Krav og betalinger stands (system user, Altinn 3 consent,
// legacy Altinn 2 consent) and what to do about it.

export type {
  AccessAction,
  AccessCheck,
  AccessState,
  AccessStatus,
  AccessType,
} from './access-state.model.js';
export { InMemoryAccessStateStore } from './access-state.store.js';
export type { AccessStateStore } from './access-state.store.js';
export {
  ALTINN2_TOKEN_MAX_CACHE_MS,
  AccessStatusService,
  CONSENT_EVENTS_CURSOR,
} from './access-status.service.js';
export type { AccessStatusServiceOptions, ConsentEventsResult } from './access-status.service.js';
export { ALTINN_SCOPES, AltinnClient } from './altinn.client.js';
export type { AltinnClientOptions, AltinnTokenSource } from './altinn.client.js';
export { AltinnError } from './altinn.error.js';
export type { AltinnOperation } from './altinn.error.js';
export type {
  ConsentEvent,
  ConsentEventsPage,
  ConsentRequestDetails,
  ConsentRequestStatus,
  CreateConsentRequest,
  CreateSystemUserRequest,
  SystemUser,
  SystemUserRequest,
  SystemUserRequestStatus,
} from './altinn.wire.js';
