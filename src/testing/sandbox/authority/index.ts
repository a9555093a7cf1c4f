export { SandboxAuthority, createSandboxAuthority } from './sandbox-authority.js';
export { SandboxAuthorityError } from './sandbox-authority.error.js';
export { signTestGrant, tokenRequestBody } from './test-grant.signer.js';
export { tokenKey } from './token-key.js';
export {
  SCOPES,
  DEFAULT_CLIENT_SCOPES,
  KOB_SYSTEM_RESOURCE,
  KOB_CONSENT_RESOURCE,
  KOB_ALTINN2_SERVICE,
  JWT_BEARER_GRANT_TYPE,
} from './authority.constants.js';
export type { TestGrantInput } from './test-grant.signer.js';
export type { TokenKeyParts } from './token-key.js';
export type { ConsentResourceDefinition } from './altinn-route.context.js';
export type { AccessTokenCheck, AccessTokenFailure } from './access-token.verifier.js';
export type {
  AccessPackageRef,
  Altinn2ConsentSeed,
  Altinn2ConsentView,
  ApiCallAuthorization,
  ApiCallAuthorizationInput,
  AuthorityStats,
  ClientRegistration,
  ConsentEventType,
  ConsentRequestView,
  ConsentRight,
  ConsentSeed,
  ConsentStatus,
  RegisteredClient,
  SandboxAuthorityOptions,
  SandboxBaseUrls,
  SystemRegistration,
  SystemRight,
  SystemUserRequestStatus,
  SystemUserRequestView,
  SystemUserView,
} from './authority.types.js';
