import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, type LoggerService } from '@nestjs/common';
import { request, type Dispatcher } from 'undici';
import type { AccessToken } from '../auth/maskinporten-token.provider.js';
import type { TokenSubject } from '../auth/grant-claims.js';
import { KeyedSemaphore, Semaphore } from '../concurrency/semaphore.js';
import type { CustomerConfig } from '../config/module-options.interface.js';
import type { Period, RightsPackage } from '../domain/common.model.js';
import { maskIdentifier } from '../domain/identifiers.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../domain/responses.model.js';
import { ConfigurationError, PayloadValidationError } from '../errors/kob.error.js';
import { errorCodeOf, safeCause } from '../errors/safe-cause.js';
import { systemClock, type Clock } from '../time/clock.js';
import { KravOgBetalingerApiError, type KobEndpoint } from './krav-og-betalinger-api.error.js';
import { splitIntoYearWindows } from './period-windows.js';
import { backoffDelayMs, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry-policy.js';
import { readApiError, readClaims, readOpenClaims, readPayments, readPayouts } from './wire/index.js';

/** Where tokens come from: the Maskinporten token provider, or a test double. @publicApi */
export interface AccessTokenSource {
  getToken(subject: TokenSubject, options?: { forceRefresh?: boolean }): Promise<AccessToken>;
  invalidate(token: AccessToken): void;
}

/** Supplies the legacy `AltinnSamtykke` header (an Altinn 2 consent token) for a customer. @publicApi */
export interface Altinn2ConsentTokenSource {
  consentToken(customer: KobApiCustomer, options?: { forceRefresh?: boolean }): Promise<string>;
}

/** What the client needs to know about a customer. @publicApi */
export type KobApiCustomer = Pick<
  CustomerConfig,
  'id' | 'organisasjonsnummer' | 'rettighetspakke' | 'access'
>;

/** @publicApi */
export interface KravOgBetalingerClientOptions {
  /** Base URL up to and including `/v1`, new host style or old (`…/api/innkreving/kravogbetalinger/v1`). */
  baseUrl: string;
  tokens: AccessTokenSource;
  altinn2?: Altinn2ConsentTokenSource;
  dispatcher: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** Headers and body timeout per attempt. Default 30 000 ms. */
  timeoutMs?: number;
  /** At most 5: Skatteetaten's limit per party. Default 5. */
  maxConcurrentPerParty?: number;
  /** Calls in flight across all customers. Default 50. */
  maxConcurrentGlobal?: number;
  clock?: Clock;
  logger?: LoggerService | false;
  /** Waits between retries; replaceable so tests can record delays instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Told about each HTTP attempt (no secrets), for metrics. `durationMs` runs from the moment the attempt holds its
   * slots (per party and global) to its response or failure: token, request and body, not the wait for a slot.
   */
  onAttempt?: (event: {
    endpoint: KobEndpoint;
    status?: number;
    attempt: number;
    durationMs: number;
  }) => void;
}

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 30_000 };

type Query = Record<string, string>;

/**
 * Reads the four Krav og betalinger endpoints for a customer. Picks the path by rights package, sends a fresh
 * `Korrelasjonsid` per attempt, splits periods into windows of at most one year and merges them, treats KB-007 as
 * an empty result, refreshes the token once on 401, retries 5xx, 429 and network errors with backoff and full
 * jitter (honouring `Retry-After`), and never has more than 5 calls in flight per party or more than the global cap
 * in all. API and transport failures are {@link KravOgBetalingerApiError}s; a refused token request surfaces as the
 * token provider's `TokenAcquisitionError`.
 * @publicApi
 */
export class KravOgBetalingerClient {
  private readonly perParty: KeyedSemaphore;
  private readonly global: Semaphore;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly logger?: LoggerService;
  private readonly baseUrl: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: KravOgBetalingerClientOptions) {
    const perParty = options.maxConcurrentPerParty ?? 5;
    if (perParty < 1 || perParty > 5) throw new RangeError('maxConcurrentPerParty must be between 1 and 5');
    this.perParty = new KeyedSemaphore(perParty);
    this.global = new Semaphore(options.maxConcurrentGlobal ?? 50);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.logger =
      options.logger === false ? undefined : (options.logger ?? new Logger(KravOgBetalingerClient.name));
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  /** Open claims and unplaced payments now (`aapnekrav`). */
  async openClaims(customer: KobApiCustomer): Promise<OpenClaims> {
    const read = await this.call(customer, 'aapnekrav', {}, readOpenClaims);
    if (read === undefined) {
      const party = customer.organisasjonsnummer;
      return { partyId: party, shielded: false, claims: [], unplacedPayments: [], groups: [] };
    }
    return read;
  }

  /** All claims in a period (`krav`); periods over a year are fetched in yearly windows and merged. */
  async claims(customer: KobApiCustomer, period: Required<Period>): Promise<ClaimsInPeriod> {
    const { shielded, items } = await this.inPeriod(
      customer,
      'krav',
      period,
      readClaims,
      (r) => r.claims,
      (c) => c.claimId,
    );
    return { partyId: customer.organisasjonsnummer, shielded, period, claims: items };
  }

  /** All payments in a period (`innbetalinger`). */
  async payments(customer: KobApiCustomer, period: Required<Period>): Promise<PaymentsInPeriod> {
    const { shielded, items } = await this.inPeriod(
      customer,
      'innbetalinger',
      period,
      readPayments,
      (r) => r.payments,
      (p) => p.paymentId,
    );
    return { partyId: customer.organisasjonsnummer, shielded, period, payments: items };
  }

  /** All payouts in a period (`utbetalinger`). */
  async payouts(customer: KobApiCustomer, period: Required<Period>): Promise<PayoutsInPeriod> {
    const { shielded, items } = await this.inPeriod(
      customer,
      'utbetalinger',
      period,
      readPayouts,
      (r) => r.payouts,
      (p) => p.payoutId,
    );
    return { partyId: customer.organisasjonsnummer, shielded, period, payouts: items };
  }

  /**
   * The shape the three period endpoints share: fetch and read each yearly window, and merge the windows'
   * lists (an item on a window boundary may come twice: the first copy is kept, by party and `id`). Shielded
   * when any window is.
   */
  private async inPeriod<R extends { shielded: boolean }, T extends { partyId: string }>(
    customer: KobApiCustomer,
    endpoint: Exclude<KobEndpoint, 'aapnekrav'>,
    period: Required<Period>,
    reader: (body: string) => R,
    itemsOf: (response: R) => T[],
    id: (item: T) => string,
  ): Promise<{ shielded: boolean; items: T[] }> {
    const windows = splitIntoYearWindows(period);
    const fetch = (w: Required<Period>) =>
      this.call(customer, endpoint, { fraOgMed: w.from, tilOgMed: w.to }, reader);
    // Most periods are one window: no Promise.all and arrays for it.
    const responses =
      windows.length === 1 ? [await fetch(windows[0])] : await Promise.all(windows.map(fetch));
    let shielded = false;
    const lists: T[][] = [];
    for (const response of responses) {
      if (response === undefined) continue;
      shielded ||= response.shielded;
      lists.push(itemsOf(response));
    }
    return { shielded, items: dedupe(lists.length === 1 ? lists[0] : lists.flat(), id) };
  }

  /**
   * One logical call with retries: the body read by `reader`, or undefined for KB-007 (nothing found).
   *
   * Why the work is split this way: a call may wait long for its slots (thousands queued behind the caps), so
   * this function's frame and promise end up in V8's old generation. Whatever young object is stored in an
   * old one survives every young collection until the next full one, even after the old holder is dead. So
   * the body text and its parse tree stay inside {@link exchange}, which starts only once the slots are held
   * (young), and only the read result comes back here.
   */
  private async call<T>(
    customer: KobApiCustomer,
    endpoint: KobEndpoint,
    query: Query,
    reader: (text: string) => T,
  ): Promise<T | undefined> {
    const party = customer.organisasjonsnummer;
    let refreshedAfter401 = false;
    let forceRefresh = false;
    let sent = 0; // HTTP requests made, including the one repeated after a 401
    for (let attempt = 0; ; attempt++) {
      sent++;
      // Without a wait (and the promise and turn a wait costs) when a slot is free.
      const releaseParty = this.perParty.tryAcquire(party) ?? (await this.perParty.acquire(party));
      const releaseGlobal = this.global.tryAcquire() ?? (await this.global.acquire());
      // Only once the slots are held: a run queues thousands of calls at once, and the first requests wait
      // for every call's synchronous start. The attempt's duration is then its own, not its wait in the queue.
      const correlationId = randomUUID();
      const started = this.clock.now();
      const release = () => {
        releaseGlobal();
        releaseParty();
      };
      let step: Exchange<T>;
      try {
        step = await this.exchange(customer, endpoint, query, reader, {
          correlationId,
          forceRefresh,
          started,
          sent,
          release,
        });
      } finally {
        release();
      }
      forceRefresh = false;

      if (step.kind === 'value') return step.value;
      if (step.kind === 'empty') return undefined;
      if (step.kind === 'status') {
        const { status, apiError } = step;
        if (status === 401 && !refreshedAfter401) {
          // The token may have expired in flight or been revoked: fetch a new one once, then retry at once.
          refreshedAfter401 = true;
          if (step.token) this.options.tokens.invalidate(step.token);
          forceRefresh = true;
          attempt--;
          continue;
        }
        const retryable = isRetryableStatus(status);
        if (!retryable || attempt >= this.retry.maxRetries) {
          throw new KravOgBetalingerApiError(
            `${endpoint} for party ${maskIdentifier(party)} failed: HTTP ${status}${apiError?.kode ? ` ${apiError.kode}` : ''}` +
              `${apiError?.melding ? ` (${apiError.melding})` : ''}`,
            {
              code: apiError?.kode ?? `KOB_HTTP_${status}`,
              endpoint,
              party: maskIdentifier(party),
              correlationId: apiError?.korrelasjonsid ?? correlationId,
              attempts: sent,
              status,
              apiMessage: apiError?.melding,
            },
          );
        }
        const delay = backoffDelayMs(this.retry, attempt, parseRetryAfter(step.retryAfter, this.clock.now()));
        this.logger?.warn?.(
          `${endpoint} for party ${maskIdentifier(party)}: HTTP ${status}, retry ${attempt + 1} in ${delay} ms`,
        );
        await this.sleep(delay);
        continue;
      }

      if (attempt >= this.retry.maxRetries) {
        throw new KravOgBetalingerApiError(
          `${endpoint} for party ${maskIdentifier(party)} failed: ${errorCodeOf(step.cause) ?? 'network error'}`,
          {
            code: 'KOB_NETWORK_ERROR',
            endpoint,
            party: maskIdentifier(party),
            correlationId,
            attempts: sent,
            cause: safeCause(step.cause),
          },
        );
      }
      const delay = backoffDelayMs(this.retry, attempt, undefined);
      this.logger?.warn?.(
        `${endpoint} for party ${maskIdentifier(party)}: ${errorCodeOf(step.cause) ?? 'network error'}, retry ${attempt + 1} in ${delay} ms`,
      );
      await this.sleep(delay);
    }
  }

  /**
   * One HTTP request with the slots held, and what it came to. The slots are given back (`release`) as soon
   * as the body is in: reading it is work in this process, not a call in flight at Skatteetaten.
   */
  private async exchange<T>(
    customer: KobApiCustomer,
    endpoint: KobEndpoint,
    query: Query,
    reader: (text: string) => T,
    at: { correlationId: string; forceRefresh: boolean; started: number; sent: number; release: () => void },
  ): Promise<Exchange<T>> {
    // The request is made here rather than in a function of its own: one async step per call fewer.
    let token: AccessToken;
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      // After a 401 the refused token was invalidated: a newer cached token (another call may have fetched one
      // already) is reused, so concurrent calls holding the same revoked token cause one refetch, not several.
      token = await this.options.tokens.getToken(subjectFor(customer));
      const headers: Record<string, string> = {
        accept: 'application/json',
        authorization: `Bearer ${token.accessToken}`,
      };
      if (customer.access.type === 'altinn2-consent') {
        if (!this.options.altinn2) {
          throw new ConfigurationError(
            [{ path: 'altinn2', message: 'is required for customers with altinn2-consent access' }],
            'KravOgBetalingerClient options',
          );
        }
        headers.altinnsamtykke = await this.options.altinn2.consentToken(customer, {
          forceRefresh: at.forceRefresh,
        });
      }
      const url = this.url(
        customer.rettighetspakke,
        customer.organisasjonsnummer,
        endpoint,
        query,
        at.correlationId,
      );
      response = await request(url, {
        method: 'GET',
        headers,
        dispatcher: this.options.dispatcher,
        headersTimeout: this.options.timeoutMs ?? 30_000,
        bodyTimeout: this.options.timeoutMs ?? 30_000,
      });
      text = await response.body.text();
    } catch (cause) {
      if (cause instanceof KravOgBetalingerApiError || !isNetworkError(cause)) throw cause;
      this.attempted(endpoint, undefined, at);
      return { kind: 'network', cause };
    }
    // Whether calls are queued for the slot given back now (read before the hand-off empties the queue).
    const queued = this.global.waiting > 0;
    at.release();
    const status = response.statusCode;
    this.attempted(endpoint, status, at);
    if (status === 200) {
      // Reading a body is CPU work (JSON.parse, validation, mapping). With calls queued, the call that took the
      // slot sends its request first, and so do those whose responses arrived in the same I/O phase: the body
      // is read in the check phase after them, so no request waits behind another call's parsing.
      if (queued) await afterIo();
      return { kind: 'value', value: this.read(customer, endpoint, text, at, reader) };
    }
    const apiError = readApiError(text);
    if (status === 404 && apiError?.kode === 'KB-007') return { kind: 'empty' };
    return { kind: 'status', status, apiError, retryAfter: response.headers['retry-after'], token };
  }

  private attempted(
    endpoint: KobEndpoint,
    status: number | undefined,
    at: { started: number; sent: number },
  ): void {
    this.options.onAttempt?.({
      endpoint,
      status,
      attempt: at.sent - 1,
      durationMs: this.clock.now() - at.started,
    });
  }

  private read<T>(
    customer: KobApiCustomer,
    endpoint: KobEndpoint,
    text: string,
    at: { correlationId: string; sent: number },
    reader: (text: string) => T,
  ): T {
    try {
      return reader(text);
    } catch (error) {
      const issues = error instanceof PayloadValidationError ? error.issues : undefined;
      throw new KravOgBetalingerApiError(
        `${endpoint}: the response does not match the schema${issues ? ` (${issues.length} issue(s), first: ${issues[0]?.path})` : ''}`,
        {
          code: 'KOB_INVALID_RESPONSE',
          endpoint,
          party: maskIdentifier(customer.organisasjonsnummer),
          correlationId: at.correlationId,
          attempts: at.sent,
          status: 200,
          issues,
          cause: error,
        },
      );
    }
  }

  private url(
    pakke: RightsPackage,
    party: string,
    endpoint: KobEndpoint,
    query: Query,
    correlationId: string,
  ): string {
    // Built by hand: URLSearchParams cost more than the rest of the URL, once per request.
    let search = '';
    for (const key in query) search += `${encodeURIComponent(key)}=${encodeURIComponent(query[key])}&`;
    return (
      `${this.baseUrl}/${pakke}/${encodeURIComponent(party)}/${endpoint}` +
      `?${search}Korrelasjonsid=${encodeURIComponent(correlationId)}`
    );
  }
}

/** What one exchange came to. The body text is not in it: it never leaves {@link KravOgBetalingerClient.exchange}. */
type Exchange<T> =
  | { kind: 'value'; value: T }
  | { kind: 'empty' }
  | {
      kind: 'status';
      status: number;
      apiError: ReturnType<typeof readApiError>;
      retryAfter?: string | string[];
      token: AccessToken;
    }
  | { kind: 'network'; cause: unknown };

/** Resolves in the event loop's check phase, after the I/O callbacks (and their promise jobs) of this turn. */
function afterIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The token subject a customer's access calls for. @publicApi */
export function subjectFor(customer: KobApiCustomer): TokenSubject {
  switch (customer.access.type) {
    case 'systembruker':
      return {
        kind: 'systemuser',
        organisasjonsnummer: customer.organisasjonsnummer,
        externalRef: customer.access.externalRef,
      };
    case 'consent':
      return {
        kind: 'consent',
        consentId: customer.access.consentId,
        from: `urn:altinn:organization:identifier-no:${customer.organisasjonsnummer}`,
      };
    case 'altinn2-consent':
      return { kind: 'client' };
  }
}

/** `items` without repeats of the same id for the same party, first copy kept. */
function dedupe<T extends { partyId: string }>(items: T[], id: (item: T) => string): T[] {
  // Usually no id repeats at all: prove that with the ids alone before building a composite key per item.
  const ids = new Set<string>();
  for (const item of items) ids.add(id(item));
  if (ids.size === items.length) return items;
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = `${item.partyId}|${id(item)}`;
    if (!seen.has(k)) seen.set(k, item);
  }
  return seen.size === items.length ? items : [...seen.values()];
}

const NETWORK_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

function isNetworkError(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && NETWORK_CODES.has(code);
}
