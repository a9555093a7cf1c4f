import type { SandboxRequest } from '../http/http.types.js';
import { negotiateFormat } from './accept.js';
import { correlationId } from './kob-errors.js';
import { parsePeriod } from './kob-api.routes.js';

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
