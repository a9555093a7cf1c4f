import type { SandboxRequest, SandboxResponse } from '../http/http.types.js';
import { jsonBytes, writeJson } from '../http/json-writer.js';
import { SandboxLedger } from '../ledger/sandbox-ledger.js';
import { negotiateFormat } from './accept.js';
import { correlationId } from './kob-errors.js';
import { kobApiRoutes, parsePeriod, type KobEndpoint } from './kob-api.routes.js';
import { claimsBody, openClaimsBody } from './wire-serialiser.js';

const req = (query: string): SandboxRequest => ({
  method: 'GET',
  url: new URL(`http://x/v1/finans/313367002/krav${query}`),
  headers: {},
  body: '',
  params: {},
});

describe('negotiateFormat', () => {
  it.each<[string | undefined, 'json' | 'xml' | undefined]>([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/*', 'json'],
    ['application/xml', 'xml'],
    ['text/xml', 'xml'],
    ['application/xml, application/json;q=0.9', 'xml'],
    ['application/xml;q=0.5, application/json', 'json'],
    ['text/html', undefined],
    ['application/json;q=0, text/csv', undefined],
  ])('%s -> %s', (accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected);
  });
});

describe('parsePeriod', () => {
  it('defaults tilOgMed to today and accepts up to the same date a year later', () => {
    expect(parsePeriod(req('?fraOgMed=2026-01-01'), '2026-10-15')).toEqual({
      from: '2026-01-01',
      to: '2026-10-15',
    });
    expect(parsePeriod(req('?fraOgMed=2024-02-29&tilOgMed=2025-02-28'), '2026-10-15')).toEqual({
      from: '2024-02-29',
      to: '2025-02-28',
    });
  });

  it.each([
    '',
    '?fraOgMed=',
    '?fraOgMed=2026-13-01',
    '?fraOgMed=2026-03-01&tilOgMed=2026-02-01',
    '?fraOgMed=2024-02-29&tilOgMed=2025-03-01',
  ])('rejects %s', (query) => {
    expect(typeof parsePeriod(req(query), '2026-10-15')).toBe('string');
  });
});

describe('correlationId', () => {
  it('takes Korrelasjonsid in any letter case', () => {
    expect(correlationId(req('?korrelasjonsid=abc'))).toBe('abc');
    expect(correlationId(req('?Korrelasjonsid=def'))).toBe('def');
  });
});

describe('kobApiRoutes: the same request gets the same body until the ledger changes', () => {
  const PARTY = '313367002';
  const wire = { format: '1.1.1', paymentSign: 'positive' } as const;

  function api() {
    const ledger = SandboxLedger.documented();
    const routes = kobApiRoutes({
      ledger,
      wire,
      authorize: () => Promise.resolve({ ok: true, tokenKey: 'k', clientId: 'c', consumerOrg: '999999999' }),
    });
    const call = (endpoint: KobEndpoint, query = '', party = PARTY): Promise<SandboxResponse> => {
      const route = routes.find((r) => r.name === `api.${endpoint}`)!;
      return Promise.resolve(
        route.handler({
          method: 'GET',
          url: new URL(`http://x/v1/regnskapssystem/${party}/${endpoint}${query}`),
          headers: { accept: 'application/json' },
          body: '',
          params: { pakke: 'regnskapssystem', part: party },
        }),
      );
    };
    return { ledger, call };
  }

  it('answers a repeated request with the same body and bytes, as the ledger would write it now', async () => {
    const { ledger, call } = api();
    const period = { from: '2025-10-16', to: ledger.today }; // at most a year
    const query = `?fraOgMed=${period.from}&tilOgMed=${period.to}`;
    const first = await call('krav', `${query}&Korrelasjonsid=a`);
    const again = await call('krav', `${query}&Korrelasjonsid=b`);
    expect(first.status).toBe(200);
    expect(again.body).toBe(first.body);
    const fresh = claimsBody(ledger.claims(PARTY, period)!, wire);
    expect(jsonBytes(again.body).toString('utf8')).toBe(writeJson(fresh));
    // Another period or another endpoint is another body.
    const other = await call('krav', `?fraOgMed=${ledger.today}&tilOgMed=${ledger.today}`);
    expect(other.body).not.toBe(first.body);
  });

  it('answers from the advanced ledger after advance()', async () => {
    const { ledger, call } = api();
    const before = await call('aapnekrav');
    ledger.advance(45);
    const after = await call('aapnekrav');
    expect(after.body).not.toBe(before.body);
    expect(jsonBytes(after.body).toString('utf8')).toBe(
      writeJson(openClaimsBody(ledger.openClaims(PARTY)!, wire)),
    );
    expect(jsonBytes(after.body).toString('utf8')).not.toBe(jsonBytes(before.body).toString('utf8'));
  });

  it("writes KB-007 afresh for every request, with that request's correlation id", async () => {
    const { ledger, call } = api();
    const query = `?fraOgMed=${ledger.startDate}&tilOgMed=${ledger.startDate}`; // day one: no payouts yet
    const a = await call('utbetalinger', `${query}&Korrelasjonsid=first`);
    const b = await call('utbetalinger', `${query}&Korrelasjonsid=second`);
    expect(a).toMatchObject({ status: 404, body: { kode: 'KB-007', korrelasjonsid: 'first' } });
    expect(b).toMatchObject({ status: 404, body: { kode: 'KB-007', korrelasjonsid: 'second' } });
  });
});
