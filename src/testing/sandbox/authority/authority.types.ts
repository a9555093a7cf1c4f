import type { JWK } from 'jose';
import type { Clock } from '../../../time/clock.js';
import type { RightsPackage } from '../../../domain/common.model.js';

/**
 * Where the sandbox's Maskinporten and Altinn are served. Known only after the server binds, so they can be set
 * later with {@link SandboxAuthority.setBaseUrls}. No trailing slash needed.
 * @publicApi
 */
export interface SandboxBaseUrls {
  /** Base of the Maskinporten routes; the issuer is this URL with a trailing slash. */
  maskinporten: string;
  /** Base of the Altinn 3 platform routes (and of the UI pages behind `confirmUrl`/`viewUri`). */
  altinn: string;
  /** Base of the Altinn 2 consent-token route; defaults to `altinn`. */
  altinn2?: string;
}

/** @publicApi */
export interface SandboxAuthorityOptions {
  /** Time source for every expiry decision (ms). Default: the machine clock. */
  clock?: Clock;
  baseUrls?: SandboxBaseUrls;
  /** `expires_in` of issued access tokens. Default 120 (Maskinporten's default client setting). */
  tokenLifetimeSeconds?: number;
  /** Maximum `exp - iat` of a grant. Default 120 (documented); at most 180 (observed server limit). */
  maxGrantLifetimeSeconds?: number;
  /** Extra clients registered on creation, besides the default one. */
  clients?: ClientRegistration[];
  /** Makes the default client id, vendor org and Altinn 2 API key reproducible. Keys are always fresh. */
  seed?: string | number;
  /** Organisation number of the default client (the vendor). Default: derived from the seed. */
  vendorOrg?: string;
  /** `aud` of access tokens when no `resource` was requested. Default `'unspecified'` (what Skatteetaten expects). */
  audienceWhenNoResource?: 'unspecified' | 'absent';
  /** Also accept the token-endpoint URL as grant `aud` (old behaviour; the current docs reject it). Default false. */
  acceptTokenEndpointAsAudience?: boolean;
  /** Tolerate a `sub` claim in grants (Altinn examples send `sub`; the docs reject undocumented claims). Default false. */
  allowSubClaim?: boolean;
  /** Consent events younger than this are not listed in the events feed. Default 300 (ALT-CE). */
  consentEventLagSeconds?: number;
  /** Page size of the consent events feed. Default 100. */
  consentEventsPageSize?: number;
  /** Age after which a `New` system-user request reads as `Timedout`. Default 180 days. */
  systemUserRequestTimeoutDays?: number;
  /** Sole traders: the organisation a person (fødselsnummer/D-nummer) owns, for party checks. */
  ownerOf?: (personId: string) => string | undefined;
}

/**
 * A Maskinporten client (integration). Grants are verified with its JWKs (by `kid`) or, for `x5c` grants, against
 * its registered certificates (matched on the leaf's public key).
 * @publicApi
 */
export interface ClientRegistration {
  /** Default: a random UUID. */
  clientId?: string;
  /** The owner's organisation number (9 digits). */
  org: string;
  scopes: readonly string[];
  /** Public (or private: the private part is dropped) RSA JWKs, each with a `kid`. */
  jwks?: readonly JWK[];
  /** X.509 certificates as PEM or base64 DER. */
  certificates?: readonly string[];
  /** Key lifetime: grants signed with a key registered with `expiresAt` (ms) fail MP-121 afterwards. */
  keyExpiresAt?: number;
}

/** What the sandbox knows about a registered client. @publicApi */
export interface RegisteredClient {
  clientId: string;
  org: string;
  scopes: readonly string[];
  kids: readonly string[];
  certificateCount: number;
}

/** A right of a system in Altinn's system register. @publicApi */
export interface SystemRight {
  resource: { id: string; value: string }[];
}

/** @publicApi */
export interface AccessPackageRef {
  urn: string;
}

/** A system in Altinn's system register, linked to Maskinporten client ids. @publicApi */
export interface SystemRegistration {
  /** `{vendorOrgNo}_{name}`, a-z 0-9 _. */
  id: string;
  vendorOrg: string;
  clientIds: readonly string[];
  rights?: readonly SystemRight[];
  accessPackages?: readonly AccessPackageRef[];
  /** Allowed `redirectUrl`s of requests. Undefined: any URL is accepted (sandbox convenience). */
  allowedRedirectUrls?: readonly string[];
}

/** @publicApi */
export type SystemUserRequestStatus = 'New' | 'Accepted' | 'Rejected' | 'Denied' | 'Timedout';

/** A system-user request as Altinn returns it (`RequestSystemResponse`). @publicApi */
export interface SystemUserRequestView {
  id: string;
  integrationTitle?: string;
  externalRef: string;
  systemId: string;
  partyOrgNo: string;
  rights: SystemRight[];
  accessPackages: AccessPackageRef[];
  status: SystemUserRequestStatus;
  redirectUrl?: string;
  confirmUrl: string;
  escalated: boolean;
}

/** A system user as Altinn's `byquery` returns it (`SystemUserDTO`). @publicApi */
export interface SystemUserView {
  id: string;
  systemId: string;
  reporteeOrgNo: string;
  supplierOrgno: string;
  externalRef: string;
}

/** @publicApi */
export type ConsentStatus = 'created' | 'accepted' | 'rejected' | 'revoked' | 'deleted' | 'expired';
/** @publicApi */
export type ConsentEventType = 'created' | 'accepted' | 'rejected' | 'revoked' | 'deleted' | 'used';

/** @publicApi */
export interface ConsentRight {
  action: string[];
  resource: { type: string; value: string }[];
  metadata?: Record<string, string>;
}

/** An Altinn 3 consent request as `GET .../consentrequests/{id}` returns it (`ConsentRequestDetailsDto`). @publicApi */
export interface ConsentRequestView {
  id: string;
  from: string;
  to: string;
  requiredDelegator?: string;
  handledBy?: string;
  validTo: string;
  consentRights: ConsentRight[];
  requestMessage?: Record<string, string>;
  status: ConsentStatus;
  consented?: string;
  redirectUrl: string;
  consentRequestEvents: {
    consentEventID: string;
    created: string;
    performedBy: string;
    /** Capitalised here (`Created`), lowercase in the events feed, as in Altinn's docs. */
    eventType: string;
    consentRequestID: string;
  }[];
  viewUri: string;
  portalViewMode: 'hide' | 'show';
}

/** Input of {@link SandboxAuthority.createConsent}. @publicApi */
export interface ConsentSeed {
  /** Default: a random UUID. */
  id?: string;
  /** Organisation number, person number or party URN of the one who consents. */
  from: string;
  /** Organisation number or URN of the consumer. Default: the default client's org. */
  to?: string;
  handledBy?: string;
  /** ISO 8601 or ms. Default: 90 days from now. */
  validTo?: string | number;
  /** Default `'accepted'`. */
  status?: 'created' | 'accepted';
  /** Default: one right on `ske-samtykke-krav-og-betalinger`. */
  consentRights?: ConsentRight[];
  redirectUrl?: string;
}

/** An Altinn 2 consent (legacy), fetched as a token by authorisation code. @publicApi */
export interface Altinn2ConsentSeed {
  /** Organisation number or person number of the one who consents. */
  offeredBy: string;
  /** Consumer org. Default: the default client's org. */
  coveredBy?: string;
  handledBy?: string;
  /** ISO 8601 or ms. Default: 90 days from now. */
  validTo?: string | number;
  /** Default `'accepted'`. */
  status?: 'created' | 'accepted';
  /** Default: 5928 / 202301 (Krav og betalinger `finans`). */
  services?: { serviceCode: string; serviceEditionCode: string; metadata?: Record<string, string> }[];
}

/** @publicApi */
export interface Altinn2ConsentView {
  authorizationCode: string;
  offeredBy: string;
  coveredBy: string;
  handledBy?: string;
  validTo: string;
  status: 'created' | 'accepted' | 'rejected' | 'revoked';
}

/** Input of {@link SandboxAuthority.authorizeApiCall}: one Krav og betalinger request. @publicApi */
export interface ApiCallAuthorizationInput {
  /** The `Authorization` header as received. */
  authorization?: string;
  /** The `AltinnSamtykke` header (Altinn 2 consent token), if any. */
  altinnSamtykke?: string;
  /** `{partIdentifikator}` from the path. */
  partyId: string;
  /** `{rettighetspakke}` from the path. */
  rightsPackage: RightsPackage | string;
  /** Per-call override of the options' `ownerOf`. */
  ownerOf?: (personId: string) => string | undefined;
}

/** @publicApi */
export type ApiCallAuthorization =
  | { ok: true; tokenKey: string; clientId: string; consumerOrg: string }
  | { ok: false; status: 401 | 403; kode: 'KB-004' | 'KB-005'; melding: string };

/** Token requests per token key, and other counters. @publicApi */
export interface AuthorityStats {
  tokenRequests: Record<string, number>;
}
