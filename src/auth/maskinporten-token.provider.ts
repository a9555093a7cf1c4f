import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { Semaphore } from '../concurrency/semaphore.js';
import { errorCodeOf, safeCause } from '../errors/safe-cause.js';
import { systemClock, type Clock } from '../time/clock.js';
import { type TokenSubject, buildGrantClaims, tokenKeyOf } from './grant-claims.js';
import type { GrantSigner } from './grant-signer.js';
import { LruCache } from './lru-cache.js';
import { TokenAcquisitionError, parseMaskinportenError } from './token-acquisition.error.js';

/** A Maskinporten access token and when it stops being usable. @publicApi */
export interface AccessToken {
  accessToken: string;
  /** Epoch milliseconds at which Maskinporten says the token expires. */
  expiresAt: number;
  scope: string;
  tokenKey: string;
}

/** @publicApi */
export interface TokenProviderOptions {
  /** Maskinporten issuer (`https://test.maskinporten.no/`); the metadata document is read from it. */
  issuer: string;
  clientId: string;
  scope: string;
  signer: GrantSigner;
  dispatcher: Dispatcher;
  clock?: Clock;
  /** Refresh this long before `expiresAt`. Default 30 s. */
  refreshSkewSeconds?: number;
  /** Grant lifetime, at most 120 s. Default 60 s: tolerates a client clock that runs somewhat behind. */
  grantLifetimeSeconds?: number;
  /** Per token request (headers and body). Default 10 000 ms. */
  timeoutMs?: number;
  /** Retries with a newly signed grant after network errors and 5xx. Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with full jitter. Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Token requests in flight at once across all keys. Default 20. */
  maxConcurrentRequests?: number;
  /** Cached tokens kept. Default 10 000. */
  maxCachedTokens?: number;
  /** Told about each token request's outcome (no secrets), e.g. for metrics. */
  onTokenRequest?: (event: { tokenKey: string; ok: boolean; attempt: number; durationMs: number }) => void;
}

interface CachedToken {
  token: AccessToken;
  refreshAt: number;
}

interface Metadata {
  issuer: string;
  token_endpoint: string;
}

// Maskinporten accepts iat within ±10 s of its clock; beyond that every request fails until the host's clock is fixed.
const MAX_CLOCK_SKEW_MS = 10_000;

/**
 * Gets and caches Maskinporten tokens, one per token key (client, environment, scope, and system-user org +
 * externalRef or consent id + from). Concurrent callers of one key share one request; different keys never wait
 * on each other beyond the request cap. Every request signs a fresh grant. Tokens, grants and keys are never
 * logged or put on errors.
 * @publicApi
 */
export class MaskinportenTokenProvider {
  private readonly clock: Clock;
  private readonly cache: LruCache<string, CachedToken>;
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  private readonly requests: Semaphore;
  private metadata?: Promise<Metadata>;

  constructor(private readonly options: TokenProviderOptions) {
    this.clock = options.clock ?? systemClock;
    this.cache = new LruCache(options.maxCachedTokens ?? 10_000);
    this.requests = new Semaphore(options.maxConcurrentRequests ?? 20);
  }

  /** The cache key for a subject; stable and free of secrets. */
  keyOf(subject: TokenSubject, scope = this.options.scope): string {
    return tokenKeyOf({ issuer: this.options.issuer, clientId: this.options.clientId, scope, subject });
  }

  /**
   * A valid token for the subject: from the cache while it is more than the skew away from expiry, else from
   * Maskinporten (one request shared by all concurrent callers of the key).
   */
  async getToken(
    subject: TokenSubject,
    options: { scope?: string; forceRefresh?: boolean } = {},
  ): Promise<AccessToken> {
    const scope = options.scope ?? this.options.scope;
    const key = this.keyOf(subject, scope);
    if (!options.forceRefresh) {
      const cached = this.cache.get(key);
      if (cached && this.clock.now() < cached.refreshAt) return cached.token;
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const request = this.fetchToken(key, subject, scope).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  /** Drops a cached token, e.g. after the API answered 401 with it. Only drops that exact token. */
  invalidate(token: AccessToken): void {
    const cached = this.cache.get(token.tokenKey);
    if (cached?.token.accessToken === token.accessToken) this.cache.delete(token.tokenKey);
  }

  /**
   * When to stop serving a token from the cache: the skew before expiry, but never more than half the token's
   * lifetime, so a short-lived token (at or below the skew) is still reused for a while.
   */
  private refreshAtOf(token: AccessToken, issuedAt: number): number {
    const lifetimeMs = token.expiresAt - issuedAt;
    const skewMs = Math.min((this.options.refreshSkewSeconds ?? 30) * 1000, lifetimeMs / 2);
    return token.expiresAt - skewMs;
  }

  private async fetchToken(key: string, subject: TokenSubject, scope: string): Promise<AccessToken> {
    const maxRetries = this.options.maxRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      const started = this.clock.now();
      try {
        const token = await this.requests.run(() => this.requestOnce(key, subject, scope));
        this.cache.set(key, { token, refreshAt: this.refreshAtOf(token, started) });
        this.options.onTokenRequest?.({
          tokenKey: key,
          ok: true,
          attempt,
          durationMs: this.clock.now() - started,
        });
        return token;
      } catch (error) {
        this.options.onTokenRequest?.({
          tokenKey: key,
          ok: false,
          attempt,
          durationMs: this.clock.now() - started,
        });
        const retryable = error instanceof TokenAcquisitionError && error.transient;
        if (!retryable || attempt >= maxRetries) throw error;
        const cap = (this.options.retryBaseDelayMs ?? 200) * 2 ** attempt;
        await sleep(Math.floor(Math.random() * cap));
      }
    }
  }

  private async requestOnce(key: string, subject: TokenSubject, scope: string): Promise<AccessToken> {
    const metadata = await this.getMetadata(key);
    const nowMs = this.clock.now();
    const grant = await this.options.signer.sign(
      buildGrantClaims({
        issuer: metadata.issuer,
        clientId: this.options.clientId,
        scope,
        nowSeconds: Math.floor(nowMs / 1000),
        lifetimeSeconds: this.options.grantLifetimeSeconds ?? 60,
        subject,
      }),
    );
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: grant,
    }).toString();

    let response: Dispatcher.ResponseData;
    try {
      response = await request(metadata.token_endpoint, {
        method: 'POST',
        dispatcher: this.options.dispatcher,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        headersTimeout: this.options.timeoutMs ?? 10_000,
        bodyTimeout: this.options.timeoutMs ?? 10_000,
      });
    } catch (cause) {
      throw new TokenAcquisitionError(`Token request failed: ${networkReason(cause)}`, {
        tokenKey: key,
        transient: true,
        cause: safeCause(cause),
      });
    }

    const text = await response.body.text().catch(() => '');
    const parsed = safeJson(text);
    if (response.statusCode !== 200) {
      const mp = parseMaskinportenError(parsed);
      const skew = this.clockSkewMs(response.headers.date, nowMs);
      if (skew !== undefined && Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
        throw new TokenAcquisitionError(
          `This host's clock is ${Math.round(skew / 1000)} s ${skew > 0 ? 'ahead of' : 'behind'} Maskinporten's; ` +
            'grants must be issued within 10 s of its time. Synchronise the clock (NTP).',
          { tokenKey: key, status: response.statusCode, ...mp, mpCode: 'KOB_CLOCK_SKEW' },
        );
      }
      const transient = response.statusCode >= 500;
      const what = [mp.mpCode, mp.oauthError].filter(Boolean).join(' ') || `HTTP ${response.statusCode}`;
      throw new TokenAcquisitionError(
        `Maskinporten refused the token request (${what})${mp.description ? `: ${mp.description}` : ''}`,
        { tokenKey: key, status: response.statusCode, transient, ...mp },
      );
    }
    const record = (parsed ?? {}) as Record<string, unknown>;
    if (typeof record.access_token !== 'string' || typeof record.expires_in !== 'number') {
      throw new TokenAcquisitionError('Maskinporten answered 200 without access_token and expires_in', {
        tokenKey: key,
        status: 200,
      });
    }
    return {
      accessToken: record.access_token,
      expiresAt: nowMs + record.expires_in * 1000,
      scope: typeof record.scope === 'string' ? record.scope : scope,
      tokenKey: key,
    };
  }

  private clockSkewMs(dateHeader: string | string[] | undefined, localMs: number): number | undefined {
    const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
    const serverMs = value ? Date.parse(value) : NaN;
    return Number.isNaN(serverMs) ? undefined : localMs - serverMs;
  }

  private getMetadata(key: string): Promise<Metadata> {
    this.metadata ??= this.fetchMetadata(key).catch((error: unknown) => {
      this.metadata = undefined; // do not cache a failure
      throw error;
    });
    return this.metadata;
  }

  private async fetchMetadata(key: string): Promise<Metadata> {
    const issuer = this.options.issuer.endsWith('/') ? this.options.issuer : `${this.options.issuer}/`;
    const url = `${issuer}.well-known/oauth-authorization-server`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        dispatcher: this.options.dispatcher,
        headers: { accept: 'application/json' },
        headersTimeout: this.options.timeoutMs ?? 10_000,
        bodyTimeout: this.options.timeoutMs ?? 10_000,
      });
    } catch (cause) {
      throw new TokenAcquisitionError(`Maskinporten metadata request failed: ${networkReason(cause)}`, {
        tokenKey: key,
        transient: true,
        cause: safeCause(cause),
      });
    }
    const parsed = safeJson(await response.body.text().catch(() => '')) as Partial<Metadata> | undefined;
    if (
      response.statusCode !== 200 ||
      typeof parsed?.issuer !== 'string' ||
      typeof parsed.token_endpoint !== 'string'
    ) {
      throw new TokenAcquisitionError(
        `Maskinporten metadata at ${url} is unusable (HTTP ${response.statusCode})`,
        {
          tokenKey: key,
          status: response.statusCode,
          transient: response.statusCode >= 500,
        },
      );
    }
    if (parsed.issuer !== issuer && parsed.issuer !== this.options.issuer) {
      throw new TokenAcquisitionError(
        `Maskinporten metadata names issuer ${parsed.issuer}, not the configured ${this.options.issuer}: wrong environment?`,
        { tokenKey: key, status: 200, mpCode: 'KOB_WRONG_ENVIRONMENT' },
      );
    }
    return { issuer: parsed.issuer, token_endpoint: parsed.token_endpoint };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkReason(cause: unknown): string {
  return errorCodeOf(cause) ?? (cause instanceof Error ? cause.name : 'unknown error');
}
