import { Agent, request } from 'undici';
import { FaultController } from './fault-controller.js';
import type { SandboxRoute } from './http.types.js';
import { JsonNumber, writeJson } from './json-writer.js';
import { RouteMatcher } from './route-matcher.js';
import { startSandboxServer } from './sandbox-server.js';
import type { SandboxServer } from './sandbox-server.js';
import { SandboxStatsCollector } from './sandbox-stats.js';

const body = {
  partIdentifikator: '313367002',
  skjermet: false,
  krav: [
    {
      partIdentifikator: '313367002',
      opprinneligBeloep: new JsonNumber('1234.50'),
      forfallsdato: '2026-03-15',
    },
  ],
};

describe('sandbox server', () => {
  let server: SandboxServer;
  let agent: Agent;
  const releases: (() => void)[] = [];
  let entered = 0;
  let fiveEntered: Promise<void>;
  let onFive: () => void = () => undefined;
  const stats = new SandboxStatsCollector();
  const faults = new FaultController(7);

  const routes: SandboxRoute[] = [
    {
      name: 'api.body',
      method: 'GET',
      pattern: '/v1/:part/body',
      partyParam: 'part',
      handler: () => ({ status: 200, body }),
    },
    {
      name: 'api.slow',
      method: 'GET',
      pattern: '/v1/:part/slow',
      partyParam: 'part',
      handler: async () => {
        if (++entered === 5) onFive();
        await new Promise<void>((resolve) => releases.push(resolve));
        return { status: 200, body: { ok: true } };
      },
    },
    {
      name: 'mp.token',
      method: 'POST',
      pattern: '/token',
      handler: (req) => ({ status: 200, body: { echo: req.body } }),
    },
  ];

  beforeAll(async () => {
    server = await startSandboxServer(routes, { name: 'api', stats, faults });
    agent = new Agent();
  });
  afterAll(async () => {
    await server.close();
    await agent.close();
  });
  beforeEach(() => faults.clear());

  const get = (path: string) => request(`${server.url}${path}`, { dispatcher: agent });

  it('routes by pattern, counts requests per route and answers 404 elsewhere', async () => {
    const ok = await get('/v1/313367002/body');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toContain('application/json');
    expect(await ok.body.text()).toBe(writeJson(body));
    const posted = await request(`${server.url}/token`, { method: 'POST', body: 'a=1', dispatcher: agent });
    expect(await posted.body.json()).toEqual({ echo: 'a=1' });
    const missing = await get('/nowhere');
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
    expect(stats.snapshot().requests).toMatchObject({ 'api.body': 1, 'mp.token': 1, 'api.unmatched': 1 });
  });

  it('refuses a 6th concurrent call for one party with 429 and Retry-After, and records 6 as the maximum', async () => {
    entered = 0;
    fiveEntered = new Promise<void>((resolve) => (onFive = resolve));
    const calls = Array.from({ length: 5 }, () => get('/v1/311851381/slow'));
    await fiveEntered;
    const sixth = await get('/v1/311851381/slow');
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['retry-after']).toBe('1');
    await sixth.body.dump();
    const other = await get('/v1/313367002/body');
    expect(other.statusCode).toBe(200);
    await other.body.dump();
    for (const release of releases.splice(0)) release();
    const statuses = await Promise.all(
      calls.map((c) => c.then(async (r) => (await r.body.dump(), r.statusCode))),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(stats.snapshot().maxConcurrentPerParty['311851381']).toBe(6);
    expect(stats.snapshot().throttledPerParty['311851381']).toBe(1);
  });

  it('applies a status fault to the next n requests of its route only', async () => {
    faults.set([{ route: 'api.body', kind: 'status', status: 503, times: 2, retryAfterSeconds: 1 }]);
    const seen: (number | string | string[] | undefined)[][] = [];
    for (let i = 0; i < 3; i++) {
      const r = await get('/v1/313367002/body');
      seen.push([r.statusCode, r.headers['retry-after']]);
      await r.body.dump();
    }
    expect(seen).toEqual([
      [503, '1'],
      [503, '1'],
      [200, undefined],
    ]);
    expect(faults.list()).toEqual([]);
  });

  it('resets the connection', async () => {
    faults.set([{ route: 'api.*', kind: 'reset', times: 1 }]);
    await expect(get('/v1/313367002/body')).rejects.toThrow();
    const after = await get('/v1/313367002/body');
    expect(after.statusCode).toBe(200);
    await after.body.dump();
  });

  it('holds the response of a timeout fault until the client gives up', async () => {
    faults.set([{ route: '*', kind: 'timeout', times: 1 }]);
    await expect(
      request(`${server.url}/v1/313367002/body`, { dispatcher: agent, headersTimeout: 50 }),
    ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('sends malformed JSON, or JSON that breaks the schema', async () => {
    faults.set([{ route: 'api.body', kind: 'malformed-json', times: 1 }]);
    const malformed = await get('/v1/313367002/body');
    expect(malformed.statusCode).toBe(200);
    await expect(malformed.body.json()).rejects.toThrow();

    const broken = async (
      violation: 'drop-partIdentifikator' | 'string-amount' | 'three-decimals' | 'invalid-date',
    ) => {
      faults.set([{ route: 'api.body', kind: 'schema', violation, times: 1 }]);
      const r = await get('/v1/313367002/body');
      return r.body.text();
    };
    expect(await broken('drop-partIdentifikator')).not.toContain('partIdentifikator');
    expect(await broken('string-amount')).toContain('"opprinneligBeloep":"1234.50"');
    expect(await broken('three-decimals')).toContain('"opprinneligBeloep":1234.505');
    expect(await broken('invalid-date')).toContain('"forfallsdato":"2026-02-30"');
    expect(await (await get('/v1/313367002/body')).body.text()).toBe(writeJson(body));
  });
});

describe('FaultController', () => {
  it('draws rate faults from the seeded stream: same seed, same hits', () => {
    const hits = (seed: number) => {
      const c = new FaultController(seed, [{ route: 'api.krav', kind: 'status', status: 500, rate: 0.5 }]);
      return Array.from({ length: 40 }, () => c.decide('api.krav').terminal !== undefined);
    };
    expect(hits(3)).toEqual(hits(3));
    expect(hits(3)).not.toEqual(hits(4));
    expect(hits(3).filter(Boolean).length).toBeGreaterThan(5);
  });

  it('stacks latency faults, lets the first terminal fault win and counts only hits', () => {
    const c = new FaultController(1, [
      { route: 'api.*', kind: 'latency', ms: 20 },
      { route: 'api.krav', kind: 'latency', ms: 5, times: 1 },
      { route: 'api.krav', kind: 'reset', times: 1 },
      { route: 'api.krav', kind: 'timeout', times: 1 },
      { route: 'mp.token', kind: 'status', status: 500 },
    ]);
    expect(c.decide('api.krav')).toEqual({
      latencyMs: 25,
      terminal: { route: 'api.krav', kind: 'reset', times: 1 },
    });
    expect(c.decide('api.krav')).toEqual({
      latencyMs: 20,
      terminal: { route: 'api.krav', kind: 'timeout', times: 1 },
    });
    expect(c.decide('api.krav')).toEqual({ latencyMs: 20 });
    expect(c.appliedCounts()).toEqual({ 'api.krav': 6 });
    expect(() => c.set([{ route: 'x', kind: 'status', status: 42 }])).toThrow(TypeError);
  });
});

describe('RouteMatcher', () => {
  const handler = () => ({ status: 200 });
  const m = new RouteMatcher([
    { name: 'a', method: 'GET', pattern: '/v1/:pakke/:part/krav', handler },
    { name: 'b', method: 'POST', pattern: '/token', handler },
  ]);

  it('matches literal and decoded parameter segments, ignoring a trailing slash', () => {
    expect(m.match('GET', '/v1/finans/313%33/krav/')).toMatchObject({
      route: { name: 'a' },
      params: { pakke: 'finans', part: '3133' },
    });
    expect(m.match('POST', '/token')?.route.name).toBe('b');
  });

  it('does not match another method, length, empty or undecodable segment', () => {
    expect(m.match('GET', '/token')).toBeUndefined();
    expect(m.match('GET', '/v1/finans/krav')).toBeUndefined();
    expect(m.match('GET', '/v1/finans//krav')).toBeUndefined();
    expect(m.match('GET', '/v1/finans/%E0%A4%A/krav')).toBeUndefined();
  });
});

describe('writeJson', () => {
  it('writes JsonNumber text verbatim, escapes strings and leaves undefined members out', () => {
    expect(writeJson({ a: new JsonNumber('10000.00'), b: undefined, c: ['x"y', true, null, 3], d: {} })).toBe(
      '{"a":10000.00,"c":["x\\"y",true,null,3],"d":{}}',
    );
    expect(() => writeJson({ a: Number.NaN })).toThrow(TypeError);
  });
});
