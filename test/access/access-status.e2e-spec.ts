import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { KravOgBetalingerClient, type KobApiCustomer } from '../../src/api/krav-og-betalinger.client.js';
import type { AccessState } from '../../src/auth/access/access-state.model.js';
import { AccessStatusService } from '../../src/auth/access/access-status.service.js';
import { AltinnClient } from '../../src/auth/access/altinn.client.js';
import { createGrantSigner, type GrantSigner } from '../../src/auth/grant-signer.js';
import { MaskinportenTokenProvider } from '../../src/auth/maskinporten-token.provider.js';
import { TokenAcquisitionError } from '../../src/auth/token-acquisition.error.js';
import { KobSandbox } from '../../src/testing/index.js';

// Access status against the full KobSandbox over real HTTP: Maskinporten, Altinn and the API on loopback, with
// the module's real token provider, Altinn client and API client.

const REDIRECT = 'https://regnskap.example.no/altinn/ferdig';

describe('access status against the sandbox', () => {
  let sandbox: KobSandbox;
  let agent: Agent;
  let signer: GrantSigner;
  let tokens: MaskinportenTokenProvider;
  let service: AccessStatusService;
  let api: KravOgBetalingerClient;
  const changes: string[] = [];

  const customer = (org: string): KobApiCustomer => {
    const found = sandbox.customers.find((c) => c.organisasjonsnummer === org);
    if (!found) throw new Error(`no sandbox customer ${org}`);
    return found;
  };
  const provider = (overrides: Partial<ConstructorParameters<typeof MaskinportenTokenProvider>[0]> = {}) =>
    new MaskinportenTokenProvider({
      issuer: sandbox.environment.maskinportenIssuer,
      clientId: sandbox.clientId,
      scope: 'skatteetaten:kravogbetalinger',
      signer,
      dispatcher: agent,
      clock: sandbox.clock,
      maxRetries: 0,
      ...overrides,
    });

  beforeAll(async () => {
    sandbox = await KobSandbox.start({ authority: { consentEventLagSeconds: 0 } });
    agent = new Agent();
    signer = await createGrantSigner(sandbox.key);
    tokens = provider();
    const altinn = new AltinnClient({
      altinnBaseUrl: sandbox.environment.altinnBaseUrl,
      altinn2BaseUrl: sandbox.environment.altinn2BaseUrl,
      altinn2ApiKey: sandbox.authority.altinn2ApiKey,
      tokens,
      dispatcher: agent,
      clock: sandbox.clock,
    });
    service = new AccessStatusService({
      altinn,
      tokens,
      systemId: sandbox.authority.systemId,
      redirectUrl: REDIRECT,
      clock: sandbox.clock,
      logger: false,
      onStateChange: (prev: AccessState | undefined, next: AccessState) =>
        void changes.push(`${next.customerId}:${prev?.status ?? '-'}>${next.status}`),
    });
    api = new KravOgBetalingerClient({
      baseUrl: sandbox.environment.apiBaseUrl,
      tokens,
      altinn2: service,
      dispatcher: agent,
      clock: sandbox.clock,
      logger: false,
    });
  });

  afterAll(async () => {
    await agent.close();
    await sandbox.close();
  });

  it('a system-user customer goes from missing to pending to active, then reads its open claims', async () => {
    const su = customer('314055403');
    // Start from nothing: the customer deletes the system user the sandbox made for it.
    const altinn = new AltinnClient({
      altinnBaseUrl: sandbox.environment.altinnBaseUrl,
      tokens,
      dispatcher: agent,
    });
    const existing = await altinn.findSystemUser({
      systemId: sandbox.authority.systemId,
      orgNo: '314055403',
    });
    sandbox.authority.deleteSystemUser(existing!.id);
    expect(await service.checkAccess(su)).toMatchObject({ ok: false, status: 'missing' });

    const pending = await service.requestAccess(su);
    expect(pending.status).toBe('pending');
    expect(pending.confirmUrl).toContain(
      `${sandbox.environment.altinnBaseUrl}/accessmanagement/ui/systemuser/request?id=`,
    );
    expect(sandbox.authority.getSystemUserRequest(pending.requestId!)?.status).toBe('New');
    expect(await service.checkAccess(su)).toMatchObject({
      ok: false,
      status: 'pending',
      reason: `system user request pending: the customer must approve at ${pending.confirmUrl}`,
    });

    sandbox.authority.acceptSystemUserRequest(pending.requestId!);
    const check = await service.checkAccess(su);
    if (!check.ok) throw new Error(check.reason);
    const open = await api.openClaims({ ...su, access: check.access });
    expect(open.partyId).toBe('314055403');
    expect(open.totals).toEqual(sandbox.ledger.openClaims('314055403')!.totals);
    expect(changes.filter((c) => c.startsWith('kunde-314055403'))).toEqual([
      'kunde-314055403:->missing',
      'kunde-314055403:missing>pending',
      'kunde-314055403:pending>active',
    ]);
  });

  it('a deleted system user flips the state and runs are told why', async () => {
    const su = customer('313367002');
    expect(await service.checkAccess(su)).toMatchObject({ ok: true });
    const altinn = new AltinnClient({
      altinnBaseUrl: sandbox.environment.altinnBaseUrl,
      tokens,
      dispatcher: agent,
    });
    const user = await altinn.findSystemUser({ systemId: sandbox.authority.systemId, orgNo: '313367002' });
    sandbox.authority.deleteSystemUser(user!.id);
    const check = await service.checkAccess(su, { refresh: true });
    expect(check).toMatchObject({ ok: false, status: 'missing', action: { kind: 'request-access' } });
    await expect(
      tokens.getToken({ kind: 'systemuser', organisasjonsnummer: '313367002' }, { forceRefresh: true }),
    ).rejects.toMatchObject({
      mpCode: 'MP-303',
    });
  });

  it('an Altinn 3 consent customer approves at viewUri, the events feed turns it active, and it reads the API', async () => {
    const consentId = randomUUID();
    const finans: KobApiCustomer = {
      ...customer('314961900'),
      id: 'kunde-ny-314961900',
      access: { type: 'consent', consentId },
    };
    const pending = await service.requestAccess(finans);
    expect(pending).toMatchObject({ status: 'pending', consentId });
    expect(sandbox.authority.getConsent(consentId)).toMatchObject({
      status: 'created',
      to: expect.stringContaining(sandbox.authority.vendorOrg),
    });

    // The customer opens viewUri and approves; Altinn sends it back to the redirect URL with Status=OK.
    const page = await request(pending.viewUri!, { dispatcher: agent });
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('Godkjenn');
    const decision = await request(pending.viewUri!, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=accept',
    });
    await decision.body.dump();
    expect(decision.statusCode).toBe(303);
    expect(decision.headers.location).toBe(`${REDIRECT}?Status=OK`);

    const followed = await service.followConsentEvents();
    expect(followed.updated).toEqual([
      expect.objectContaining({ customerId: 'kunde-ny-314961900', status: 'active' }),
    ]);
    const check = await service.checkAccess(finans);
    if (!check.ok) throw new Error(check.reason);
    expect(check.access).toEqual({ type: 'consent', consentId });
    const open = await api.openClaims({ ...finans, access: check.access });
    expect(open.totals).toEqual(sandbox.ledger.openClaims('314961900')!.totals);

    sandbox.authority.revokeConsent(consentId);
    await service.followConsentEvents();
    expect(await service.checkAccess(finans)).toMatchObject({
      ok: false,
      status: 'revoked',
      reason: 'the customer revoked the consent',
      action: { kind: 'request-access' },
    });
  });

  it('an expired Altinn 3 consent is reported as expired', async () => {
    const enk = customer('212201782');
    expect(await service.checkAccess(enk)).toMatchObject({ ok: true });
    if (enk.access.type !== 'consent') throw new Error('expected a consent customer');
    sandbox.authority.expireConsent(enk.access.consentId);
    const check = await service.checkAccess(enk, { refresh: true });
    expect(check).toMatchObject({ ok: false, status: 'expired' });
    expect(check.ok || check.reason).toMatch(/^the consent expired on \d{4}-\d{2}-\d{2}$/);
  });

  it('an Altinn 2 consent customer gets its AltinnSamtykke token and reads the API, until it is revoked', async () => {
    const legacy = customer('310478717');
    const check = await service.checkAccess(legacy);
    expect(check).toMatchObject({ ok: true, state: { type: 'altinn2-consent', status: 'active' } });
    expect(check.state.validTo).toEqual(expect.any(String));
    const open = await api.openClaims(legacy);
    expect(open.totals).toEqual(sandbox.ledger.openClaims('310478717')!.totals);

    if (legacy.access.type !== 'altinn2-consent') throw new Error('expected an Altinn 2 customer');
    sandbox.authority.revokeAltinn2Consent(legacy.access.authorizationCode);
    await expect(api.openClaims(legacy)).rejects.toMatchObject({ status: 403 });
    const after = await service.checkAccess(legacy, { refresh: true });
    expect(after).toMatchObject({ ok: false, status: 'revoked' });
    expect(JSON.stringify(after)).not.toContain(legacy.access.authorizationCode);
    expect(JSON.stringify(after)).not.toContain(sandbox.authority.altinn2ApiKey);
  });

  it('fetches Altinn 2 consent tokens with a Maskinporten token alone when no ApiKey is configured', async () => {
    const consent = sandbox.authority.createAltinn2Consent({ offeredBy: '310478717' });
    const altinn = new AltinnClient({
      altinnBaseUrl: sandbox.environment.altinnBaseUrl,
      altinn2BaseUrl: sandbox.environment.altinn2BaseUrl,
      tokens,
      dispatcher: agent,
    });
    const token = await altinn.altinn2ConsentToken(consent.authorizationCode);
    expect(token.split('.')).toHaveLength(3);
    await expect(altinn.altinn2ConsentToken(randomUUID())).rejects.toMatchObject({
      code: 'KOB_ALTINN2_CONSENT_REFUSED',
      status: 403,
    });
  });

  describe('Maskinporten errors through the real token provider', () => {
    const rewriting = (
      rewrite: (claims: Record<string, unknown>) => Record<string, unknown>,
    ): GrantSigner => ({
      alg: signer.alg,
      kid: signer.kid,
      sign: (claims) => signer.sign(rewrite(claims)),
    });
    const mpCodeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'no error',
        (error: unknown) => (error instanceof TokenAcquisitionError ? error.mpCode : String(error)),
      );

    it('a replayed jti is MP-012', async () => {
      const replaying = provider({
        signer: rewriting((c) => ({ ...c, jti: `replayed-${sandbox.clientId}` })),
      });
      await replaying.getToken({ kind: 'client' });
      expect(await mpCodeOf(replaying.getToken({ kind: 'client' }, { forceRefresh: true }))).toBe('MP-012');
    });

    it('a wrong audience is MP-110', async () => {
      const wrongAud = provider({
        signer: rewriting((c) => ({ ...c, aud: `${sandbox.urls.maskinporten}/token` })),
      });
      expect(await mpCodeOf(wrongAud.getToken({ kind: 'client' }))).toBe('MP-110');
    });

    it('an expired grant is MP-130', async () => {
      const stale = provider({
        signer: rewriting((c) => ({ ...c, iat: (c.iat as number) - 600, exp: (c.exp as number) - 600 })),
      });
      expect(await mpCodeOf(stale.getToken({ kind: 'client' }))).toBe('MP-130');
    });

    it('a scope the client does not have is MP-200', async () => {
      expect(await mpCodeOf(tokens.getToken({ kind: 'client' }, { scope: 'skatteetaten:ukjent' }))).toBe(
        'MP-200',
      );
    });

    it('a system user that does not exist is MP-303', async () => {
      const error = await tokens
        .getToken({ kind: 'systemuser', organisasjonsnummer: '313367002', externalRef: 'finnes-ikke' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenAcquisitionError);
      expect(error).toMatchObject({
        mpCode: 'MP-303',
        oauthError: 'invalid_altinn_customer_configuration',
        status: 400,
      });
    });
  });

  // Moves the sandbox clock: keep last.
  it('an Altinn 2 consent past its validTo reads as expired', async () => {
    const consent = sandbox.authority.createAltinn2Consent({ offeredBy: '310478717' });
    const legacy: KobApiCustomer = {
      ...customer('310478717'),
      id: 'kunde-310478717-b',
      access: { type: 'altinn2-consent', authorizationCode: consent.authorizationCode },
    };
    expect(await service.checkAccess(legacy)).toMatchObject({ ok: true });
    sandbox.advanceClock(91);
    expect(await service.checkAccess(legacy, { refresh: true })).toMatchObject({
      ok: false,
      status: 'expired',
    });
  });
});
