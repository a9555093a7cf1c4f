// Benchmark of module start-up with the SQLite store (DESIGN §5: "Module start-up under 300 ms with the sqlite
// store"). It reports, it does not assert. Each sample is a fresh Node process (so nothing is warm): it loads the
// package, then times `NestFactory.createApplicationContext` of a host module that embeds
// KravOgBetalingerModule.forRoot (options validated, key checked, SQLite file opened and migrated, every
// provider built) up to a ready application, and the same for an empty Nest module as the floor.
//
//   npm run bench:startup                 (7 samples)
//   npm run bench:startup -- --samples 15
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface Sample {
  importMs: number;
  emptyMs: number;
  moduleMs: number;
}

async function child(dbPath: string): Promise<void> {
  const t0 = performance.now();
  await import('reflect-metadata');
  const { Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { generateKeyPair, exportJWK } = await import('jose');
  const kob = await import('../src/index.js');
  const importMs = performance.now() - t0;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kty: 'RSA', kid: 'bench', alg: 'RS256' };

  @Module({})
  class EmptyModule {}
  let t = performance.now();
  const empty = await NestFactory.createApplicationContext(EmptyModule, { logger: false });
  const emptyMs = performance.now() - t;
  await empty.close();

  @Module({
    imports: [
      kob.KravOgBetalingerModule.forRoot({
        environment: 'test',
        maskinporten: { clientId: 'bench-client', key: { jwk } },
        customers: Array.from({ length: 100 }, (_, i) => ({
          id: `c${i}`,
          organisasjonsnummer: '313367002',
          rettighetspakke: 'regnskapssystem' as const,
          access: { type: 'systembruker' as const },
          bookingStartDate: '2025-01-01',
        })),
        journal: new kob.MemoryJournalAdapter(),
        store: { kind: 'sqlite', path: dbPath },
        logger: false,
      }),
    ],
  })
  class HostModule {}
  t = performance.now();
  const app = await NestFactory.createApplicationContext(HostModule, { logger: false });
  const moduleMs = performance.now() - t;
  await app.close();
  process.stdout.write(JSON.stringify({ importMs, emptyMs, moduleMs } satisfies Sample));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { child: { type: 'string' }, samples: { type: 'string', default: '7' } },
  });
  if (values.child) return child(values.child);
  const samples = Number(values.samples);
  const dir = mkdtempSync(join(tmpdir(), 'kob-startup-'));
  const script = fileURLToPath(import.meta.url);
  const results: Sample[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      // A new file each time: the first start creates and migrates the schema, the realistic cold case.
      const db = join(dir, `state-${i}.sqlite`);
      const text = execFileSync(process.execPath, [script, '--child', db], { encoding: 'utf8' });
      results.push(JSON.parse(text) as Sample);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const moduleMs = median(results.map((r) => r.moduleMs));
  const emptyMs = median(results.map((r) => r.emptyMs));
  const importMs = median(results.map((r) => r.importMs));
  const row = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);
  console.log(
    `Module start-up, SQLite store (new file, migrated), 100 customers; median of ${samples} processes`,
  );
  row('createApplicationContext with KravOgBetalingerModule', `${moduleMs.toFixed(1)} ms`);
  row('createApplicationContext of an empty module (floor)', `${emptyMs.toFixed(1)} ms`);
  row('loading the package and Nest (not part of start-up)', `${importMs.toFixed(1)} ms`);
  row('ratio to the 300 ms target (must be <= 1.00)', `${(moduleMs / 300).toFixed(2)}x`);
  row('ratio to the empty module', `${(moduleMs / emptyMs).toFixed(2)}x`);
}

void main();
