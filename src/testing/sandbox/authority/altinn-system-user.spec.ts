import { exportJWK, generateKeyPair } from 'jose';
import type { SandboxResponse, SandboxRoute } from '../http/http.types.js';
import { SandboxAuthority } from './sandbox-authority.js';
import { SandboxAuthorityError } from './sandbox-authority.error.js';
import { signTestGrant, tokenRequestBody } from './test-grant.signer.js';
import type { SystemUserRequestView } from './authority.types.js';

const START = Date.parse('2026-03-02T10:00:00Z');
const ALTINN = 'http://altinn.test';
const ORG = '313367002';
const KOB_RIGHT = { resource: [{ id: 'urn:altinn:resource', value: 'ske-krav-og-betalinger' }] };
const DAY = 86_400_000;

let now = START;
const clock = { now: () => now };

async function setup() {
  now = START;
  const authority = await SandboxAuthority.create({
    clock,
    baseUrls: { maskinporten: 'http://mp.test', altinn: ALTINN },
  });
  const routes = authority.altinnRoutes();
  const route = (name: string): SandboxRoute => routes.find((r) => r.name === name)!;
  const writeToken = (
    await authority.fetchTestToken({ scope: 'altinn:authentication/systemuser.request.write' })
  ).access_token;
  const readToken = (
    await authority.fetchTestToken({ scope: 'altinn:authentication/systemuser.request.read' })
  ).access_token;
  const call = (
    name: string,
    opts: {
      path?: string;
      token?: string;
      body?: unknown;
      params?: Record<string, string>;
      contentType?: string;
    },
  ): Promise<SandboxResponse> =>
    Promise.resolve(
      route(name).handler({
        method: route(name).method,
        url: new URL(`${ALTINN}${opts.path ?? '/'}`),
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          'content-type': opts.contentType ?? 'application/json',
        },
        body:
          opts.body === undefined
            ? ''
            : typeof opts.body === 'string'
              ? opts.body
              : JSON.stringify(opts.body),
        params: opts.params ?? {},
      }),
    );
  const create = (body: Record<string, unknown>, token = writeToken) =>
    call('altinn.systemuser.request.create', { token, body });
  const getById = (id: string, token = readToken) =>
    call('altinn.systemuser.request.get', { token, params: { requestId: id } });
  return { authority, call, create, getById, writeToken, readToken };
}

const codeOf = (res: SandboxResponse) => (res.body as { code?: string }).code;

describe('Altinn system-user request API', () => {
  it('requires a Maskinporten token (401) with the request scopes (403)', async () => {
    const { authority, create, getById } = await setup();
    expect(
      (await create({ systemId: authority.systemId, partyOrgNo: ORG, rights: [KOB_RIGHT] }, '')).status,
    ).toBe(401);
    const kob = (await authority.fetchTestToken()).access_token;
    expect(
      (await create({ systemId: authority.systemId, partyOrgNo: ORG, rights: [KOB_RIGHT] }, kob)).status,
    ).toBe(403);
    expect((await getById('x', kob)).status).toBe(403);
  });

  it('creates a New request (201) with confirmUrl, and returns the same pending request (200) on repeat', async () => {
    const { authority, create } = await setup();
    const body = {
      systemId: authority.systemId,
      partyOrgNo: ORG,
      rights: [KOB_RIGHT],
      redirectUrl: 'https://vendor.example/done',
    };
    const first = await create(body);
    expect(first.status).toBe(201);
    const view = first.body as SystemUserRequestView;
    expect(view).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      externalRef: ORG,
      systemId: authority.systemId,
      partyOrgNo: ORG,
      rights: [KOB_RIGHT],
      accessPackages: [],
      status: 'New',
      redirectUrl: 'https://vendor.example/done',
      confirmUrl: `${ALTINN}/accessmanagement/ui/systemuser/request?id=${view.id}&DONTCHOOSEREPORTEE=true`,
      escalated: false,
    });
    expect(first.headers?.location).toBe(`${ALTINN}/authentication/api/v1/systemuser/request/${view.id}`);
    const again = await create(body);
    expect(again.status).toBe(200);
    expect((again.body as SystemUserRequestView).id).toBe(view.id);
  });

  it('follows the lifecycle New -> Accepted, then refuses a new request for the existing system user', async () => {
    const { authority, create, getById, call, writeToken } = await setup();
    const created = (
      await create({
        systemId: authority.systemId,
        partyOrgNo: ORG,
        externalRef: 'kunde-1',
        rights: [KOB_RIGHT],
      })
    ).body as SystemUserRequestView;
    await expect(
      authority.fetchTestToken({ systemUser: { org: ORG, externalRef: 'kunde-1' } }),
    ).rejects.toThrow(SandboxAuthorityError);
    const systemUserId = authority.acceptSystemUserRequest(created.id);
    expect(systemUserId).toBe(created.id);
    expect(((await getById(created.id)).body as SystemUserRequestView).status).toBe('Accepted');
    const byRef = await call('altinn.systemuser.request.byexternalref', {
      token: writeToken,
      params: { systemId: authority.systemId, orgNo: ORG, externalRef: 'kunde-1' },
    });
    expect((byRef.body as SystemUserRequestView).id).toBe(created.id);
    await expect(
      authority.fetchTestToken({ systemUser: { org: ORG, externalRef: 'kunde-1' } }),
    ).resolves.toMatchObject({
      token_type: 'Bearer',
    });
    const dup = await create({
      systemId: authority.systemId,
      partyOrgNo: ORG,
      externalRef: 'kunde-1',
      rights: [KOB_RIGHT],
    });
    expect({ status: dup.status, code: codeOf(dup) }).toEqual({ status: 400, code: 'AUTH-00004' });
  });

  it.each([
    ['reject', 'Rejected'],
    ['deny', 'Denied'],
    ['timeout', 'Timedout'],
  ] as const)('%s hook moves a New request to %s', async (hook, status) => {
    const { authority, create, getById } = await setup();
    const { id } = (await create({ systemId: authority.systemId, partyOrgNo: ORG, rights: [KOB_RIGHT] }))
      .body as SystemUserRequestView;
    if (hook === 'reject') authority.rejectSystemUserRequest(id);
    if (hook === 'deny') authority.denySystemUserRequest(id);
    if (hook === 'timeout') authority.timeoutSystemUserRequest(id);
    expect(((await getById(id)).body as SystemUserRequestView).status).toBe(status);
    expect(() => authority.acceptSystemUserRequest(id)).toThrow(SandboxAuthorityError);
  });

  it('reads a New request as Timedout after 180 days, after which a new request is created', async () => {
    const { authority, create, getById } = await setup();
    const body = { systemId: authority.systemId, partyOrgNo: ORG, rights: [KOB_RIGHT] };
    const { id } = (await create(body)).body as SystemUserRequestView;
    // Tokens live 120 s, so fresh ones are fetched after moving the clock.
    const tokenAt = async (ms: number, scope: string) => {
      now = ms;
      return (await authority.fetchTestToken({ scope })).access_token;
    };
    const read = 'altinn:authentication/systemuser.request.read';
    expect(
      ((await getById(id, await tokenAt(START + 180 * DAY, read))).body as SystemUserRequestView).status,
    ).toBe('New');
    expect(
      ((await getById(id, await tokenAt(START + 181 * DAY, read))).body as SystemUserRequestView).status,
    ).toBe('Timedout');
    const renewed = await create(body, await tokenAt(now, 'altinn:authentication/systemuser.request.write'));
    expect(renewed.status).toBe(201);
    expect((renewed.body as SystemUserRequestView).id).not.toBe(id);
  });

  it('answers 404 AUTH-00010 for an unknown request and for another vendor’s request', async () => {
    const { authority, create, getById } = await setup();
    const unknown = await getById('6d1f2a3b-0000-4000-8000-000000000000');
    expect({ status: unknown.status, code: codeOf(unknown) }).toEqual({ status: 404, code: 'AUTH-00010' });

    const { id } = (await create({ systemId: authority.systemId, partyOrgNo: ORG, rights: [KOB_RIGHT] }))
      .body as SystemUserRequestView;
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const other = authority.registerClient({
      org: '311851381',
      scopes: ['altinn:authentication/systemuser.request.read'],
      jwks: [{ ...(await exportJWK(publicKey)), kid: 'other-vendor' }],
    });
    const assertion = await signTestGrant({
      key: { jwk: { ...(await exportJWK(privateKey)), kid: 'other-vendor' } },
      clientId: other.clientId,
      audience: authority.issuer,
      scope: 'altinn:authentication/systemuser.request.read',
      iatSeconds: now / 1000,
    });
    const tokenRes = await authority.maskinportenRoutes()[2].handler({
      method: 'POST',
      url: new URL('http://mp.test/token'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenRequestBody(assertion),
      params: {},
    });
    const otherToken = (tokenRes.body as { access_token: string }).access_token;
    expect((await getById(id, otherToken)).status).toBe(404);
  });

  it('validates the system, rights, redirect URL and body', async () => {
    const { authority, create } = await setup();
    const unknownSystem = await create({ systemId: 'nope', partyOrgNo: ORG, rights: [KOB_RIGHT] });
    expect(codeOf(unknownSystem)).toBe('AUTH-00011');
    const badRight = await create({
      systemId: authority.systemId,
      partyOrgNo: ORG,
      rights: [{ resource: [{ id: 'urn:altinn:resource', value: 'other' }] }],
    });
    expect(codeOf(badRight)).toBe('AUTH-00001');
    const invalid = await create({ systemId: authority.systemId, partyOrgNo: '12345', rights: [] });
    expect(invalid.status).toBe(400);
    expect(Object.keys((invalid.body as { errors: object }).errors).sort()).toEqual(['partyOrgNo', 'rights']);

    authority.registerSystem({
      id: `${authority.vendorOrg}_strict`,
      vendorOrg: authority.vendorOrg,
      clientIds: [],
      rights: [KOB_RIGHT],
      allowedRedirectUrls: ['https://vendor.example/cb'],
    });
    const base = { systemId: `${authority.vendorOrg}_strict`, partyOrgNo: ORG, rights: [KOB_RIGHT] };
    expect(codeOf(await create({ ...base, redirectUrl: 'https://evil.example/cb' }))).toBe('AUTH-00021');
    expect((await create({ ...base, redirectUrl: 'https://vendor.example/cb?state=1' })).status).toBe(201);
  });

  it('lists requests by system and finds the system user by query', async () => {
    const { authority, call, writeToken, readToken } = await setup();
    const { request } = authority.createSystemUser({ org: ORG });
    authority.createSystemUser({ org: '311851381', status: 'New' });
    const list = await call('altinn.systemuser.request.bysystem', {
      token: readToken,
      params: { systemId: authority.systemId },
    });
    expect((list.body as { data: SystemUserRequestView[] }).data.map((r) => r.status).sort()).toEqual([
      'Accepted',
      'New',
    ]);

    const path = `/authentication/api/v1/systemuser/vendor/byquery?system-id=${authority.systemId}&orgno=${ORG}`;
    const found = await call('altinn.systemuser.byquery', { token: writeToken, path });
    expect(found.body).toEqual({
      id: request.id,
      systemId: authority.systemId,
      reporteeOrgNo: ORG,
      supplierOrgno: authority.vendorOrg,
      externalRef: ORG,
    });
    const missing = await call('altinn.systemuser.byquery', {
      token: writeToken,
      path: `/authentication/api/v1/systemuser/vendor/byquery?system-id=${authority.systemId}&orgno=311851381`,
    });
    expect(missing.status).toBe(404);
  });

  it('serves an approval page at confirmUrl whose decision redirects with Status=OK', async () => {
    const { authority, create, call, getById } = await setup();
    const view = (
      await create({
        systemId: authority.systemId,
        partyOrgNo: ORG,
        rights: [KOB_RIGHT],
        redirectUrl: 'https://vendor.example/cb',
      })
    ).body as SystemUserRequestView;
    const confirm = new URL(view.confirmUrl);
    const pageRes = await call('altinn.ui.systemuser.request', {
      path: `${confirm.pathname}${confirm.search}`,
    });
    expect(pageRes.status).toBe(200);
    expect(pageRes.body).toContain('Godkjenn');
    const decided = await call('altinn.ui.systemuser.decide', {
      path: `${confirm.pathname}?id=${view.id}`,
      body: 'action=accept',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(decided).toMatchObject({
      status: 303,
      headers: { location: 'https://vendor.example/cb?Status=OK' },
    });
    expect(((await getById(view.id)).body as SystemUserRequestView).status).toBe('Accepted');
  });
});
