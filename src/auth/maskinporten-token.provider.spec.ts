import { generateKeyPair, exportJWK, decodeJwt, decodeProtectedHeader } from 'jose';
import { MockAgent } from 'undici';
import { createGrantSigner, type GrantSigner } from './grant-signer.js';
import { MaskinportenTokenProvider } from './maskinporten-token.provider.js';
import { TokenAcquisitionError } from './token-acquisition.error.js';

const ISSUER = 'https://test.maskinporten.no/';
const ORIGIN = 'https://test.maskinporten.no';
const metadata = { issuer: ISSUER, token_endpoint: `${ISSUER}token` };

let signer: GrantSigner;
beforeAll(async () => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  signer = await createGrantSigner({
    jwk: { ...(await exportJWK(privateKey)), kty: 'RSA', kid: 'test-kid' },
  });
});

function setup(overrides: { now?: number } = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  pool.intercept({ path: '/.well-known/oauth-authorization-server' }).reply(200, metadata).persist();
  const clock = {
    t: overrides.now ?? Date.UTC(2026, 10, 26, 12),
    now() {
      return this.t;
    },
  };
  const grants: string[] = [];
  const provider = new MaskinportenTokenProvider({
    issuer: ISSUER,
    clientId: 'client-1',
    scope: 'skatteetaten:kravogbetalinger',
    signer,
    dispatcher: agent,
    clock,
    retryBaseDelayMs: 1,
  });
  const tokenReply = (status: number, body: object, headers: Record<string, string> = {}, times = 1) =>
    pool
      .intercept({ path: '/token', method: 'POST' })
      .reply(
        status,
        (opts) => {
          grants.push(new URLSearchParams(String(opts.body)).get('assertion') ?? '');
          return body;
        },
        { headers },
      )
      .times(times);
  return { agent, provider, clock, grants, tokenReply };
}

const ok = (token = 'tok-1', expiresIn = 120) => ({
  access_token: token,
  token_type: 'Bearer',
  expires_in: expiresIn,
  scope: 'skatteetaten:kravogbetalinger',
});

describe('MaskinportenTokenProvider', () => {
  it('signs a grant with exactly the documented claims', async () => {
    const { provider, grants, tokenReply, clock } = setup();
    tokenReply(200, ok());
    await provider.getToken({ kind: 'systemuser', organisasjonsnummer: '313367002', externalRef: 'ref-1' });
    const claims = decodeJwt(grants[0]);
    expect(Object.keys(claims).sort()).toEqual([
      'aud',
      'authorization_details',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
    ]);
    expect(claims).toMatchObject({
      aud: ISSUER,
      iss: 'client-1',
      scope: 'skatteetaten:kravogbetalinger',
      iat: Math.floor(clock.t / 1000),
      authorization_details: [
        {
          type: 'urn:altinn:systemuser',
          systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:313367002' },
          externalRef: 'ref-1',
        },
      ],
    });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(120);
    expect(decodeProtectedHeader(grants[0])).toEqual({ alg: 'RS256', kid: 'test-kid' });
  });

  it('shares one request between concurrent callers of one key', async () => {
    const { provider, grants, tokenReply } = setup();
    tokenReply(200, ok());
    const subject = { kind: 'systemuser', organisasjonsnummer: '313367002' } as const;
    const tokens = await Promise.all(Array.from({ length: 50 }, () => provider.getToken(subject)));
    expect(grants).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['tok-1']));
  });

  it('keeps separate tokens per key', async () => {
    const { provider, grants, tokenReply } = setup();
    tokenReply(200, ok('a'));
    tokenReply(200, ok('b'));
    const [a, b] = await Promise.all([
      provider.getToken({ kind: 'systemuser', organisasjonsnummer: '313367002' }),
      provider.getToken({
        kind: 'consent',
        consentId: 'c-1',
        from: 'urn:altinn:organization:identifier-no:311851381',
      }),
    ]);
    expect(grants).toHaveLength(2);
    expect(a.tokenKey).not.toEqual(b.tokenKey);
    expect(new Set([a.accessToken, b.accessToken])).toEqual(new Set(['a', 'b']));
  });

  it('serves the cache until the refresh skew, then signs a new grant', async () => {
    const { provider, grants, tokenReply, clock } = setup();
    tokenReply(200, ok('first', 120));
    tokenReply(200, ok('second', 120));
    const subject = { kind: 'client' } as const;
    expect((await provider.getToken(subject)).accessToken).toBe('first');
    clock.t += 89_000; // 31 s left: still fresh with the default 30 s skew
    expect((await provider.getToken(subject)).accessToken).toBe('first');
    clock.t += 2_000; // 29 s left
    expect((await provider.getToken(subject)).accessToken).toBe('second');
    expect(grants).toHaveLength(2);
    expect(decodeJwt(grants[0]).jti).not.toEqual(decodeJwt(grants[1]).jti);
  });

  it('reuses a token that lives shorter than the skew for half its lifetime', async () => {
    const { provider, grants, tokenReply, clock } = setup();
    tokenReply(200, ok('short', 20));
    tokenReply(200, ok('next', 20));
    const subject = { kind: 'client' } as const;
    expect((await provider.getToken(subject)).accessToken).toBe('short');
    clock.t += 9_000;
    expect((await provider.getToken(subject)).accessToken).toBe('short');
    clock.t += 2_000;
    expect((await provider.getToken(subject)).accessToken).toBe('next');
    expect(grants).toHaveLength(2);
  });

  it('retries 5xx with a newly signed grant, then succeeds', async () => {
    const { provider, grants, tokenReply } = setup();
    tokenReply(503, { error: 'server_error' });
    tokenReply(200, ok());
    await expect(provider.getToken({ kind: 'client' })).resolves.toMatchObject({ accessToken: 'tok-1' });
    expect(grants).toHaveLength(2);
    expect(decodeJwt(grants[0]).jti).not.toEqual(decodeJwt(grants[1]).jti);
  });

  it('does not retry a 400 and carries the MP code, OAuth error and correlation id', async () => {
    const { provider, grants, tokenReply } = setup();
    tokenReply(400, {
      error: 'invalid_altinn_customer_configuration',
      error_description: 'MP-303 system user not found (correlation id: 2d4f-77aa)',
    });
    const error = await provider
      .getToken({ kind: 'systemuser', organisasjonsnummer: '313367002' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error).toMatchObject({
      code: 'MP-303',
      mpCode: 'MP-303',
      oauthError: 'invalid_altinn_customer_configuration',
      correlationId: '2d4f-77aa',
      status: 400,
      transient: false,
    });
    expect(grants).toHaveLength(1);
    expect(String(error.message)).not.toContain(grants[0]);
  });

  it('gives up after maxRetries network failures with a transient error', async () => {
    const { provider, agent } = setup();
    agent
      .get(ORIGIN)
      .intercept({ path: '/token', method: 'POST' })
      .replyWithError(new Error('socket hang up'))
      .times(3);
    const error = await provider.getToken({ kind: 'client' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'KOB_TOKEN_UNAVAILABLE', transient: true });
  });

  it('reports a host clock more than 10 s off Maskinporten', async () => {
    const { provider, tokenReply, clock } = setup();
    const serverTime = new Date(clock.t - 45_000).toUTCString();
    tokenReply(
      400,
      { error: 'invalid_grant', error_description: 'Issue time is after now' },
      { date: serverTime },
    );
    await expect(provider.getToken({ kind: 'client' })).rejects.toMatchObject({
      code: 'KOB_CLOCK_SKEW',
      message: expect.stringContaining('45 s ahead'),
    });
  });

  it('refuses metadata from another environment', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(ORIGIN)
      .intercept({ path: '/.well-known/oauth-authorization-server' })
      .reply(200, { issuer: 'https://maskinporten.no/', token_endpoint: 'https://maskinporten.no/token' });
    const provider = new MaskinportenTokenProvider({
      issuer: ISSUER,
      clientId: 'c',
      scope: 's',
      signer,
      dispatcher: agent,
    });
    await expect(provider.getToken({ kind: 'client' })).rejects.toMatchObject({
      code: 'KOB_WRONG_ENVIRONMENT',
    });
  });

  it('invalidate drops the token so the next call fetches a new one', async () => {
    const { provider, grants, tokenReply } = setup();
    tokenReply(200, ok('old'));
    tokenReply(200, ok('new'));
    const first = await provider.getToken({ kind: 'client' });
    provider.invalidate(first);
    expect((await provider.getToken({ kind: 'client' })).accessToken).toBe('new');
    expect(grants).toHaveLength(2);
  });
});
