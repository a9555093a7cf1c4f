import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { SandboxResponse, SandboxRoute } from '../http/http.types.js';
import { SandboxAuthority } from './sandbox-authority.js';
import { SandboxAuthorityError } from './sandbox-authority.error.js';
import type { ConsentRequestView, SandboxAuthorityOptions } from './authority.types.js';

const START = Date.parse('2026-03-02T10:00:00Z');
const ALTINN = 'http://altinn.test';
const ORG = '313367002';
const PERSON = '04827896468';
const MINUTE = 60_000;

let now = START;
const clock = { now: () => now };

async function setup(options: Partial<SandboxAuthorityOptions> = {}) {
  now = START;
  const authority = await SandboxAuthority.create({
    clock,
    baseUrls: { maskinporten: 'http://mp.test', altinn: ALTINN },
    ...options,
  });
  const routes = authority.altinnRoutes();
  const route = (name: string): SandboxRoute => routes.find((r) => r.name === name)!;
  /** A token with all consent scopes, fetched at the current sandbox time. */
  const token = async (scope = 'altinn:consentrequests.write altinn:consentrequests.read') =>
    (await authority.fetchTestToken({ scope })).access_token;
  const call = async (
    name: string,
    opts: {
      path?: string;
      body?: unknown;
      params?: Record<string, string>;
      headers?: Record<string, string>;
      token?: string | null;
    },
  ): Promise<SandboxResponse> => {
    const bearer = opts.token === null ? undefined : (opts.token ?? (await token()));
    return route(name).handler({
      method: route(name).method,
      url: new URL(`${ALTINN}${opts.path ?? '/'}`),
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? '' : JSON.stringify(opts.body),
      params: opts.params ?? {},
    });
  };
  const requestBody = (overrides: Record<string, unknown> = {}) => ({
    id: '0195f0a2-7c1d-7e55-9a1b-1c2d3e4f5a6b',
    from: `urn:altinn:organization:identifier-no:${ORG}`,
    to: `urn:altinn:organization:identifier-no:${authority.vendorOrg}`,
    validTo: '2026-06-01T00:00:00+00:00',
    consentRights: [
      {
        action: ['consent'],
        resource: [{ type: 'urn:altinn:resource', value: 'ske-samtykke-krav-og-betalinger' }],
      },
    ],
    redirectUrl: 'https://vendor.example/consent?customer=1',
    ...overrides,
  });
  const create = (body: unknown, tokenOverride?: string) =>
    call('altinn.consent.request.create', { body, ...(tokenOverride ? { token: tokenOverride } : {}) });
  const get = (id: string) => call('altinn.consent.request.get', { params: { consentRequestId: id } });
  const events = (query = '') =>
    call('altinn.consent.events', {
      path: `/accessmanagement/api/v1/enterprise/consentrequests/events${query}`,
    });
  return { authority, call, token, create, get, events, requestBody };
}

type EventsPage = {
  links: { next?: string };
  data: { consentRequestId: string; eventType: string; changedDate: string }[];
};
const codeOf = (res: SandboxResponse) => (res.body as { code?: string }).code;

describe('Altinn 3 consent request API', () => {
  it('requires a token (401) with a consent scope (403)', async () => {
    const { authority, create, call, requestBody } = await setup();
    expect((await call('altinn.consent.request.create', { body: requestBody(), token: null })).status).toBe(
      401,
    );
    expect((await create(requestBody(), (await authority.fetchTestToken()).access_token)).status).toBe(403);
    const readOnly = (await authority.fetchTestToken({ scope: 'altinn:consentrequests.read' })).access_token;
    expect((await create(requestBody(), readOnly)).status).toBe(403);
  });

  it('creates a request (201, Location, viewUri, status created) and is idempotent on id', async () => {
    const { create, requestBody } = await setup();
    const first = await create(requestBody());
    expect(first.status).toBe(201);
    const view = first.body as ConsentRequestView;
    expect(first.headers?.location).toBe(
      `${ALTINN}/accessmanagement/api/v1/enterprise/consentrequests/${view.id}`,
    );
    expect(view).toMatchObject({
      id: '0195f0a2-7c1d-7e55-9a1b-1c2d3e4f5a6b',
      from: `urn:altinn:organization:identifier-no:${ORG}`,
      status: 'created',
      validTo: '2026-06-01T00:00:00.000+00:00',
      redirectUrl: 'https://vendor.example/consent?customer=1',
      viewUri: `${ALTINN}/accessmanagement/ui/consent/request?id=${view.id}`,
      portalViewMode: 'hide',
    });
    expect(view.consentRequestEvents.map((e) => e.eventType)).toEqual(['Created']);

    const again = await create(requestBody());
    expect(again.status).toBe(200);
    expect((again.body as ConsentRequestView).id).toBe(view.id);
    const conflicting = await create(requestBody({ from: `urn:altinn:person:identifier-no:${PERSON}` }));
    expect({ status: conflicting.status, code: codeOf(conflicting) }).toEqual({
      status: 400,
      code: 'AM-00016',
    });
  });

  it('validates the body and refuses resources and parties the caller may not request', async () => {
    const { authority, create, requestBody } = await setup();
    const past = await create(requestBody({ validTo: '2026-03-01T00:00:00+00:00', id: 'not-a-uuid' }));
    expect(past.status).toBe(400);
    expect(Object.keys((past.body as { errors: object }).errors).sort()).toEqual(['id', 'validTo']);
    const otherResource = requestBody({
      consentRights: [
        { action: ['consent'], resource: [{ type: 'urn:altinn:resource', value: 'unknown-resource' }] },
      ],
    });
    expect((await create(otherResource)).status).toBe(403);
    expect(
      (await create(requestBody({ to: 'urn:altinn:organization:identifier-no:311851381' }))).status,
    ).toBe(403);

    authority.registerConsentResource('ske-samtykke-sbl-inntekt', {
      requiredMetadata: ['fraogmed', 'tilogmed'],
    });
    const right = (metadata: Record<string, string>) =>
      requestBody({
        id: '0195f0a2-7c1d-7e55-9a1b-000000000001',
        consentRights: [
          {
            action: ['consent'],
            resource: [{ type: 'urn:altinn:resource', value: 'ske-samtykke-sbl-inntekt' }],
            metadata,
          },
        ],
      });
    expect(codeOf(await create(right({ fraogmed: '2025-01', tilogmed: '2025-12', extra: 'x' })))).toBe(
      'AM-00006',
    );
    expect(codeOf(await create(right({ fraogmed: '', tilogmed: '2025-12' })))).toBe('AM-00007');
    expect(codeOf(await create(right({ fraogmed: '2025-01' })))).toBe('AM-00008');
    expect((await create(right({ fraogmed: '2025-01', tilogmed: '2025-12' }))).status).toBe(201);
  });

  it('shows a request only to its consumer', async () => {
    const { authority, create, get, requestBody } = await setup();
    await create(requestBody());
    expect((await get('0195f0a2-7c1d-7e55-9a1b-1c2d3e4f5a6b')).status).toBe(200);
    const unknown = await get('0195f0a2-7c1d-7e55-9a1b-ffffffffffff');
    expect({ status: unknown.status, code: codeOf(unknown) }).toEqual({ status: 404, code: 'AM-00001' });
    const foreign = authority.createConsent({ from: ORG, to: '311851381' });
    expect((await get(foreign.id)).status).toBe(404);
  });
});

describe('consent lifecycle hooks', () => {
  it('accepts, revokes and expires as Altinn allows, reflected by GET', async () => {
    const { authority, get } = await setup();
    const consent = authority.createConsent({ from: PERSON, status: 'created' });
    now = START + MINUTE;
    authority.acceptConsent(consent.id);
    let view = (await get(consent.id)).body as ConsentRequestView;
    expect(view).toMatchObject({ status: 'accepted', consented: '2026-03-02T10:01:00.000+00:00' });
    expect(view.from).toBe(`urn:altinn:person:identifier-no:${PERSON}`);
    expect(() => authority.rejectConsent(consent.id)).toThrow(SandboxAuthorityError);
    authority.revokeConsent(consent.id);
    view = (await get(consent.id)).body as ConsentRequestView;
    expect(view.status).toBe('revoked');
    expect(view.consentRequestEvents.map((e) => e.eventType)).toEqual(['Created', 'Accepted', 'Revoked']);
    expect(() => authority.acceptConsent(consent.id)).toThrow(SandboxAuthorityError);

    const other = authority.createConsent({ from: ORG });
    authority.expireConsent(other.id);
    expect(((await get(other.id)).body as ConsentRequestView).status).toBe('expired');
    expect(() => authority.revokeConsent(other.id)).toThrow(SandboxAuthorityError);
  });

  it('reads as expired once the clock passes validTo', async () => {
    const { authority } = await setup();
    const consent = authority.createConsent({ from: ORG, validTo: '2026-03-03T00:00:00Z' });
    expect(authority.getConsent(consent.id)?.status).toBe('accepted');
    now = Date.parse('2026-03-03T00:00:00Z');
    expect(authority.getConsent(consent.id)?.status).toBe('expired');
  });

  it('rejects from created only', async () => {
    const { authority } = await setup();
    const consent = authority.createConsent({ from: ORG, status: 'created' });
    authority.rejectConsent(consent.id);
    expect(authority.getConsent(consent.id)?.status).toBe('rejected');
    expect(() => authority.acceptConsent(consent.id)).toThrow(SandboxAuthorityError);
  });

  it('serves the viewUri page whose approval redirects with Status=OK', async () => {
    const { authority, call } = await setup();
    const consent = authority.createConsent({
      from: ORG,
      status: 'created',
      redirectUrl: 'https://vendor.example/cb?c=1',
    });
    const view = new URL(consent.viewUri);
    const page = await call('altinn.ui.consent.request', {
      path: `${view.pathname}${view.search}`,
      token: null,
    });
    expect(page.body).toContain('ske-samtykke-krav-og-betalinger');
    const decide = authority.altinnRoutes().find((r) => r.name === 'altinn.ui.consent.decide')!;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const unclear = await decide.handler({
      method: 'POST',
      url: view,
      headers: form,
      body: 'action=maybe',
      params: {},
    });
    expect(unclear.status).toBe(400);
    const accepted = await decide.handler({
      method: 'POST',
      url: view,
      headers: form,
      body: 'action=accept',
      params: {},
    });
    expect(accepted).toMatchObject({
      status: 303,
      headers: { location: 'https://vendor.example/cb?c=1&Status=OK' },
    });
    expect(authority.getConsent(consent.id)?.status).toBe('accepted');
  });
});

describe('consent events feed', () => {
  it('lists only events older than the 5-minute lag, oldest first, without created events', async () => {
    const { authority, events } = await setup();
    const a = authority.createConsent({ from: ORG, status: 'created' });
    authority.acceptConsent(a.id);
    now = START + MINUTE;
    const b = authority.createConsent({ from: PERSON, status: 'created' });
    authority.rejectConsent(b.id);
    now = START + 5 * MINUTE;
    expect(((await events()).body as EventsPage).data.map((e) => [e.consentRequestId, e.eventType])).toEqual([
      [a.id, 'accepted'],
    ]);
    now = START + 6 * MINUTE;
    const page = (await events()).body as EventsPage;
    expect(page.data).toEqual([
      { consentRequestId: a.id, eventType: 'accepted', changedDate: '2026-03-02T10:00:00.000+00:00' },
      { consentRequestId: b.id, eventType: 'rejected', changedDate: '2026-03-02T10:01:00.000+00:00' },
    ]);
    expect(page.links.next).toBeUndefined();
  });

  it('pages with a continuation token that keeps the filters, with a next link only for full pages', async () => {
    const { authority, events } = await setup({ consentEventsPageSize: 2, consentEventLagSeconds: 0 });
    const ids = [1, 2, 3].map(() => authority.createConsent({ from: ORG }).id);
    const first = (await events('?eventType=accepted')).body as EventsPage;
    expect(first.data.map((e) => e.consentRequestId)).toEqual(ids.slice(0, 2));
    const next = new URL(first.links.next!);
    expect(next.searchParams.get('eventType')).toBe('accepted');
    const second = (await events(next.search)).body as EventsPage;
    expect(second.data.map((e) => e.consentRequestId)).toEqual([ids[2]]);
    expect(second.links.next).toBeUndefined();

    authority.revokeConsent(ids[0]);
    const resumed = (await events(next.search.replace('eventType=accepted&', ''))).body as EventsPage;
    expect(resumed.data.map((e) => e.eventType)).toEqual(['accepted', 'revoked']);
  });

  it('records a used event when a consent token is issued, and filters by consent id', async () => {
    const { authority, events } = await setup({ consentEventLagSeconds: 0 });
    const consent = authority.createConsent({ from: ORG });
    authority.createConsent({ from: PERSON });
    await authority.fetchTestToken({
      consent: { id: consent.id, from: `urn:altinn:organization:identifier-no:${ORG}` },
    });
    const page = (await events(`?consentRequestId=${consent.id}`)).body as EventsPage;
    expect(page.data.map((e) => e.eventType)).toEqual(['accepted', 'used']);
  });

  it('shows only the caller’s consents and rejects bad query parameters', async () => {
    const { authority, events } = await setup({ consentEventLagSeconds: 0 });
    authority.createConsent({ from: ORG, to: '311851381' });
    expect(((await events()).body as EventsPage).data).toEqual([]);
    const bad = await events(
      '?continuationToken=abc&eventType=created&createdAfter=2026-03-02T10:00:00Z&createdBefore=2026-03-01T00:00:00Z',
    );
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.body as { errors: object }).errors).sort()).toEqual([
      '$QUERY/continuationToken',
      '$QUERY/createdAfter',
      '$QUERY/eventType',
    ]);
  });

  it('reaches the feed also when a router matches it to the :consentRequestId route', async () => {
    const { authority, call } = await setup({ consentEventLagSeconds: 0 });
    authority.createConsent({ from: ORG });
    const res = await call('altinn.consent.request.get', {
      path: '/accessmanagement/api/v1/enterprise/consentrequests/events',
      params: { consentRequestId: 'events' },
    });
    expect((res.body as EventsPage).data.map((e) => e.eventType)).toEqual(['accepted']);
  });
});

describe('Altinn 2 consent token exchange', () => {
  const tokenPath = (code: string) => `/api/authorization/token?authcode=${code}`;

  it('exchanges an authorisation code for a 30-s consent token signed by the sandbox Altinn key', async () => {
    const { authority, call } = await setup();
    const consent = authority.createAltinn2Consent({ offeredBy: ORG });
    const res = await call('altinn.consent2.token', {
      path: tokenPath(consent.authorizationCode),
      token: null,
      headers: { apikey: authority.altinn2ApiKey },
    });
    expect(res.status).toBe(200);
    const jwt = JSON.parse(res.body as string) as string;
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(authority.altinnJwks()), {
      issuer: 'altinn.no',
      currentDate: new Date(now),
    });
    expect(payload).toMatchObject({
      Services: ['5928_202301'],
      AuthorizationCode: consent.authorizationCode,
      OfferedBy: ORG,
      CoveredBy: authority.vendorOrg,
      nbf: START / 1000,
      exp: START / 1000 + 30,
    });
    const again = await call('altinn.consent2.token', {
      path: tokenPath(consent.authorizationCode),
      token: null,
      headers: { apikey: authority.altinn2ApiKey, accept: 'text/plain' },
    });
    expect(decodeJwt(again.body as string).AuthorizationCode).toBe(consent.authorizationCode);
  });

  it('accepts a Maskinporten token with altinn:consenttokens instead of the ApiKey', async () => {
    const { authority, call } = await setup();
    const consent = authority.createAltinn2Consent({ offeredBy: PERSON });
    const ok = await call('altinn.consent2.token', {
      path: tokenPath(consent.authorizationCode),
      token: (await authority.fetchTestToken({ scope: 'altinn:consenttokens' })).access_token,
    });
    expect(ok.status).toBe(200);
    const noScope = await call('altinn.consent2.token', {
      path: tokenPath(consent.authorizationCode),
      token: (await authority.fetchTestToken()).access_token,
    });
    expect(noScope.status).toBe(403);
  });

  it.each(['wrong api key', 'unknown code', 'not accepted', 'expired', 'revoked', 'covering another org'])(
    'answers 403 with the documented text when the code or key is not valid (%s)',
    async (state) => {
      const { authority, call } = await setup();
      const consent = authority.createAltinn2Consent({
        offeredBy: ORG,
        status: state === 'not accepted' ? 'created' : 'accepted',
        ...(state === 'covering another org' ? { coveredBy: '311851381' } : {}),
      });
      if (state === 'expired') authority.expireAltinn2Consent(consent.authorizationCode);
      if (state === 'revoked') authority.revokeAltinn2Consent(consent.authorizationCode);
      const res = await call('altinn.consent2.token', {
        path: tokenPath(state === 'unknown code' ? 'nope' : consent.authorizationCode),
        token: null,
        headers: { apikey: state === 'wrong api key' ? 'wrong' : authority.altinn2ApiKey },
      });
      expect(res.status).toBe(403);
      expect(res.body).toContain('authorization code is either expired or invalid');
    },
  );

  it('serves the Altinn JWKS without private members', async () => {
    const { call } = await setup();
    const res = await call('altinn.jwk', { token: null });
    expect((res.body as { keys: { d?: string; kty: string }[] }).keys).toEqual([
      expect.objectContaining({ kty: 'RSA' }),
    ]);
    expect((res.body as { keys: { d?: string }[] }).keys[0].d).toBeUndefined();
  });
});
