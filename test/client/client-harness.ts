import { Agent, type Dispatcher } from 'undici';
import {
  KravOgBetalingerClient,
  type AccessTokenSource,
  type KobApiCustomer,
  type KravOgBetalingerClientOptions,
} from '../../src/api/krav-og-betalinger.client.js';
import type { KobEndpoint, KravOgBetalingerApiError } from '../../src/api/krav-og-betalinger-api.error.js';
import type { TokenSubject } from '../../src/auth/grant-claims.js';
import { createGrantSigner } from '../../src/auth/grant-signer.js';
import { MaskinportenTokenProvider, type AccessToken } from '../../src/auth/maskinporten-token.provider.js';
import type { CustomerConfig } from '../../src/config/module-options.interface.js';
import type { KobSandbox } from '../../src/testing/index.js';

/** One API request the client sent, as it left the client (read from the URL). */
export interface SentRequest {
  endpoint: string;
  party: string;
  pakke: string;
  fraOgMed: string | null;
  tilOgMed: string | null;
  correlationId: string | null;
  authorization: string | undefined;
}

/**
 * The client wired to a sandbox as the brief describes: a real MaskinportenTokenProvider on its own Agent, the
 * client on another Agent composed with a recorder of every request it sends, and a `sleep` that records the
 * backoff it was asked for instead of waiting (retries happen at once, so no test waits on a timer).
 */
export interface ClientHarness {
  client: KravOgBetalingerClient;
  provider: MaskinportenTokenProvider;
  sent: SentRequest[];
  delays: number[];
  /** Builds another client on the same agents (other options, other token source). */
  clientWith(options: Partial<KravOgBetalingerClientOptions>): KravOgBetalingerClient;
  close(): Promise<void>;
}

export const SCOPE = 'skatteetaten:kravogbetalinger';

export async function createClientHarness(
  sandbox: KobSandbox,
  options: Partial<KravOgBetalingerClientOptions> = {},
): Promise<ClientHarness> {
  const tokenAgent = new Agent();
  const apiAgent = new Agent();
  const sent: SentRequest[] = [];
  const delays: number[] = [];
  const dispatcher = apiAgent.compose(recordRequests(sent));
  const provider = new MaskinportenTokenProvider({
    issuer: sandbox.environment.maskinportenIssuer,
    clientId: sandbox.clientId,
    scope: SCOPE,
    signer: await createGrantSigner(sandbox.key),
    dispatcher: tokenAgent,
    clock: sandbox.clock,
  });
  const clientWith = (more: Partial<KravOgBetalingerClientOptions>) =>
    new KravOgBetalingerClient({
      baseUrl: sandbox.environment.apiBaseUrl,
      tokens: provider,
      dispatcher,
      clock: sandbox.clock,
      logger: false,
      retry: { maxRetries: 2, baseDelayMs: 50, maxDelayMs: 30_000 },
      sleep: async (ms) => void delays.push(ms),
      ...options,
      ...more,
    });
  return {
    client: clientWith({}),
    provider,
    sent,
    delays,
    clientWith,
    close: async () => {
      await apiAgent.close();
      await tokenAgent.close();
    },
  };
}

/** An undici interceptor that records each request's endpoint, party, period, correlation id and bearer. */
function recordRequests(sent: SentRequest[]): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const url = new URL(opts.path, String(opts.origin));
    const segments = url.pathname.split('/');
    const headers = (opts.headers ?? {}) as Record<string, string | undefined>;
    sent.push({
      endpoint: segments.at(-1) ?? '',
      party: segments.at(-2) ?? '',
      pakke: segments.at(-3) ?? '',
      fraOgMed: url.searchParams.get('fraOgMed'),
      tilOgMed: url.searchParams.get('tilOgMed'),
      correlationId: url.searchParams.get('Korrelasjonsid'),
      authorization: headers.authorization,
    });
    return dispatch(opts, handler);
  };
}

/** The requests sent to one endpoint. */
export function sentTo(sent: readonly SentRequest[], endpoint: KobEndpoint): SentRequest[] {
  return sent.filter((r) => r.endpoint === endpoint);
}

/** Sum of all counters in a stats record (token requests over every key, say). */
export function total(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

/** The documented customer with this organisation number. */
export function customerOf(sandbox: KobSandbox, org: string): CustomerConfig {
  const found = sandbox.customers.find((c) => c.organisasjonsnummer === org);
  if (!found) throw new Error(`no sandbox customer ${org}`);
  return found;
}

/** The error a promise rejects with (fails the test when it resolves); typed as the client's error. */
export async function rejection<E = KravOgBetalingerApiError>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * The real provider, plus server-side revocation: a token passed to {@link RevocableTokens.revoke} is still
 * cached and handed out, but in a form the API refuses (its signature reversed), as a token revoked after it
 * was cached would be. `invalidate` maps it back, so the provider drops the cached original. Everything else
 * goes to the provider, so each refetch is a real token request the sandbox counts.
 */
export class RevocableTokens implements AccessTokenSource {
  forcedRefreshes = 0;
  private readonly revoked = new Map<string, string>(); // refused form -> original

  constructor(private readonly inner: AccessTokenSource) {}

  /** Revokes the token the provider currently holds for `subject` (fetching one if it holds none). */
  async revokeCurrent(subject: TokenSubject): Promise<void> {
    const token = await this.inner.getToken(subject);
    this.revoked.set(refusedForm(token.accessToken), token.accessToken);
  }

  async getToken(subject: TokenSubject, options?: { forceRefresh?: boolean }): Promise<AccessToken> {
    if (options?.forceRefresh) this.forcedRefreshes++;
    const token = await this.inner.getToken(subject, options);
    const refused = refusedForm(token.accessToken);
    return this.revoked.has(refused) ? { ...token, accessToken: refused } : token;
  }

  invalidate(token: AccessToken): void {
    const original = this.revoked.get(token.accessToken);
    this.inner.invalidate(original === undefined ? token : { ...token, accessToken: original });
  }
}

function refusedForm(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  return `${header}.${payload}.${[...signature].reverse().join('')}`;
}

/** A token source that never hands out a token the API accepts (every signature is broken). */
export class AlwaysRefused implements AccessTokenSource {
  private readonly originals = new Map<string, string>();

  constructor(private readonly inner: AccessTokenSource) {}

  async getToken(subject: TokenSubject, options?: { forceRefresh?: boolean }): Promise<AccessToken> {
    const token = await this.inner.getToken(subject, options);
    const broken = `${token.accessToken.slice(0, token.accessToken.lastIndexOf('.'))}.AAAA`;
    this.originals.set(broken, token.accessToken);
    return { ...token, accessToken: broken };
  }

  // Hands the provider back the token it issued, so it drops exactly that one.
  invalidate(token: AccessToken): void {
    this.inner.invalidate({
      ...token,
      accessToken: this.originals.get(token.accessToken) ?? token.accessToken,
    });
  }
}

/** A token source that answers every subject with another customer's token (a misrouted token). */
export class TokenOf implements AccessTokenSource {
  constructor(
    private readonly inner: AccessTokenSource,
    private readonly subject: TokenSubject,
  ) {}

  getToken(_subject: TokenSubject, options?: { forceRefresh?: boolean }): Promise<AccessToken> {
    return this.inner.getToken(this.subject, options);
  }

  invalidate(token: AccessToken): void {
    this.inner.invalidate(token);
  }
}

/** A customer as the client sees it, with some fields replaced (a misconfiguration, say). */
export function variant(customer: CustomerConfig, changes: Partial<KobApiCustomer>): KobApiCustomer {
  return {
    id: customer.id,
    organisasjonsnummer: customer.organisasjonsnummer,
    rettighetspakke: customer.rettighetspakke,
    access: customer.access,
    ...changes,
  };
}
