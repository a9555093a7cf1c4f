import { randomUUID } from 'node:crypto';
import { Logger, type LoggerService } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { Altinn2ConsentTokenSource, KobApiCustomer } from '../../api/krav-og-betalinger.client.js';
import type { CustomerAccess } from '../../config/module-options.interface.js';
import { ConfigurationError, KobError } from '../../errors/kob.error.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { LruCache } from '../lru-cache.js';
import { TokenAcquisitionError } from '../token-acquisition.error.js';
import type { AccessCheck, AccessState, AccessType } from './access-state.model.js';
import { isStateChange } from './access-state.model.js';
import { InMemoryAccessStateStore, type AccessStateStore } from './access-state.store.js';
import {
  actionFor,
  applyClock,
  fromConsentRequest,
  fromSystemUserRequest,
  reasonFor,
  systemUserRequestStatus,
  type StateBase,
} from './access-status.mapping.js';
import { ALTINN_SCOPES, type AltinnClient, type AltinnTokenSource } from './altinn.client.js';
import { AltinnError } from './altinn.error.js';
import type { CreateSystemUserRequest } from './altinn.wire.js';

/** Name of the store cursor holding the consent events feed's continuation token. @publicApi */
export const CONSENT_EVENTS_CURSOR = 'altinn.consent.events';

/** Altinn 2 consent tokens live 30 s; a cached one is reused for at most this long. @publicApi */
export const ALTINN2_TOKEN_MAX_CACHE_MS = 20_000;

/** @publicApi */
export interface AccessStatusServiceOptions {
  altinn: AltinnClient;
  /** The Maskinporten token provider: reads the vendor org from a client token, and probes system users. */
  tokens: AltinnTokenSource;
  /** Default: an {@link InMemoryAccessStateStore}. */
  store?: AccessStateStore;
  /** The vendor's system in Altinn's system register. Required to request system users. */
  systemId?: string;
  /** Where Altinn sends the customer after approving. Required to request consents. */
  redirectUrl?: string;
  /** Consent `to`. Default: the `consumer` of the client's own Maskinporten token. */
  vendorOrganisasjonsnummer?: string;
  /** Default `ske-krav-og-betalinger`. */
  systemUserResource?: string;
  /** Default `ske-samtykke-krav-og-betalinger`. */
  consentResource?: string;
  /** Validity of a requested consent. Default 90 days. */
  consentValidityDays?: number;
  /** Warn this long before a consent's `validTo`. Default 14 days. */
  warnBeforeDays?: number;
  /** Shown to the customer in Altinn with a system-user request. */
  integrationTitle?: string;
  /** Scope of the API tokens used to probe a system user when no `systemId` is set. Default `skatteetaten:kravogbetalinger`. */
  apiScope?: string;
  /** How long an Altinn 2 consent token is reused, at most 20 000 ms (tokens live 30 s). */
  altinn2TokenCacheMs?: number;
  clock?: Clock;
  /** Told about every change of a customer's state (not about re-checks that change nothing). */
  onStateChange?: (prev: AccessState | undefined, next: AccessState) => void | Promise<void>;
  logger?: LoggerService | false;
}

/** What one pass over the consent events feed did. @publicApi */
export interface ConsentEventsResult {
  pages: number;
  events: number;
  /** States of the customers the events concerned, after the update. */
  updated: AccessState[];
}

const TERMINAL_CONSENT = new Set(['rejected', 'revoked', 'expired', 'missing', 'error']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ORG_URN = 'urn:altinn:organization:identifier-no:';

interface CachedAltinn2Token {
  code: string;
  token: string;
  usableUntil: number;
}

/**
 * Per customer, the state of its access to Krav og betalinger and what to do about it. Asks customers for a system
 * user or an Altinn 3 consent (returning the URL they must open), polls Altinn, follows the consent events feed,
 * warns before a consent's `validTo`, and fetches legacy Altinn 2 consent tokens (it is the client's
 * {@link Altinn2ConsentTokenSource}). Runs call {@link checkAccess} and skip customers it refuses, with the reason.
 * Every change of state is stored and reported through `onStateChange`. Usable without Nest.
 * @publicApi
 */
export class AccessStatusService implements Altinn2ConsentTokenSource {
  private readonly store: AccessStateStore;
  private readonly clock: Clock;
  private readonly logger?: LoggerService;
  private readonly warnBeforeDays: number;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly refreshing = new Map<string, Promise<AccessState>>();
  private readonly altinn2Cache = new LruCache<string, CachedAltinn2Token>(10_000);
  private readonly altinn2InFlight = new Map<string, Promise<string>>();
  private vendorOrg?: Promise<string>;

  constructor(private readonly options: AccessStatusServiceOptions) {
    this.store = options.store ?? new InMemoryAccessStateStore();
    this.clock = options.clock ?? systemClock;
    this.logger =
      options.logger === false ? undefined : (options.logger ?? new Logger(AccessStatusService.name));
    this.warnBeforeDays = options.warnBeforeDays ?? 14;
  }

  /** The stored state of a customer, as last checked. */
  getState(customerId: string): Promise<AccessState | undefined> {
    return this.store.get(customerId);
  }

  /**
   * Asks for access in Altinn and returns the new state (usually `pending` with the URL the customer must open).
   * - System user: a standard request for the system's right, with the customer's `externalRef`. Altinn's
   *   existing request is reused; a system user that already exists makes the state `active`.
   * - Consent: a consent request from the customer's organisation to the vendor, id = the configured (or tracked)
   *   consent id, so repeating the call is harmless. A rejected, revoked or expired consent gets a new request
   *   under a new id; with `renew`, an active consent gets a renewal request while it keeps working.
   * - Altinn 2 consent: cannot be requested any more; the state says to move the customer to an Altinn 3 consent.
   *
   * Throws the {@link AltinnError} (or token error) when Altinn refuses; the state records it too.
   */
  requestAccess(customer: KobApiCustomer, options: { renew?: boolean } = {}): Promise<AccessState> {
    const access = customer.access;
    switch (access.type) {
      case 'systembruker':
        return this.update(
          customer.id,
          access.type,
          (_prev, base) => this.requestSystemUser(customer, base),
          true,
        );
      case 'consent':
        return this.update(
          customer.id,
          access.type,
          (prev, base) => this.requestConsent(customer, prev, base, options.renew ?? false),
          true,
        );
      case 'altinn2-consent':
        return this.refresh(customer);
    }
  }

  /**
   * Asks Altinn where the customer's access stands now and stores the answer. Never throws for Altinn or token
   * failures: a previously known status is kept (with a warning), else the state is `error` with the reason.
   * Concurrent calls for one customer share one check.
   */
  refresh(customer: KobApiCustomer): Promise<AccessState> {
    const pending = this.refreshing.get(customer.id);
    if (pending) return pending;
    const run = this.update(customer.id, customer.access.type, (prev, base) =>
      this.currentState(customer, prev, base),
    ).finally(() => this.refreshing.delete(customer.id));
    this.refreshing.set(customer.id, run);
    return run;
  }

  /**
   * Whether a run may go ahead for the customer. Re-checks with Altinn when nothing is known yet, the configured
   * access type (or, after a consent ended, the configured consent) changed, the state is pending, missing or
   * error, or `refresh` is set; otherwise uses the stored state with the clock applied (a consent past `validTo`
   * is expired). Never throws for Altinn failures. When ok, `access` is the access to fetch tokens with.
   */
  async checkAccess(customer: KobApiCustomer, options: { refresh?: boolean } = {}): Promise<AccessCheck> {
    const stored = await this.store.get(customer.id);
    const recheck =
      options.refresh ||
      !stored ||
      stored.type !== customer.access.type ||
      stored.status === 'pending' ||
      stored.status === 'missing' ||
      stored.status === 'error' ||
      (stored.status !== 'active' && configuredConsentIsNew(customer.access, stored));
    const state = recheck
      ? await this.refresh(customer)
      : await this.update(customer.id, customer.access.type, async (prev) =>
          applyClock(prev ?? stored, this.clock.now(), this.warnBeforeDays),
        );
    if (state.status !== 'active') {
      const action = actionFor(state);
      return {
        ok: false,
        status: state.status,
        reason: reasonFor(state),
        ...(action ? { action } : {}),
        state,
      };
    }
    const { access, outdated } = accessToUse(customer.access, state);
    const warnings = [state.warning, outdated].filter((w): w is string => Boolean(w));
    return { ok: true, state, access, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
  }

  /**
   * Reads the consent events feed from the stored continuation token, re-reads every tracked consent an event
   * names, and stores the new token after each page. Consents are tracked once a customer has a state (or when
   * the customer is passed in `customers`). Re-reading a page is harmless, so a crash loses nothing.
   */
  async followConsentEvents(customers: readonly KobApiCustomer[] = []): Promise<ConsentEventsResult> {
    const owners = new Map<string, string>();
    for (const customer of customers) {
      if (customer.access.type === 'consent')
        owners.set(customer.access.consentId.toLowerCase(), customer.id);
    }
    for (const state of await this.store.list()) {
      if (state.type !== 'consent') continue;
      if (state.consentId) owners.set(state.consentId.toLowerCase(), state.customerId);
      if (state.renewalConsentId) owners.set(state.renewalConsentId.toLowerCase(), state.customerId);
    }
    const configured = new Map(customers.map((c) => [c.id, c]));
    const updated = new Map<string, AccessState>();
    let token = await this.store.getCursor(CONSENT_EVENTS_CURSOR);
    let pages = 0;
    let events = 0;
    for (;;) {
      const page = await this.options.altinn.consentEvents(token ? { continuationToken: token } : {});
      pages++;
      events += page.events.length;
      const affected = new Set(page.events.flatMap((e) => owners.get(e.consentRequestId) ?? []));
      for (const customerId of affected) {
        const fallback = configured.get(customerId);
        const next = await this.update(customerId, 'consent', (prev, base) =>
          this.consentState(
            prev,
            base,
            fallback?.access.type === 'consent' ? fallback.access.consentId : undefined,
          ),
        );
        updated.set(customerId, next);
      }
      if (!page.continuationToken || page.continuationToken === token) break;
      token = page.continuationToken;
      await this.store.putCursor(CONSENT_EVENTS_CURSOR, token);
    }
    return { pages, events, updated: [...updated.values()] };
  }

  /**
   * The `AltinnSamtykke` token for an Altinn 2 consent customer: cached per customer for at most 20 s (tokens
   * live 30 s), refetched with the same authorisation code, `forceRefresh` bypasses the cache. A refusal (403)
   * marks the customer revoked or expired and is rethrown as {@link AltinnError} `KOB_ALTINN2_CONSENT_REFUSED`.
   */
  async consentToken(customer: KobApiCustomer, options: { forceRefresh?: boolean } = {}): Promise<string> {
    if (customer.access.type !== 'altinn2-consent') {
      throw new KobError(`Customer ${customer.id} does not use an Altinn 2 consent`, {
        code: 'KOB_NOT_ALTINN2_CONSENT',
      });
    }
    try {
      const { token, fetched } = await this.altinn2Token(
        customer.id,
        customer.access.authorizationCode,
        options.forceRefresh,
      );
      // Only a token fresh from Altinn is news about the consent; a cached one was recorded when fetched.
      if (fetched) {
        await this.update(customer.id, 'altinn2-consent', async (_prev, base) =>
          this.altinn2Active(base, token),
        );
      }
      return token;
    } catch (error) {
      if (isAltinn2Refusal(error)) {
        await this.update(customer.id, 'altinn2-consent', async (prev, base) =>
          this.altinn2Refused(prev, base),
        );
      }
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // State per access type

  private currentState(customer: KobApiCustomer, prev: AccessState | undefined, base: StateBase) {
    const access = customer.access;
    switch (access.type) {
      case 'systembruker':
        return this.systemUserState(customer, access.externalRef, prev, base);
      case 'consent':
        return this.consentState(prev, base, access.consentId);
      case 'altinn2-consent':
        return this.altinn2State(customer.id, access.authorizationCode, prev, base);
    }
  }

  private async systemUserState(
    customer: KobApiCustomer,
    externalRef: string | undefined,
    prev: AccessState | undefined,
    base: StateBase,
  ): Promise<AccessState> {
    const systemId = this.options.systemId;
    if (!systemId) return this.probeSystemUser(customer, externalRef, base);
    const query = {
      systemId,
      orgNo: customer.organisasjonsnummer,
      ...(externalRef !== undefined ? { externalRef } : {}),
    };
    const requestId = prev?.type === 'systembruker' ? prev.requestId : undefined;
    const user = await this.options.altinn.findSystemUser(query);
    if (user) return { ...base, status: 'active', ...(requestId ? { requestId } : {}) };
    const request =
      (requestId ? await this.options.altinn.getSystemUserRequest(requestId) : undefined) ??
      (await this.options.altinn.getSystemUserRequestByExternalRef(query));
    return request ? fromSystemUserRequest(base, request) : { ...base, status: 'missing' };
  }

  /** Without a system id, Maskinporten itself tells whether the system user exists (MP-303 when it does not). */
  private async probeSystemUser(
    customer: KobApiCustomer,
    externalRef: string | undefined,
    base: StateBase,
  ): Promise<AccessState> {
    try {
      await this.options.tokens.getToken(
        {
          kind: 'systemuser',
          organisasjonsnummer: customer.organisasjonsnummer,
          ...(externalRef !== undefined ? { externalRef } : {}),
        },
        { scope: this.options.apiScope ?? 'skatteetaten:kravogbetalinger' },
      );
      return { ...base, status: 'active' };
    } catch (error) {
      if (error instanceof TokenAcquisitionError && error.mpCode === 'MP-303') {
        return {
          ...base,
          status: 'missing',
          reason: 'Maskinporten finds no system user for the customer (MP-303)',
        };
      }
      throw error;
    }
  }

  private async requestSystemUser(customer: KobApiCustomer, base: StateBase): Promise<AccessState> {
    const access = customer.access as Extract<CustomerAccess, { type: 'systembruker' }>;
    const systemId = this.required('systemId', this.options.systemId);
    const input: CreateSystemUserRequest = {
      systemId,
      partyOrgNo: customer.organisasjonsnummer,
      rights: [
        {
          resource: [
            { id: 'urn:altinn:resource', value: this.options.systemUserResource ?? 'ske-krav-og-betalinger' },
          ],
        },
      ],
      ...(access.externalRef !== undefined ? { externalRef: access.externalRef } : {}),
      ...(this.options.redirectUrl ? { redirectUrl: this.options.redirectUrl } : {}),
      ...(this.options.integrationTitle ? { integrationTitle: this.options.integrationTitle } : {}),
    };
    const verify = () => this.systemUserState(customer, access.externalRef, undefined, base);
    try {
      const { request } = await this.options.altinn.createSystemUserRequest(input);
      if (systemUserRequestStatus(request.status) === 'active') return verify();
      return fromSystemUserRequest(base, request);
    } catch (error) {
      if (!(error instanceof AltinnError)) throw error;
      switch (error.altinnCode) {
        case 'AUTH-00004': // the system user exists
        case 'AUTH-00006': // the request was accepted already
        case 'AUTH-00007': // a request is pending
          return verify();
        case 'AUTH-00008':
          return {
            ...base,
            status: 'denied',
            reason: 'Altinn keeps the denied request; delete it before asking again',
          };
        case 'AUTH-00009':
          return {
            ...base,
            status: 'rejected',
            reason: 'Altinn keeps the rejected request; delete it before asking again',
          };
        default:
          throw error;
      }
    }
  }

  /** The tracked consent (and a pending renewal) as Altinn has them now; the configured one when it replaced it. */
  private async consentState(
    prev: AccessState | undefined,
    base: StateBase,
    configuredId: string | undefined,
  ): Promise<AccessState> {
    const tracked = prev?.type === 'consent' ? prev : undefined;
    const id = (tracked?.consentId ?? configuredId)?.toLowerCase();
    if (!id) return { ...base, status: 'missing' };
    const current = await this.readConsent(id, base);
    const configured = configuredId?.toLowerCase();
    if (configured && configured !== id && TERMINAL_CONSENT.has(current.status)) {
      // The host configured another consent (made elsewhere) after the tracked one ended: follow it if it lives.
      const other = await this.readConsent(configured, base);
      if (!TERMINAL_CONSENT.has(other.status)) return other;
    }
    const renewalId = tracked?.renewalConsentId;
    if (!renewalId) return current;
    const renewal = await this.readConsent(renewalId, base);
    return combineRenewal(current, renewal);
  }

  private async readConsent(id: string, base: StateBase): Promise<AccessState> {
    const details = UUID.test(id) ? await this.options.altinn.getConsentRequest(id) : undefined;
    return details
      ? fromConsentRequest(base, details, this.clock.now(), this.warnBeforeDays)
      : { ...base, status: 'missing', consentId: id };
  }

  private async requestConsent(
    customer: KobApiCustomer,
    prev: AccessState | undefined,
    base: StateBase,
    renew: boolean,
  ): Promise<AccessState> {
    const access = customer.access as Extract<CustomerAccess, { type: 'consent' }>;
    const tracked = prev?.type === 'consent' ? prev : undefined;
    const trackedId = (tracked?.consentId ?? access.consentId).toLowerCase();
    // POST is idempotent on the id: for a known id it returns the request as it stands.
    const current = UUID.test(trackedId) ? await this.postConsent(customer, trackedId, base) : undefined;
    if (current?.status === 'pending') return current;
    if (current?.status === 'active') {
      const pendingRenewal = tracked?.renewalConsentId;
      if (!renew && !pendingRenewal) return current;
      const renewal = await this.postConsent(customer, pendingRenewal ?? randomUUID(), base);
      if (renewal && !TERMINAL_CONSENT.has(renewal.status)) return combineRenewal(current, renewal);
      if (!renew) return current;
    }
    const fresh = await this.postConsent(customer, randomUUID(), base);
    if (!fresh) throw new KobError('Altinn refused a new consent request id', { code: 'AM-00016' });
    return current?.status === 'active' ? combineRenewal(current, fresh) : fresh;
  }

  /** Creates (or re-reads) the consent request `id`; undefined when the id belongs to other parties (AM-00016). */
  private async postConsent(
    customer: KobApiCustomer,
    id: string,
    base: StateBase,
  ): Promise<AccessState | undefined> {
    const redirectUrl = this.required('redirectUrl', this.options.redirectUrl);
    const validityDays = this.options.consentValidityDays ?? 90;
    try {
      const { request } = await this.options.altinn.createConsentRequest({
        id,
        from: `${ORG_URN}${customer.organisasjonsnummer}`,
        to: `${ORG_URN}${await this.vendorOrganisation()}`,
        validTo: new Date(this.clock.now() + validityDays * 86_400_000).toISOString(),
        consentRights: [
          {
            action: ['consent'],
            resource: [
              {
                type: 'urn:altinn:resource',
                value: this.options.consentResource ?? 'ske-samtykke-krav-og-betalinger',
              },
            ],
          },
        ],
        redirectUrl,
      });
      return fromConsentRequest(base, request, this.clock.now(), this.warnBeforeDays);
    } catch (error) {
      if (error instanceof AltinnError && error.altinnCode === 'AM-00016') return undefined;
      throw error;
    }
  }

  private async altinn2State(
    customerId: string,
    code: string,
    prev: AccessState | undefined,
    base: StateBase,
  ): Promise<AccessState> {
    try {
      return this.altinn2Active(base, (await this.altinn2Token(customerId, code, true)).token);
    } catch (error) {
      if (isAltinn2Refusal(error)) return this.altinn2Refused(prev, base);
      throw error;
    }
  }

  private altinn2Active(base: StateBase, token: string): AccessState {
    const validTo = altinn2ValidTo(token);
    const state: AccessState = { ...base, status: 'active', ...(validTo ? { validTo } : {}) };
    return applyClock(state, this.clock.now(), this.warnBeforeDays);
  }

  /** Altinn 2 answers 403 for every refusal; a known `validTo` in the past tells expiry from revocation. */
  private altinn2Refused(prev: AccessState | undefined, base: StateBase): AccessState {
    const validTo = prev?.type === 'altinn2-consent' ? prev.validTo : undefined;
    const expired = validTo !== undefined && this.clock.now() >= Date.parse(validTo);
    return { ...base, status: expired ? 'expired' : 'revoked', ...(validTo ? { validTo } : {}) };
  }

  private async altinn2Token(
    customerId: string,
    code: string,
    forceRefresh = false,
  ): Promise<{ token: string; fetched: boolean }> {
    const key = `${customerId}\u0000${code}`;
    const cached = this.altinn2Cache.get(customerId);
    if (!forceRefresh && cached && cached.code === code && this.clock.now() < cached.usableUntil) {
      return { token: cached.token, fetched: false };
    }
    const pending = this.altinn2InFlight.get(key);
    if (pending) return { token: await pending, fetched: false };
    const fetch = (async () => {
      const fetchedAt = this.clock.now();
      try {
        const token = await this.options.altinn.altinn2ConsentToken(code);
        const maxAge = Math.min(
          this.options.altinn2TokenCacheMs ?? ALTINN2_TOKEN_MAX_CACHE_MS,
          ALTINN2_TOKEN_MAX_CACHE_MS,
        );
        const exp = altinn2Exp(token);
        // Never hand out a token in its last 5 s: the API call that carries it must still arrive in time.
        const usableUntil = Math.min(fetchedAt + maxAge, exp === undefined ? Infinity : exp - 5_000);
        this.altinn2Cache.set(customerId, { code, token, usableUntil });
        return token;
      } catch (error) {
        this.altinn2Cache.delete(customerId);
        throw error;
      }
    })().finally(() => this.altinn2InFlight.delete(key));
    this.altinn2InFlight.set(key, fetch);
    return { token: await fetch, fetched: true };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Storage, events and helpers

  /**
   * Computes and stores a customer's next state, one update per customer at a time. Kob errors (Altinn, tokens,
   * configuration) become the state's reason; with `rethrow` they are thrown after being recorded.
   */
  private update(
    customerId: string,
    type: AccessType,
    compute: (prev: AccessState | undefined, base: StateBase) => Promise<AccessState>,
    rethrow = false,
  ): Promise<AccessState> {
    const run = async (): Promise<AccessState> => {
      const prev = await this.store.get(customerId);
      const base: StateBase = { customerId, type, checkedAt: new Date(this.clock.now()).toISOString() };
      let next: AccessState;
      let failure: unknown;
      try {
        next = await compute(prev, base);
      } catch (error) {
        if (!(error instanceof KobError)) throw error;
        failure = error;
        next = failedState(prev, base, error);
      }
      await this.save(prev, next);
      if (failure !== undefined && rethrow) throw failure;
      return next;
    };
    const previous = this.locks.get(customerId) ?? Promise.resolve();
    const result = previous.then(run, run);
    const tail = result.catch(() => undefined);
    this.locks.set(customerId, tail);
    void tail.then(() => {
      if (this.locks.get(customerId) === tail) this.locks.delete(customerId);
    });
    return result;
  }

  private async save(prev: AccessState | undefined, next: AccessState): Promise<void> {
    const changed = isStateChange(prev, next);
    if (!changed && prev?.checkedAt === next.checkedAt) return;
    await this.store.put(next);
    if (!changed) return;
    this.logger?.log?.(
      `Access of customer ${next.customerId} (${next.type}): ${prev?.status ?? 'unknown'} -> ${next.status}` +
        (next.status === 'active' ? '' : ` (${reasonFor(next)})`),
    );
    try {
      await this.options.onStateChange?.(prev, next);
    } catch (error) {
      this.logger?.warn?.(
        `onStateChange for customer ${next.customerId} failed: ${error instanceof Error ? error.name : 'error'}`,
      );
    }
  }

  private vendorOrganisation(): Promise<string> {
    if (this.options.vendorOrganisasjonsnummer)
      return Promise.resolve(this.options.vendorOrganisasjonsnummer);
    this.vendorOrg ??= this.options.tokens
      .getToken({ kind: 'client' }, { scope: ALTINN_SCOPES.consentRequestsWrite })
      .then((token) => consumerOrgOf(token.accessToken))
      .catch((error: unknown) => {
        this.vendorOrg = undefined; // do not cache a failure
        throw error;
      });
    return this.vendorOrg;
  }

  private required(field: 'systemId' | 'redirectUrl', value: string | undefined): string {
    if (value) return value;
    throw new ConfigurationError(
      [{ path: `altinn.${field}`, message: 'is required to request access in Altinn' }],
      'Altinn options',
    );
  }
}

/** A renewal next to the current consent: promoted when accepted, shown while pending, dropped when it failed. */
function combineRenewal(current: AccessState, renewal: AccessState): AccessState {
  if (renewal.status === 'active') return renewal;
  if (current.status !== 'active') return TERMINAL_CONSENT.has(renewal.status) ? current : renewal;
  const next: AccessState = { ...current };
  if (renewal.status === 'pending' && renewal.consentId) {
    next.renewalConsentId = renewal.consentId;
    if (renewal.viewUri) next.renewalViewUri = renewal.viewUri;
  }
  return next;
}

/** True when the customer's configured consent is neither the tracked consent nor its renewal. */
function configuredConsentIsNew(access: CustomerAccess, state: AccessState): boolean {
  if (access.type !== 'consent') return false;
  const id = access.consentId.toLowerCase();
  return id !== state.consentId && id !== state.renewalConsentId;
}

/** The access to fetch tokens with: the configured one, or the tracked consent when it replaced the configured one. */
function accessToUse(
  configured: CustomerAccess,
  state: AccessState,
): { access: CustomerAccess; outdated?: string } {
  if (configured.type !== 'consent' || !state.consentId) return { access: configured };
  if (configured.consentId.toLowerCase() === state.consentId) return { access: configured };
  return {
    access: { type: 'consent', consentId: state.consentId },
    outdated: `the configured access.consentId is outdated: the active consent is ${state.consentId}`,
  };
}

function failedState(prev: AccessState | undefined, base: StateBase, error: KobError): AccessState {
  const why = error.message;
  if (prev && prev.type === base.type && prev.status !== 'error') {
    return {
      ...prev,
      warning: `the last check with Altinn failed (${why}); the status is from ${prev.checkedAt}`,
    };
  }
  const ids: Partial<AccessState> = {};
  if (prev?.type === base.type) {
    if (prev.requestId) ids.requestId = prev.requestId;
    if (prev.consentId) ids.consentId = prev.consentId;
  }
  return { ...base, ...ids, status: 'error', reason: why };
}

function isAltinn2Refusal(error: unknown): boolean {
  return error instanceof AltinnError && error.code === 'KOB_ALTINN2_CONSENT_REFUSED';
}

/** The organisation number in a Maskinporten token's `consumer` claim (`0192:<orgno>`). */
function consumerOrgOf(accessToken: string): string {
  let consumer: unknown;
  try {
    consumer = decodeJwt(accessToken).consumer;
  } catch {
    consumer = undefined;
  }
  const record = (typeof consumer === 'object' && consumer !== null ? consumer : {}) as Record<
    string,
    unknown
  >;
  const id = record.ID ?? record.id;
  const org = typeof id === 'string' ? /^(?:0192:)?(\d{9})$/.exec(id)?.[1] : undefined;
  if (org) return org;
  throw new ConfigurationError(
    [
      {
        path: 'altinn.vendorOrganisasjonsnummer',
        message: "is required: the client's token names no consumer",
      },
    ],
    'Altinn options',
  );
}

/** Claims of an Altinn 2 consent token, which Altinn may send as a JWT or base64-encoded. */
function altinn2Claims(token: string): Record<string, unknown> | undefined {
  const jwt = token.split('.').length === 3 ? token : Buffer.from(token, 'base64').toString('utf8').trim();
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

function altinn2ValidTo(token: string): string | undefined {
  const value = altinn2Claims(token)?.ValidToDate;
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function altinn2Exp(token: string): number | undefined {
  const exp = altinn2Claims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
