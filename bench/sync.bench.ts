// Benchmark of a scheduled sync (DESIGN §5, "Sync"): 1,000 customers reconciled through the module's scheduler
// against the sandbox with 20 ms latency on every response. It reports, it does not assert.
//
//   npm run bench:sync
//   npm run bench:sync -- --customers 1000 --claims 10 --latency 20 --global 50 --concurrency 100 --store sqlite
//
// The sandbox runs in a child process (bench/client-sandbox.ts), so its CPU is not ours. The host app embeds
// KravOgBetalingerModule with the local scheduler (ScheduleModule + SchedulerRegistry); every customer's cron job
// is fired at once, as on a shared schedule with no jitter, and the run ends when every customer has a finished
// run. The ideal is what the caps allow with zero CPU: the API calls packed into `global` slots of one latency
// each, after one token round trip; and no customer faster than its own chain of round trips.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import {
  CustomerRunner,
  KravOgBetalingerModule,
  MemoryJournalAdapter,
  type CustomerConfig,
  type JsonWebKeyInput,
} from '../src/index.js';
import { RemoteSandbox } from './client-sandbox.js';

interface Config {
  customers: number;
  claims: number;
  latency: number;
  global: number;
  concurrency: number;
  store: 'sqlite' | 'memory';
}

function readConfig(): Config {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '1000' },
      claims: { type: 'string', default: '10' },
      latency: { type: 'string', default: '20' },
      global: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: '100' },
      store: { type: 'string', default: 'sqlite' },
    },
  });
  const int = (name: keyof typeof values, min: number): number => {
    const n = Number(values[name]);
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const store = values.store === 'memory' ? 'memory' : 'sqlite';
  return {
    customers: int('customers', 1),
    claims: int('claims', 1),
    latency: int('latency', 0),
    global: int('global', 1),
    concurrency: int('concurrency', 1),
    store,
  };
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const config = readConfig();
  const dir = mkdtempSync(join(tmpdir(), 'kob-sync-'));
  const sandbox = await RemoteSandbox.start({
    scenario: { generate: { customers: config.customers, claimsPerCustomer: config.claims } },
    latencyMs: config.latency,
  });
  const info = sandbox.info;
  const customers: CustomerConfig[] = info.customers;
  const journal = new MemoryJournalAdapter();

  @Module({
    imports: [
      ScheduleModule.forRoot(),
      KravOgBetalingerModule.forRoot({
        environment: info.environment,
        maskinporten: { clientId: info.clientId, key: { jwk: info.key.jwk as unknown as JsonWebKeyInput } },
        customers,
        journal,
        store:
          config.store === 'memory'
            ? { kind: 'memory' }
            : { kind: 'sqlite', path: join(dir, 'state.sqlite') },
        // A cron that does not fire during the bench: the ticks are fired by hand, all at once.
        schedule: { enabled: true, cron: '0 0 1 1 *', jitterMs: 0, concurrency: config.concurrency },
        http: { maxConcurrentGlobal: config.global },
        logger: false,
      }),
    ],
  })
  class SyncHostModule {}

  const app = await NestFactory.createApplicationContext(SyncHostModule, { logger: false });
  try {
    const registry = app.get(SchedulerRegistry);
    const runner = app.get(CustomerRunner, { strict: false });
    const jobs = [...registry.getCronJobs()].filter(([name]) => name.startsWith('kob:'));
    if (jobs.length !== customers.length) {
      throw new Error(`expected ${customers.length} scheduled jobs, found ${jobs.length}`);
    }
    await sandbox.resetStats();
    let peakRss = 0;
    // rss() alone is cheap; the full memoryUsage() every few ms cost half a second of CPU here.
    const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
    const sampler = setInterval(sample, 25);
    const ids = customers.map((c) => c.id);
    const pending = new Set(ids);
    const allDone = new Promise<void>((resolve) => {
      runner.onRunFinished((status) => {
        pending.delete(status.customerId);
        if (pending.size === 0) resolve();
      });
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const [, job] of jobs) void job.fireOnTick();
    await allDone;
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    sample();
    const heapUsed = process.memoryUsage().heapUsed;

    const stats = await sandbox.stats();
    const statuses = ids.map((id) => runner.status(id)!);
    const byStatus = new Map<string, number>();
    for (const s of statuses) byStatus.set(s.lastStatus ?? '?', (byStatus.get(s.lastStatus ?? '?') ?? 0) + 1);
    const routeSum = (prefix: string) =>
      Object.entries(stats.requests)
        .filter(([route]) => route.startsWith(prefix))
        .reduce((n, [, count]) => n + count, 0);
    const apiCalls = routeSum('api.');
    const tokenCalls = routeSum('mp.');
    const altinnCalls = routeSum('altinn.');
    const maxPerParty = Math.max(0, ...Object.values(stats.maxConcurrentPerParty));
    const L = config.latency;
    // Packed: every API call in a global slot; the first wave waits for a token round trip.
    const packedMs = (Math.ceil(apiCalls / config.global) + 1) * L;
    // Per customer: token, maybe an Altinn check, then its API calls 5 at a time; `concurrency` customers at once.
    const apiPerCustomer = Math.ceil(apiCalls / customers.length);
    const chain = 1 + (altinnCalls > 0 ? 1 : 0) + Math.ceil(apiPerCustomer / 5);
    const chainMs = Math.ceil(customers.length / config.concurrency) * chain * L;
    const idealMs = Math.max(packedMs, chainMs);

    const row = (label: string, value: string) => console.log(`${label.padEnd(62)} ${value}`);
    console.log(
      `Sync: ${customers.length} customers x ${config.claims} claims, ${L} ms latency, global cap ${config.global}, ` +
        `scheduler concurrency ${config.concurrency}, ${config.store} store`,
    );
    row('wall time, all ticks fired to last run finished', `${wallMs.toFixed(0)} ms`);
    row('ideal set by the caps (max of packed and per-customer chain)', `${idealMs} ms`);
    row('  packed: (ceil(api calls / global) + 1 token round) x latency', `${packedMs} ms`);
    row(`  chain: ceil(customers / concurrency) x ${chain} round trips x latency`, `${chainMs} ms`);
    row('ratio wall / ideal (target <= 1.25)', `${(wallMs / idealMs).toFixed(2)}x`);
    row('CPU of this process (user + system)', `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
    row('requests: API / Maskinporten / Altinn', `${apiCalls} / ${tokenCalls} / ${altinnCalls}`);
    row('highest concurrent calls per party (must be <= 5)', String(maxPerParty));
    row('runs by status', [...byStatus].map(([s, n]) => `${s} ${n}`).join(', '));
    row('entries posted', String(journal.customerIds().reduce((n, id) => n + journal.entries(id).length, 0)));
    row('peak RSS / heap used at the end', `${mb(peakRss)} / ${mb(heapUsed)}`);
  } finally {
    await app.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
