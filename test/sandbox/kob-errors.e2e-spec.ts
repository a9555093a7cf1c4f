import { makeOrganisationNumber } from '../../src/domain/identifiers.js';
import { KobSandbox } from '../../src/testing/index.js';
import { SandboxClient } from './sandbox-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('KobSandbox API errors', () => {
  let sandbox: KobSandbox;
  let client: SandboxClient;
  let token: string;

  beforeAll(async () => {
    sandbox = await KobSandbox.start();
    client = new SandboxClient(sandbox);
    token = await client.systemUserToken('313367002');
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });
  beforeEach(() => sandbox.clearFaults());

  /** Status and `{kode, melding, korrelasjonsid}` of a call. */
  async function error(path: string, options: Parameters<SandboxClient['get']>[1] = { token }) {
    const res = await client.text(path, options);
    const body = JSON.parse(res.body) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['kode', 'korrelasjonsid', 'melding']);
    expect(body.melding.length).toBeGreaterThan(0);
    return { status: res.status, kode: body.kode, korrelasjonsid: body.korrelasjonsid, headers: res.headers };
  }

  it('KB-001 and KB-002: 5xx faults answer in the API error format', async () => {
    sandbox.setFaults([
      { route: 'api.aapnekrav', kind: 'status', status: 500, times: 1 },
      { route: 'api.krav', kind: 'status', status: 503, times: 1, retryAfterSeconds: 2 },
    ]);
    expect(await error('/regnskapssystem/313367002/aapnekrav')).toMatchObject({
      status: 500,
      kode: 'KB-001',
    });
    const krav = await error('/regnskapssystem/313367002/krav?fraOgMed=2026-01-01');
    expect(krav).toMatchObject({ status: 503, kode: 'KB-002' });
    expect(krav.headers['retry-after']).toBe('2');
  });

  it('KB-003: unknown URL, rights package, endpoint or method', async () => {
    for (const path of ['/nothing', '/bank/313367002/aapnekrav', '/regnskapssystem/313367002/saldo']) {
      expect(await error(path)).toMatchObject({ status: 404, kode: 'KB-003' });
    }
    expect(await error(`${sandbox.urls.api}/v2/regnskapssystem/313367002/aapnekrav`)).toMatchObject({
      status: 404,
      kode: 'KB-003',
    });
    const post = await client.agent.request({
      origin: sandbox.urls.api,
      path: '/v1/regnskapssystem/313367002/aapnekrav',
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect([post.statusCode, ((await post.body.json()) as { kode: string }).kode]).toEqual([404, 'KB-003']);
  });

  it('KB-004: no token, or a token that is not the sandbox Maskinporten’s', async () => {
    expect(await error('/regnskapssystem/313367002/aapnekrav', {})).toMatchObject({
      status: 401,
      kode: 'KB-004',
    });
    expect(await error('/regnskapssystem/313367002/aapnekrav', { token: 'not.a.token' })).toMatchObject({
      status: 401,
      kode: 'KB-004',
    });
  });

  it('KB-005: a system user for another party, or the wrong kind of access for the rights package', async () => {
    expect(await error('/regnskapssystem/311851381/aapnekrav')).toMatchObject({
      status: 403,
      kode: 'KB-005',
    });
    expect(await error('/finans/313367002/aapnekrav')).toMatchObject({ status: 403, kode: 'KB-005' });
    const customer = sandbox.customers.find((c) => c.organisasjonsnummer === '314961900')!;
    if (customer.access.type !== 'consent') throw new Error('expected a consent customer');
    const consent = await client.consentToken(customer.access.consentId, '314961900');
    expect(await error('/regnskapssystem/314961900/aapnekrav', { token: consent })).toMatchObject({
      status: 403,
      kode: 'KB-005',
    });
  });

  it('KB-006: bad party ids, missing or bad dates, reversed periods and windows over a year', async () => {
    const paths = [
      '/regnskapssystem/12345/aapnekrav',
      '/regnskapssystem/313367003/aapnekrav',
      '/regnskapssystem/313367002/krav',
      '/regnskapssystem/313367002/krav?fraOgMed=2026-02-30',
      '/regnskapssystem/313367002/innbetalinger?fraOgMed=2026-01-01&tilOgMed=26-03-01',
      '/regnskapssystem/313367002/utbetalinger?fraOgMed=2026-03-01&tilOgMed=2026-01-01',
      '/regnskapssystem/313367002/krav?fraOgMed=2025-01-01&tilOgMed=2026-01-02',
    ];
    for (const path of paths)
      expect([path, await error(path)]).toMatchObject([path, { status: 400, kode: 'KB-006' }]);
    const year = await client.text(
      '/regnskapssystem/313367002/krav?fraOgMed=2025-01-01&tilOgMed=2026-01-01',
      { token },
    );
    expect(year.status).toBe(200);
  });

  it('KB-007: nothing in the period', async () => {
    for (const endpoint of ['krav', 'innbetalinger', 'utbetalinger']) {
      expect(
        await error(`/regnskapssystem/313367002/${endpoint}?fraOgMed=2020-01-01&tilOgMed=2020-12-31`),
      ).toMatchObject({
        status: 404,
        kode: 'KB-007',
      });
    }
  });

  it('KB-008: an Accept header other than JSON or XML; XML bodies are errors only', async () => {
    const html = await error('/regnskapssystem/313367002/aapnekrav', {
      token,
      headers: { accept: 'text/html' },
    });
    expect(html).toMatchObject({ status: 406, kode: 'KB-008' });
    const xml = await client.text('/regnskapssystem/313367002/aapnekrav', {
      token,
      headers: { accept: 'application/xml' },
    });
    expect(xml.status).toBe(406);
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(xml.body).toMatch(
      /<feil xmlns="urn:no:skatteetaten:datasamarbeid:feil:v1"><kode>KB-008<\/kode><melding>[^<]+<\/melding><korrelasjonsid>[^<]+<\/korrelasjonsid><\/feil>$/,
    );
    const unauthenticated = await client.text('/regnskapssystem/313367002/aapnekrav', {
      headers: { accept: 'application/xml' },
    });
    expect([unauthenticated.status, unauthenticated.body.includes('<kode>KB-004</kode>')]).toEqual([
      401,
      true,
    ]);
    const preferred = await client.text('/regnskapssystem/313367002/aapnekrav', {
      token,
      headers: { accept: 'text/html, application/json;q=0.5' },
    });
    expect(preferred.status).toBe(200);
  });

  it('KB-009: a party the sandbox has no data for', async () => {
    let org: string | undefined;
    for (let i = 0; org === undefined; i++) org = makeOrganisationNumber(String(39_000_000 + i));
    sandbox.authority.createSystemUser({ org });
    const stranger = await client.systemUserToken(org);
    expect(await error(`/regnskapssystem/${org}/aapnekrav`, { token: stranger })).toMatchObject({
      status: 404,
      kode: 'KB-009',
    });
  });

  it('echoes a caller’s Korrelasjonsid, else sends a fresh UUID', async () => {
    const echoed = await error('/regnskapssystem/313367002/krav?Korrelasjonsid=min-korrelasjon-1');
    expect(echoed.korrelasjonsid).toBe('min-korrelasjon-1');
    const a = await error('/regnskapssystem/313367002/krav');
    const b = await error('/regnskapssystem/313367002/krav');
    expect(a.korrelasjonsid).toMatch(UUID);
    expect(b.korrelasjonsid).not.toBe(a.korrelasjonsid);
  });

  it('refuses a 6th concurrent call for one party with 429 and Retry-After', async () => {
    sandbox.resetStats();
    sandbox.setFaults([{ route: 'api.aapnekrav', kind: 'timeout', times: 5 }]);
    const aborts = Array.from({ length: 5 }, () => new AbortController());
    const held = aborts.map((a) =>
      client.agent
        .request({
          origin: sandbox.urls.api,
          path: '/v1/regnskapssystem/313367002/aapnekrav',
          method: 'GET',
          headers: { authorization: `Bearer ${token}` },
          signal: a.signal,
        })
        .catch((e: unknown) => e),
    );
    while ((sandbox.stats().requests['api.aapnekrav'] ?? 0) < 5) await new Promise((r) => setImmediate(r));
    const sixth = await error('/regnskapssystem/313367002/krav?fraOgMed=2026-01-01');
    expect(sixth).toMatchObject({ status: 429, kode: 'KB-429' });
    expect(sixth.headers['retry-after']).toBe('1');
    expect(sandbox.stats().maxConcurrentPerParty['313367002']).toBe(6);
    expect(sandbox.stats().throttledPerParty['313367002']).toBe(1);
    for (const a of aborts) a.abort();
    for (const result of await Promise.all(held)) expect(result).toMatchObject({ name: 'AbortError' });
  });
});
