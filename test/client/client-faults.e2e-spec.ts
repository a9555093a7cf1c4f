import { KravOgBetalingerApiError } from '../../src/api/krav-og-betalinger-api.error.js';
import { subjectFor } from '../../src/api/krav-og-betalinger.client.js';
import type { Period } from '../../src/domain/common.model.js';
import { MalformedJsonError, PayloadValidationError } from '../../src/errors/index.js';
import { KobSandbox, type SchemaViolation } from '../../src/testing/index.js';
import {
  RevocableTokens,
  createClientHarness,
  customerOf,
  rejection,
  sentTo,
  total,
  type ClientHarness,
} from './client-harness.js';

// The client against the sandbox with its faults switched on: what is retried (5xx, 429 with Retry-After,
// resets, held responses), what is not (bodies that are not JSON or break the schema), and the one token
// refetch after a 401. The harness records backoff instead of sleeping, so retries happen at once.
describe('KravOgBetalingerClient against sandbox faults', () => {
  let sandbox: KobSandbox;
  let h: ClientHarness;
  const SYS = '313367002';
  const year = (): Required<Period> => ({ from: '2025-10-16', to: sandbox.today });

  beforeAll(async () => {
    sandbox = await KobSandbox.start({ seed: 2 });
    // Short per-attempt timeout so a held response gives up quickly (the only wait in this file).
    h = await createClientHarness(sandbox, { timeoutMs: 250 });
    await h.provider.getToken(subjectFor(customerOf(sandbox, SYS))); // token requests below are refetches only
  });

  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  beforeEach(() => {
    sandbox.clearFaults();
    sandbox.resetStats();
    h.sent.length = 0;
    h.delays.length = 0;
  });

  const customer = () => customerOf(sandbox, SYS);
  const requests = (endpoint: string) => sandbox.stats().requests[`api.${endpoint}`] ?? 0;

  describe('retried', () => {
    it.each([
      ['KB-001', 500],
      ['KB-002', 502],
      ['KB-002', 503],
    ])('%s (HTTP %i) twice, then success', async (_kode, status) => {
      sandbox.setFaults([{ route: 'api.krav', kind: 'status', status, times: 2 }]);
      const result = await h.client.claims(customer(), year());
      expect(ids(result.claims)).toEqual(ids(sandbox.ledger.claims(SYS, year())!.claims));
      expect(sandbox.activeFaults()).toEqual([]); // both spent
      expect(requests('krav')).toBe(3);
      expect(h.delays).toHaveLength(2);
      expect(new Set(h.sent.map((r) => r.correlationId)).size).toBe(3); // a fresh id per attempt
    });

    it('429 with Retry-After: waits at least that long, then succeeds', async () => {
      sandbox.setFaults([
        { route: 'api.aapnekrav', kind: 'status', status: 429, retryAfterSeconds: 2, times: 1 },
      ]);
      const open = await h.client.openClaims(customer());
      expect(open.totals).toEqual(sandbox.ledger.openClaims(SYS)!.totals);
      expect(requests('aapnekrav')).toBe(2);
      expect(h.delays).toHaveLength(1);
      expect(h.delays[0]).toBeGreaterThanOrEqual(2_000);
    });

    it('503 with Retry-After longer than maxDelayMs waits maxDelayMs', async () => {
      const client = h.clientWith({ retry: { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 5_000 } });
      sandbox.setFaults([
        { route: 'api.aapnekrav', kind: 'status', status: 503, retryAfterSeconds: 120, times: 1 },
      ]);
      await client.openClaims(customer());
      expect(h.delays).toEqual([5_000]);
      expect(requests('aapnekrav')).toBe(2);
    });

    it('429 that never stops: reported with the code the sandbox sent, after maxRetries', async () => {
      sandbox.setFaults([{ route: 'api.aapnekrav', kind: 'status', status: 429, retryAfterSeconds: 1 }]);
      const error = await rejection(h.client.openClaims(customer()));
      expect(error).toBeInstanceOf(KravOgBetalingerApiError);
      expect(error).toMatchObject({ code: 'KB-429', status: 429, endpoint: 'aapnekrav', attempts: 3 });
      expect(error.correlationId).toBe(h.sent.at(-1)!.correlationId);
      expect(requests('aapnekrav')).toBe(3);
      expect(h.delays.every((d) => d >= 1_000)).toBe(true);
    });

    it('a reset connection, then success', async () => {
      sandbox.setFaults([{ route: 'api.innbetalinger', kind: 'reset', times: 1 }]);
      const result = await h.client.payments(customer(), year());
      expect(result.payments.length).toBe(sandbox.ledger.payments(SYS, year())!.payments.length);
      expect(requests('innbetalinger')).toBe(2);
      expect(h.delays).toHaveLength(1);
    });

    it('resets that never stop: KOB_NETWORK_ERROR with a clean cause, after maxRetries', async () => {
      sandbox.setFaults([{ route: 'api.innbetalinger', kind: 'reset' }]);
      const error = await rejection(h.client.payments(customer(), year()));
      expect(error).toBeInstanceOf(KravOgBetalingerApiError);
      expect(error).toMatchObject({ code: 'KOB_NETWORK_ERROR', endpoint: 'innbetalinger', attempts: 3 });
      expect(error.status).toBeUndefined();
      expect(error.transient).toBe(true);
      expect(error.cause).toMatchObject({ code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/) });
      expect(JSON.stringify(error.cause)).not.toMatch(/Bearer|eyJ/);
      expect(requests('innbetalinger')).toBe(3);
    });

    it('a held response: the attempt times out, the retry succeeds', async () => {
      sandbox.setFaults([{ route: 'api.utbetalinger', kind: 'timeout', times: 1 }]);
      const result = await h.client.payouts(customer(), year());
      expect(result.payouts.length).toBe(sandbox.ledger.payouts(SYS, year())!.payouts.length);
      expect(requests('utbetalinger')).toBe(2);
      expect(h.delays).toHaveLength(1);
    });
  });

  describe('not retried', () => {
    it('a body that is not JSON: KOB_INVALID_RESPONSE caused by MalformedJsonError', async () => {
      sandbox.setFaults([{ route: 'api.krav', kind: 'malformed-json', times: 1 }]);
      const error = await rejection(h.client.claims(customer(), year()));
      expect(error).toBeInstanceOf(KravOgBetalingerApiError);
      expect(error).toMatchObject({ code: 'KOB_INVALID_RESPONSE', status: 200, endpoint: 'krav' });
      expect(error.cause).toBeInstanceOf(MalformedJsonError);
      expect(error.correlationId).toBe(h.sent[0].correlationId);
      expect(requests('krav')).toBe(1);
    });

    // 314055403 has payouts in the last year (an empty result is KB-007, which no fault touches).
    it.each<[SchemaViolation, string, RegExp]>([
      ['drop-partIdentifikator', 'krav', /^\$\.partIdentifikator$/],
      ['string-amount', 'krav', /^\$\.krav\[0\]\..*[bB]eloep$/],
      ['three-decimals', 'innbetalinger', /^\$\.innbetaling\[0\]\..*[bB]eloep$/],
      ['invalid-date', 'utbetalinger', /^\$\.periode\.fraOgMed$/],
    ])('a body with %s on %s: KOB_INVALID_RESPONSE with the JSON path', async (violation, endpoint, path) => {
      const c = customerOf(sandbox, '314055403');
      expect(sandbox.ledger.payouts(c.organisasjonsnummer, year())!.payouts.length).toBeGreaterThan(0);
      sandbox.setFaults([{ route: `api.${endpoint}`, kind: 'schema', violation, times: 1 }]);
      const call =
        endpoint === 'krav'
          ? h.client.claims(c, year())
          : endpoint === 'innbetalinger'
            ? h.client.payments(c, year())
            : h.client.payouts(c, year());
      const error = await rejection(call);
      expect(error).toBeInstanceOf(KravOgBetalingerApiError);
      expect(error).toMatchObject({ code: 'KOB_INVALID_RESPONSE', status: 200, endpoint });
      expect(error.cause).toBeInstanceOf(PayloadValidationError);
      expect(error.issues?.map((i) => i.path)).toContainEqual(expect.stringMatching(path));
      expect(error.message).toContain(error.issues![0].path);
      expect(requests(endpoint)).toBe(1);
    });
  });

  describe('401', () => {
    it('refetches a revoked token exactly once and retries at once', async () => {
      const c = customer();
      const tokens = new RevocableTokens(h.provider);
      const client = h.clientWith({ tokens });
      await tokens.revokeCurrent(subjectFor(c)); // cached, still fresh by its expiry, refused by the API
      sandbox.resetStats();
      const first = await client.openClaims(c);
      expect(first.totals).toEqual(sandbox.ledger.openClaims(SYS)!.totals);
      expect(requests('aapnekrav')).toBe(2);
      expect(total(sandbox.stats().tokenRequests)).toBe(1);
      expect(h.delays).toEqual([]);
      const [refused, accepted] = h.sent.map((r) => r.authorization);
      expect(refused).not.toBe(accepted);

      await client.openClaims(c); // the new token is cached and used
      expect(total(sandbox.stats().tokenRequests)).toBe(1);
      expect(h.sent.at(-1)!.authorization).toBe(accepted);
      expect(sentTo(h.sent, 'aapnekrav')).toHaveLength(3);
    });

    it('gives up with KB-004 when the refetched token is refused too, without backoff', async () => {
      const c = customer();
      const tokens = new RevocableTokens(h.provider);
      await tokens.revokeCurrent(subjectFor(c));
      sandbox.setFaults([
        { route: 'api.utbetalinger', kind: 'status', status: 401, kode: 'KB-004', times: 2 },
      ]);
      const error = await rejection(h.clientWith({ tokens }).payouts(c, year()));
      expect(error).toMatchObject({ code: 'KB-004', status: 401, endpoint: 'utbetalinger' });
      expect(requests('utbetalinger')).toBe(2);
      expect(total(sandbox.stats().tokenRequests)).toBe(1);
      expect(h.delays).toEqual([]);
    });

    // Regression: a call whose 401 arrives after another call already replaced the revoked token must reuse
    // that new token, not fetch yet another one.
    it('refetches once when two calls of one customer are refused with the same revoked token', async () => {
      const c = customer();
      const tokens = new RevocableTokens(h.provider);
      const client = h.clientWith({ tokens });
      await tokens.revokeCurrent(subjectFor(c));
      sandbox.resetStats();
      // Both calls take the revoked token; the krav answer (its 401) comes well after aapnekrav has
      // refetched and succeeded.
      sandbox.setFaults([{ route: 'api.krav', kind: 'latency', ms: 500, times: 1 }]);
      await Promise.all([client.openClaims(c), client.claims(c, year())]);
      expect(h.sent.filter((r) => r.authorization === h.sent[0].authorization)).toHaveLength(2);
      expect(total(sandbox.stats().tokenRequests)).toBe(1);
    });
  });
});

function ids(items: readonly { claimId: string }[]): string[] {
  return items.map((c) => c.claimId).sort();
}
