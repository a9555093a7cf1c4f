import { readClaims, readOpenClaims, readPayments, readPayouts } from '../../src/api/wire/index.js';
import { isValidOrganisationNumber } from '../../src/domain/identifiers.js';
import { KobSandbox } from '../../src/testing/index.js';
import { SandboxClient } from './sandbox-client.js';

const YEAR = 'fraOgMed=2025-10-16&tilOgMed=2026-10-15';

describe('KobSandbox (documented scenario)', () => {
  let sandbox: KobSandbox;
  let client: SandboxClient;

  beforeAll(async () => {
    sandbox = await KobSandbox.start();
    client = new SandboxClient(sandbox);
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('exposes an environment, a client with its key and ready customers for the module options', () => {
    expect(sandbox.environment.maskinportenIssuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(sandbox.environment.apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(sandbox.environment.altinnBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.key.jwk).toMatchObject({ kty: 'RSA', kid: expect.any(String), d: expect.any(String) });
    expect(sandbox.customers.map((c) => [c.organisasjonsnummer, c.rettighetspakke, c.access.type])).toEqual([
      ['313367002', 'regnskapssystem', 'systembruker'],
      ['311851381', 'regnskapssystem', 'systembruker'],
      ['314961900', 'finans', 'consent'],
      ['314055403', 'regnskapssystem', 'systembruker'],
      ['212201782', 'finans', 'consent'],
      ['310478717', 'finans', 'altinn2-consent'],
    ]);
    const enk = sandbox.customers.find((c) => c.organisasjonsnummer === '212201782')!;
    expect(enk.ownerPersonId).toBe(sandbox.ledger.book('212201782')!.profile.ownerPersonId);
    expect(sandbox.customers.every((c) => c.bookingStartDate === sandbox.ledger.startDate)).toBe(true);
  });

  it('serves all four endpoints to a system-user customer, in bodies the foundation readers accept', async () => {
    const token = await client.systemUserToken('313367002');
    const open = await client.text('/regnskapssystem/313367002/aapnekrav', { token });
    const krav = await client.text(`/regnskapssystem/313367002/krav?${YEAR}`, { token });
    const paid = await client.text(`/regnskapssystem/313367002/innbetalinger?${YEAR}`, { token });
    const out = await client.text(`/regnskapssystem/313367002/utbetalinger?${YEAR}`, { token });
    expect([open.status, krav.status, paid.status, out.status]).toEqual([200, 200, 200, 200]);
    expect(open.headers['content-type']).toContain('application/json');

    const period = { from: '2025-10-16', to: '2026-10-15' };
    expect(readOpenClaims(open.body).totals).toEqual(sandbox.ledger.openClaims('313367002')!.totals);
    expect(readClaims(krav.body).claims.map((c) => c.claimId)).toEqual(
      sandbox.ledger.claims('313367002', period)!.claims.map((c) => c.claimId),
    );
    expect(readPayments(paid.body).payments).toHaveLength(
      sandbox.ledger.payments('313367002', period)!.payments.length,
    );
    expect(readPayouts(out.body).payouts.map((u) => u.amount)).toEqual(
      sandbox.ledger.payouts('313367002', period)!.payouts.map((u) => u.amount),
    );
  });

  it('serves a system user created with an externalRef', async () => {
    const customer = sandbox.customers.find((c) => c.organisasjonsnummer === '311851381')!;
    expect(customer.access).toEqual({ type: 'systembruker', externalRef: 'kunde-311851381' });
    const token = await client.systemUserToken('311851381', 'kunde-311851381');
    const res = await client.text('/regnskapssystem/311851381/aapnekrav', { token });
    expect(res.status).toBe(200);
    expect(readOpenClaims(res.body).partyId).toBe('311851381');
  });

  it('serves all four endpoints to an Altinn 3 consent customer (finans), on the old URL style too', async () => {
    const customer = sandbox.customers.find((c) => c.organisasjonsnummer === '212201782')!;
    if (customer.access.type !== 'consent') throw new Error('expected a consent customer');
    const token = await client.consentToken(customer.access.consentId, '212201782');
    const legacy = `${sandbox.urls.api}/api/innkreving/kravogbetalinger/v1`;
    const payoutDate = sandbox.ledger.book('212201782')!.payouts[0].payoutDate;
    for (const base of [sandbox.environment.apiBaseUrl, legacy]) {
      const open = await client.text('/finans/212201782/aapnekrav', { token, base });
      const krav = await client.text(`/finans/212201782/krav?${YEAR}`, { token, base });
      const paid = await client.text(`/finans/212201782/innbetalinger?${YEAR}`, { token, base });
      const out = await client.text(
        `/finans/212201782/utbetalinger?fraOgMed=${payoutDate}&tilOgMed=${payoutDate}`,
        {
          token,
          base,
        },
      );
      expect([open.status, krav.status, paid.status, out.status]).toEqual([200, 200, 200, 200]);
      expect(readOpenClaims(open.body).claims.length).toBeGreaterThan(0);
      expect(readClaims(krav.body).claims.length).toBeGreaterThan(0);
      expect(readPayments(paid.body).payments.length).toBeGreaterThan(0);
      expect(readPayouts(out.body).payouts.length).toBeGreaterThan(0);
    }
  });

  it('lets a consent customer in arrears see its interest claims', async () => {
    const customer = sandbox.customers.find((c) => c.organisasjonsnummer === '314961900')!;
    if (customer.access.type !== 'consent') throw new Error('expected a consent customer');
    const token = await client.consentToken(customer.access.consentId, '314961900');
    const krav = await client.text(`/finans/314961900/krav?${YEAR}`, { token });
    const interest = readClaims(krav.body).claims.filter((c) => c.claimType === 'Forsinkelsesrente');
    expect(interest.length).toBeGreaterThan(0);
    expect(interest.every((c) => c.principalClaimId !== undefined)).toBe(true);
  });

  it('mixes the sole trader owner’s claims into the organisation’s responses', async () => {
    const customer = sandbox.customers.find((c) => c.organisasjonsnummer === '212201782')!;
    if (customer.access.type !== 'consent') throw new Error('expected a consent customer');
    const token = await client.consentToken(customer.access.consentId, '212201782');
    const res = await client.text(`/finans/212201782/krav?${YEAR}`, { token });
    const parties = new Set(readClaims(res.body).claims.map((c) => c.partyId));
    expect(parties).toEqual(new Set(['212201782', customer.ownerPersonId]));
  });

  it('serves a legacy Altinn 2 consent customer with the AltinnSamtykke header', async () => {
    const customer = sandbox.customers.find((c) => c.organisasjonsnummer === '310478717')!;
    if (customer.access.type !== 'altinn2-consent') throw new Error('expected an Altinn 2 consent customer');
    const altinnToken = await client.token({ scope: 'altinn:consenttokens' });
    const consent = await client.text(
      `${sandbox.environment.altinnBaseUrl}/api/authorization/token?authcode=${customer.access.authorizationCode}`,
      { token: altinnToken },
    );
    expect(consent.status).toBe(200);
    const token = await client.token();
    const res = await client.text('/finans/310478717/aapnekrav', {
      token,
      headers: { altinnsamtykke: JSON.parse(consent.body) as string },
    });
    expect(res.status).toBe(200);
    expect(readOpenClaims(res.body).partyId).toBe('310478717');
  });

  it('reports requests per route, token requests per token key and concurrency per party', async () => {
    const stats = sandbox.stats();
    expect(stats.requests['api.aapnekrav']).toBeGreaterThanOrEqual(5);
    expect(stats.requests['mp.token']).toBeGreaterThanOrEqual(6);
    expect(stats.requests['mp.metadata']).toBe(stats.requests['mp.token']);
    const keys = Object.keys(stats.tokenRequests);
    expect(keys.some((k) => k.endsWith('|systemuser:313367002:313367002'))).toBe(true);
    expect(keys.some((k) => k.includes('|consent:'))).toBe(true);
    expect(stats.maxConcurrentPerParty['313367002']).toBe(1);
  });
});

describe('KobSandbox options', () => {
  it('serves the 2023-03 shapes and the negative payment sign on request', async () => {
    const sandbox = await KobSandbox.start({
      wireFormat: '2023-03',
      paymentSign: 'negative',
      apiUrlStyle: 'legacy',
    });
    const client = new SandboxClient(sandbox);
    try {
      expect(sandbox.environment.apiBaseUrl).toMatch(/\/api\/innkreving\/kravogbetalinger\/v1$/);
      const token = await client.systemUserToken('313367002');
      const res = await client.text(`/regnskapssystem/313367002/innbetalinger?${YEAR}`, { token });
      expect(res.status).toBe(200);
      expect(res.body).not.toContain('skjermet');
      expect(res.body).toContain('"betaltTilKonto"');
      expect(res.body).toMatch(/"innbetaltBeloep":-\d+\.\d\d/);
      expect(readPayments(res.body).payments.every((p) => p.amount > 0)).toBe(true);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  it('generates benchmark customers with working access', async () => {
    const sandbox = await KobSandbox.start({
      scenario: { generate: { customers: 8, claimsPerCustomer: 20 } },
      seed: 3,
    });
    const client = new SandboxClient(sandbox);
    try {
      expect(sandbox.customers).toHaveLength(8);
      expect(sandbox.customers.every((c) => isValidOrganisationNumber(c.organisasjonsnummer))).toBe(true);
      for (const customer of sandbox.customers) {
        const org = customer.organisasjonsnummer;
        const token =
          customer.access.type === 'consent'
            ? await client.consentToken(customer.access.consentId, org)
            : await client.systemUserToken(org);
        const res = await client.text(`/${customer.rettighetspakke}/${org}/aapnekrav`, { token });
        expect(res.status).toBe(200);
      }
      expect(sandbox.customers.filter((c) => c.access.type === 'consent')).toHaveLength(2);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  it('moves the ledgers and the authority clock with advanceClock', async () => {
    const sandbox = await KobSandbox.start();
    const client = new SandboxClient(sandbox);
    try {
      const token = await client.systemUserToken('313367002');
      const after = 'fraOgMed=2026-10-16&tilOgMed=2026-11-30';
      expect((await client.text(`/regnskapssystem/313367002/innbetalinger?${after}`, { token })).status).toBe(
        404,
      );

      sandbox.advanceClock(45);
      expect(sandbox.today).toBe('2026-11-29');
      const stale = await client.text(`/regnskapssystem/313367002/innbetalinger?${after}`, { token });
      expect([stale.status, JSON.parse(stale.body).kode]).toEqual([401, 'KB-004']);

      const fresh = await client.systemUserToken('313367002');
      const paid = await client.text(`/regnskapssystem/313367002/innbetalinger?${after}`, { token: fresh });
      const krav = await client.text(`/regnskapssystem/313367002/krav?${after}`, { token: fresh });
      expect([paid.status, krav.status]).toEqual([200, 200]);
      expect(readPayments(paid.body).payments.length).toBeGreaterThan(0);
      expect(readClaims(krav.body).claims.some((c) => c.createdDate! >= '2026-10-16')).toBe(true);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  it('leaves no server, socket or timer behind after close', async () => {
    const handles = () =>
      process
        .getActiveResourcesInfo()
        .filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'Timeout');
    const count = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length;
    // May include what an earlier test is still closing; that can only go away, so `before` bounds the end state.
    const before = handles().length;
    const sandbox = await KobSandbox.start({
      latencyMs: 1,
      faults: [{ route: 'api.utbetalinger', kind: 'timeout' }],
    });
    const client = new SandboxClient(sandbox);
    let sandboxOpen = true;
    let clientOpen = true;
    try {
      const token = await client.systemUserToken('313367002');
      expect((await client.text('/regnskapssystem/313367002/aapnekrav', { token })).status).toBe(200);
      const held = client
        .get(`/regnskapssystem/313367002/utbetalinger?${YEAR}`, { token })
        .catch((e: unknown) => e);
      // Yield (no timer) until the server has the request in hand.
      while ((sandbox.stats().requests['api.utbetalinger'] ?? 0) < 1)
        await new Promise((r) => setImmediate(r));
      // The sandbox's three servers listen and the held request has its socket.
      expect(count('TCPServerWrap')).toBeGreaterThanOrEqual(3);
      expect(count('TCPSocketWrap')).toBeGreaterThan(0);
      await sandbox.close();
      sandboxOpen = false;
      expect(await held).toMatchObject({ code: expect.stringMatching(/^UND_ERR_SOCKET|ECONNRESET$/) });
      await client.close();
      clientOpen = false;
    } finally {
      // A failed expectation must not leave the held request open: Jest would never exit.
      if (sandboxOpen) await sandbox.close();
      if (clientOpen) await client.close().catch(() => undefined);
    }
    expect(handles().length).toBeLessThanOrEqual(before);
  });
});
