// Benchmark of the Maskinporten token provider against the KobSandbox (DESIGN §5, "Tokens"). It reports, it does
// not assert: every figure is printed next to its target and the process exits 0 either way.
//
//   npm run bench:token                                   (20 ms on mp.token, 20 token requests at once)
//   npm run bench:token -- --concurrency 10 --latency 50
//
// 1. 1,000 concurrent getToken callers of one system-user key, cold cache: token requests the sandbox saw.
// 2. 1,000 distinct customers from cold: token requests, the most in flight at once as seen by the server, and
//    the wall time against the ideal ceil(customers / concurrency) x token-route latency.
// 3. The same 1,000 customers on the warm cache: new token requests.
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Agent, type Dispatcher } from 'undici';
import {
  MaskinportenTokenProvider,
  createGrantSigner,
  subjectFor,
  type AccessToken,
  type CustomerConfig,
  type GrantSigner,
  type TokenSubject,
} from '../src/index.js';
import { KobSandbox, type KobSandboxStats } from '../src/testing/index.js';
import { countingDispatcher, watchServerRoute, type InFlightProbe } from './token-probes.js';
import { count, formatTable, ms, ratio } from './token-table.js';

const SCOPE = 'skatteetaten:kravogbetalinger';
const TOKEN_PATH = '/token';

interface BenchConfig {
  callers: number;
  customers: number;
  concurrency: number;
  latencyMs: number;
}

interface Phase {
  results: PromiseSettledResult<AccessToken>[];
  wallMs: number;
  cpuMs: number;
  stats: KobSandboxStats;
  serverPeak: number;
  clientPeak: number;
}

function readConfig(): BenchConfig {
  const { values } = parseArgs({
    options: {
      callers: { type: 'string', default: '1000' },
      customers: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '20' },
      latency: { type: 'string', default: '20' },
    },
  });
  const int = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    callers: int('callers', values.callers, 1),
    customers: int('customers', values.customers, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    latencyMs: int('latency', values.latency, 0),
  };
}

/** Runs `work` between a reset of every counter and a snapshot of them. */
async function measure(
  sandbox: KobSandbox,
  probes: { server: InFlightProbe; client?: InFlightProbe },
  work: () => Promise<PromiseSettledResult<AccessToken>[]>,
): Promise<Phase> {
  sandbox.resetStats();
  probes.server.reset();
  probes.client?.reset();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const results = await work();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    results,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    stats: sandbox.stats(),
    serverPeak: probes.server.max,
    clientPeak: probes.client?.max ?? 0,
  };
}

function provider(
  sandbox: KobSandbox,
  signer: GrantSigner,
  dispatcher: Dispatcher,
  maxConcurrentRequests?: number,
): MaskinportenTokenProvider {
  return new MaskinportenTokenProvider({
    issuer: sandbox.environment.maskinportenIssuer,
    clientId: sandbox.clientId,
    scope: SCOPE,
    signer,
    dispatcher,
    clock: sandbox.clock, // grants must be signed on the sandbox's time
    maxConcurrentRequests,
  });
}

function tokensOf(results: PromiseSettledResult<AccessToken>[]): AccessToken[] {
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

/** Failures by error code, e.g. "MP-303 x3"; codes and names only, never messages (they could name keys). */
function failureSummary(results: PromiseSettledResult<AccessToken>[]): string {
  const byCode = new Map<string, number>();
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    const reason: unknown = r.reason;
    const code =
      typeof reason === 'object' && reason !== null && 'code' in reason && typeof reason.code === 'string'
        ? reason.code
        : reason instanceof Error
          ? reason.name
          : 'unknown';
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  return byCode.size === 0 ? 'none' : [...byCode].map(([code, n]) => `${code} x${n}`).join(', ');
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

function accessKinds(customers: readonly CustomerConfig[]): string {
  const kinds = new Map<string, number>();
  for (const c of customers) kinds.set(c.access.type, (kinds.get(c.access.type) ?? 0) + 1);
  return [...kinds].map(([kind, n]) => `${count(n)} ${kind}`).join(', ');
}

async function main(): Promise<void> {
  const config = readConfig();
  const cpuList = cpus();
  console.log('bench/token: Maskinporten token provider against the KobSandbox');
  console.log(`  date      ${new Date().toISOString()}`);
  console.log(`  node      ${process.version} (${process.platform} ${process.arch})`);
  console.log(
    `  cpus      ${cpuList.length} (available parallelism ${availableParallelism()}), ${cpuList[0]?.model ?? 'unknown model'}`,
  );

  const setupStarted = performance.now();
  const sandbox = await KobSandbox.start({
    scenario: { generate: { customers: config.customers, claimsPerCustomer: 1 } },
    // Latency on the token route only: the metadata document and JWKS answer at once.
    faults: config.latencyMs > 0 ? [{ route: 'mp.token', kind: 'latency', ms: config.latencyMs }] : [],
  });
  const agents: Agent[] = [];
  const watch = watchServerRoute({ url: sandbox.urls.maskinporten, method: 'POST', path: TOKEN_PATH });
  try {
    const signer = await createGrantSigner(sandbox.key);
    const customers = sandbox.customers;
    console.log(
      `  sandbox   ${count(customers.length)} generated customers (${accessKinds(customers)}), ` +
        `mp.token latency ${config.latencyMs} ms, set up in ${ms(performance.now() - setupStarted)}`,
    );
    console.log('');

    // 1. One system-user key, many concurrent callers, cold cache.
    const single = customers.find((c) => c.access.type === 'systembruker');
    if (!single) throw new Error('the generated sandbox has no system-user customer');
    const singleSubject = subjectFor(single);
    const agent1 = new Agent();
    agents.push(agent1);
    const p1 = provider(sandbox, signer, agent1);
    const one = await measure(sandbox, { server: watch.probe }, () =>
      Promise.allSettled(Array.from({ length: config.callers }, () => p1.getToken(singleSubject))),
    );
    const orgMarker = `|systemuser:${single.organisasjonsnummer}:`;
    const forKey = Object.entries(one.stats.tokenRequests)
      .filter(([key]) => key.includes(orgMarker))
      .reduce((n, [, v]) => n + v, 0);
    const oneTokens = tokensOf(one.results);
    console.log(
      formatTable(
        `1) ${count(config.callers)} concurrent getToken callers of one system-user key (cold cache)`,
        [
          { metric: 'callers answered', value: count(oneTokens.length), target: count(config.callers) },
          { metric: 'failures', value: failureSummary(one.results), target: 'none' },
          {
            metric: 'distinct access tokens handed out',
            value: count(new Set(oneTokens.map((t) => t.accessToken)).size),
            target: '1',
          },
          { metric: 'token requests for the key (sandbox stats)', value: count(forKey), target: '1' },
          {
            metric: 'token requests, all keys (mp.token route)',
            value: count(one.stats.requests['mp.token'] ?? 0),
            target: '1',
          },
          {
            metric: 'metadata requests (mp.metadata route)',
            value: count(one.stats.requests['mp.metadata'] ?? 0),
          },
          { metric: 'ratio token requests / keys', value: ratio(forKey, 1), target: '1.00x' },
          { metric: 'wall time', value: ms(one.wallMs) },
          { metric: 'process CPU time (client + sandbox)', value: ms(one.cpuMs) },
        ],
      ),
    );
    console.log('');

    // 2. Every customer from cold, with the request cap.
    const subjects: TokenSubject[] = customers.map((c) => subjectFor(c));
    const agent2 = new Agent();
    agents.push(agent2);
    const counted = countingDispatcher(agent2, (o) => o.method === 'POST' && o.path === TOKEN_PATH);
    const p2 = provider(sandbox, signer, counted.dispatcher, config.concurrency);
    const keys = new Set(subjects.map((s) => p2.keyOf(s))).size;
    const cold = await measure(sandbox, { server: watch.probe, client: counted.probe }, () =>
      Promise.allSettled(subjects.map((s) => p2.getToken(s))),
    );
    const coldRequests = sum(cold.stats.tokenRequests);
    const ideal = Math.ceil(keys / config.concurrency) * config.latencyMs;
    const maxPerKey = Math.max(0, ...Object.values(cold.stats.tokenRequests));
    console.log(
      formatTable(
        `2) ${count(subjects.length)} customers from cold, provider maxConcurrentRequests = ${config.concurrency}`,
        [
          { metric: 'distinct token keys (provider)', value: count(keys), target: count(subjects.length) },
          { metric: 'customers answered', value: count(tokensOf(cold.results).length), target: count(keys) },
          { metric: 'failures', value: failureSummary(cold.results), target: 'none' },
          {
            metric: 'token requests (sandbox stats, all keys)',
            value: count(coldRequests),
            target: count(keys),
          },
          {
            metric: 'token keys seen by the sandbox',
            value: count(Object.keys(cold.stats.tokenRequests).length),
            target: count(keys),
          },
          { metric: 'most token requests for one key', value: count(maxPerKey), target: '1' },
          { metric: 'ratio token requests / ideal', value: ratio(coldRequests, keys), target: '1.00x' },
          {
            metric: 'max token requests in flight, server side',
            value: count(cold.serverPeak),
            target: `<= ${config.concurrency}`,
          },
          {
            metric: 'max token requests in flight, client side',
            value: count(cold.clientPeak),
            target: `<= ${config.concurrency}`,
          },
          { metric: 'wall time', value: ms(cold.wallMs) },
          {
            metric: `ideal: ceil(${keys} / ${config.concurrency}) x ${config.latencyMs} ms`,
            value: ms(ideal),
          },
          { metric: 'ratio wall / ideal', value: ratio(cold.wallMs, ideal), target: 'close to 1.00x' },
          { metric: 'process CPU time (client + sandbox)', value: ms(cold.cpuMs) },
          { metric: 'CPU per token request', value: ms(cold.cpuMs / Math.max(1, coldRequests)) },
          // Client and sandbox share this process (grant signing, grant checks, token signing): when their CPU
          // time exceeds the latency ideal, the run is CPU-bound and this is the fairer ratio.
          {
            metric: 'ratio wall / max(ideal, process CPU)',
            value: ratio(cold.wallMs, Math.max(ideal, cold.cpuMs)),
            target: 'close to 1.00x',
          },
        ],
      ),
    );
    console.log('');

    // 3. The same customers again: everything must come from the cache.
    const coldTokens = new Map(tokensOf(cold.results).map((t) => [t.tokenKey, t.accessToken]));
    const warm = await measure(sandbox, { server: watch.probe, client: counted.probe }, () =>
      Promise.allSettled(subjects.map((s) => p2.getToken(s))),
    );
    const warmTokens = tokensOf(warm.results);
    const reused = warmTokens.filter((t) => coldTokens.get(t.tokenKey) === t.accessToken).length;
    console.log(
      formatTable(`3) the same ${count(subjects.length)} customers again (warm cache)`, [
        { metric: 'customers answered', value: count(warmTokens.length), target: count(keys) },
        { metric: 'failures', value: failureSummary(warm.results), target: 'none' },
        {
          metric: 'new token requests (sandbox stats)',
          value: count(sum(warm.stats.tokenRequests)),
          target: '0',
        },
        {
          metric: 'mp.* requests of any kind',
          value: count(sum(prefixed(warm.stats.requests, 'mp.'))),
          target: '0',
        },
        { metric: 'tokens identical to round 2', value: count(reused), target: count(keys) },
        { metric: 'wall time', value: ms(warm.wallMs) },
        { metric: 'per getToken call', value: `${((warm.wallMs * 1000) / subjects.length).toFixed(1)} µs` },
      ]),
    );
    console.log('');
    console.log(
      [
        "Server side: Node's http.server.request.start diagnostics channel on the sandbox Maskinporten server,",
        '  POST /token, from the request head to the response close (sandbox stats track concurrency per API party only).',
        "Client side: an undici compose interceptor on the provider's dispatcher, from dispatch to response end.",
        'Client and sandbox share this process: CPU time is both sides (grant signing, grant checks, token signing).',
      ].join('\n'),
    );
  } finally {
    watch.stop();
    await Promise.all(agents.map((a) => a.close()));
    await sandbox.close();
  }
}

function prefixed(values: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key.startsWith(prefix)));
}

main().catch((error: unknown) => {
  // Only the error's name and code: a bench failure must not print key material.
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? ` (${String(error.code)})` : '';
  console.error(`bench/token failed: ${error instanceof Error ? error.name : 'error'}${code}`);
  if (error instanceof Error) console.error(error.message);
  process.exitCode = 1;
});
