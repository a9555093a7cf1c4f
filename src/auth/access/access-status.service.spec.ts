import { randomUUID } from 'node:crypto';
import { MockAgent } from 'undici';
import type { KobApiCustomer } from '../../api/krav-og-betalinger.client.js';
import { ConfigurationError } from '../../errors/kob.error.js';
import type { TokenSubject } from '../grant-claims.js';
import { TokenAcquisitionError } from '../token-acquisition.error.js';
import type { AccessState } from './access-state.model.js';
import { InMemoryAccessStateStore } from './access-state.store.js';
import { AccessStatusService, CONSENT_EVENTS_CURSOR } from './access-status.service.js';
import { ALTINN_SCOPES, AltinnClient } from './altinn.client.js';

const ALTINN = 'https://platform.tt02.altinn.no';
const ALTINN2 = 'https://tt02.altinn.no';
const VENDOR = '991825827';
const SYSTEM_ID = `${VENDOR}_kob`;
const REDIRECT = 'https://regnskap.example.no/altinn/ferdig';
const API_KEY = 'ALTINN2-API-KEY-SECRET';
const AUTH_CODE = 'AUTHCODE-SECRET-123';
const DAY = 86_400_000;
const SU = '/authentication/api/v1/systemuser';
const CONSENT = '/accessmanagement/api/v1/enterprise/consentrequests';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: object) => `${b64({ alg: 'RS256' })}.${b64(claims)}.c2ln`;

/** A scripted Altinn behind MockAgent, with the documented paths, statuses and bodies (reference §2, §3). */
class FakeAltinn {
  readonly requests = new Map<string, { id: string; org: string; ref: string; status: string }>();
  readonly systemUsers = new Set<string>();
  readonly consents = new Map<
    string,
    { id: string; from: string; to: string; validTo: string; status: string }
  >();
  readonly events: { consentRequestId: string; eventType: string; changedDate: string }[] = [];
  readonly altinn2 = new Map<string, { ok: boolean; validTo: number }>();
  readonly calls: string[] = [];
  readonly bodies: unknown[] = [];
  /** Answers the next calls with this status instead (Altinn down). */
  outage?: number;
  pageSize = 2;

  constructor(private readonly clock: { now(): number }) {}

  install(agent: MockAgent): void {
    const any = { path: () => true, method: () => true };
    agent
      .get(ALTINN)
      .intercept(any)
      .reply<object>((opts) =>
        this.handle(opts.method, opts.path, opts.body, opts.headers as Record<string, string>),
      )
      .persist();
    agent
      .get(ALTINN2)
      .intercept(any)
      .reply<object>((opts) =>
        this.handle(opts.method, opts.path, opts.body, opts.headers as Record<string, string>),
      )
      .persist();
  }

  request(org: string, status = 'New', ref = org): string {
    const id = randomUUID();
    this.requests.set(id, { id, org, ref, status });
    if (status === 'Accepted') this.systemUsers.add(`${org}|${ref}`);
    return id;
  }

  setConsent(id: string, status: string): void {
    this.consents.get(id)!.status = status;
    this.events.push({
      consentRequestId: id,
      eventType: status,
      changedDate: new Date(this.clock.now()).toISOString(),
    });
  }

  private handle(method: string, path: string, body: unknown, headers: Record<string, string>): Reply {
    this.calls.push(`${method} ${path.split('?')[0]}`);
    if (this.outage)
      return { statusCode: this.outage, data: { title: 'Service unavailable', status: this.outage } };
    const url = new URL(path, ALTINN);
    const json = typeof body === 'string' && body ? JSON.parse(body) : undefined;
    if (json) this.bodies.push(json);
    const p = url.pathname;
    if (method === 'POST' && p === `${SU}/request/vendor`) return this.createRequest(json);
    if (p.startsWith(`${SU}/request/vendor/byexternalref/`)) {
      const [, org, ref] = p.slice(`${SU}/request/vendor/byexternalref/`.length).split('/');
      const found = [...this.requests.values()].reverse().find((r) => r.org === org && r.ref === ref);
      return found ? { statusCode: 200, data: this.view(found) } : notFound('AUTH-00010');
    }
    if (p.startsWith(`${SU}/request/vendor/`)) {
      const found = this.requests.get(p.slice(`${SU}/request/vendor/`.length));
      return found ? { statusCode: 200, data: this.view(found) } : notFound('AUTH-00010');
    }
    if (p === `${SU}/vendor/byquery`) {
      const org = url.searchParams.get('orgno')!;
      const key = `${org}|${url.searchParams.get('external-ref') ?? org}`;
      return this.systemUsers.has(key)
        ? { statusCode: 200, data: { id: 'su-1', systemId: SYSTEM_ID, reporteeOrgNo: org } }
        : notFound();
    }
    if (method === 'POST' && p === CONSENT) return this.createConsent(json);
    if (p === `${CONSENT}/events`) return this.eventsPage(url.searchParams.get('continuationToken'));
    if (p.startsWith(`${CONSENT}/`)) {
      const found = this.consents.get(p.slice(CONSENT.length + 1));
      return found ? { statusCode: 200, data: this.consentView(found) } : notFound('AM-00001');
    }
    if (p === '/api/authorization/token') {
      expect(headers.apikey ?? headers.ApiKey).toBe(API_KEY);
      const consent = this.altinn2.get(url.searchParams.get('authcode')!);
      if (!consent?.ok || this.clock.now() >= consent.validTo)
        return { statusCode: 403, data: 'The API key is not authorized for this operation' };
      const now = Math.floor(this.clock.now() / 1000);
      const token = jwt({ ValidToDate: Math.floor(consent.validTo / 1000), exp: now + 30, iss: 'altinn.no' });
      return { statusCode: 200, data: JSON.stringify(token) };
    }
    return { statusCode: 599, data: { title: `unexpected ${method} ${p}` } };
  }

  private createRequest(input: { partyOrgNo: string; externalRef?: string }) {
    const ref = input.externalRef ?? input.partyOrgNo;
    if (this.systemUsers.has(`${input.partyOrgNo}|${ref}`)) {
      return {
        statusCode: 400,
        data: { title: 'The SystemUser already exists', status: 400, code: 'AUTH-00004' },
      };
    }
    const existing = [...this.requests.values()].find(
      (r) => r.org === input.partyOrgNo && r.ref === ref && r.status === 'New',
    );
    if (existing) return { statusCode: 200, data: this.view(existing) };
    const id = this.request(input.partyOrgNo, 'New', ref);
    return { statusCode: 201, data: this.view(this.requests.get(id)!) };
  }

  private createConsent(input: { id: string; from: string; to: string; validTo: string }) {
    const existing = this.consents.get(input.id);
    if (existing) {
      if (existing.from !== input.from || existing.to !== input.to) {
        return { statusCode: 400, data: { title: 'exists for other parties', code: 'AM-00016' } };
      }
      return { statusCode: 200, data: this.consentView(existing) };
    }
    const consent = {
      id: input.id,
      from: input.from,
      to: input.to,
      validTo: input.validTo,
      status: 'created',
    };
    this.consents.set(input.id, consent);
    return { statusCode: 201, data: this.consentView(consent) };
  }

  private eventsPage(token: string | null) {
    const start = token ? Number(token.slice(1)) : 0;
    const page = this.events.slice(start, start + this.pageSize);
    const links =
      page.length === this.pageSize
        ? { next: `${ALTINN}${CONSENT}/events?continuationToken=t${start + page.length}` }
        : {};
    return { statusCode: 200, data: { links, data: page } };
  }

  private view(r: { id: string; org: string; ref: string; status: string }) {
    return {
      id: r.id,
      externalRef: r.ref,
      systemId: SYSTEM_ID,
      partyOrgNo: r.org,
      status: r.status,
      confirmUrl: `https://am.ui.tt02.altinn.no/accessmanagement/ui/systemuser/request?id=${r.id}`,
    };
  }

  private consentView(c: { id: string; from: string; to: string; validTo: string; status: string }) {
    const expired = c.status === 'accepted' && this.clock.now() >= Date.parse(c.validTo);
    return {
      ...c,
      status: expired ? 'expired' : c.status,
      viewUri: `https://am.ui.tt02.altinn.no/accessmanagement/ui/consent/request?id=${c.id}`,
    };
  }
}

type Reply = { statusCode: number; data: object | string };

function notFound(code?: string): Reply {
  return { statusCode: 404, data: { title: 'Not found', status: 404, ...(code ? { code } : {}) } };
}

const suCustomer = (org = '313367002', externalRef?: string): KobApiCustomer => ({
  id: `kunde-${org}`,
  organisasjonsnummer: org,
  rettighetspakke: 'regnskapssystem',
  access: { type: 'systembruker', ...(externalRef ? { externalRef } : {}) },
});
const consentCustomer = (consentId: string, org = '314961900'): KobApiCustomer => ({
  id: `kunde-${org}`,
  organisasjonsnummer: org,
  rettighetspakke: 'finans',
  access: { type: 'consent', consentId },
});
const altinn2Customer = (code = AUTH_CODE): KobApiCustomer => ({
  id: 'kunde-310478717',
  organisasjonsnummer: '310478717',
  rettighetspakke: 'finans',
  access: { type: 'altinn2-consent', authorizationCode: code },
});

function setup(overrides: { systemId?: string | null; systemUsersByToken?: Set<string> } = {}) {
  const clock = {
    t: Date.UTC(2026, 10, 26, 12),
    now() {
      return this.t;
    },
  };
  const agent = new MockAgent();
  agent.disableNetConnect();
  const altinn = new FakeAltinn(clock);
  altinn.install(agent);
  const scopes: string[] = [];
  const tokens = {
    async getToken(subject: TokenSubject, opts: { scope?: string } = {}) {
      scopes.push(opts.scope ?? '');
      if (subject.kind === 'systemuser' && !overrides.systemUsersByToken?.has(subject.organisasjonsnummer)) {
        throw new TokenAcquisitionError('Maskinporten refused the token request (MP-303)', {
          tokenKey: 'k',
          status: 400,
          mpCode: 'MP-303',
          oauthError: 'invalid_altinn_customer_configuration',
        });
      }
      return {
        accessToken: jwt({
          consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${VENDOR}` },
          scope: opts.scope,
        }),
        expiresAt: clock.now() + 120_000,
        scope: opts.scope ?? '',
        tokenKey: 'k',
      };
    },
  };
  const client = new AltinnClient({
    altinnBaseUrl: ALTINN,
    altinn2BaseUrl: ALTINN2,
    tokens,
    dispatcher: agent,
    altinn2ApiKey: API_KEY,
    maxRetries: 0,
  });
  const store = new InMemoryAccessStateStore();
  const changes: [AccessState | undefined, AccessState][] = [];
  const service = new AccessStatusService({
    altinn: client,
    tokens,
    store,
    ...(overrides.systemId === null ? {} : { systemId: overrides.systemId ?? SYSTEM_ID }),
    redirectUrl: REDIRECT,
    clock,
    logger: false,
    onStateChange: (prev, next) => void changes.push([prev, next]),
  });
  const transitions = () => changes.map(([prev, next]) => `${prev?.status ?? '-'}>${next.status}`);
  return { clock, altinn, service, store, changes, transitions, scopes };
}

describe('AccessStatusService: system user', () => {
  it('requests a system user, reports pending with the confirmUrl, and turns active once accepted', async () => {
    const { altinn, service, transitions, store } = setup();
    const customer = suCustomer();
    const requested = await service.requestAccess(customer);
    expect(requested).toMatchObject({
      customerId: 'kunde-313367002',
      type: 'systembruker',
      status: 'pending',
    });
    expect(requested.confirmUrl).toBe(
      `https://am.ui.tt02.altinn.no/accessmanagement/ui/systemuser/request?id=${requested.requestId}`,
    );
    expect(altinn.bodies[0]).toEqual({
      systemId: SYSTEM_ID,
      partyOrgNo: '313367002',
      rights: [{ resource: [{ id: 'urn:altinn:resource', value: 'ske-krav-og-betalinger' }] }],
      redirectUrl: REDIRECT,
    });

    const skipped = await service.checkAccess(customer);
    expect(skipped).toEqual({
      ok: false,
      status: 'pending',
      reason: `system user request pending: the customer must approve at ${requested.confirmUrl}`,
      action: { kind: 'approve', url: requested.confirmUrl },
      state: expect.objectContaining({ status: 'pending' }),
    });

    altinn.requests.get(requested.requestId!)!.status = 'Accepted';
    altinn.systemUsers.add('313367002|313367002');
    const check = await service.checkAccess(customer);
    expect(check).toMatchObject({ ok: true, access: { type: 'systembruker' } });
    expect(transitions()).toEqual(['->pending', 'pending>active']);
    expect(await store.get(customer.id)).toMatchObject({ status: 'active', requestId: requested.requestId });
  });

  it('asking twice reuses the pending request (one request in Altinn, one state change)', async () => {
    const { altinn, service, transitions } = setup();
    const first = await service.requestAccess(suCustomer('313367002', 'kunde-1'));
    const second = await service.requestAccess(suCustomer('313367002', 'kunde-1'));
    expect(second.requestId).toBe(first.requestId);
    expect(altinn.requests.size).toBe(1);
    expect(altinn.bodies[0]).toMatchObject({ externalRef: 'kunde-1' });
    expect(transitions()).toEqual(['->pending']);
  });

  it('a system user that already exists (AUTH-00004) is active', async () => {
    const { altinn, service } = setup();
    altinn.systemUsers.add('313367002|313367002');
    expect(await service.requestAccess(suCustomer())).toMatchObject({ status: 'active' });
  });

  it.each([
    ['Rejected', 'rejected', 'the customer rejected the system user request'],
    ['Denied', 'denied', 'Altinn denied the system user request'],
    ['Timedout', 'timedout', 'the system user request timed out before the customer approved it'],
  ])('a %s request makes the customer %s, skipped with the reason', async (altinnStatus, status, reason) => {
    const { altinn, service } = setup();
    const requestId = altinn.request('313367002', altinnStatus);
    const check = await service.checkAccess(suCustomer());
    expect(check).toMatchObject({ ok: false, status, reason, action: { kind: 'request-access' } });
    expect(check.state.requestId).toBe(requestId);
  });

  it('an accepted request whose system user was deleted is revoked; no request at all is missing', async () => {
    const { altinn, service } = setup();
    altinn.request('313367002', 'Accepted');
    expect(await service.refresh(suCustomer())).toMatchObject({ status: 'active' });
    altinn.systemUsers.clear();
    expect(await service.refresh(suCustomer())).toMatchObject({ status: 'revoked' });
    expect(await service.checkAccess(suCustomer('314055403'))).toMatchObject({
      ok: false,
      status: 'missing',
      action: { kind: 'request-access' },
    });
  });

  it('without a system id, probes Maskinporten for the system user (MP-303 means missing)', async () => {
    const { service, scopes } = setup({ systemId: null, systemUsersByToken: new Set(['313367002']) });
    expect(await service.refresh(suCustomer('313367002'))).toMatchObject({ status: 'active' });
    expect(await service.refresh(suCustomer('314055403'))).toMatchObject({
      status: 'missing',
      reason: 'Maskinporten finds no system user for the customer (MP-303)',
    });
    expect(scopes).toEqual(['skatteetaten:kravogbetalinger', 'skatteetaten:kravogbetalinger']);
    const error = await service.requestAccess(suCustomer('314055403')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).issues).toEqual([
      { path: 'altinn.systemId', message: 'is required to request access in Altinn' },
    ]);
  });
});

describe('AccessStatusService: Altinn 3 consent', () => {
  it('creates the consent request under the configured id, idempotently, and follows it to active', async () => {
    const { altinn, service, clock, transitions, scopes } = setup();
    const id = randomUUID();
    const customer = consentCustomer(id);
    const requested = await service.requestAccess(customer);
    const again = await service.requestAccess(customer);
    expect(requested).toMatchObject({
      status: 'pending',
      consentId: id,
      viewUri: `https://am.ui.tt02.altinn.no/accessmanagement/ui/consent/request?id=${id}`,
    });
    expect(again.consentId).toBe(id);
    expect(altinn.consents.size).toBe(1);
    expect(altinn.bodies[0]).toEqual({
      id,
      from: 'urn:altinn:organization:identifier-no:314961900',
      to: `urn:altinn:organization:identifier-no:${VENDOR}`,
      validTo: new Date(clock.now() + 90 * DAY).toISOString(),
      consentRights: [
        {
          action: ['consent'],
          resource: [{ type: 'urn:altinn:resource', value: 'ske-samtykke-krav-og-betalinger' }],
        },
      ],
      redirectUrl: REDIRECT,
    });
    expect(scopes).toContain(ALTINN_SCOPES.consentRequestsWrite);

    altinn.setConsent(id, 'accepted');
    expect(await service.checkAccess(customer)).toMatchObject({
      ok: true,
      access: { type: 'consent', consentId: id },
    });
    expect(transitions()).toEqual(['->pending', 'pending>active']);
  });

  it('warns before validTo (injected clock) and expires after it', async () => {
    const { altinn, service, clock, transitions } = setup();
    const id = randomUUID();
    const customer = consentCustomer(id);
    await service.requestAccess(customer);
    altinn.setConsent(id, 'accepted');
    const active = await service.refresh(customer);
    expect(active.validTo).toBe(new Date(clock.now() + 90 * DAY).toISOString());
    expect(active.warning).toBeUndefined();

    clock.t += 80 * DAY;
    const warned = await service.checkAccess(customer);
    expect(warned).toMatchObject({ ok: true });
    expect(warned.ok && warned.warning).toMatch(/^the consent expires on \d{4}-\d{2}-\d{2} \(in 10 days\)/);

    clock.t += 10 * DAY;
    const expired = await service.checkAccess(customer);
    expect(expired).toMatchObject({
      ok: false,
      status: 'expired',
      reason: `the consent expired on ${active.validTo!.slice(0, 10)}`,
      action: { kind: 'request-access' },
    });
    expect(transitions()).toEqual(['->pending', 'pending>active', 'active>active', 'active>expired']);
  });

  it('after a rejection asks again under a new id and hands runs the new consent id', async () => {
    const { altinn, service } = setup();
    const id = randomUUID();
    const customer = consentCustomer(id);
    await service.requestAccess(customer);
    altinn.setConsent(id, 'rejected');
    expect(await service.checkAccess(customer)).toMatchObject({
      ok: false,
      status: 'rejected',
      reason: 'the customer rejected the consent request',
    });
    const again = await service.requestAccess(customer);
    expect(again.status).toBe('pending');
    expect(again.consentId).not.toBe(id);
    altinn.setConsent(again.consentId!, 'accepted');
    const check = await service.checkAccess(customer);
    expect(check).toMatchObject({ ok: true, access: { type: 'consent', consentId: again.consentId } });
    expect(check.ok && check.warning).toBe(
      `the configured access.consentId is outdated: the active consent is ${again.consentId}`,
    );
  });

  it('an id Altinn holds for other parties (AM-00016) gets a fresh id', async () => {
    const { altinn, service } = setup();
    const id = randomUUID();
    altinn.consents.set(id, {
      id,
      from: 'urn:x',
      to: 'urn:y',
      validTo: '2030-01-01T00:00:00Z',
      status: 'created',
    });
    const state = await service.requestAccess(consentCustomer(id));
    expect(state.status).toBe('pending');
    expect(state.consentId).not.toBe(id);
  });

  it('renews an active consent before it expires without interrupting access', async () => {
    const { altinn, service, clock } = setup();
    const id = randomUUID();
    const customer = consentCustomer(id);
    await service.requestAccess(customer);
    altinn.setConsent(id, 'accepted');
    await service.refresh(customer);
    clock.t += 80 * DAY;
    const renewing = await service.requestAccess(customer, { renew: true });
    expect(renewing).toMatchObject({ status: 'active', consentId: id });
    expect(renewing.renewalConsentId).toEqual(expect.any(String));
    expect(renewing.renewalViewUri).toContain(renewing.renewalConsentId);
    expect(await service.checkAccess(customer)).toMatchObject({ ok: true, access: { consentId: id } });

    altinn.setConsent(renewing.renewalConsentId!, 'accepted');
    const renewed = await service.refresh(customer);
    expect(renewed).toMatchObject({ status: 'active', consentId: renewing.renewalConsentId });
    expect(renewed.validTo).toBe(new Date(clock.now() + 90 * DAY).toISOString());
    expect(renewed).not.toHaveProperty('renewalConsentId');
    expect(renewed).not.toHaveProperty('warning');
  });

  it('follows the events feed from the stored continuation token and updates only tracked customers', async () => {
    const { altinn, service, store, transitions } = setup();
    const a = consentCustomer(randomUUID(), '314961900');
    const b = consentCustomer(randomUUID(), '212201782');
    await service.requestAccess(a);
    await service.requestAccess(b);
    const stranger = randomUUID();
    altinn.consents.set(stranger, {
      id: stranger,
      from: 'urn:x',
      to: 'urn:y',
      validTo: '2030-01-01T00:00:00Z',
      status: 'created',
    });
    altinn.setConsent(stranger, 'accepted');
    altinn.setConsent(a.access.type === 'consent' ? a.access.consentId : '', 'accepted');
    altinn.setConsent(b.access.type === 'consent' ? b.access.consentId : '', 'rejected');

    const first = await service.followConsentEvents();
    expect(first).toMatchObject({ pages: 2, events: 3 });
    expect(first.updated.map((s) => [s.customerId, s.status]).sort()).toEqual([
      ['kunde-212201782', 'rejected'],
      ['kunde-314961900', 'active'],
    ]);
    expect(altinn.calls.filter((c) => c === `GET ${CONSENT}/${stranger}`)).toEqual([]);
    expect(await store.getCursor(CONSENT_EVENTS_CURSOR)).toBe('t2');
    expect(transitions()).toEqual(['->pending', '->pending', 'pending>active', 'pending>rejected']);

    altinn.setConsent(a.access.type === 'consent' ? a.access.consentId : '', 'revoked');
    const second = await service.followConsentEvents();
    // The last partial page is read again (harmless), then the new full page leads to an empty one.
    expect(second).toMatchObject({ pages: 2, events: 2 });
    expect(altinn.calls.filter((c) => c.endsWith('/events'))).toHaveLength(4);
    expect(await store.getCursor(CONSENT_EVENTS_CURSOR)).toBe('t4');
    expect(transitions().slice(4)).toEqual(['active>revoked']);
    expect((await store.get('kunde-314961900'))?.status).toBe('revoked');
    expect(await service.checkAccess(a)).toMatchObject({ ok: false, status: 'revoked' });
  });

  it('follows a consent the host configured after the tracked one ended', async () => {
    const { altinn, service } = setup();
    const old = randomUUID();
    await service.requestAccess(consentCustomer(old));
    altinn.setConsent(old, 'accepted');
    altinn.setConsent(old, 'revoked');
    expect(await service.refresh(consentCustomer(old))).toMatchObject({ status: 'revoked', consentId: old });
    const made = randomUUID();
    altinn.consents.set(made, {
      id: made,
      from: 'urn:altinn:organization:identifier-no:314961900',
      to: `urn:altinn:organization:identifier-no:${VENDOR}`,
      validTo: '2030-01-01T00:00:00Z',
      status: 'accepted',
    });
    expect(await service.checkAccess(consentCustomer(made))).toMatchObject({
      ok: true,
      access: { type: 'consent', consentId: made },
      state: { consentId: made, status: 'active' },
    });
  });

  it('tracks consents of configured customers that have no state yet', async () => {
    const { altinn, service } = setup();
    const id = randomUUID();
    altinn.consents.set(id, {
      id,
      from: 'urn:altinn:organization:identifier-no:314961900',
      to: `urn:altinn:organization:identifier-no:${VENDOR}`,
      validTo: '2030-01-01T00:00:00Z',
      status: 'created',
    });
    altinn.setConsent(id, 'accepted');
    const result = await service.followConsentEvents([consentCustomer(id)]);
    expect(result.updated).toEqual([
      expect.objectContaining({ customerId: 'kunde-314961900', status: 'active' }),
    ]);
  });
});

describe('AccessStatusService: Altinn 2 consent', () => {
  it('is active while a token can be fetched, with validTo from the token', async () => {
    const { altinn, service, clock } = setup();
    altinn.altinn2.set(AUTH_CODE, { ok: true, validTo: clock.now() + 60 * DAY });
    const state = await service.refresh(altinn2Customer());
    expect(state).toMatchObject({
      status: 'active',
      validTo: new Date(clock.now() + 60 * DAY).toISOString(),
    });
    expect(await service.requestAccess(altinn2Customer())).toMatchObject({ status: 'active' });
  });

  it('caches the AltinnSamtykke token for at most 20 s; forceRefresh fetches a new one', async () => {
    const { altinn, service, clock } = setup();
    altinn.altinn2.set(AUTH_CODE, { ok: true, validTo: clock.now() + 60 * DAY });
    const fetches = () => altinn.calls.filter((c) => c === 'GET /api/authorization/token').length;
    const customer = altinn2Customer();
    const [a, b] = await Promise.all([service.consentToken(customer), service.consentToken(customer)]);
    expect(a).toBe(b);
    expect(fetches()).toBe(1);
    clock.t += 19_999;
    expect(await service.consentToken(customer)).toBe(a);
    expect(fetches()).toBe(1);
    clock.t += 1;
    await service.consentToken(customer);
    expect(fetches()).toBe(2);
    await service.consentToken(customer, { forceRefresh: true });
    expect(fetches()).toBe(3);
    expect(a.split('.')).toHaveLength(3);
  });

  it("maps Altinn 2's 403 to revoked, or expired once validTo has passed", async () => {
    const { altinn, service, clock, transitions } = setup();
    altinn.altinn2.set(AUTH_CODE, { ok: true, validTo: clock.now() + 60 * DAY });
    const customer = altinn2Customer();
    await service.refresh(customer);
    altinn.altinn2.get(AUTH_CODE)!.ok = false;
    await expect(service.consentToken(customer, { forceRefresh: true })).rejects.toMatchObject({
      code: 'KOB_ALTINN2_CONSENT_REFUSED',
    });
    const revoked = await service.checkAccess(customer);
    expect(revoked).toMatchObject({
      ok: false,
      status: 'revoked',
      action: { kind: 'update-config', field: 'access.type', value: 'consent' },
    });
    expect(revoked.ok || revoked.reason).toContain('Altinn 2 refused the authorisation code');

    altinn.altinn2.get(AUTH_CODE)!.ok = true;
    await service.refresh(customer);
    clock.t += 61 * DAY;
    expect(await service.refresh(customer)).toMatchObject({ status: 'expired' });
    expect(transitions()).toEqual(['->active', 'active>revoked', 'revoked>active', 'active>expired']);
    const everything = JSON.stringify(await service.getState(customer.id));
    expect(everything).not.toContain(AUTH_CODE);
    expect(everything).not.toContain(API_KEY);
  });
});

describe('AccessStatusService: failures', () => {
  it('keeps a known status with a warning when Altinn is down, and says why for an unknown one', async () => {
    const { altinn, service } = setup();
    altinn.request('313367002', 'Accepted');
    await service.refresh(suCustomer());
    altinn.outage = 503;
    const kept = await service.refresh(suCustomer());
    expect(kept.status).toBe('active');
    expect(kept.warning).toMatch(
      /^the last check with Altinn failed \(Altinn systemuser.byquery failed: HTTP 503/,
    );
    expect(await service.checkAccess(suCustomer())).toMatchObject({ ok: true });

    const unknown = await service.checkAccess(suCustomer('314055403'));
    expect(unknown).toMatchObject({ ok: false, status: 'error', action: { kind: 'retry' } });
    expect(unknown.ok || unknown.reason).toContain('HTTP 503');
  });

  it('requestAccess rethrows the typed error after recording it', async () => {
    const { altinn, service, store } = setup();
    altinn.outage = 500;
    await expect(service.requestAccess(suCustomer())).rejects.toMatchObject({
      status: 500,
      operation: 'systemuser.request.create',
    });
    expect(await store.get('kunde-313367002')).toMatchObject({ status: 'error' });
  });

  it('a throwing onStateChange does not break the service', async () => {
    const clock = { now: () => Date.UTC(2026, 10, 26) };
    const agent = new MockAgent();
    agent.disableNetConnect();
    const fake = new FakeAltinn(clock);
    fake.install(agent);
    fake.request('313367002', 'Accepted');
    const tokens = {
      getToken: async () => ({ accessToken: jwt({}), expiresAt: 0, scope: '', tokenKey: 'k' }),
    };
    const service = new AccessStatusService({
      altinn: new AltinnClient({ altinnBaseUrl: ALTINN, tokens, dispatcher: agent }),
      tokens,
      systemId: SYSTEM_ID,
      clock,
      logger: false,
      onStateChange: () => {
        throw new Error('host bug');
      },
    });
    expect(await service.refresh(suCustomer())).toMatchObject({ status: 'active' });
  });
});
