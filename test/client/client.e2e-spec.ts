import { Agent, request } from 'undici';
import { KravOgBetalingerApiError } from '../../src/api/krav-og-betalinger-api.error.js';
import { subjectFor } from '../../src/api/krav-og-betalinger.client.js';
import { TokenAcquisitionError } from '../../src/auth/token-acquisition.error.js';
import type { Period, RightsPackage } from '../../src/domain/common.model.js';
import { makeOrganisationNumber } from '../../src/domain/identifiers.js';
import { KobSandbox } from '../../src/testing/index.js';
import {
  AlwaysRefused,
  TokenOf,
  createClientHarness,
  customerOf,
  rejection,
  sentTo,
  total,
  variant,
  type ClientHarness,
} from './client-harness.js';

// The API client over real HTTP against the sandbox (documented organisations, today 2026-10-15, history from
// 2024-10-01): the four endpoints, yearly windows, de-duplication, every KB code as a typed error, the per-party
// cap. Retries do not wait: the harness records the backoff the client asks for.
describe('KravOgBetalingerClient against the sandbox', () => {
  let sandbox: KobSandbox;
  let h: ClientHarness;
  const SYS = '313367002';
  const CONSENT = '314961900';

  beforeAll(async () => {
    sandbox = await KobSandbox.start({ seed: 1 });
    h = await createClientHarness(sandbox);
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

  const lastYear = (): Required<Period> => ({ from: '2025-10-16', to: sandbox.today });
  const ids = (items: readonly { claimId: string }[]) => items.map((c) => c.claimId).sort();

  describe('the four endpoints', () => {
    it.each([
      [SYS, 'regnskapssystem'],
      [CONSENT, 'finans'],
    ])('reads %s on the %s path and returns what the ledger holds', async (org, pakke) => {
      const c = customerOf(sandbox, org);
      const [open, claims, payments, payouts] = await Promise.all([
        h.client.openClaims(c),
        h.client.claims(c, lastYear()),
        h.client.payments(c, lastYear()),
        h.client.payouts(c, lastYear()),
      ]);
      expect(open.totals).toEqual(sandbox.ledger.openClaims(org)!.totals);
      expect(ids(open.claims)).toEqual(ids(sandbox.ledger.openClaims(org)!.claims));
      expect(ids(claims.claims)).toEqual(ids(sandbox.ledger.claims(org, lastYear())!.claims));
      const ledgerPayments = sandbox.ledger.payments(org, lastYear())!.payments;
      expect(payments.payments.map((p) => [p.paymentId, p.amount])).toEqual(
        ledgerPayments.map((p) => [p.paymentId, p.amount]),
      );
      expect(payouts.payouts.map((p) => p.payoutId)).toEqual(
        sandbox.ledger.payouts(org, lastYear())!.payouts.map((p) => p.payoutId),
      );
      expect(h.sent.map((r) => [r.pakke, r.party])).toEqual(Array(4).fill([pakke, org]));
      const correlationIds = h.sent.map((r) => r.correlationId);
      expect(new Set(correlationIds).size).toBe(4);
      expect(sandbox.stats().throttledPerParty).toEqual({});
    });

    it('works with the old host style base URL (/api/innkreving/kravogbetalinger/v1)', async () => {
      const client = h.clientWith({ baseUrl: `${sandbox.urls.api}/api/innkreving/kravogbetalinger/v1/` });
      const open = await client.openClaims(customerOf(sandbox, SYS));
      expect(open.totals).toEqual(sandbox.ledger.openClaims(SYS)!.totals);
      expect(sandbox.stats().requests).toEqual({ 'api.aapnekrav': 1 });
    });

    it('lets a Maskinporten refusal through as a TokenAcquisitionError and calls no API', async () => {
      sandbox.setFaults([{ route: 'mp.token', kind: 'status', status: 400, times: 1 }]);
      const c = customerOf(sandbox, '311851381'); // no token cached yet
      const error = await rejection(h.client.openClaims(c));
      expect(error).toBeInstanceOf(TokenAcquisitionError);
      expect(error).toMatchObject({ status: 400, transient: false });
      expect(sandbox.stats().requests).toEqual({ 'mp.token': 1 });
      await expect(h.client.openClaims(c)).resolves.toMatchObject({ partyId: '311851381' }); // slots released
    });

    it('treats KB-007 (nothing in the period) as an empty result after one request', async () => {
      const c = customerOf(sandbox, SYS);
      const before = { from: '2022-01-01', to: '2022-12-31' }; // the ledger starts 2024-10-01
      const [claims, payments, payouts] = await Promise.all([
        h.client.claims(c, before),
        h.client.payments(c, before),
        h.client.payouts(c, before),
      ]);
      expect(claims).toEqual({ partyId: SYS, shielded: false, period: before, claims: [] });
      expect(payments.payments).toEqual([]);
      expect(payouts.payouts).toEqual([]);
      expect(sandbox.stats().requests).toEqual({
        'api.krav': 1,
        'api.innbetalinger': 1,
        'api.utbetalinger': 1,
      });
      expect(h.delays).toEqual([]);
    });
  });

  describe('periods over a year', () => {
    // The sandbox answers KB-006 for a window over a year, so a successful read proves the split.
    it.each<[string, Required<Period>, string[]]>([
      [
        'calendar years, the first a leap year',
        { from: '2024-01-01', to: '2026-06-30' },
        ['2024-01-01..2024-12-31', '2025-01-01..2025-12-31', '2026-01-01..2026-06-30'],
      ],
      [
        'starting on 29 February',
        { from: '2024-02-29', to: '2026-08-28' },
        ['2024-02-29..2025-02-27', '2025-02-28..2026-02-27', '2026-02-28..2026-08-28'],
      ],
      [
        'a window ending on 29 February',
        { from: '2023-03-01', to: '2025-08-31' },
        ['2023-03-01..2024-02-29', '2024-03-01..2025-02-28', '2025-03-01..2025-08-31'],
      ],
    ])('splits %s into yearly windows the API accepts', async (_name, period, windows) => {
      const c = customerOf(sandbox, SYS);
      const [claims, payments] = await Promise.all([
        h.client.claims(c, period),
        h.client.payments(c, period),
      ]);
      for (const endpoint of ['krav', 'innbetalinger'] as const) {
        expect(sentTo(h.sent, endpoint).map((r) => `${r.fraOgMed}..${r.tilOgMed}`)).toEqual(windows);
      }
      expect(claims.period).toEqual(period);
      expect(ids(claims.claims)).toEqual(ids(sandbox.ledger.claims(SYS, period)!.claims));
      expect(payments.payments.map((p) => p.paymentId)).toEqual(
        sandbox.ledger.payments(SYS, period)!.payments.map((p) => p.paymentId),
      );
      expect(sandbox.stats().requests).toEqual({ 'api.krav': 3, 'api.innbetalinger': 3 });
    });

    it('is needed: the sandbox refuses the whole period in one request with KB-006', async () => {
      const c = customerOf(sandbox, SYS);
      const token = await h.provider.getToken(subjectFor(c));
      const agent = new Agent();
      try {
        const res = await request(
          `${sandbox.environment.apiBaseUrl}/regnskapssystem/${SYS}/krav?fraOgMed=2024-02-29&tilOgMed=2026-08-28`,
          { dispatcher: agent, headers: { authorization: `Bearer ${token.accessToken}` } },
        );
        expect([res.statusCode, ((await res.body.json()) as { kode: string }).kode]).toEqual([400, 'KB-006']);
      } finally {
        await agent.close();
      }
    });

    it('returns a claim with activity in two windows once', async () => {
      const c = customerOf(sandbox, SYS);
      const period = { from: '2024-02-29', to: '2026-08-28' };
      const perWindow = [
        { from: '2024-02-29', to: '2025-02-27' },
        { from: '2025-02-28', to: '2026-02-27' },
        { from: '2026-02-28', to: '2026-08-28' },
      ].map((w) => sandbox.ledger.claims(SYS, w)!.claims.map((x) => x.claimId));
      const union = new Set(perWindow.flat());
      const inTwo = [...union].filter((id) => perWindow.filter((w) => w.includes(id)).length > 1);
      expect(inTwo.length).toBeGreaterThan(0); // else this test proves nothing

      const result = await h.client.claims(c, period);
      const got = result.claims.map((x) => x.claimId);
      expect(got).toHaveLength(union.size);
      expect(new Set(got)).toEqual(union);
      for (const id of inTwo) expect(got.filter((x) => x === id)).toHaveLength(1);
    });
  });

  describe('API errors', () => {
    /** Checks the typed error against the last request the client sent (the sandbox echoes its id). */
    function expectApiError(
      error: unknown,
      expected: { code: string; status: number; endpoint: string; requests: number },
    ) {
      expect(error).toBeInstanceOf(KravOgBetalingerApiError);
      const e = error as KravOgBetalingerApiError;
      const last = h.sent.at(-1)!;
      expect({ code: e.code, status: e.status, endpoint: e.endpoint }).toEqual({
        code: expected.code,
        status: expected.status,
        endpoint: expected.endpoint,
      });
      expect(last.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.correlationId).toBe(last.correlationId);
      expect(e.party).toMatch(/^\*+\d{5}$/);
      expect(e.message).not.toContain(last.party);
      expect(e.message).not.toMatch(/Bearer|eyJ/);
      expect(e.apiMessage).toEqual(expect.stringMatching(/\S/)); // the sandbox's `melding`
      expect(sandbox.stats().requests[`api.${expected.endpoint}`]).toBe(expected.requests);
      expect(h.sent).toHaveLength(expected.requests);
    }

    it('KB-003: an unknown rights package is not retried', async () => {
      const c = variant(customerOf(sandbox, SYS), { rettighetspakke: 'ukjent' as RightsPackage });
      const error = await rejection(h.client.openClaims(c));
      expectApiError(error, { code: 'KB-003', status: 404, endpoint: 'aapnekrav', requests: 1 });
      expect(h.delays).toEqual([]);
    });

    it('KB-004: a token the API refuses is refetched once, then the call fails', async () => {
      const c = customerOf(sandbox, SYS);
      const client = h.clientWith({ tokens: new AlwaysRefused(h.provider) });
      await h.provider.getToken(subjectFor(c)); // cached, so only the forced refetch is counted below
      sandbox.resetStats();
      const error = await rejection(client.claims(c, lastYear()));
      expectApiError(error, { code: 'KB-004', status: 401, endpoint: 'krav', requests: 2 });
      expect(total(sandbox.stats().tokenRequests)).toBe(1);
      expect(h.delays).toEqual([]);
    });

    // Regression: the repeat after a 401 counts as an attempt even though it does not use up a retry.
    it('KB-004: counts both requests in `attempts`', async () => {
      const client = h.clientWith({ tokens: new AlwaysRefused(h.provider) });
      const error = await rejection(client.claims(customerOf(sandbox, SYS), lastYear()));
      expect(error).toMatchObject({ code: 'KB-004' });
      expect(h.sent).toHaveLength(2);
      expect(error.attempts).toBe(2);
    });

    it('KB-005: a system-user customer asking on the finans path is not retried', async () => {
      const c = variant(customerOf(sandbox, SYS), { rettighetspakke: 'finans' });
      const error = await rejection(h.client.payments(c, lastYear()));
      expectApiError(error, { code: 'KB-005', status: 403, endpoint: 'innbetalinger', requests: 1 });
    });

    it('KB-005: a consent revoked after the token was issued', async () => {
      const c = customerOf(sandbox, '212201782');
      await h.client.openClaims(c);
      sandbox.resetStats();
      h.sent.length = 0;
      sandbox.authority.revokeConsent(c.access.type === 'consent' ? c.access.consentId : '');
      const error = await rejection(h.client.openClaims(c));
      expectApiError(error, { code: 'KB-005', status: 403, endpoint: 'aapnekrav', requests: 1 });
      expect(total(sandbox.stats().tokenRequests)).toBe(0); // 403 is not 401: no refetch
    });

    it('KB-006: a malformed party id is not retried', async () => {
      const sys = customerOf(sandbox, SYS);
      const c = variant(sys, { organisasjonsnummer: '313367003' }); // wrong check digit
      const client = h.clientWith({ tokens: new TokenOf(h.provider, subjectFor(sys)) });
      const error = await rejection(client.payouts(c, lastYear()));
      expectApiError(error, { code: 'KB-006', status: 400, endpoint: 'utbetalinger', requests: 1 });
      expect(error.party).toBe('****67003');
    });

    it('KB-008: an unacceptable format is not retried', async () => {
      sandbox.setFaults([{ route: 'api.krav', kind: 'status', status: 406, kode: 'KB-008' }]);
      const error = await rejection(h.client.claims(customerOf(sandbox, SYS), lastYear()));
      expectApiError(error, { code: 'KB-008', status: 406, endpoint: 'krav', requests: 1 });
    });

    it('KB-009: a party the API does not know is not retried', async () => {
      const org = makeOrganisationNumber('39999999') ?? makeOrganisationNumber('39999998')!;
      expect(sandbox.ledger.hasParty(org)).toBe(false);
      sandbox.authority.createSystemUser({ org });
      const c = { id: 'ukjent', organisasjonsnummer: org, rettighetspakke: 'regnskapssystem' as const };
      const error = await rejection(h.client.openClaims({ ...c, access: { type: 'systembruker' } }));
      expectApiError(error, { code: 'KB-009', status: 404, endpoint: 'aapnekrav', requests: 1 });
    });

    it.each([
      ['KB-001', 500],
      ['KB-002', 503],
    ])('%s (HTTP %i) is retried, then reported with the last attempt', async (code, status) => {
      sandbox.setFaults([{ route: 'api.aapnekrav', kind: 'status', status }]);
      const error = await rejection(h.client.openClaims(customerOf(sandbox, SYS)));
      expectApiError(error, { code, status, endpoint: 'aapnekrav', requests: 3 });
      expect(error).toMatchObject({ attempts: 3, transient: true });
      expect(h.delays).toHaveLength(2);
    });
  });

  describe('concurrency', () => {
    it('keeps at most 5 calls in flight for one party while serving another party alongside', async () => {
      // Long enough that a loaded machine (CI runs this file twice, once under --detectOpenHandles) still gets
      // each wave of requests into the server before the first of them is answered.
      sandbox.setFaults([{ route: 'api.aapnekrav', kind: 'latency', ms: 150 }]);
      const client = h.clientWith({});
      const a = customerOf(sandbox, SYS);
      const b = customerOf(sandbox, '314055403');
      const done: string[] = [];
      const call = (c: typeof a) => client.openClaims(c).then(() => void done.push(c.organisasjonsnummer));
      await Promise.all([
        ...Array.from({ length: 40 }, () => call(a)),
        ...Array.from({ length: 5 }, () => call(b)),
      ]);
      const stats = sandbox.stats();
      expect(stats.maxConcurrentPerParty[SYS]).toBeLessThanOrEqual(5);
      expect(stats.maxConcurrentPerParty[SYS]).toBe(5); // the cap was reached, so it was what held
      // The second party's five calls overlap, but how many at the very same moment depends on the machine.
      expect(stats.maxConcurrentPerParty['314055403']).toBeGreaterThanOrEqual(2);
      expect(stats.maxConcurrentPerParty['314055403']).toBeLessThanOrEqual(5);
      expect(stats.throttledPerParty).toEqual({});
      expect(stats.requests['api.aapnekrav']).toBe(45); // a 429 would have shown up as a retry
      expect(h.delays).toEqual([]);
      // The second party was not queued behind the first: its calls all finished while the first still waited.
      const lastOfB = done.lastIndexOf('314055403');
      expect(done.slice(lastOfB + 1).filter((p) => p === SYS).length).toBeGreaterThan(0);
    });
  });
});
