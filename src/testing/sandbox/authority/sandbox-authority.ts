import { randomUUID } from 'node:crypto';
import { SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { systemClock, type Clock } from '../../../time/clock.js';
import type { SandboxRequest, SandboxRoute } from '../http/http.types.js';
import {
  ALTINN2_CONSENT_TOKEN_ISSUER,
  ALTINN2_CONSENT_TOKEN_LIFETIME_SECONDS,
  DEFAULT_CLIENT_SCOPES,
  DEFAULT_CONSENT_EVENT_LAG_SECONDS,
  DEFAULT_CONSENT_EVENTS_PAGE_SIZE,
  DEFAULT_MAX_GRANT_LIFETIME_SECONDS,
  DEFAULT_SYSTEM_USER_REQUEST_TIMEOUT_DAYS,
  KOB_ALTINN2_SERVICE,
  KOB_CONSENT_RESOURCE,
  KOB_SYSTEM_RESOURCE,
  MAX_GRANT_LIFETIME_CEILING_SECONDS,
} from './authority.constants.js';
import type {
  Altinn2ConsentSeed,
  Altinn2ConsentView,
  ApiCallAuthorization,
  ApiCallAuthorizationInput,
  AuthorityStats,
  ClientRegistration,
  ConsentRequestView,
  ConsentSeed,
  RegisteredClient,
  SandboxAuthorityOptions,
  SandboxBaseUrls,
  SystemRegistration,
  SystemUserRequestStatus,
  SystemUserRequestView,
} from './authority.types.js';
import { accessTokenClaims, signAccessToken } from './access-token.issuer.js';
import { AccessTokenVerifier, type AccessTokenCheck } from './access-token.verifier.js';
import { createAltinn2ConsentRoutes } from './altinn2-consent.routes.js';
import {
  Altinn2ConsentStore,
  altinn2ConsentView,
  type Altinn2ConsentRecord,
} from './altinn2-consent.store.js';
import { createConsentRoutes } from './altinn-consent.routes.js';
import type { AltinnRouteContext, ConsentResourceDefinition } from './altinn-route.context.js';
import { createSystemUserRoutes } from './altinn-system-user.routes.js';
import { createAltinnUiRoutes } from './altinn-ui.routes.js';
import { authorizeApiCall } from './api-access.policy.js';
import { ClientRegistry } from './client.registry.js';
import { ConsentStore, consentRequestView } from './consent.store.js';
import { GrantValidator, type GrantValidation } from './grant.validator.js';
import { generateClientKeyPair, generateSigningKey, type SigningKey } from './key-material.js';
import {
  createMaskinportenRoutes,
  handleTokenRequest,
  type MaskinportenRouteContext,
} from './maskinporten.routes.js';
import { orgNumberFromSeed, parseInstant, parseParty, secretFromSeed, uuidFromSeed } from './party.util.js';
import { SandboxAuthorityError } from './sandbox-authority.error.js';
import { SystemUserStore, systemUserRequestView } from './system-user.store.js';
import { signTestGrant } from './test-grant.signer.js';

const DAY_MS = 86_400_000;
const trimSlash = (url: string): string => url.replace(/\/+$/, '');

function positiveInteger(value: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new SandboxAuthorityError(`${name} must be an integer between 1 and ${max}`);
  }
  return value;
}

function instant(value: string | number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const ms = parseInstant(value);
  if (ms === undefined) throw new SandboxAuthorityError(`${name} must be an ISO 8601 date-time or ms`);
  return ms;
}

/**
 * The authority half of `KobSandbox`: a local Maskinporten and Altinn that behave as the references describe, with
 * test hooks for everything a customer would do in Altinn's portal. Time comes from the injected clock only.
 *
 * Endpoints (mount with {@link maskinportenRoutes} and {@link altinnRoutes}, then call {@link setBaseUrls}):
 * - Maskinporten: `GET /.well-known/oauth-authorization-server`, `GET /jwk`, `POST /token` (jwt-bearer,
 *   form-encoded; every documented check, errors `{error, error_description}` with `MP-nnn` and a correlation id).
 * - Altinn system users: `POST /authentication/api/v1/systemuser/request/vendor`, `GET .../request/vendor/{id}`,
 *   `GET .../request/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}`, `GET .../request/vendor/bysystem/{systemId}`,
 *   `GET /authentication/api/v1/systemuser/vendor/byquery?system-id=&orgno=&external-ref=`.
 * - Altinn 3 consent: `POST /accessmanagement/api/v1/enterprise/consentrequests` (idempotent on id),
 *   `GET .../consentrequests/{id}`, `GET .../consentrequests/events` (continuation token, 5-minute lag).
 * - Altinn 2 consent: `GET /api/authorization/token?authcode=` (30-s consent token), `GET /api/metadata/jwk`.
 * - Approval pages behind `confirmUrl`/`viewUri`: `/accessmanagement/ui/systemuser/request`, `/accessmanagement/ui/consent/request`.
 *
 * Krav og betalinger access is decided by {@link authorizeApiCall} (401 KB-004 / 403 KB-005).
 * @publicApi
 */
export class SandboxAuthority {
  /** The default client's id, its owner org (the vendor), and its system in Altinn's system register. */
  readonly clientId: string;
  readonly vendorOrg: string;
  readonly systemId: string;
  /** The default client's PRIVATE JWK (with `kid`, `alg`), for signing grants in tests and demos. */
  readonly clientKey: { jwk: JWK };
  /** The Altinn 2 `ApiKey` registered to the vendor org. */
  readonly altinn2ApiKey: string;

  private readonly clock: Clock;
  private readonly clients = new ClientRegistry();
  private readonly systemUsers: SystemUserStore;
  private readonly consents: ConsentStore;
  private readonly altinn2Consents: Altinn2ConsentStore;
  private readonly validator: GrantValidator;
  private readonly consentResources = new Map<string, ConsentResourceDefinition>([
    [KOB_CONSENT_RESOURCE, { requiredMetadata: [] }],
  ]);
  private readonly counts = new Map<string, number>();
  private readonly tokenVerifier: AccessTokenVerifier;
  private urls: Required<SandboxBaseUrls>;
  private tokenLifetimeSeconds: number;

  /** Creates the sandbox: generates the Maskinporten and Altinn signing keys and the default client's key pair. */
  static async create(options: SandboxAuthorityOptions = {}): Promise<SandboxAuthority> {
    const [maskinportenKey, altinnKey, clientKeys] = await Promise.all([
      generateSigningKey(),
      generateSigningKey(),
      generateClientKeyPair(),
    ]);
    return new SandboxAuthority(options, maskinportenKey, altinnKey, clientKeys);
  }

  private constructor(
    private readonly options: SandboxAuthorityOptions,
    private readonly maskinportenKey: SigningKey,
    private readonly altinnKey: SigningKey,
    clientKeys: { privateJwk: JWK; publicJwk: JWK },
  ) {
    this.clock = options.clock ?? systemClock;
    this.tokenVerifier = new AccessTokenVerifier(maskinportenKey);
    this.tokenLifetimeSeconds = positiveInteger(options.tokenLifetimeSeconds ?? 120, 'tokenLifetimeSeconds');
    const maxGrantLifetime = positiveInteger(
      options.maxGrantLifetimeSeconds ?? DEFAULT_MAX_GRANT_LIFETIME_SECONDS,
      'maxGrantLifetimeSeconds',
      MAX_GRANT_LIFETIME_CEILING_SECONDS,
    );
    this.urls = {
      maskinporten: 'http://maskinporten.sandbox.invalid',
      altinn: 'http://altinn.sandbox.invalid',
      altinn2: 'http://altinn.sandbox.invalid',
    };
    if (options.baseUrls) this.setBaseUrls(options.baseUrls);

    this.systemUsers = new SystemUserStore(
      this.clock,
      options.systemUserRequestTimeoutDays ?? DEFAULT_SYSTEM_USER_REQUEST_TIMEOUT_DAYS,
    );
    this.consents = new ConsentStore(this.clock);
    this.altinn2Consents = new Altinn2ConsentStore(this.clock);
    this.validator = new GrantValidator({
      clock: this.clock,
      clients: this.clients,
      systemUsers: this.systemUsers,
      consents: this.consents,
      issuer: () => this.issuer,
      tokenEndpoint: () => this.tokenEndpoint,
      maxGrantLifetimeSeconds: maxGrantLifetime,
      acceptTokenEndpointAsAudience: options.acceptTokenEndpointAsAudience ?? false,
      allowSubClaim: options.allowSubClaim ?? false,
    });

    this.vendorOrg = options.vendorOrg ?? orgNumberFromSeed(options.seed, 'vendor-org');
    this.clientId = this.clients.registerClient({
      clientId: uuidFromSeed(options.seed, 'client-id'),
      org: this.vendorOrg,
      scopes: DEFAULT_CLIENT_SCOPES,
      jwks: [clientKeys.publicJwk],
    }).clientId;
    this.clientKey = { jwk: clientKeys.privateJwk };
    this.systemId = `${this.vendorOrg}_kob_sandbox`;
    this.clients.registerSystem({
      id: this.systemId,
      vendorOrg: this.vendorOrg,
      clientIds: [this.clientId],
      rights: [{ resource: [{ id: 'urn:altinn:resource', value: KOB_SYSTEM_RESOURCE }] }],
      accessPackages: [
        { urn: 'urn:altinn:accesspackage:kravogutlegg' },
        { urn: 'urn:altinn:accesspackage:skattegrunnlag' },
      ],
    });
    this.altinn2ApiKey = secretFromSeed(options.seed, 'altinn2-api-key');
    for (const client of options.clients ?? []) this.registerClient(client);
  }

  // ---------------------------------------------------------------------------------------------------------
  // URLs and routes

  /** Sets where the routes are served (after the server binds). The issuer becomes `maskinporten` + `/`. */
  setBaseUrls(urls: SandboxBaseUrls): void {
    const altinn = trimSlash(urls.altinn);
    this.urls = {
      maskinporten: trimSlash(urls.maskinporten),
      altinn,
      altinn2: trimSlash(urls.altinn2 ?? altinn),
    };
  }

  /** Maskinporten's issuer identifier: the required grant `aud` and the access tokens' `iss`. */
  get issuer(): string {
    return `${this.urls.maskinporten}/`;
  }

  get tokenEndpoint(): string {
    return `${this.urls.maskinporten}/token`;
  }

  get altinnBaseUrl(): string {
    return this.urls.altinn;
  }

  get altinn2BaseUrl(): string {
    return this.urls.altinn2;
  }

  /** `expires_in` of tokens issued from now on. */
  setTokenLifetimeSeconds(seconds: number): void {
    this.tokenLifetimeSeconds = positiveInteger(seconds, 'tokenLifetimeSeconds');
  }

  /** Public keys that sign access tokens (served at `/jwk`). */
  maskinportenJwks(): JSONWebKeySet {
    return { keys: [this.maskinportenKey.publicJwk] };
  }

  /** Public keys that sign Altinn 2 consent tokens (served at `/api/metadata/jwk`). */
  altinnJwks(): JSONWebKeySet {
    return { keys: [this.altinnKey.publicJwk] };
  }

  /** `mp.metadata`, `mp.jwk`, `mp.token`. */
  maskinportenRoutes(options: { prefix?: string } = {}): SandboxRoute[] {
    return createMaskinportenRoutes(this.maskinportenContext(), options.prefix ?? '');
  }

  /** System-user requests, Altinn 3 consent requests and events, Altinn 2 consent tokens, approval pages. */
  altinnRoutes(options: { prefix?: string } = {}): SandboxRoute[] {
    const ctx = this.altinnContext();
    const prefix = options.prefix ?? '';
    return [
      ...createSystemUserRoutes(ctx, prefix),
      ...createConsentRoutes(ctx, prefix),
      ...createAltinn2ConsentRoutes(ctx, prefix),
      ...createAltinnUiRoutes(ctx, prefix),
    ];
  }

  // ---------------------------------------------------------------------------------------------------------
  // Registrations

  /** Registers another Maskinporten client (JWKs and/or certificates). */
  registerClient(input: ClientRegistration): RegisteredClient {
    return this.clients.registerClient(input);
  }

  addClientKey(clientId: string, jwk: JWK, options: { expiresAt?: number } = {}): void {
    this.clients.addKey(clientId, jwk, options.expiresAt);
  }

  /** Registers a certificate (PEM or base64 DER); `x5c` grants whose leaf has its public key are accepted. */
  addClientCertificate(clientId: string, pemOrBase64Der: string, options: { expiresAt?: number } = {}): void {
    this.clients.addCertificate(clientId, pemOrBase64Der, options.expiresAt);
  }

  getClient(clientId: string): RegisteredClient | undefined {
    const record = this.clients.get(clientId);
    return record ? this.clients.describe(record) : undefined;
  }

  /** Registers a system in Altinn's system register (linking client ids for system-user tokens). */
  registerSystem(input: SystemRegistration): SystemRegistration {
    return this.clients.registerSystem(input);
  }

  /** `consumerOrg` delegates `scope` to `supplierOrg` in Altinn, enabling grants with `consumer_org`. */
  delegateScope(input: { consumerOrg: string; supplierOrg: string; scope: string }): void {
    this.clients.delegate(input.consumerOrg, input.supplierOrg, input.scope);
  }

  /** Makes a consent resource requestable (with its metadata keys). */
  registerConsentResource(
    id: string,
    definition: ConsentResourceDefinition = { requiredMetadata: [] },
  ): void {
    this.consentResources.set(id, definition);
  }

  // ---------------------------------------------------------------------------------------------------------
  // System users (test hooks)

  /**
   * Creates a system-user request for `org` on a system (default: the default client's) and moves it to
   * `status` (default `Accepted`, which creates the system user, id = request id).
   */
  createSystemUser(input: {
    org: string;
    externalRef?: string;
    systemId?: string;
    status?: SystemUserRequestStatus;
  }): { request: SystemUserRequestView; systemUserId?: string } {
    const system = this.clients.system(input.systemId ?? this.systemId);
    if (!system) throw new SandboxAuthorityError(`unknown system ${input.systemId ?? ''}`);
    const outcome = this.systemUsers.createRequest({
      systemId: system.id,
      vendorOrg: system.vendorOrg,
      partyOrgNo: input.org,
      externalRef: input.externalRef,
      rights: (system.rights ?? []).map((r) => ({ resource: r.resource.map((x) => ({ ...x })) })),
      accessPackages: [],
    });
    if (outcome.kind === 'system-user-exists')
      throw new SandboxAuthorityError('the system user already exists');
    if (outcome.kind === 'existing')
      throw new SandboxAuthorityError('a request for this system user is pending');
    const id = outcome.request.id;
    const status = input.status ?? 'Accepted';
    let systemUserId: string | undefined;
    if (status === 'Accepted') systemUserId = this.systemUsers.accept(id).id;
    else if (status === 'Rejected') this.systemUsers.reject(id);
    else if (status === 'Denied') this.systemUsers.deny(id);
    else if (status === 'Timedout') this.systemUsers.timeout(id);
    return { request: this.getSystemUserRequest(id)!, ...(systemUserId ? { systemUserId } : {}) };
  }

  getSystemUserRequest(id: string): SystemUserRequestView | undefined {
    const request = this.systemUsers.get(id);
    return request && systemUserRequestView(request, this.systemUsers.status(request), this.altinnBaseUrl);
  }

  /** The customer approves the request; returns the new system user's id. */
  acceptSystemUserRequest(id: string): string {
    return this.systemUsers.accept(id).id;
  }

  rejectSystemUserRequest(id: string): void {
    this.systemUsers.reject(id);
  }

  denySystemUserRequest(id: string): void {
    this.systemUsers.deny(id);
  }

  timeoutSystemUserRequest(id: string): void {
    this.systemUsers.timeout(id);
  }

  /** The customer deletes the system user: new tokens fail MP-303 and API calls with old ones get 403. */
  deleteSystemUser(id: string): void {
    this.systemUsers.deleteSystemUser(id);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Altinn 3 consent (test hooks)

  /** Creates a consent request (default: accepted, 90 days, on `ske-samtykke-krav-og-betalinger`, to the vendor). */
  createConsent(input: ConsentSeed): ConsentRequestView {
    const from = parseParty(input.from);
    if (!from)
      throw new SandboxAuthorityError('consent from must be an organisation/person number or party URN');
    const to = parseParty(input.to ?? this.vendorOrg);
    if (!to || to.kind !== 'organisation')
      throw new SandboxAuthorityError('consent to must be an organisation');
    const id = (input.id ?? randomUUID()).toLowerCase();
    this.consents.create({
      id,
      from,
      to: to.id,
      ...(input.handledBy ? { handledBy: input.handledBy } : {}),
      validTo: instant(input.validTo, this.clock.now() + 90 * DAY_MS, 'validTo'),
      consentRights: input.consentRights ?? [
        { action: ['consent'], resource: [{ type: 'urn:altinn:resource', value: KOB_CONSENT_RESOURCE }] },
      ],
      redirectUrl: input.redirectUrl ?? 'https://example.com/',
      portalViewMode: 'hide',
    });
    if ((input.status ?? 'accepted') === 'accepted') this.consents.accept(id);
    return this.getConsent(id)!;
  }

  getConsent(id: string): ConsentRequestView | undefined {
    const consent = this.consents.get(id.toLowerCase());
    return consent && consentRequestView(consent, this.consents.status(consent), this.altinnBaseUrl);
  }

  acceptConsent(id: string): void {
    this.consents.accept(id.toLowerCase());
  }

  rejectConsent(id: string): void {
    this.consents.reject(id.toLowerCase());
  }

  revokeConsent(id: string): void {
    this.consents.revoke(id.toLowerCase());
  }

  /** Moves `validTo` to now: the consent reads as expired from this instant. */
  expireConsent(id: string): void {
    this.consents.expire(id.toLowerCase());
  }

  deleteConsent(id: string): void {
    this.consents.delete(id.toLowerCase());
  }

  // ---------------------------------------------------------------------------------------------------------
  // Altinn 2 consent (test hooks)

  /** Creates a legacy consent; its `authorizationCode` is exchanged at `/api/authorization/token`. */
  createAltinn2Consent(input: Altinn2ConsentSeed): Altinn2ConsentView {
    const offeredBy = parseParty(input.offeredBy);
    if (!offeredBy) throw new SandboxAuthorityError('offeredBy must be an organisation or person number');
    const record = this.altinn2Consents.create({
      offeredBy: offeredBy.id,
      coveredBy: input.coveredBy ?? this.vendorOrg,
      ...(input.handledBy ? { handledBy: input.handledBy } : {}),
      validTo: instant(input.validTo, this.clock.now() + 90 * DAY_MS, 'validTo'),
      status: input.status ?? 'accepted',
      services: input.services ?? [{ ...KOB_ALTINN2_SERVICE }],
    });
    return altinn2ConsentView(record);
  }

  acceptAltinn2Consent(code: string): void {
    this.altinn2Consents.accept(code);
  }

  rejectAltinn2Consent(code: string): void {
    this.altinn2Consents.reject(code);
  }

  revokeAltinn2Consent(code: string): void {
    this.altinn2Consents.revoke(code);
  }

  expireAltinn2Consent(code: string): void {
    this.altinn2Consents.expire(code);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Krav og betalinger access and statistics

  /** Skatteetaten's access decision for one API call; see {@link authorizeApiCall} in `api-access.policy.ts`. */
  authorizeApiCall(input: ApiCallAuthorizationInput): Promise<ApiCallAuthorization> {
    return authorizeApiCall(
      {
        nowMs: () => this.clock.now(),
        verifyAccessToken: (token) => this.verifyAccessToken(token),
        systemUsers: this.systemUsers,
        consents: this.consents,
        altinn2Consents: this.altinn2Consents,
        altinnKey: this.altinnKey,
        ...(this.options.ownerOf ? { ownerOf: this.options.ownerOf } : {}),
      },
      input,
    );
  }

  /** Verifies a sandbox access token (signature, issuer, expiry by the sandbox clock). */
  verifyAccessToken(token: string | undefined): Promise<AccessTokenCheck> {
    return this.tokenVerifier.verify(token, this.issuer, this.clock.now());
  }

  /** Token requests per token key since creation or the last reset (rejected requests included). */
  tokenRequests(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetTokenRequests(): void {
    this.counts.clear();
  }

  stats(): AuthorityStats {
    return { tokenRequests: this.tokenRequests() };
  }

  /**
   * Test convenience: signs a grant with the default client's key and sends it through the token endpoint's
   * handler (so it is validated and counted like any request). Throws {@link SandboxAuthorityError} with the
   * endpoint's error body when the grant is rejected.
   */
  async fetchTestToken(
    input: {
      scope?: string;
      systemUser?: { org: string; externalRef?: string };
      consent?: { id: string; from: string };
    } = {},
  ): Promise<{ access_token: string; token_type: string; expires_in: number; scope: string }> {
    const details = input.systemUser
      ? [
          {
            type: 'urn:altinn:systemuser',
            systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${input.systemUser.org}` },
            ...(input.systemUser.externalRef ? { externalRef: input.systemUser.externalRef } : {}),
          },
        ]
      : input.consent
        ? [{ type: 'urn:altinn:consent', id: input.consent.id, from: input.consent.from }]
        : undefined;
    const assertion = await signTestGrant({
      key: this.clientKey,
      clientId: this.clientId,
      audience: this.issuer,
      scope: input.scope,
      iatSeconds: Math.floor(this.clock.now() / 1000),
      ...(details ? { authorizationDetails: details } : {}),
    });
    const request: SandboxRequest = {
      method: 'POST',
      url: new URL(this.tokenEndpoint),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
      params: {},
    };
    const response = await handleTokenRequest(this.maskinportenContext(), request);
    if (response.status !== 200) {
      throw new SandboxAuthorityError(`token request rejected: ${JSON.stringify(response.body)}`);
    }
    return response.body as { access_token: string; token_type: string; expires_in: number; scope: string };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Wiring

  private maskinportenContext(): MaskinportenRouteContext {
    return {
      issuer: () => this.issuer,
      tokenEndpoint: () => this.tokenEndpoint,
      jwksUri: () => `${this.urls.maskinporten}/jwk`,
      jwks: () => this.maskinportenJwks(),
      countTokenRequest: (key) => this.counts.set(key, (this.counts.get(key) ?? 0) + 1),
      validateGrant: (assertion) => this.validator.validate(assertion),
      issueToken: (grant) => this.issueToken(grant),
    };
  }

  private async issueToken(grant: Extract<GrantValidation, { ok: true }>['grant']) {
    const claims = accessTokenClaims(grant, {
      issuer: this.issuer,
      nowMs: this.clock.now(),
      lifetimeSeconds: this.tokenLifetimeSeconds,
      audienceWhenNoResource: this.options.audienceWhenNoResource ?? 'unspecified',
      delegationSource: `${this.urls.altinn}/`,
    });
    if (grant.detail?.kind === 'consent') this.consents.markUsed(grant.detail.consent, grant.consumerOrg);
    const accessToken = await signAccessToken(claims, this.maskinportenKey);
    return { access_token: accessToken, expires_in: this.tokenLifetimeSeconds, scope: grant.scope };
  }

  private altinnContext(): AltinnRouteContext {
    return {
      altinnBaseUrl: () => this.altinnBaseUrl,
      nowMs: () => this.clock.now(),
      verifyAccessToken: (token) => this.verifyAccessToken(token),
      clients: this.clients,
      systemUsers: this.systemUsers,
      consents: this.consents,
      altinn2Consents: this.altinn2Consents,
      consentResources: this.consentResources,
      consentEventLagMs: (this.options.consentEventLagSeconds ?? DEFAULT_CONSENT_EVENT_LAG_SECONDS) * 1000,
      consentEventsPageSize: this.options.consentEventsPageSize ?? DEFAULT_CONSENT_EVENTS_PAGE_SIZE,
      altinn2ApiKey: { key: this.altinn2ApiKey, org: this.vendorOrg },
      issueAltinn2ConsentToken: (record, handledBy) => this.issueAltinn2ConsentToken(record, handledBy),
      altinnJwks: () => this.altinnJwks(),
    };
  }

  /** An Altinn 2 consent token (claims as in Altinn's "bruk av token" page), valid 30 s. */
  private issueAltinn2ConsentToken(record: Altinn2ConsentRecord, handledBy?: string): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    const services = record.services.flatMap((s) => {
      const base = `${s.serviceCode}_${s.serviceEditionCode}`;
      return [base, ...Object.entries(s.metadata ?? {}).map(([k, v]) => `${base}_${k}=${v}`)];
    });
    const claims = {
      Services: services,
      AuthorizationCode: record.authorizationCode,
      OfferedBy: record.offeredBy,
      CoveredBy: record.coveredBy,
      ...(handledBy ? { HandledBy: handledBy } : {}),
      DelegatedDate: Math.floor((record.delegatedAt ?? 0) / 1000),
      ValidToDate: Math.floor(record.validTo / 1000),
      iss: ALTINN2_CONSENT_TOKEN_ISSUER,
      nbf: now,
      exp: now + ALTINN2_CONSENT_TOKEN_LIFETIME_SECONDS,
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.altinnKey.kid, typ: 'JWT' })
      .sign(this.altinnKey.privateKey);
  }
}

/** Same as {@link SandboxAuthority.create}. @publicApi */
export function createSandboxAuthority(options: SandboxAuthorityOptions = {}): Promise<SandboxAuthority> {
  return SandboxAuthority.create(options);
}
