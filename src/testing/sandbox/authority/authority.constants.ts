/** Fixed names from the Maskinporten and Altinn documentation (reference `maskinporten-altinn.md`). */

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export const SUPPORTED_GRANT_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;

export const SYSTEMUSER_DETAIL_TYPE = 'urn:altinn:systemuser';
export const CONSENT_DETAIL_TYPE = 'urn:altinn:consent';

/** ISO 6523 authority used in `consumer`, `supplier`, `systemuser_org` and consent `to`. */
export const ISO6523_AUTHORITY = 'iso6523-actorid-upis';

export const ORG_URN_PREFIX = 'urn:altinn:organization:identifier-no:';
export const PERSON_URN_PREFIX = 'urn:altinn:person:identifier-no:';

/** Scopes the sandbox knows by name. */
export const SCOPES = {
  kravOgBetalinger: 'skatteetaten:kravogbetalinger',
  systemRegisterWrite: 'altinn:authentication/systemregister.write',
  systemUserRequestRead: 'altinn:authentication/systemuser.request.read',
  systemUserRequestWrite: 'altinn:authentication/systemuser.request.write',
  consentRequestsRead: 'altinn:consentrequests.read',
  consentRequestsWrite: 'altinn:consentrequests.write',
  consentRequestsOrg: 'altinn:consentrequests.org',
  /** Altinn 2 consent-token fetch with a Maskinporten token (DSOP). */
  consentTokens: 'altinn:consenttokens',
} as const;

/** Scopes of the client the sandbox registers on creation. */
export const DEFAULT_CLIENT_SCOPES: readonly string[] = [
  SCOPES.kravOgBetalinger,
  SCOPES.systemRegisterWrite,
  SCOPES.systemUserRequestRead,
  SCOPES.systemUserRequestWrite,
  SCOPES.consentRequestsRead,
  SCOPES.consentRequestsWrite,
  SCOPES.consentTokens,
];

/** Altinn resource a `regnskapssystem` system user is granted (system register right). */
export const KOB_SYSTEM_RESOURCE = 'ske-krav-og-betalinger';
/** Altinn 3 consent resource for Krav og betalinger `finans` (TT02). */
export const KOB_CONSENT_RESOURCE = 'ske-samtykke-krav-og-betalinger';
/** Altinn 2 service for Krav og betalinger `finans`. */
export const KOB_ALTINN2_SERVICE = { serviceCode: '5928', serviceEditionCode: '202301' } as const;

/** Documented top-level grant claims; anything else is rejected ("Invalid assertion"). */
export const DOCUMENTED_GRANT_CLAIMS: ReadonlySet<string> = new Set([
  'aud',
  'iss',
  'iat',
  'exp',
  'jti',
  'scope',
  'resource',
  'pid',
  'consumer_org',
  'iss_onbehalfof',
  'authorization_details',
]);

/** Fields allowed inside each `authorization_details` entry, by type. */
export const AUTHORIZATION_DETAIL_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  [SYSTEMUSER_DETAIL_TYPE]: new Set(['type', 'systemuser_org', 'externalRef']),
  [CONSENT_DETAIL_TYPE]: new Set(['type', 'id', 'from']),
};

/** Allowed clock skew for `iat`/`exp` (DG-GRANT, issue #19603). */
export const GRANT_CLOCK_SKEW_SECONDS = 10;
/** Documented maximum `exp - iat`; the server is observed to allow up to 180. */
export const DEFAULT_MAX_GRANT_LIFETIME_SECONDS = 120;
export const MAX_GRANT_LIFETIME_CEILING_SECONDS = 180;

/** Altinn 2 consent tokens live 30 s (A2-TOK). */
export const ALTINN2_CONSENT_TOKEN_LIFETIME_SECONDS = 30;
/** `iss` of Altinn 2 consent tokens (Altinn docs, "bruk av token"). */
export const ALTINN2_CONSENT_TOKEN_ISSUER = 'altinn.no';

/** Only consent events older than this are listed in the events feed (ALT-CE). */
export const DEFAULT_CONSENT_EVENT_LAG_SECONDS = 300;
export const DEFAULT_CONSENT_EVENTS_PAGE_SIZE = 100;
/** Requests older than this are flagged `Timedout` (AUTHN `RequestRepository.cs`). */
export const DEFAULT_SYSTEM_USER_REQUEST_TIMEOUT_DAYS = 180;
