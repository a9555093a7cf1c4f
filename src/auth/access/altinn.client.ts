import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from '../../api/retry-policy.js';
import { maskPersonNumbersInText } from '../../domain/identifiers.js';
import { errorCodeOf, safeCause } from '../../errors/safe-cause.js';
import { systemClock, type Clock } from '../../time/clock.js';
import type { TokenSubject } from '../grant-claims.js';
import type { AccessToken } from '../maskinporten-token.provider.js';
import { AltinnError, type AltinnOperation } from './altinn.error.js';
import type {
  ConsentEventsPage,
  ConsentRequestDetails,
  CreateConsentRequest,
  CreateSystemUserRequest,
  SystemUser,
  SystemUserRequest,
} from './altinn.wire.js';

/** Maskinporten scopes of the Altinn vendor APIs (reference §2.2, §3a, §3b). @publicApi */
export const ALTINN_SCOPES = Object.freeze({
  systemUserRequestWrite: 'altinn:authentication/systemuser.request.write',
  systemUserRequestRead: 'altinn:authentication/systemuser.request.read',
  consentRequestsWrite: 'altinn:consentrequests.write',
  consentRequestsRead: 'altinn:consentrequests.read',
  consentTokens: 'altinn:consenttokens',
});

/** Where Altinn calls get their bearer token: the Maskinporten token provider (client tokens with Altinn scopes). @publicApi */
export interface AltinnTokenSource {
  getToken(subject: TokenSubject, options?: { scope?: string; forceRefresh?: boolean }): Promise<AccessToken>;
  invalidate?(token: AccessToken): void;
}

/** @publicApi */
export interface AltinnClientOptions {
  /** Altinn 3 platform base URL (`https://platform.tt02.altinn.no`). */
  altinnBaseUrl: string;
  /** Altinn 2 base URL for legacy consent tokens (`https://tt02.altinn.no`). Default: `altinnBaseUrl`. */
  altinn2BaseUrl?: string;
  tokens: AltinnTokenSource;
  dispatcher: Dispatcher;
  /** Altinn 2 `ApiKey`, sent with consent-token requests when set. */
  altinn2ApiKey?: string;
  /** Headers and body timeout per attempt. Default 15 000 ms. */
  timeoutMs?: number;
  /** Retries after network errors, 429 and 5xx. Default 2. */
  maxRetries?: number;
  /** First backoff; doubles per retry, full jitter. Default 250 ms. */
  retryBaseDelayMs?: number;
  clock?: Clock;
  /** Waits between retries; replaceable in tests. */
  sleep?: (ms: number) => Promise<void>;
}

const SYSTEMUSER = '/authentication/api/v1/systemuser';
const CONSENT = '/accessmanagement/api/v1/enterprise/consentrequests';
const CLIENT: TokenSubject = { kind: 'client' };

interface Call {
  operation: AltinnOperation;
  method: 'GET' | 'POST';
  url: string;
  scope: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer 404 with `undefined` instead of an error. */
  notFoundIsEmpty?: boolean;
}

interface Answer {
  status: number;
  text: string;
}

/**
 * Talks to Altinn's vendor APIs for system-user requests, Altinn 3 consent requests and their events feed, and
 * Altinn 2 consent tokens. Authenticates with the client's own Maskinporten token for the Altinn scope of each
 * call, refreshes it once after a 401, retries network errors, 429 and 5xx with backoff, and turns every failure
 * into an {@link AltinnError} carrying Altinn's code. No token, API key or authorisation code reaches an error.
 * @publicApi
 */
export class AltinnClient {
  private readonly base: string;
  private readonly base2: string;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: AltinnClientOptions) {
    this.base = options.altinnBaseUrl.replace(/\/+$/, '');
    this.base2 = (options.altinn2BaseUrl ?? options.altinnBaseUrl).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  /**
   * Asks the customer for a standard system user. `created` is false when Altinn returned the pending request it
   * already had for (system, org, externalRef). A system user that already exists is `AltinnError` `AUTH-00004`.
   */
  async createSystemUserRequest(
    input: CreateSystemUserRequest,
  ): Promise<{ created: boolean; request: SystemUserRequest }> {
    const answer = await this.send({
      operation: 'systemuser.request.create',
      method: 'POST',
      url: `${this.base}${SYSTEMUSER}/request/vendor`,
      scope: ALTINN_SCOPES.systemUserRequestWrite,
      body: input,
    });
    const request = readSystemUserRequest(answer!, 'systemuser.request.create');
    return { created: answer!.status === 201, request };
  }

  /** A system-user request by id, or undefined when Altinn does not know it (404 `AUTH-00010`). */
  async getSystemUserRequest(requestId: string): Promise<SystemUserRequest | undefined> {
    const answer = await this.send({
      operation: 'systemuser.request.get',
      method: 'GET',
      url: `${this.base}${SYSTEMUSER}/request/vendor/${encodeURIComponent(requestId)}`,
      scope: ALTINN_SCOPES.systemUserRequestRead,
      notFoundIsEmpty: true,
    });
    return answer && readSystemUserRequest(answer, 'systemuser.request.get');
  }

  /** The system-user request for (system, org, externalRef), or undefined. `externalRef` defaults to the org. */
  async getSystemUserRequestByExternalRef(input: {
    systemId: string;
    orgNo: string;
    externalRef?: string;
  }): Promise<SystemUserRequest | undefined> {
    const path = [input.systemId, input.orgNo, input.externalRef ?? input.orgNo]
      .map(encodeURIComponent)
      .join('/');
    const answer = await this.send({
      operation: 'systemuser.request.byexternalref',
      method: 'GET',
      url: `${this.base}${SYSTEMUSER}/request/vendor/byexternalref/${path}`,
      scope: ALTINN_SCOPES.systemUserRequestRead,
      notFoundIsEmpty: true,
    });
    return answer && readSystemUserRequest(answer, 'systemuser.request.byexternalref');
  }

  /** The system user for (system, org, externalRef) if it exists (`byquery`), else undefined. */
  async findSystemUser(input: {
    systemId: string;
    orgNo: string;
    externalRef?: string;
  }): Promise<SystemUser | undefined> {
    const query = new URLSearchParams({ 'system-id': input.systemId, orgno: input.orgNo });
    if (input.externalRef !== undefined) query.set('external-ref', input.externalRef);
    const answer = await this.send({
      operation: 'systemuser.byquery',
      method: 'GET',
      url: `${this.base}${SYSTEMUSER}/vendor/byquery?${query.toString()}`,
      scope: ALTINN_SCOPES.systemUserRequestWrite,
      notFoundIsEmpty: true,
    });
    if (!answer) return undefined;
    const body = parseJson(answer.text);
    if (!isRecord(body) || typeof body.id !== 'string')
      throw invalidResponse('systemuser.byquery', answer.status);
    return body as unknown as SystemUser;
  }

  /**
   * Creates an Altinn 3 consent request. Idempotent on `input.id`: `created` is false when a request with that id
   * and the same parties existed (200). The same id with other parties is `AltinnError` `AM-00016`.
   */
  async createConsentRequest(
    input: CreateConsentRequest,
  ): Promise<{ created: boolean; request: ConsentRequestDetails }> {
    const answer = await this.send({
      operation: 'consent.request.create',
      method: 'POST',
      url: `${this.base}${CONSENT}`,
      scope: ALTINN_SCOPES.consentRequestsWrite,
      body: input,
    });
    return {
      created: answer!.status === 201,
      request: readConsentRequest(answer!, 'consent.request.create'),
    };
  }

  /** A consent request by id, or undefined when Altinn does not know it (404). */
  async getConsentRequest(id: string): Promise<ConsentRequestDetails | undefined> {
    const answer = await this.send({
      operation: 'consent.request.get',
      method: 'GET',
      url: `${this.base}${CONSENT}/${encodeURIComponent(id)}`,
      scope: ALTINN_SCOPES.consentRequestsRead,
      notFoundIsEmpty: true,
    });
    return answer && readConsentRequest(answer, 'consent.request.get');
  }

  /**
   * One page of the consent events feed (oldest first), from `continuationToken` or from the start. The returned
   * `continuationToken` is the one in `links.next`; it is absent when Altinn sent none (the page was the last).
   */
  async consentEvents(options: { continuationToken?: string } = {}): Promise<ConsentEventsPage> {
    const query = options.continuationToken
      ? `?${new URLSearchParams({ continuationToken: options.continuationToken }).toString()}`
      : '';
    const answer = await this.send({
      operation: 'consent.events',
      method: 'GET',
      url: `${this.base}${CONSENT}/events${query}`,
      scope: ALTINN_SCOPES.consentRequestsRead,
    });
    const body = parseJson(answer!.text);
    if (!isRecord(body) || !Array.isArray(body.data)) throw invalidResponse('consent.events', answer!.status);
    const events = body.data.flatMap((item: unknown) =>
      isRecord(item) && typeof item.consentRequestId === 'string' && typeof item.eventType === 'string'
        ? [
            {
              consentRequestId: item.consentRequestId.toLowerCase(),
              eventType: item.eventType.toLowerCase(),
              changedDate: typeof item.changedDate === 'string' ? item.changedDate : '',
            },
          ]
        : [],
    );
    const next = isRecord(body.links) && typeof body.links.next === 'string' ? body.links.next : undefined;
    const continuationToken = next ? tokenOfNextLink(next) : undefined;
    return { events, ...(continuationToken ? { continuationToken } : {}) };
  }

  /**
   * An Altinn 2 consent token (a JWT Altinn signs, valid 30 s) for an authorisation code, as Altinn returned it
   * (JSON quoting removed). Sends the `ApiKey` when configured and the client's Maskinporten token with
   * `altinn:consenttokens`. An invalid, expired or revoked code is `AltinnError` `KOB_ALTINN2_CONSENT_REFUSED` (403).
   */
  async altinn2ConsentToken(authorizationCode: string): Promise<string> {
    const headers: Record<string, string> = {};
    if (this.options.altinn2ApiKey) headers.apikey = this.options.altinn2ApiKey;
    const answer = await this.send({
      operation: 'altinn2.consent.token',
      method: 'GET',
      url: `${this.base2}/api/authorization/token?${new URLSearchParams({ authcode: authorizationCode }).toString()}`,
      scope: ALTINN_SCOPES.consentTokens,
      headers,
    });
    const parsed = parseJson(answer!.text);
    const token = (typeof parsed === 'string' ? parsed : answer!.text).trim();
    if (token === '' || /\s/.test(token)) throw invalidResponse('altinn2.consent.token', answer!.status);
    return token;
  }

  /** One logical call: token, attempts with retries, and error mapping. Undefined only for an allowed 404. */
  private async send(call: Call): Promise<Answer | undefined> {
    const maxRetries = this.options.maxRetries ?? 2;
    let refreshed = false;
    let forceRefresh = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.options.tokens.getToken(CLIENT, { scope: call.scope, forceRefresh });
      forceRefresh = false;
      let response: Dispatcher.ResponseData;
      let text: string;
      try {
        response = await request(call.url, {
          method: call.method,
          dispatcher: this.options.dispatcher,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${token.accessToken}`,
            ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...call.headers,
          },
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          headersTimeout: this.options.timeoutMs ?? 15_000,
          bodyTimeout: this.options.timeoutMs ?? 15_000,
        });
        text = await response.body.text();
      } catch (cause) {
        if (attempt < maxRetries) {
          await this.sleep(this.backoff(attempt, undefined));
          continue;
        }
        throw new AltinnError(`Altinn ${call.operation} failed: ${errorCodeOf(cause) ?? 'network error'}`, {
          operation: call.operation,
          code: 'KOB_ALTINN_NETWORK_ERROR',
          transient: true,
          cause: safeCause(cause),
        });
      }
      const status = response.statusCode;
      if (status === 200 || status === 201) return { status, text };
      if (status === 401 && !refreshed) {
        // The token may have expired in flight: one new token, then the same attempt again.
        refreshed = true;
        this.options.tokens.invalidate?.(token);
        forceRefresh = true;
        attempt--;
        continue;
      }
      if (isRetryableStatus(status) && attempt < maxRetries) {
        await this.sleep(
          this.backoff(attempt, parseRetryAfter(response.headers['retry-after'], this.clock.now())),
        );
        continue;
      }
      const problem = readProblem(text);
      if (status === 404 && call.notFoundIsEmpty) return undefined;
      throw problemError(call.operation, status, problem);
    }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const base = this.options.retryBaseDelayMs ?? 250;
    return backoffDelayMs({ maxRetries: 0, baseDelayMs: base, maxDelayMs: 30_000 }, attempt, retryAfterMs);
  }
}

interface Problem {
  code?: string;
  title?: string;
  traceId?: string;
  fields?: string[];
}

/** Reads RFC 9457 ProblemDetails as Altinn sends them (`code`, ASP.NET `errors`, Altinn `validationErrors`). */
function readProblem(text: string): Problem {
  const body = parseJson(text);
  if (!isRecord(body)) return {};
  const validation = Array.isArray(body.validationErrors) ? body.validationErrors.filter(isRecord) : [];
  const code =
    typeof body.code === 'string'
      ? body.code
      : validation.map((v) => v.code).find((c): c is string => typeof c === 'string');
  const fields = [
    ...(isRecord(body.errors) ? Object.keys(body.errors) : []),
    ...validation.flatMap((v) =>
      Array.isArray(v.paths) ? v.paths.filter((p) => typeof p === 'string') : [],
    ),
  ];
  const traceId = [body.traceId, body.correlationId].find((v): v is string => typeof v === 'string');
  return {
    ...(code ? { code } : {}),
    ...(typeof body.title === 'string' ? { title: maskPersonNumbersInText(body.title) } : {}),
    ...(traceId ? { traceId } : {}),
    ...(fields.length > 0 ? { fields } : {}),
  };
}

function problemError(operation: AltinnOperation, status: number, problem: Problem): AltinnError {
  const altinn2Refused = operation === 'altinn2.consent.token' && status === 403;
  const what = [`HTTP ${status}`, problem.code].filter(Boolean).join(' ');
  const detail = altinn2Refused
    ? 'the authorisation code is invalid, expired or revoked, or the API key is not authorised'
    : (problem.title ?? (status === 403 ? 'the client lacks the scope or the right' : undefined));
  const fields = problem.fields ? ` [fields: ${problem.fields.join(', ')}]` : '';
  return new AltinnError(`Altinn ${operation} failed: ${what}${detail ? ` (${detail})` : ''}${fields}`, {
    operation,
    status,
    ...problem,
    altinnCode: problem.code,
    ...(altinn2Refused ? { code: 'KOB_ALTINN2_CONSENT_REFUSED' } : {}),
    transient: isRetryableStatus(status),
  });
}

function readSystemUserRequest(answer: Answer, operation: AltinnOperation): SystemUserRequest {
  const body = parseJson(answer.text);
  if (!isRecord(body) || typeof body.id !== 'string' || typeof body.status !== 'string')
    throw invalidResponse(operation, answer.status);
  return body as unknown as SystemUserRequest;
}

function readConsentRequest(answer: Answer, operation: AltinnOperation): ConsentRequestDetails {
  const body = parseJson(answer.text);
  if (!isRecord(body) || typeof body.id !== 'string' || typeof body.status !== 'string')
    throw invalidResponse(operation, answer.status);
  return {
    ...(body as unknown as ConsentRequestDetails),
    id: body.id.toLowerCase(),
    status: body.status.toLowerCase(),
  };
}

function invalidResponse(operation: AltinnOperation, status: number): AltinnError {
  return new AltinnError(`Altinn ${operation}: the response does not have the expected shape`, {
    operation,
    status,
    code: 'KOB_ALTINN_INVALID_RESPONSE',
  });
}

/** The `continuationToken` parameter of a `links.next` URL (absolute or relative). */
function tokenOfNextLink(next: string): string | undefined {
  try {
    const url = new URL(next, 'http://altinn.invalid');
    for (const [name, value] of url.searchParams)
      if (name.toLowerCase() === 'continuationtoken') return value;
  } catch {
    return undefined;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
