import { generateKeyPair, SignJWT, decodeJwt } from 'jose';
import type { SandboxRoute } from '../http/http.types.js';
import { SandboxAuthority } from './sandbox-authority.js';
import type { ApiCallAuthorization, ApiCallAuthorizationInput } from './authority.types.js';
import { signTestGrant, tokenRequestBody } from './test-grant.signer.js';

const START = Date.parse('2026-03-02T10:00:00Z');
const ORG = '313367002';
const OTHER_ORG = '311851381';
const PERSON = '04827896468';

let now = START;
const clock = { now: () => now };

async function setup(ownerOf?: (personId: string) => string | undefined) {
  now = START;
  const authority = await SandboxAuthority.create({
    clock,
    baseUrls: { maskinporten: 'http://mp.test', altinn: 'http://altinn.test' },
    ...(ownerOf ? { ownerOf } : {}),
  });
  const altinnRoutes = authority.altinnRoutes();
  const route = (name: string): SandboxRoute => altinnRoutes.find((r) => r.name === name)!;
  const authorize = (input: Partial<ApiCallAuthorizationInput> & { token?: string }) =>
    authority.authorizeApiCall({
      authorization: input.token !== undefined ? `Bearer ${input.token}` : input.authorization,
      partyId: input.partyId ?? ORG,
      rightsPackage: input.rightsPackage ?? 'regnskapssystem',
      ...(input.altinnSamtykke !== undefined ? { altinnSamtykke: input.altinnSamtykke } : {}),
      ...(input.ownerOf ? { ownerOf: input.ownerOf } : {}),
    });
  const fetchAltinn2Token = async (code: string): Promise<string> => {
    const res = await route('altinn.consent2.token').handler({
      method: 'GET',
      url: new URL(`http://altinn.test/api/authorization/token?authcode=${code}`),
      headers: { apikey: authority.altinn2ApiKey, accept: 'text/plain' },
      body: '',
      params: {},
    });
    expect(res.status).toBe(200);
    return res.body as string;
  };
  return { authority, authorize, fetchAltinn2Token };
}

function denied(result: ApiCallAuthorization, status: 401 | 403): string {
  expect(result).toMatchObject({ ok: false, status, kode: status === 401 ? 'KB-004' : 'KB-005' });
  return (result as { melding: string }).melding;
}

describe('authorizeApiCall: bearer token (401 KB-004)', () => {
  it('rejects a missing header, another scheme and a malformed token', async () => {
    const { authorize } = await setup();
    denied(await authorize({}), 401);
    denied(await authorize({ authorization: 'Basic abc' }), 401);
    denied(await authorize({ token: 'not-a-jwt' }), 401);
  });

  it('rejects a token not signed by the sandbox Maskinporten key', async () => {
    const { authority, authorize } = await setup();
    authority.createSystemUser({ org: ORG });
    const real = await authority.fetchTestToken({ systemUser: { org: ORG } });
    const { privateKey } = await generateKeyPair('RS256');
    const claims = decodeJwt(real.access_token);
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: authority.maskinportenJwks().keys[0].kid })
      .sign(privateKey);
    expect(denied(await authorize({ token: forged }), 401)).toContain('signatur');
  });

  it('rejects an expired token by the sandbox clock and a token from another issuer', async () => {
    const { authority, authorize } = await setup();
    authority.createSystemUser({ org: ORG });
    const { access_token } = await authority.fetchTestToken({ systemUser: { org: ORG } });
    expect((await authorize({ token: access_token })).ok).toBe(true);
    now = START + 120_000;
    expect(denied(await authorize({ token: access_token }), 401)).toContain('utløpt');
    now = START;
    authority.setBaseUrls({ maskinporten: 'http://elsewhere.test', altinn: 'http://altinn.test' });
    denied(await authorize({ token: access_token }), 401);
  });

  it('rejects a token without scope skatteetaten:kravogbetalinger', async () => {
    const { authority, authorize } = await setup();
    const { access_token } = await authority.fetchTestToken({ scope: 'altinn:consentrequests.read' });
    expect(denied(await authorize({ token: access_token }), 401)).toContain('skatteetaten:kravogbetalinger');
  });
});

describe('authorizeApiCall: regnskapssystem (403 KB-005)', () => {
  it('allows a system-user token for the party and returns the token key counted at /token', async () => {
    const { authority, authorize } = await setup();
    authority.createSystemUser({ org: ORG, externalRef: 'tenant-9' });
    const { access_token } = await authority.fetchTestToken({
      systemUser: { org: ORG, externalRef: 'tenant-9' },
    });
    const result = await authorize({ token: access_token });
    expect(result).toEqual({
      ok: true,
      tokenKey: `${authority.clientId}|skatteetaten:kravogbetalinger|systemuser:${ORG}:tenant-9`,
      clientId: authority.clientId,
      consumerOrg: authority.vendorOrg,
    });
    expect(Object.keys(authority.tokenRequests())).toEqual([(result as { tokenKey: string }).tokenKey]);
  });

  it('rejects a plain client token, a consent token and a system user for another party', async () => {
    const { authority, authorize } = await setup();
    const plain = await authority.fetchTestToken();
    expect(denied(await authorize({ token: plain.access_token }), 403)).toContain('systembruker');
    const consent = authority.createConsent({ from: ORG });
    const consentToken = await authority.fetchTestToken({
      consent: { id: consent.id, from: `urn:altinn:organization:identifier-no:${ORG}` },
    });
    denied(await authorize({ token: consentToken.access_token }), 403);
    authority.createSystemUser({ org: OTHER_ORG });
    const other = await authority.fetchTestToken({ systemUser: { org: OTHER_ORG } });
    expect(denied(await authorize({ token: other.access_token }), 403)).toContain('parten');
  });

  it('allows a person party who owns the system user org (sole trader), via the option or per call', async () => {
    const { authority, authorize } = await setup((personId) => (personId === PERSON ? ORG : undefined));
    authority.createSystemUser({ org: ORG });
    const { access_token } = await authority.fetchTestToken({ systemUser: { org: ORG } });
    expect((await authorize({ token: access_token, partyId: PERSON })).ok).toBe(true);
    denied(await authorize({ token: access_token, partyId: '13114614453' }), 403);

    const noOwners = await setup();
    noOwners.authority.createSystemUser({ org: ORG });
    const t = await noOwners.authority.fetchTestToken({ systemUser: { org: ORG } });
    denied(await noOwners.authorize({ token: t.access_token, partyId: PERSON }), 403);
    expect(
      (await noOwners.authorize({ token: t.access_token, partyId: PERSON, ownerOf: () => ORG })).ok,
    ).toBe(true);
  });

  it('rejects a still-valid token once the system user is deleted', async () => {
    const { authority, authorize } = await setup();
    const { systemUserId } = authority.createSystemUser({ org: ORG });
    const { access_token } = await authority.fetchTestToken({ systemUser: { org: ORG } });
    authority.deleteSystemUser(systemUserId!);
    expect(denied(await authorize({ token: access_token }), 403)).toContain('finnes ikke');
  });

  it('rejects an unknown rights package', async () => {
    const { authority, authorize } = await setup();
    authority.createSystemUser({ org: ORG });
    const { access_token } = await authority.fetchTestToken({ systemUser: { org: ORG } });
    denied(await authorize({ token: access_token, rightsPackage: 'bank' }), 403);
  });
});

describe('authorizeApiCall: finans with Altinn 3 consent (403 KB-005)', () => {
  const fromUrn = `urn:altinn:organization:identifier-no:${ORG}`;

  async function consentToken() {
    const ctx = await setup();
    const consent = ctx.authority.createConsent({ from: ORG });
    const { access_token } = await ctx.authority.fetchTestToken({
      consent: { id: consent.id, from: fromUrn },
    });
    return { ...ctx, consent, access_token };
  }

  it('allows a consent token from the party', async () => {
    const { authority, authorize, consent, access_token } = await consentToken();
    expect(await authorize({ token: access_token, rightsPackage: 'finans' })).toEqual({
      ok: true,
      tokenKey: `${authority.clientId}|skatteetaten:kravogbetalinger|consent:${consent.id}:${fromUrn}`,
      clientId: authority.clientId,
      consumerOrg: authority.vendorOrg,
    });
  });

  it('rejects the same token once the consent is revoked or expired (state checked at call time)', async () => {
    const revoked = await consentToken();
    revoked.authority.revokeConsent(revoked.consent.id);
    expect(
      denied(await revoked.authorize({ token: revoked.access_token, rightsPackage: 'finans' }), 403),
    ).toContain('trukket tilbake');
    const expired = await consentToken();
    expired.authority.expireConsent(expired.consent.id);
    expect(
      denied(await expired.authorize({ token: expired.access_token, rightsPackage: 'finans' }), 403),
    ).toContain('utløpt');
  });

  it('rejects a consent from another party, no consent at all, and a consent without the KoB resource', async () => {
    const { authority, authorize, access_token } = await consentToken();
    denied(await authorize({ token: access_token, rightsPackage: 'finans', partyId: OTHER_ORG }), 403);
    const plain = await authority.fetchTestToken();
    expect(denied(await authorize({ token: plain.access_token, rightsPackage: 'finans' }), 403)).toContain(
      'samtykke',
    );
    authority.createSystemUser({ org: ORG });
    const su = await authority.fetchTestToken({ systemUser: { org: ORG } });
    denied(await authorize({ token: su.access_token, rightsPackage: 'finans' }), 403);

    authority.registerConsentResource('annen-ressurs');
    const other = authority.createConsent({
      from: ORG,
      consentRights: [
        { action: ['consent'], resource: [{ type: 'urn:altinn:resource', value: 'annen-ressurs' }] },
      ],
    });
    const otherToken = await authority.fetchTestToken({ consent: { id: other.id, from: fromUrn } });
    expect(
      denied(await authorize({ token: otherToken.access_token, rightsPackage: 'finans' }), 403),
    ).toContain('Krav og betalinger');
  });
});

describe('authorizeApiCall: finans with the Altinn 2 AltinnSamtykke header (403 KB-005)', () => {
  it('allows a valid consent token for the party covering the token consumer', async () => {
    const { authority, authorize, fetchAltinn2Token } = await setup();
    const consent = authority.createAltinn2Consent({ offeredBy: ORG });
    const samtykke = await fetchAltinn2Token(consent.authorizationCode);
    const { access_token } = await authority.fetchTestToken();
    const result = await authorize({
      token: access_token,
      rightsPackage: 'finans',
      altinnSamtykke: samtykke,
    });
    expect(result).toMatchObject({
      ok: true,
      tokenKey: `${authority.clientId}|skatteetaten:kravogbetalinger`,
    });
    // Base64-encoded form (as Skatteetaten's docs describe the header) is accepted too.
    const b64 = Buffer.from(samtykke).toString('base64');
    expect((await authorize({ token: access_token, rightsPackage: 'finans', altinnSamtykke: b64 })).ok).toBe(
      true,
    );
  });

  it('rejects the consent token after its 30 s lifetime, and after the consent is revoked', async () => {
    const { authority, authorize, fetchAltinn2Token } = await setup();
    const consent = authority.createAltinn2Consent({ offeredBy: ORG });
    const samtykke = await fetchAltinn2Token(consent.authorizationCode);
    const { access_token } = await authority.fetchTestToken();
    now = START + 30_000;
    expect(
      denied(
        await authorize({ token: access_token, rightsPackage: 'finans', altinnSamtykke: samtykke }),
        403,
      ),
    ).toContain('utløpt');
    now = START;
    authority.revokeAltinn2Consent(consent.authorizationCode);
    denied(await authorize({ token: access_token, rightsPackage: 'finans', altinnSamtykke: samtykke }), 403);
  });

  it('rejects a header not signed by the sandbox Altinn key, for another party, or covering another org', async () => {
    const { authority, authorize, fetchAltinn2Token } = await setup();
    const { access_token } = await authority.fetchTestToken();
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({
      OfferedBy: ORG,
      CoveredBy: authority.vendorOrg,
      Services: ['5928_202301'],
      iss: 'altinn.no',
    })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime(START / 1000 + 30)
      .sign(privateKey);
    expect(
      denied(await authorize({ token: access_token, rightsPackage: 'finans', altinnSamtykke: forged }), 403),
    ).toContain('Ugyldig');

    const mine = await fetchAltinn2Token(
      authority.createAltinn2Consent({ offeredBy: ORG }).authorizationCode,
    );
    denied(
      await authorize({
        token: access_token,
        rightsPackage: 'finans',
        altinnSamtykke: mine,
        partyId: OTHER_ORG,
      }),
      403,
    );

    // Consent given to OTHER_ORG, handled by the vendor: the vendor may fetch it, but its own token's consumer
    // is not the consent's CoveredBy.
    const handled = authority.createAltinn2Consent({
      offeredBy: ORG,
      coveredBy: OTHER_ORG,
      handledBy: authority.vendorOrg,
    });
    const handledToken = await fetchAltinn2Token(handled.authorizationCode);
    expect(decodeJwt(handledToken).HandledBy).toBe(authority.vendorOrg);
    expect(
      denied(
        await authorize({ token: access_token, rightsPackage: 'finans', altinnSamtykke: handledToken }),
        403,
      ),
    ).toContain('virksomheten');
  });

  it('falls back to the Altinn 3 consent in the token when the header is invalid', async () => {
    const { authority, authorize } = await setup();
    const consent = authority.createConsent({ from: ORG });
    const { access_token } = await authority.fetchTestToken({
      consent: { id: consent.id, from: `urn:altinn:organization:identifier-no:${ORG}` },
    });
    expect(
      (await authorize({ token: access_token, rightsPackage: 'finans', altinnSamtykke: 'garbage' })).ok,
    ).toBe(true);
  });
});

describe('signTestGrant', () => {
  it('builds a form body the token endpoint accepts', async () => {
    const authority = await SandboxAuthority.create({
      clock,
      baseUrls: { maskinporten: 'http://mp.test', altinn: 'http://a.test' },
    });
    const body = tokenRequestBody(
      await signTestGrant({
        key: authority.clientKey,
        clientId: authority.clientId,
        audience: authority.issuer,
        iatSeconds: now / 1000,
      }),
    );
    const res = await authority.maskinportenRoutes()[2].handler({
      method: 'POST',
      url: new URL('http://mp.test/token'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      params: {},
    });
    expect(res.status).toBe(200);
  });
});
