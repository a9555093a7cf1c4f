import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { KravOgBetalingerClient } from '../api/krav-og-betalinger.client.js';
import { AccessStatusService } from '../auth/access/access-status.service.js';
import { kobConfig } from '../config/kob.config.js';
import type { CustomerConfig } from '../config/module-options.interface.js';
import { addDays, addYears } from '../domain/dates.js';
import { formatOre, sumOre } from '../domain/money.js';
import type { JournalAdapter } from '../journal/journal-adapter.interface.js';
import { KravOgBetalingerModule } from '../krav-og-betalinger.module.js';
import { KobSandbox } from '../testing/kob-sandbox.js';

/** One customer's line in the demo report. */
export interface DemoCustomerReport {
  customerId: string;
  organisasjonsnummer: string;
  rightsPackage: string;
  access: string;
  openClaims?: number;
  remaining?: string;
  unplacedPayments?: number;
  claimsLastYear?: number;
  paymentsLastYear?: number;
  payoutsLastYear?: number;
  saldo?: string;
  saldoAddsUp?: boolean;
  skipped?: string;
}

// Nothing is posted yet: the reconciliation arrives in a later release. This adapter refuses loudly if called.
const readOnlyJournal: JournalAdapter = {
  postEntries: async () => {
    throw new Error('The demo does not post entries');
  },
};

/**
 * `kob demo` (what `npm start` runs): starts the sandbox, boots a host application that embeds the module through
 * `forRootAsync` and `@nestjs/config` (environment variables and the files in `config/`), and reads every demo
 * customer's tax account: access status, open claims, and the last year's claims, payments and payouts. Prints a
 * report and writes it to `out/demo-report.json`.
 */
export async function runDemo(options: {
  outDir: string;
  log: (line: string) => void;
}): Promise<DemoCustomerReport[]> {
  const sandbox = await KobSandbox.start();
  // The sandbox's client key goes to a private temporary file, read through KOB_KEY_FILE like a real deployment's.
  const keyDir = mkdtempSync(join(tmpdir(), 'kob-demo-'));
  let app: INestApplicationContext | undefined;
  try {
    const keyFile = join(keyDir, 'client-key.json');
    writeFileSync(keyFile, JSON.stringify(sandbox.key.jwk), { mode: 0o600 });
    Object.assign(process.env, {
      KOB_ENVIRONMENT: 'sandbox',
      KOB_MASKINPORTEN_ISSUER: sandbox.environment.maskinportenIssuer,
      KOB_API_BASE_URL: sandbox.environment.apiBaseUrl,
      KOB_ALTINN_BASE_URL: sandbox.environment.altinnBaseUrl,
      KOB_CLIENT_ID: sandbox.clientId,
      KOB_KEY_FILE: keyFile,
      KOB_STORE: 'memory',
    });

    @Module({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true }),
        KravOgBetalingerModule.forRootAsync({
          imports: [ConfigModule.forFeature(kobConfig)],
          inject: [kobConfig.KEY],
          useFactory: (config: ConfigType<typeof kobConfig>) => ({
            ...config,
            // The sandbox made the customers' system users and consents, so its customer list replaces the
            // placeholder consent ids in config/customers.json.
            customers: sandbox.customers,
            journal: readOnlyJournal,
            clock: sandbox.clock,
            altinn: { ...config.altinn, systemId: sandbox.authority.systemId },
            logger: false,
          }),
        }),
      ],
    })
    class DemoHostModule {}

    app = await NestFactory.createApplicationContext(DemoHostModule, { logger: false });
    const client = app.get(KravOgBetalingerClient);
    const access = app.get(AccessStatusService);
    const period = { from: addDays(addYears(sandbox.today, -1), 1), to: sandbox.today };
    options.log(`Sandbox: API ${sandbox.environment.apiBaseUrl}, today ${sandbox.today}`);
    options.log(`Reading ${sandbox.customers.length} customers, period ${period.from} to ${period.to}\n`);

    const reports: DemoCustomerReport[] = [];
    for (const customer of sandbox.customers) {
      reports.push(await reportCustomer(customer, client, access, period));
    }
    printTable(reports, options.log);
    mkdirSync(options.outDir, { recursive: true });
    const file = join(options.outDir, 'demo-report.json');
    writeFileSync(file, JSON.stringify({ today: sandbox.today, period, customers: reports }, null, 2) + '\n');
    options.log(`\nReport written to ${file}`);
    return reports;
  } finally {
    await app?.close();
    await sandbox.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
}

async function reportCustomer(
  customer: CustomerConfig,
  client: KravOgBetalingerClient,
  access: AccessStatusService,
  period: { from: string; to: string },
): Promise<DemoCustomerReport> {
  const base = {
    customerId: customer.id,
    organisasjonsnummer: customer.organisasjonsnummer,
    rightsPackage: customer.rettighetspakke,
  };
  const check = await access.checkAccess(customer, { refresh: true });
  if (!check.ok) return { ...base, access: check.status, skipped: check.reason };
  const [open, claims, payments, payouts] = await Promise.all([
    client.openClaims(customer),
    client.claims(customer, period),
    client.payments(customer, period),
    client.payouts(customer, period),
  ]);
  const remaining = sumOre(open.claims.map((c) => c.remainingAmount));
  const totals = open.totals;
  const addsUp =
    totals !== undefined &&
    sumOre([totals.estimatedInterest, totals.overdue, totals.notYetDue, totals.unplacedPayments ?? 0]) ===
      totals.balance;
  return {
    ...base,
    access: check.state.status,
    openClaims: open.claims.length,
    remaining: formatOre(remaining),
    unplacedPayments: open.unplacedPayments.length,
    claimsLastYear: claims.claims.length,
    paymentsLastYear: payments.payments.length,
    payoutsLastYear: payouts.payouts.length,
    saldo: totals ? formatOre(totals.balance) : undefined,
    saldoAddsUp: addsUp,
  };
}

function printTable(rows: DemoCustomerReport[], log: (line: string) => void): void {
  const header = [
    'customer',
    'package',
    'access',
    'open',
    'remaining',
    'unplaced',
    'claims',
    'paid',
    'payouts',
    'saldo',
    'sums',
  ];
  const body = rows.map((r) => [
    r.organisasjonsnummer,
    r.rightsPackage,
    r.access,
    String(r.openClaims ?? '-'),
    r.remaining ?? '-',
    String(r.unplacedPayments ?? '-'),
    String(r.claimsLastYear ?? '-'),
    String(r.paymentsLastYear ?? '-'),
    String(r.payoutsLastYear ?? '-'),
    r.saldo ?? '-',
    r.saldoAddsUp === undefined ? '-' : r.saldoAddsUp ? 'ok' : 'MISMATCH',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) log(line(row));
  for (const r of rows) if (r.skipped) log(`  ${r.organisasjonsnummer} skipped: ${r.skipped}`);
}
