import { createLocalJWKSet, generateKeyPair, exportJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { SandboxResponse, SandboxRoute } from '../http/http.types.js';
import { SandboxAuthority } from './sandbox-authority.js';
import type { SandboxAuthorityOptions } from './authority.types.js';
import { signTestGrant, tokenRequestBody, type TestGrantInput } from './test-grant.signer.js';

const START = Date.parse('2026-03-02T10:00:00Z');
const MP = 'http://mp.sandbox.test';
const ALTINN = 'http://altinn.sandbox.test';
const CUSTOMER = '313367002';

let now = START;
const clock = { now: () => now };

async function setup(options: Partial<SandboxAuthorityOptions> = {}) {
  now = START;
  const authority = await SandboxAuthority.create({
    clock,
    baseUrls: { maskinporten: MP, altinn: ALTINN },
    seed: 7,
    ...options,
  });
  const routes = authority.maskinportenRoutes();
  const route = (name: string): SandboxRoute => routes.find((r) => r.name === name)!;
  const post = async (
    body: string,
    contentType = 'application/x-www-form-urlencoded',
  ): Promise<SandboxResponse> =>
    route('mp.token').handler({
      method: 'POST',
      url: new URL(`${MP}/token`),
      headers: { 'content-type': contentType },
      body,
      params: {},
    });
  const grant = (overrides: Partial<TestGrantInput> = {}) =>
    signTestGrant({
      key: authority.clientKey,
      clientId: authority.clientId,
      audience: authority.issuer,
      iatSeconds: Math.floor(now / 1000),
      ...overrides,
    });
  const token = async (overrides: Partial<TestGrantInput> = {}) =>
    post(tokenRequestBody(await grant(overrides)));
  return { authority, route, post, grant, token };
}

function expectMpError(res: SandboxResponse, status: number, error: string, code?: string): string {
  const body = res.body as { error: string; error_description: string };
  expect({ status: res.status, error: body.error }).toEqual({ status, error });
  expect(body.error_description).toMatch(/\(correlation id: [0-9a-f-]{36}\)$/);
  if (code) expect(body.error_description).toContain(`(${code})`);
  return body.error_description;
}

async function accessClaims(authority: SandboxAuthority, res: SandboxResponse): Promise<JWTPayload> {
  expect(res.status).toBe(200);
  const { access_token } = res.body as { access_token: string };
  const { payload, protectedHeader } = await jwtVerify(
    access_token,
    createLocalJWKSet(authority.maskinportenJwks()),
    {
      issuer: authority.issuer,
      currentDate: new Date(now),
    },
  );
  expect(protectedHeader.alg).toBe('RS256');
  return payload;
}

const systemUserDetail = (org: string, externalRef?: string) => ({
  type: 'urn:altinn:systemuser',
  systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${org}` },
  ...(externalRef !== undefined ? { externalRef } : {}),
});

describe('Maskinporten metadata and keys', () => {
  it('serves the documented metadata fields for the configured issuer', async () => {
    const { route } = await setup();
    const res = await route('mp.metadata').handler({} as never);
    expect(res.body).toEqual({
      issuer: `${MP}/`,
      token_endpoint: `${MP}/token`,
      jwks_uri: `${MP}/jwk`,
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512'],
      authorization_details_types_supported: ['urn:altinn:systemuser', 'urn:altinn:consent'],
    });
  });

  it('publishes only public key material at /jwk', async () => {
    const { route } = await setup();
    const { keys } = (await route('mp.jwk').handler({} as never)).body as { keys: JWK[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(typeof keys[0].kid).toBe('string');
    expect(keys[0].d).toBeUndefined();
  });

  it('derives the default client id and vendor org from the seed, and exposes a private signing JWK', async () => {
    const a = await SandboxAuthority.create({ seed: 'same' });
    const b = await SandboxAuthority.create({ seed: 'same' });
    expect(a.clientId).toBe(b.clientId);
    expect(a.vendorOrg).toBe(b.vendorOrg);
    expect(a.vendorOrg).toMatch(/^\d{9}$/);
    expect(a.clientKey.jwk).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(typeof a.clientKey.jwk.d).toBe('string');
    expect(a.getClient(a.clientId)?.scopes).toEqual(
      expect.arrayContaining([
        'skatteetaten:kravogbetalinger',
        'altinn:authentication/systemuser.request.read',
        'altinn:authentication/systemuser.request.write',
        'altinn:consentrequests.read',
        'altinn:consentrequests.write',
      ]),
    );
  });
});

describe('POST /token: valid grants', () => {
  it('issues an RS256 access token with the documented claims', async () => {
    const { authority, token } = await setup();
    const res = await token();
    expect(res.headers).toMatchObject({ 'cache-control': 'no-store' });
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 120,
      scope: 'skatteetaten:kravogbetalinger',
    });
    const claims = await accessClaims(authority, res);
    expect(claims).toMatchObject({
      iss: `${MP}/`,
      client_id: authority.clientId,
      scope: 'skatteetaten:kravogbetalinger',
      token_type: 'Bearer',
      client_amr: 'private_key_jwt',
      consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${authority.vendorOrg}` },
      aud: 'unspecified',
      iat: START / 1000,
      exp: START / 1000 + 120,
    });
    expect(typeof claims.jti).toBe('string');
    expect(claims.authorization_details).toBeUndefined();
  });

  it('uses the configured token lifetime for expires_in and exp', async () => {
    const { authority, token } = await setup({ tokenLifetimeSeconds: 599 });
    const res = await token();
    expect((res.body as { expires_in: number }).expires_in).toBe(599);
    const claims = await accessClaims(authority, res);
    expect(claims.exp! - claims.iat!).toBe(599);
    authority.setTokenLifetimeSeconds(30);
    expect(((await token()).body as { expires_in: number }).expires_in).toBe(30);
  });

  it.each(['RS256', 'RS384', 'RS512'] as const)(
    'accepts %s grants signed with the registered key',
    async (alg) => {
      const { token } = await setup();
      expect((await token({ alg })).status).toBe(200);
    },
  );

  it('sets aud to the requested resource, or leaves it out when configured so', async () => {
    const { authority, token } = await setup();
    expect(
      (await accessClaims(authority, await token({ claims: { resource: ['https://api.example/'] } }))).aud,
    ).toEqual(['https://api.example/']);
    const absent = await setup({ audienceWhenNoResource: 'absent' });
    expect((await accessClaims(absent.authority, await absent.token())).aud).toBeUndefined();
  });

  it('accepts iat exactly 10 s ahead and a lifetime of exactly 120 s, and up to 180 s when configured', async () => {
    const { token } = await setup();
    expect((await token({ iatSeconds: START / 1000 + 10 })).status).toBe(200);
    expect((await token({ lifetimeSeconds: 120 })).status).toBe(200);
    const lenient = await setup({ maxGrantLifetimeSeconds: 180 });
    expect((await lenient.token({ lifetimeSeconds: 180 })).status).toBe(200);
  });

  it('echoes pid and accepts iss_onbehalfof', async () => {
    const { authority, token } = await setup();
    const claims = await accessClaims(
      authority,
      await token({ claims: { pid: '04827896468', iss_onbehalfof: 'x' } }),
    );
    expect(claims.pid).toBe('04827896468');
  });
});

describe('POST /token: request errors', () => {
  it('requires a form-encoded body', async () => {
    const { post, grant } = await setup();
    const res = await post(JSON.stringify({ assertion: await grant() }), 'application/json');
    expectMpError(res, 400, 'invalid_request', 'MP-011');
  });

  it('rejects another grant type', async () => {
    const { post } = await setup();
    expectMpError(await post('grant_type=client_credentials'), 400, 'unsupported_grant_type');
  });

  it('rejects a missing or malformed assertion', async () => {
    const { post } = await setup();
    expectMpError(
      await post('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer'),
      400,
      'invalid_request',
      'MP-011',
    );
    expect(
      expectMpError(await post(tokenRequestBody('not.a\njwt')), 400, 'invalid_request', 'MP-011'),
    ).toContain('Invalid assertion');
  });
});

describe('POST /token: grant validation errors', () => {
  it('rejects a replayed jti (MP-012)', async () => {
    const { post, grant } = await setup();
    const body = tokenRequestBody(await grant({ jti: 'once' }));
    expect((await post(body)).status).toBe(200);
    expect(expectMpError(await post(body), 400, 'invalid_grant', 'MP-012')).toContain('Grant is used before');
  });

  it('rejects an unknown client (MP-100)', async () => {
    const { token } = await setup();
    expectMpError(
      await token({ clientId: 'd5c1b7a0-0000-4000-8000-000000000000' }),
      400,
      'invalid_grant',
      'MP-100',
    );
  });

  it('rejects an aud other than the issuer, including the token endpoint URL (MP-110)', async () => {
    const { token, authority } = await setup();
    expectMpError(await token({ audience: authority.tokenEndpoint }), 400, 'invalid_grant', 'MP-110');
    expectMpError(await token({ audience: MP }), 400, 'invalid_grant', 'MP-110');
    expectMpError(await token({ claims: { aud: [authority.issuer] } }), 400, 'invalid_grant', 'MP-110');
    const lenient = await setup({ acceptTokenEndpointAsAudience: true });
    expect((await lenient.token({ audience: lenient.authority.tokenEndpoint })).status).toBe(200);
  });

  it('rejects an expired grant (MP-130)', async () => {
    const { token } = await setup();
    const description = expectMpError(
      await token({ iatSeconds: START / 1000 - 100, lifetimeSeconds: 60 }),
      400,
      'invalid_grant',
      'MP-130',
    );
    expect(description).toContain('expired');
  });

  it('rejects iat more than 10 s from the sandbox clock (MP-130)', async () => {
    const { token } = await setup();
    expect(
      expectMpError(await token({ iatSeconds: START / 1000 + 11 }), 400, 'invalid_grant', 'MP-130'),
    ).toContain('Issue time is after now');
    expectMpError(
      await token({ iatSeconds: START / 1000 - 11, lifetimeSeconds: 100 }),
      400,
      'invalid_grant',
      'MP-130',
    );
  });

  it('rejects exp - iat over 120 s (MP-130)', async () => {
    const { token } = await setup();
    expectMpError(await token({ lifetimeSeconds: 121 }), 400, 'invalid_grant', 'MP-130');
    const lenient = await setup({ maxGrantLifetimeSeconds: 180 });
    expectMpError(await lenient.token({ lifetimeSeconds: 181 }), 400, 'invalid_grant', 'MP-130');
  });

  it('rejects a scope not registered on the client (MP-200)', async () => {
    const { token } = await setup();
    expectMpError(
      await token({ scope: 'skatteetaten:kravogbetalinger skatteetaten:other' }),
      400,
      'invalid_scope',
      'MP-200',
    );
  });

  it('rejects undocumented claims with "Invalid assertion", unless sub is explicitly tolerated', async () => {
    const { token } = await setup();
    const description = expectMpError(await token({ claims: { sub: 'x' } }), 400, 'invalid_request');
    expect(description).toContain('Invalid assertion');
    expect(description).toContain('sub');
    expectMpError(await token({ claims: { nbf: START / 1000 } }), 400, 'invalid_request');
    const lenient = await setup({ allowSubClaim: true });
    expect((await lenient.token({ claims: { sub: lenient.authority.clientId } })).status).toBe(200);
  });

  it('rejects a grant whose signature does not match the registered key (MP-124)', async () => {
    const { token, authority } = await setup();
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const forged = { ...(await exportJWK(privateKey)), kid: authority.clientKey.jwk.kid };
    expect(expectMpError(await token({ key: { jwk: forged } }), 400, 'invalid_grant', 'MP-124')).toContain(
      'Invalid signature',
    );
  });

  it('rejects an unknown kid, no kid or x5c, and unsupported algorithms (MP-124)', async () => {
    const { token, authority } = await setup();
    expectMpError(await token({ header: { kid: 'no-such-kid' } }), 400, 'invalid_grant', 'MP-124');
    expectMpError(await token({ header: { kid: undefined } }), 400, 'invalid_grant', 'MP-124');
    const ps256 = await token({
      alg: 'PS256' as 'RS256',
      key: { jwk: { ...authority.clientKey.jwk, alg: 'PS256' } },
    });
    expect(expectMpError(ps256, 400, 'invalid_grant', 'MP-124')).toContain('PS256');
  });

  it('rejects grants signed with a registered key that has expired (MP-121)', async () => {
    const { authority, token } = await setup();
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = 'short-lived';
    const client = authority.registerClient({
      org: '311851381',
      scopes: ['skatteetaten:kravogbetalinger'],
      jwks: [{ ...(await exportJWK(publicKey)), kid }],
      keyExpiresAt: START + 1000,
    });
    const key = { jwk: { ...(await exportJWK(privateKey)), kid } };
    expect((await token({ key, clientId: client.clientId })).status).toBe(200);
    now = START + 1000;
    expectMpError(
      await token({ key, clientId: client.clientId, iatSeconds: now / 1000 }),
      400,
      'invalid_grant',
      'MP-121',
    );
  });
});

describe('POST /token: system users', () => {
  it('issues a system-user token echoing systemuser_org with systemuser_id and system_id', async () => {
    const { authority, token } = await setup();
    const { systemUserId } = authority.createSystemUser({ org: CUSTOMER });
    const claims = await accessClaims(
      authority,
      await token({ authorizationDetails: [systemUserDetail(CUSTOMER)] }),
    );
    expect(claims.authorization_details).toEqual([
      {
        type: 'urn:altinn:systemuser',
        systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${CUSTOMER}` },
        systemuser_id: [systemUserId],
        system_id: authority.systemId,
      },
    ]);
    expect(claims.consumer).toEqual({ authority: 'iso6523-actorid-upis', ID: `0192:${authority.vendorOrg}` });
  });

  it('accepts a lowercase "id" in systemuser_org and an explicit default externalRef', async () => {
    const { authority, token } = await setup();
    authority.createSystemUser({ org: CUSTOMER });
    const detail = {
      type: 'urn:altinn:systemuser',
      systemuser_org: { authority: 'iso6523-actorid-upis', id: `0192:${CUSTOMER}` },
    };
    expect((await token({ authorizationDetails: [detail] })).status).toBe(200);
    expect((await token({ authorizationDetails: [systemUserDetail(CUSTOMER, CUSTOMER)] })).status).toBe(200);
  });

  it('fails MP-303 invalid_altinn_customer_configuration when no system user exists for org + externalRef', async () => {
    const { authority, token } = await setup();
    const missing = await token({ authorizationDetails: [systemUserDetail(CUSTOMER)] });
    expectMpError(missing, 400, 'invalid_altinn_customer_configuration', 'MP-303');

    authority.createSystemUser({ org: CUSTOMER, externalRef: 'tenant-1' });
    const withoutRef = await token({ authorizationDetails: [systemUserDetail(CUSTOMER)] });
    expectMpError(withoutRef, 400, 'invalid_altinn_customer_configuration', 'MP-303');
    expect((await token({ authorizationDetails: [systemUserDetail(CUSTOMER, 'tenant-1')] })).status).toBe(
      200,
    );
  });

  it('fails MP-303 while the request is pending and after the system user is deleted', async () => {
    const { authority, token } = await setup();
    const { request } = authority.createSystemUser({ org: CUSTOMER, status: 'New' });
    expectMpError(
      await token({ authorizationDetails: [systemUserDetail(CUSTOMER)] }),
      400,
      'invalid_altinn_customer_configuration',
    );
    const id = authority.acceptSystemUserRequest(request.id);
    expect((await token({ authorizationDetails: [systemUserDetail(CUSTOMER)] })).status).toBe(200);
    authority.deleteSystemUser(id);
    expectMpError(
      await token({ authorizationDetails: [systemUserDetail(CUSTOMER)] }),
      400,
      'invalid_altinn_customer_configuration',
    );
  });

  it('fails MP-303 for a client without a system in the system register', async () => {
    const { authority, token } = await setup();
    authority.createSystemUser({ org: CUSTOMER });
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const client = authority.registerClient({
      org: '311851381',
      scopes: ['skatteetaten:kravogbetalinger'],
      jwks: [{ ...(await exportJWK(publicKey)), kid: 'no-system' }],
    });
    const res = await token({
      clientId: client.clientId,
      key: { jwk: { ...(await exportJWK(privateKey)), kid: 'no-system' } },
      authorizationDetails: [systemUserDetail(CUSTOMER)],
    });
    expectMpError(res, 400, 'invalid_altinn_customer_configuration', 'MP-303');
  });
});

describe('POST /token: authorization_details shape', () => {
  it('rejects an unknown type (MP-301), unknown fields (MP-302) and invalid values (MP-303)', async () => {
    const { authority, token } = await setup();
    authority.createSystemUser({ org: CUSTOMER });
    expectMpError(
      await token({ authorizationDetails: [{ type: 'urn:altinn:concent' }] }),
      400,
      'invalid_authorization_details',
      'MP-301',
    );
    const extra = { ...systemUserDetail(CUSTOMER), systemuser_id: ['x'] };
    expect(
      expectMpError(
        await token({ authorizationDetails: [extra] }),
        400,
        'invalid_authorization_details',
        'MP-302',
      ),
    ).toContain('systemuser_id');
    const two = [systemUserDetail(CUSTOMER), systemUserDetail(CUSTOMER)];
    expectMpError(await token({ authorizationDetails: two }), 400, 'invalid_authorization_details', 'MP-303');
    expectMpError(
      await token({ claims: { authorization_details: systemUserDetail(CUSTOMER) } }),
      400,
      'invalid_authorization_details',
      'MP-303',
    );
    const badOrg = {
      type: 'urn:altinn:systemuser',
      systemuser_org: { authority: 'iso6523-actorid-upis', ID: CUSTOMER },
    };
    expectMpError(
      await token({ authorizationDetails: [badOrg] }),
      400,
      'invalid_authorization_details',
      'MP-303',
    );
  });
});

describe('POST /token: Altinn 3 consent', () => {
  const PERSON = '04827896468';
  const fromOrg = `urn:altinn:organization:identifier-no:${CUSTOMER}`;

  it('issues a consent token with to, consented, validTo and consentRights', async () => {
    const { authority, token } = await setup();
    const consent = authority.createConsent({ from: CUSTOMER });
    const claims = await accessClaims(
      authority,
      await token({ authorizationDetails: [{ type: 'urn:altinn:consent', id: consent.id, from: fromOrg }] }),
    );
    expect(claims.authorization_details).toEqual([
      {
        type: 'urn:altinn:consent',
        id: consent.id,
        from: fromOrg,
        to: { authority: 'iso6523-actorid-upis', ID: `0192:${authority.vendorOrg}` },
        consented: '2026-03-02T10:00:00.000+00:00',
        validTo: '2026-05-31T10:00:00.000+00:00',
        consentRights: [
          {
            action: ['consent'],
            resource: [{ type: 'urn:altinn:resource', value: 'ske-samtykke-krav-og-betalinger' }],
          },
        ],
      },
    ]);
  });

  it.each([
    ['not accepted', 'AM-00014'],
    ['expired', 'AM-00013'],
    ['revoked', 'AM-00011'],
    ['from another party', 'AM-00012'],
    ['unknown', 'AM-00001'],
    ['given to another org', 'AM-00001'],
  ])('fails MP-303 when the consent is %s (%s)', async (state, amCode) => {
    const { authority, token } = await setup();
    const consent = authority.createConsent({
      from: PERSON,
      status: state === 'not accepted' ? 'created' : 'accepted',
      ...(state === 'given to another org' ? { to: '311851381' } : {}),
    });
    if (state === 'expired') authority.expireConsent(consent.id);
    if (state === 'revoked') authority.revokeConsent(consent.id);
    const detail = {
      type: 'urn:altinn:consent',
      id: state === 'unknown' ? '0d9c8f4e-1111-4222-8333-944455556666' : consent.id,
      from: `urn:altinn:person:identifier-no:${state === 'from another party' ? '13114614453' : PERSON}`,
    };
    const description = expectMpError(
      await token({ authorizationDetails: [detail] }),
      400,
      'invalid_authorization_details',
      'MP-303',
    );
    expect(description).toContain(amCode);
    expect(description).not.toContain(PERSON);
  });

  it('requires id to be a UUID and from to be a party URN', async () => {
    const { authority, token } = await setup();
    const consent = authority.createConsent({ from: CUSTOMER });
    const res = await token({
      authorizationDetails: [{ type: 'urn:altinn:consent', id: consent.id, from: CUSTOMER }],
    });
    expectMpError(res, 400, 'invalid_authorization_details', 'MP-303');
  });
});

describe('POST /token: delegation with consumer_org', () => {
  it('is forbidden without a delegation (MP-251) and sets consumer/supplier with one', async () => {
    const { authority, token } = await setup();
    expectMpError(await token({ claims: { consumer_org: CUSTOMER } }), 403, 'forbidden', 'MP-251');
    authority.delegateScope({
      consumerOrg: CUSTOMER,
      supplierOrg: authority.vendorOrg,
      scope: 'skatteetaten:kravogbetalinger',
    });
    const claims = await accessClaims(authority, await token({ claims: { consumer_org: CUSTOMER } }));
    expect(claims).toMatchObject({
      consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${CUSTOMER}` },
      supplier: { authority: 'iso6523-actorid-upis', ID: `0192:${authority.vendorOrg}` },
      delegation_source: `${ALTINN}/`,
    });
  });

  it('rejects consumer_org equal to the client org', async () => {
    const { authority, token } = await setup();
    expectMpError(await token({ claims: { consumer_org: authority.vendorOrg } }), 400, 'invalid_request');
  });
});

describe('token request statistics', () => {
  it('counts requests per token key (client, scope, system user or consent), rejected ones included', async () => {
    const { authority, token } = await setup();
    authority.createSystemUser({ org: CUSTOMER });
    const consent = authority.createConsent({ from: '04827896468' });
    const fromUrn = 'urn:altinn:person:identifier-no:04827896468';
    await token();
    await token();
    await token({ authorizationDetails: [systemUserDetail(CUSTOMER)] });
    await token({ authorizationDetails: [systemUserDetail('311851381')] });
    await token({ authorizationDetails: [{ type: 'urn:altinn:consent', id: consent.id, from: fromUrn }] });
    const c = authority.clientId;
    expect(authority.tokenRequests()).toEqual({
      [`${c}|skatteetaten:kravogbetalinger`]: 2,
      [`${c}|skatteetaten:kravogbetalinger|systemuser:${CUSTOMER}:${CUSTOMER}`]: 1,
      [`${c}|skatteetaten:kravogbetalinger|systemuser:311851381:311851381`]: 1,
      [`${c}|skatteetaten:kravogbetalinger|consent:${consent.id}:urn:altinn:person:identifier-no:******96468`]: 1,
    });
    expect(authority.stats().tokenRequests).toEqual(authority.tokenRequests());
    authority.resetTokenRequests();
    expect(authority.tokenRequests()).toEqual({});
  });
});
