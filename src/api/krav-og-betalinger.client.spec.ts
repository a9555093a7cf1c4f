import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent, type Interceptable } from 'undici';
import type { AccessToken } from '../auth/maskinporten-token.provider.js';
import type { TokenSubject } from '../auth/grant-claims.js';
import { KravOgBetalingerApiError } from './krav-og-betalinger-api.error.js';
import {
  KravOgBetalingerClient,
  type AccessTokenSource,
  type KobApiCustomer,
  type KravOgBetalingerClientOptions,
} from './krav-og-betalinger.client.js';

const ORIGIN = 'https://kravogbetalinger.api.skatteetaten-test.no';
const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../test/fixtures/examples/2024-04', name), 'utf8');

const systemUserCustomer: KobApiCustomer = {
  id: 'c1',
  organisasjonsnummer: '212201782',
  rettighetspakke: 'regnskapssystem',
  access: { type: 'systembruker' },
};
const consentCustomer: KobApiCustomer = {
  id: 'c2',
  organisasjonsnummer: '314055403',
  rettighetspakke: 'finans',
  access: { type: 'consent', consentId: 'consent-1' },
};

/** Hands out tok-1, tok-2, ... and records what was asked. */
class FakeTokens implements AccessTokenSource {
  issued = 0;
  invalidated: string[] = [];
  subjects: TokenSubject[] = [];
  async getToken(subject: TokenSubject): Promise<AccessToken> {
    this.subjects.push(subject);
    return {
      accessToken: `tok-${this.current()}`,
      expiresAt: Date.now() + 60_000,
      scope: 's',
      tokenKey: 'k',
    };
  }
  current(): number {
    return this.issued === 0 ? (this.issued = 1) : this.issued;
  }
  invalidate(token: AccessToken): void {
    this.invalidated.push(token.accessToken);
    this.issued++;
  }
}

function setup(options: Partial<KravOgBetalingerClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent.enableCallHistory();
  const pool: Interceptable = agent.get(ORIGIN);
  const tokens = new FakeTokens();
  const delays: number[] = [];
  const client = new KravOgBetalingerClient({
    baseUrl: `${ORIGIN}/v1`,
    tokens,
    dispatcher: agent,
    logger: false,
    retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 10_000 },
    sleep: async (ms) => void delays.push(ms),
    ...options,
  });
  const calls = () => agent.getCallHistory()?.calls() ?? [];
  return { agent, pool, tokens, client, delays, calls };
}

const path = (p: string) => (actual: string) => actual.split('?')[0] === p;
const kb = (kode: string, status: number) =>
  [status, { kode, melding: `feil ${kode}`, korrelasjonsid: 'srv-corr' }] as const;

describe('KravOgBetalingerClient', () => {
  it('reads open claims on the regnskapssystem path with a bearer token, Accept and a fresh correlation id', async () => {
    const { pool, client, calls, tokens } = setup();
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') })
      .reply(200, fixture('aapnekrav.json'))
      .times(2);
    const first = await client.openClaims(systemUserCustomer);
    await client.openClaims(systemUserCustomer);
    expect(first.totals?.balance).toBe(2_040_000);
    const [a, b] = calls();
    expect(a.headers).toMatchObject({ authorization: 'Bearer tok-1', accept: 'application/json' });
    const idA = new URL(a.fullUrl).searchParams.get('Korrelasjonsid');
    const idB = new URL(b.fullUrl).searchParams.get('Korrelasjonsid');
    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(idA).not.toEqual(idB);
    expect(tokens.subjects[0]).toEqual({
      kind: 'systemuser',
      organisasjonsnummer: '212201782',
      externalRef: undefined,
    });
  });

  it('uses the finans path and a consent token subject for a consent customer', async () => {
    const { pool, client, tokens, calls } = setup();
    pool
      .intercept({ path: path('/v1/finans/314055403/innbetalinger') })
      .reply(200, fixture('innbetalinger.json'));
    const result = await client.payments(consentCustomer, { from: '2023-01-01', to: '2023-09-01' });
    expect(result.payments.length).toBeGreaterThan(0);
    const url = new URL(calls()[0].fullUrl);
    expect(url.searchParams.get('fraOgMed')).toBe('2023-01-01');
    expect(url.searchParams.get('tilOgMed')).toBe('2023-09-01');
    expect(tokens.subjects[0]).toEqual({
      kind: 'consent',
      consentId: 'consent-1',
      from: 'urn:altinn:organization:identifier-no:314055403',
    });
  });

  it('treats KB-007 as an empty result, not an error', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: path('/v1/regnskapssystem/212201782/krav') }).reply(...kb('KB-007', 404));
    pool.intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') }).reply(...kb('KB-007', 404));
    await expect(
      client.claims(systemUserCustomer, { from: '2024-01-01', to: '2024-06-30' }),
    ).resolves.toEqual({
      partyId: '212201782',
      shielded: false,
      period: { from: '2024-01-01', to: '2024-06-30' },
      claims: [],
    });
    await expect(client.openClaims(systemUserCustomer)).resolves.toMatchObject({
      claims: [],
      unplacedPayments: [],
    });
  });

  it('refetches the token once after a 401 and retries at once', async () => {
    const { pool, client, tokens, calls, delays } = setup();
    pool.intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') }).reply(...kb('KB-004', 401));
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') })
      .reply(200, fixture('aapnekrav.json'));
    await client.openClaims(systemUserCustomer);
    expect(tokens.invalidated).toEqual(['tok-1']);
    expect(calls().map((c) => c.headers?.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(delays).toEqual([]);
  });

  it('fails with KB-004 when the refreshed token is refused too', async () => {
    const { pool, client, calls } = setup();
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') })
      .reply(...kb('KB-004', 401))
      .times(2);
    const error = await client.openClaims(systemUserCustomer).catch((e) => e);
    expect(error).toBeInstanceOf(KravOgBetalingerApiError);
    expect(error).toMatchObject({
      code: 'KB-004',
      status: 401,
      endpoint: 'aapnekrav',
      correlationId: 'srv-corr',
    });
    expect(calls()).toHaveLength(2);
    expect(error.message).not.toContain('tok-');
  });

  it.each([
    ['KB-003', 404],
    ['KB-005', 403],
    ['KB-006', 400],
    ['KB-008', 406],
    ['KB-009', 404],
  ])(
    'does not retry %s (HTTP %i) and reports code, status, correlation id and endpoint',
    async (kode, status) => {
      const { pool, client, calls } = setup();
      pool.intercept({ path: path('/v1/regnskapssystem/212201782/utbetalinger') }).reply(...kb(kode, status));
      const error = await client
        .payouts(systemUserCustomer, { from: '2023-01-01', to: '2023-12-31' })
        .catch((e) => e);
      expect(error).toMatchObject({
        code: kode,
        status,
        endpoint: 'utbetalinger',
        correlationId: 'srv-corr',
        attempts: 1,
      });
      expect(error.party).toBe('****01782');
      expect(calls()).toHaveLength(1);
    },
  );

  it.each([
    ['KB-001', 500],
    ['KB-002', 500],
  ])('retries %s with backoff and succeeds', async (kode, status) => {
    const { pool, client, delays, calls } = setup();
    pool.intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') }).reply(...kb(kode, status));
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') })
      .reply(200, fixture('aapnekrav.json'));
    await client.openClaims(systemUserCustomer);
    expect(calls()).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeLessThan(100);
  });

  it('waits at least Retry-After on 429 and 503, then gives up after maxRetries', async () => {
    const { pool, client, delays, calls } = setup();
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') })
      .reply(429, '', { headers: { 'retry-after': '3' } });
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') })
      .reply(503, '', { headers: { 'retry-after': '2' } })
      .times(2);
    const error = await client.openClaims(systemUserCustomer).catch((e) => e);
    expect(delays).toEqual([3_000, 2_000]);
    expect(calls()).toHaveLength(3);
    expect(error).toMatchObject({ code: 'KOB_HTTP_503', status: 503, attempts: 3 });
    expect(error.transient).toBe(true);
  });

  it('retries network errors and reports KOB_NETWORK_ERROR with a clean cause', async () => {
    const { pool, client, delays } = setup();
    const reset = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      request: { secret: 'tok-1' },
    });
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/aapnekrav') })
      .replyWithError(reset)
      .times(3);
    const error = await client.openClaims(systemUserCustomer).catch((e) => e);
    expect(error).toMatchObject({ code: 'KOB_NETWORK_ERROR', attempts: 3 });
    expect(delays).toHaveLength(2);
    expect(error.cause).toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(JSON.stringify(Object.entries(error.cause))).not.toContain('tok-1');
  });

  it('rejects a body that violates the schema with the JSON path of each issue', async () => {
    const { pool, client } = setup();
    const broken = JSON.parse(fixture('krav.json'));
    delete broken.krav[0].kravidentifikator;
    pool.intercept({ path: path('/v1/regnskapssystem/212201782/krav') }).reply(200, JSON.stringify(broken));
    const error = await client
      .claims(systemUserCustomer, { from: '2023-01-01', to: '2023-09-01' })
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'KOB_INVALID_RESPONSE', status: 200, endpoint: 'krav' });
    expect(error.issues).toContainEqual(expect.objectContaining({ path: '$.krav[0].kravidentifikator' }));
  });

  it('splits a period over one year into yearly windows and merges without duplicates', async () => {
    const { pool, client, calls } = setup();
    pool
      .intercept({ path: path('/v1/regnskapssystem/212201782/krav') })
      .reply(200, fixture('krav.json'))
      .times(3);
    const result = await client.claims(systemUserCustomer, { from: '2022-03-01', to: '2024-08-31' });
    const windows = calls().map((c) => {
      const q = new URL(c.fullUrl).searchParams;
      return `${q.get('fraOgMed')}..${q.get('tilOgMed')}`;
    });
    expect(windows.sort()).toEqual([
      '2022-03-01..2023-02-28',
      '2023-03-01..2024-02-29',
      '2024-03-01..2024-08-31',
    ]);
    const once = JSON.parse(fixture('krav.json')).krav.length;
    expect(result.claims.length).toBeLessThanOrEqual(once);
    expect(new Set(result.claims.map((c) => `${c.partyId}|${c.claimId}`)).size).toBe(result.claims.length);
  });

  it('keeps claims that share an id but belong to different parties', async () => {
    const { pool, client } = setup();
    const body = JSON.parse(fixture('krav.json'));
    const twin = { ...body.krav[0], partIdentifikator: '999999999' };
    body.krav = [body.krav[0], twin];
    pool.intercept({ path: path('/v1/regnskapssystem/212201782/krav') }).reply(200, JSON.stringify(body));
    const result = await client.claims(systemUserCustomer, { from: '2023-01-01', to: '2023-09-01' });
    expect(result.claims.map((c) => c.claimId)).toEqual([twin.kravidentifikator, twin.kravidentifikator]);
    expect(result.claims.map((c) => c.partyId)).toEqual([
      body.krav[0].partIdentifikator ?? '212201782',
      '999999999',
    ]);
  });

  it('reports each attempt from the moment it holds its slots, not from its wait in the queue', async () => {
    let now = 1_000;
    const durations: number[] = [];
    const { pool, tokens, client } = setup({
      maxConcurrentGlobal: 1,
      clock: { now: () => now },
      onAttempt: (e) => durations.push(e.durationMs),
    });
    for (const party of ['212201782', '314055403'])
      pool
        .intercept({ path: path(`/v1/regnskapssystem/${party}/aapnekrav`) })
        .reply(200, fixture('aapnekrav.json'));
    // The first call's token arrives only once the gate opens, so the second call waits for the one slot.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const getToken = tokens.getToken.bind(tokens);
    let first = true;
    tokens.getToken = async (subject) => {
      if (first) {
        first = false;
        await gate;
      }
      return getToken(subject);
    };
    const a = client.openClaims(systemUserCustomer);
    const b = client.openClaims({ ...consentCustomer, rettighetspakke: 'regnskapssystem' });
    now += 250;
    open();
    await Promise.all([a, b]);
    // The first attempt took the 250 ms its token took; the second held its slot only after that, and no time
    // passed while it did.
    expect(durations).toEqual([250, 0]);
  });

  it('sends a queued call’s request before it reads the body of the call that freed the slot', async () => {
    const { pool, tokens, client } = setup({ maxConcurrentGlobal: 1 });
    for (const party of ['212201782', '314055403'])
      pool
        .intercept({ path: path(`/v1/regnskapssystem/${party}/aapnekrav`) })
        .reply(200, fixture('aapnekrav.json'));
    const events: string[] = [];
    const getToken = tokens.getToken.bind(tokens);
    tokens.getToken = (subject) => {
      events.push(`request ${subject.kind === 'systemuser' ? subject.organisasjonsnummer : '?'}`);
      return getToken(subject);
    };
    const body = fixture('aapnekrav.json');
    const parse = JSON.parse;
    JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => {
      if (text === body) events.push('read');
      return parse(text, reviver);
    }) as typeof JSON.parse;
    try {
      const [a, b] = await Promise.all([
        client.openClaims(systemUserCustomer),
        client.openClaims({ ...systemUserCustomer, id: 'c2', organisasjonsnummer: '314055403' }),
      ]);
      expect(a.claims.length).toBeGreaterThan(0);
      expect(b.claims.length).toBe(a.claims.length);
    } finally {
      JSON.parse = parse;
    }
    // The second call waited for the one slot; it went out as soon as the first body was in, and the first
    // body was read after that, not before.
    expect(events).toEqual(['request 212201782', 'request 314055403', 'read', 'read']);
  });

  it('refuses a per-party cap above Skatteetaten’s limit of 5', () => {
    expect(
      () =>
        new KravOgBetalingerClient({
          baseUrl: ORIGIN,
          tokens: new FakeTokens(),
          dispatcher: new MockAgent(),
          maxConcurrentPerParty: 6,
        }),
    ).toThrow(RangeError);
  });
});
