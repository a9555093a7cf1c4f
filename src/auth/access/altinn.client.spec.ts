import { MockAgent } from 'undici';
import type { TokenSubject } from '../grant-claims.js';
import type { AccessToken } from '../maskinporten-token.provider.js';
import { ALTINN_SCOPES, AltinnClient } from './altinn.client.js';
import { AltinnError } from './altinn.error.js';

const ALTINN = 'https://platform.tt02.altinn.no';
const ALTINN2 = 'https://tt02.altinn.no';
const SU = '/authentication/api/v1/systemuser';
const CONSENT = '/accessmanagement/api/v1/enterprise/consentrequests';
const CONSENT_ID = '0196a6b2-3c3d-7e4f-8a9b-0c1d2e3f4a5b';
const API_KEY = 'ALTINN2-API-KEY-SECRET';
const AUTH_CODE = 'AUTHCODE-SECRET-123';

type Captured = { method: string; path: string; headers: Record<string, string>; body?: unknown };

function setup(options: { apiKey?: string; maxRetries?: number } = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const altinn = agent.get(ALTINN);
  const altinn2 = agent.get(ALTINN2);
  const scopes: string[] = [];
  const invalidated: string[] = [];
  let issued = 0;
  const tokens = {
    async getToken(subject: TokenSubject, opts: { scope?: string; forceRefresh?: boolean } = {}) {
      expect(subject).toEqual({ kind: 'client' });
      scopes.push(`${opts.scope}${opts.forceRefresh ? ' (forced)' : ''}`);
      issued += 1;
      return { accessToken: `mp-token-${issued}`, expiresAt: 0, scope: opts.scope ?? '', tokenKey: 'k' };
    },
    invalidate(token: AccessToken) {
      invalidated.push(token.accessToken);
    },
  };
  const delays: number[] = [];
  const client = new AltinnClient({
    altinnBaseUrl: `${ALTINN}/`,
    altinn2BaseUrl: ALTINN2,
    tokens,
    dispatcher: agent,
    ...(options.apiKey ? { altinn2ApiKey: options.apiKey } : {}),
    maxRetries: options.maxRetries ?? 2,
    sleep: async (ms) => void delays.push(ms),
  });
  const captured: Captured[] = [];
  const capture = (opts: { method: string; path: string; headers?: unknown; body?: unknown }) => {
    const headers = Object.fromEntries(
      Object.entries((opts.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    captured.push({
      method: opts.method,
      path: opts.path,
      headers,
      ...(typeof opts.body === 'string' ? { body: JSON.parse(opts.body) } : {}),
    });
  };
  return { agent, altinn, altinn2, client, scopes, invalidated, captured, capture, delays };
}

const request = (status = 'New') => ({
  id: 'b3f1c9a0-1111-4222-8333-944455556666',
  externalRef: '313367002',
  systemId: '991825827_kob',
  partyOrgNo: '313367002',
  rights: [],
  status,
  confirmUrl: `https://am.ui.tt02.altinn.no/accessmanagement/ui/systemuser/request?id=b3f1c9a0`,
});

const consent = (status = 'Created') => ({
  id: CONSENT_ID.toUpperCase(),
  from: 'urn:altinn:organization:identifier-no:314961900',
  to: 'urn:altinn:organization:identifier-no:991825827',
  validTo: '2027-02-24T12:00:00+00:00',
  status,
  viewUri: `https://am.ui.tt02.altinn.no/accessmanagement/ui/consent/request?id=${CONSENT_ID}`,
});

describe('AltinnClient', () => {
  it('creates a system-user request with the write scope and tells 201 (new) from 200 (existing)', async () => {
    const { altinn, client, scopes, captured, capture } = setup();
    altinn.intercept({ path: `${SU}/request/vendor`, method: 'POST' }).reply((opts) => {
      capture(opts as never);
      return { statusCode: 201, data: request() };
    });
    altinn.intercept({ path: `${SU}/request/vendor`, method: 'POST' }).reply(200, request());
    const input = {
      systemId: '991825827_kob',
      partyOrgNo: '313367002',
      rights: [{ resource: [{ id: 'urn:altinn:resource', value: 'ske-krav-og-betalinger' }] }],
      redirectUrl: 'https://regnskap.example.no/ferdig',
    };
    const first = await client.createSystemUserRequest(input);
    const second = await client.createSystemUserRequest(input);
    expect(first).toEqual({ created: true, request: request() });
    expect(second.created).toBe(false);
    expect(scopes).toEqual([ALTINN_SCOPES.systemUserRequestWrite, ALTINN_SCOPES.systemUserRequestWrite]);
    expect(captured[0]).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Bearer mp-token-1', 'content-type': 'application/json' },
      body: input,
    });
  });

  it("turns Altinn's ProblemDetails into an AltinnError with Altinn's code and no secrets", async () => {
    const { altinn, client } = setup();
    altinn.intercept({ path: `${SU}/request/vendor`, method: 'POST' }).reply(400, {
      type: 'https://datatracker.ietf.org/doc/html/rfc9110#section-15.5',
      title: 'The SystemUser already exists',
      status: 400,
      code: 'AUTH-00004',
      traceId: '00-abc-01',
    });
    const error = await client
      .createSystemUserRequest({ systemId: 's', partyOrgNo: '313367002', rights: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AltinnError);
    expect(error).toMatchObject({
      code: 'AUTH-00004',
      altinnCode: 'AUTH-00004',
      status: 400,
      operation: 'systemuser.request.create',
      title: 'The SystemUser already exists',
      traceId: '00-abc-01',
      transient: false,
    });
    expect((error as Error).message).toContain('AUTH-00004');
    expect((error as Error).message).not.toContain('mp-token');
  });

  it('reads requests by id and by externalRef with the read scope; 404 means none', async () => {
    const { altinn, client, scopes } = setup();
    altinn.intercept({ path: `${SU}/request/vendor/abc`, method: 'GET' }).reply(200, request('Accepted'));
    altinn
      .intercept({ path: `${SU}/request/vendor/missing`, method: 'GET' })
      .reply(404, { title: 'The Request was not found', status: 404, code: 'AUTH-00010' });
    altinn
      .intercept({
        path: `${SU}/request/vendor/byexternalref/991825827_kob/313367002/kunde%2F1`,
        method: 'GET',
      })
      .reply(200, request('Rejected'));
    altinn
      .intercept({
        path: `${SU}/request/vendor/byexternalref/991825827_kob/313367002/313367002`,
        method: 'GET',
      })
      .reply(404, {});
    expect((await client.getSystemUserRequest('abc'))?.status).toBe('Accepted');
    expect(await client.getSystemUserRequest('missing')).toBeUndefined();
    const byRef = await client.getSystemUserRequestByExternalRef({
      systemId: '991825827_kob',
      orgNo: '313367002',
      externalRef: 'kunde/1',
    });
    expect(byRef?.status).toBe('Rejected');
    expect(
      await client.getSystemUserRequestByExternalRef({ systemId: '991825827_kob', orgNo: '313367002' }),
    ).toBeUndefined();
    expect(new Set(scopes)).toEqual(new Set([ALTINN_SCOPES.systemUserRequestRead]));
  });

  it('finds a system user with byquery (write scope), undefined on 404', async () => {
    const { altinn, client, scopes } = setup();
    altinn
      .intercept({
        path: `${SU}/vendor/byquery?system-id=991825827_kob&orgno=313367002&external-ref=ref-1`,
        method: 'GET',
      })
      .reply(200, {
        id: 'su-1',
        systemId: '991825827_kob',
        reporteeOrgNo: '313367002',
        externalRef: 'ref-1',
      });
    altinn
      .intercept({ path: `${SU}/vendor/byquery?system-id=991825827_kob&orgno=314055403`, method: 'GET' })
      .reply(404, { title: 'The SystemUser was not found', status: 404 });
    expect(
      await client.findSystemUser({ systemId: '991825827_kob', orgNo: '313367002', externalRef: 'ref-1' }),
    ).toMatchObject({ id: 'su-1' });
    expect(await client.findSystemUser({ systemId: '991825827_kob', orgNo: '314055403' })).toBeUndefined();
    expect(scopes).toEqual([ALTINN_SCOPES.systemUserRequestWrite, ALTINN_SCOPES.systemUserRequestWrite]);
  });

  it('creates consent requests idempotently and reads them with status and id lower-cased', async () => {
    const { altinn, client, scopes } = setup();
    altinn.intercept({ path: CONSENT, method: 'POST' }).reply(201, consent());
    altinn.intercept({ path: CONSENT, method: 'POST' }).reply(200, consent());
    altinn
      .intercept({ path: CONSENT, method: 'POST' })
      .reply(400, { title: 'A consent request with this id exists for other parties', code: 'AM-00016' });
    altinn.intercept({ path: `${CONSENT}/${CONSENT_ID}`, method: 'GET' }).reply(200, consent('Accepted'));
    altinn.intercept({ path: `${CONSENT}/${CONSENT_ID}`, method: 'GET' }).reply(404, { code: 'AM-00001' });
    const body = {
      id: CONSENT_ID,
      from: 'urn:altinn:organization:identifier-no:314961900',
      to: 'urn:altinn:organization:identifier-no:991825827',
      validTo: '2027-02-24T12:00:00.000Z',
      consentRights: [
        {
          action: ['consent'],
          resource: [{ type: 'urn:altinn:resource', value: 'ske-samtykke-krav-og-betalinger' }],
        },
      ],
      redirectUrl: 'https://regnskap.example.no/ferdig',
    };
    expect(await client.createConsentRequest(body)).toMatchObject({
      created: true,
      request: { id: CONSENT_ID, status: 'created' },
    });
    expect((await client.createConsentRequest(body)).created).toBe(false);
    await expect(client.createConsentRequest(body)).rejects.toMatchObject({ code: 'AM-00016', status: 400 });
    expect(await client.getConsentRequest(CONSENT_ID)).toMatchObject({ id: CONSENT_ID, status: 'accepted' });
    expect(await client.getConsentRequest(CONSENT_ID)).toBeUndefined();
    expect(scopes.slice(0, 3)).toEqual(Array(3).fill(ALTINN_SCOPES.consentRequestsWrite));
    expect(scopes.slice(3)).toEqual(Array(2).fill(ALTINN_SCOPES.consentRequestsRead));
  });

  it('pages the consent events feed by the continuation token of links.next', async () => {
    const { altinn, client } = setup();
    altinn.intercept({ path: `${CONSENT}/events`, method: 'GET' }).reply(200, {
      links: {
        next: `${ALTINN}${CONSENT}/events?eventType=accepted&continuationToken=AZaqsjw9fk%2BKmwwdLj9KWw%3D%3D`,
      },
      data: [
        {
          consentRequestId: CONSENT_ID.toUpperCase(),
          eventType: 'Accepted',
          changedDate: '2026-11-26T12:00:00+00:00',
        },
      ],
    });
    altinn
      .intercept({
        path: `${CONSENT}/events?continuationToken=AZaqsjw9fk%2BKmwwdLj9KWw%3D%3D`,
        method: 'GET',
      })
      .reply(200, { links: {}, data: [] });
    const first = await client.consentEvents();
    expect(first).toEqual({
      events: [
        { consentRequestId: CONSENT_ID, eventType: 'accepted', changedDate: '2026-11-26T12:00:00+00:00' },
      ],
      continuationToken: 'AZaqsjw9fk+KmwwdLj9KWw==',
    });
    expect(await client.consentEvents({ continuationToken: first.continuationToken })).toEqual({
      events: [],
    });
  });

  it('fetches an Altinn 2 consent token with the ApiKey and a consenttokens token, unquoting JSON', async () => {
    const { altinn2, client, scopes, captured, capture } = setup({ apiKey: API_KEY });
    altinn2
      .intercept({ path: `/api/authorization/token?authcode=${AUTH_CODE}`, method: 'GET' })
      .reply((opts) => {
        capture(opts as never);
        return { statusCode: 200, data: JSON.stringify('aaa.bbb.ccc') };
      });
    altinn2
      .intercept({ path: `/api/authorization/token?authcode=${AUTH_CODE}`, method: 'GET' })
      .reply(200, 'ZXlKaGJHY2lPaUpTVXpJMU5pSjkuZS5z', { headers: { 'content-type': 'text/plain' } });
    expect(await client.altinn2ConsentToken(AUTH_CODE)).toBe('aaa.bbb.ccc');
    expect(await client.altinn2ConsentToken(AUTH_CODE)).toBe('ZXlKaGJHY2lPaUpTVXpJMU5pSjkuZS5z');
    expect(captured[0].headers).toMatchObject({ apikey: API_KEY, authorization: 'Bearer mp-token-1' });
    expect(scopes).toEqual([ALTINN_SCOPES.consentTokens, ALTINN_SCOPES.consentTokens]);
  });

  it("maps Altinn 2's 403 to KOB_ALTINN2_CONSENT_REFUSED without the code or the API key", async () => {
    const { altinn2, client } = setup({ apiKey: API_KEY });
    altinn2
      .intercept({ path: `/api/authorization/token?authcode=${AUTH_CODE}`, method: 'GET' })
      .reply(
        403,
        'The API key is not authorized for this operation, or the supplied authorization code is either expired or invalid.',
      );
    const error = (await client.altinn2ConsentToken(AUTH_CODE).catch((e: unknown) => e)) as AltinnError;
    expect(error).toBeInstanceOf(AltinnError);
    expect(error).toMatchObject({
      code: 'KOB_ALTINN2_CONSENT_REFUSED',
      status: 403,
      operation: 'altinn2.consent.token',
    });
    const everything = `${error.message} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(everything).not.toContain(AUTH_CODE);
    expect(everything).not.toContain(API_KEY);
  });

  it('after a 401 fetches a new token once and repeats the call', async () => {
    const { altinn, client, scopes, invalidated } = setup();
    altinn.intercept({ path: `${CONSENT}/${CONSENT_ID}`, method: 'GET' }).reply(401, '');
    altinn.intercept({ path: `${CONSENT}/${CONSENT_ID}`, method: 'GET' }).reply(200, consent('Accepted'));
    expect((await client.getConsentRequest(CONSENT_ID))?.status).toBe('accepted');
    expect(invalidated).toEqual(['mp-token-1']);
    expect(scopes).toEqual([
      ALTINN_SCOPES.consentRequestsRead,
      `${ALTINN_SCOPES.consentRequestsRead} (forced)`,
    ]);
  });

  it('a second 401 is an error (the client lacks access), not a loop', async () => {
    const { altinn, client } = setup();
    altinn
      .intercept({ path: `${CONSENT}/${CONSENT_ID}`, method: 'GET' })
      .reply(401, '')
      .times(2);
    await expect(client.getConsentRequest(CONSENT_ID)).rejects.toMatchObject({
      code: 'KOB_ALTINN_HTTP_401',
      status: 401,
    });
  });

  it('retries 5xx and 429 with backoff (honouring Retry-After), then succeeds', async () => {
    const { altinn, client, delays } = setup();
    altinn.intercept({ path: `${SU}/request/vendor/abc`, method: 'GET' }).reply(503, '');
    altinn
      .intercept({ path: `${SU}/request/vendor/abc`, method: 'GET' })
      .reply(429, '', { headers: { 'retry-after': '2' } });
    altinn.intercept({ path: `${SU}/request/vendor/abc`, method: 'GET' }).reply(200, request());
    expect((await client.getSystemUserRequest('abc'))?.status).toBe('New');
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeGreaterThanOrEqual(2000);
  });

  it('gives up after the retries with a transient typed error', async () => {
    const { altinn, client } = setup({ maxRetries: 1 });
    altinn
      .intercept({ path: `${SU}/request/vendor/abc`, method: 'GET' })
      .reply(500, { title: 'Storage error', code: 'AUTH-00012' })
      .times(2);
    await expect(client.getSystemUserRequest('abc')).rejects.toMatchObject({
      code: 'AUTH-00012',
      status: 500,
      transient: true,
    });
    altinn
      .intercept({ path: `${SU}/request/vendor/abc`, method: 'GET' })
      .replyWithError(new Error('socket hang up'))
      .times(2);
    await expect(client.getSystemUserRequest('abc')).rejects.toMatchObject({
      code: 'KOB_ALTINN_NETWORK_ERROR',
      transient: true,
    });
  });

  it('names the fields of a validation problem, never their values', async () => {
    const { altinn, client } = setup();
    altinn.intercept({ path: CONSENT, method: 'POST' }).reply(400, {
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: {
        validTo: ['validTo must be in the future.'],
        redirectUrl: ['redirectUrl must be a valid URL.'],
      },
    });
    const error = (await client
      .createConsentRequest({
        id: CONSENT_ID,
        from: 'urn:altinn:person:identifier-no:04827896468',
        to: 'urn:altinn:organization:identifier-no:991825827',
        validTo: '2020-01-01T00:00:00Z',
        consentRights: [],
        redirectUrl: 'nope',
      })
      .catch((e: unknown) => e)) as AltinnError;
    expect(error.fields).toEqual(['validTo', 'redirectUrl']);
    expect(error.code).toBe('KOB_ALTINN_HTTP_400');
    expect(error.message).toContain('validTo, redirectUrl');
    expect(error.message).not.toContain('04827896468');
  });

  it('rejects a 200 whose body is not the expected shape', async () => {
    const { altinn, client } = setup();
    altinn.intercept({ path: `${CONSENT}/${CONSENT_ID}`, method: 'GET' }).reply(200, '<html>login</html>');
    await expect(client.getConsentRequest(CONSENT_ID)).rejects.toMatchObject({
      code: 'KOB_ALTINN_INVALID_RESPONSE',
    });
  });
});
