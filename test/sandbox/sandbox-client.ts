import { randomUUID } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import type { JWK } from 'jose';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { KobSandbox } from '../../src/testing/index.js';

/**
 * A minimal client for the e2e specs, as an integrator would write one: signs a Maskinporten grant with jose,
 * exchanges it at the token endpoint named by the sandbox's metadata, and calls the API with undici over a
 * dedicated Agent (closed in `close()`, so no socket outlives a spec).
 */
export class SandboxClient {
  readonly agent = new Agent();

  constructor(private readonly sandbox: KobSandbox) {}

  async tokenEndpoint(): Promise<string> {
    const res = await request(
      `${this.sandbox.environment.maskinportenIssuer}.well-known/oauth-authorization-server`,
      {
        dispatcher: this.agent,
      },
    );
    return ((await res.body.json()) as { token_endpoint: string }).token_endpoint;
  }

  /** Signs a grant (RS256, the client's key) and returns the access token. */
  async token(
    options: { scope?: string; authorizationDetails?: unknown[]; clientId?: string; key?: JWK } = {},
  ): Promise<string> {
    const jwk = (options.key ?? this.sandbox.key.jwk) as JWK;
    const key = await importJWK({ ...jwk, alg: 'RS256' }, 'RS256');
    const now = Math.floor(this.sandbox.clock.now() / 1000);
    const grant = await new SignJWT({
      scope: options.scope ?? 'skatteetaten:kravogbetalinger',
      ...(options.authorizationDetails ? { authorization_details: options.authorizationDetails } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
      .setAudience(this.sandbox.environment.maskinportenIssuer)
      .setIssuer(options.clientId ?? this.sandbox.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(randomUUID())
      .sign(key);
    const res = await request(await this.tokenEndpoint(), {
      method: 'POST',
      dispatcher: this.agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: grant,
      }).toString(),
    });
    const body = (await res.body.json()) as { access_token?: string; error_description?: string };
    if (res.statusCode !== 200 || body.access_token === undefined) {
      throw new Error(`token request failed: ${res.statusCode} ${body.error_description ?? ''}`);
    }
    return body.access_token;
  }

  systemUserToken(org: string, externalRef?: string): Promise<string> {
    return this.token({
      authorizationDetails: [
        {
          type: 'urn:altinn:systemuser',
          systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${org}` },
          ...(externalRef === undefined ? {} : { externalRef }),
        },
      ],
    });
  }

  consentToken(consentId: string, org: string): Promise<string> {
    return this.token({
      authorizationDetails: [
        { type: 'urn:altinn:consent', id: consentId, from: `urn:altinn:organization:identifier-no:${org}` },
      ],
    });
  }

  /** GET on the API base URL (or an absolute URL). */
  get(
    path: string,
    options: { token?: string; headers?: Record<string, string>; base?: string } = {},
  ): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const url = path.startsWith('http')
      ? path
      : `${options.base ?? this.sandbox.environment.apiBaseUrl}${path}`;
    return request(url, { dispatcher: this.agent, headers });
  }

  /** GET and read the body as text. */
  async text(path: string, options: Parameters<SandboxClient['get']>[1] = {}) {
    const res = await this.get(path, options);
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
