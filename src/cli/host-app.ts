import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { kobConfig } from '../config/kob.config.js';
import type { CustomerConfig, ScheduleOptions } from '../config/module-options.interface.js';
import type { IsoDate } from '../domain/common.model.js';
import { FanOutJournalAdapter } from '../journal/fan-out-journal.adapter.js';
import { HledgerJournalAdapter } from '../journal/hledger-journal.adapter.js';
import { JsonlJournalAdapter } from '../journal/jsonl-journal.adapter.js';
import { KOB_OPTIONS } from '../krav-og-betalinger.constants.js';
import { KravOgBetalingerModule } from '../krav-og-betalinger.module.js';
import { KOB_STATE_STORE } from '../krav-og-betalinger.providers.js';
import { ReconciliationService } from '../reconciliation/reconciliation.service.js';
import { CustomerRunner } from '../scheduling/customer-runner.js';
import type { StateStore } from '../store/state-store.interface.js';
import { KobSandbox } from '../testing/kob-sandbox.js';
import type { ResolvedKobOptions } from '../config/resolved-options.interface.js';

/** Where the sandbox-backed commands keep their state and journals. @internal */
export interface OutPaths {
  dir: string;
  state: string;
  hledgerDir: string;
  jsonl: string;
  report: string;
}

/** @internal */
export function outPaths(dir: string): OutPaths {
  const root = resolve(dir);
  return {
    dir: root,
    state: join(root, 'state.sqlite'),
    hledgerDir: join(root, 'hledger'),
    jsonl: join(root, 'journal.jsonl'),
    report: join(root, 'report.json'),
  };
}

/** A running host application that embeds the module, and what the commands need from it. @internal */
export interface HostApp {
  app: INestApplicationContext;
  runner: CustomerRunner;
  service: ReconciliationService;
  store: StateStore;
  customers: CustomerConfig[];
  /** The sandbox's "today" in sandbox mode (its ledgers end there); undefined against a real environment. */
  asOf?: IsoDate;
  sandbox?: KobSandbox;
  close(): Promise<void>;
}

/** @internal */
export interface HostAppOptions {
  /** Start the embedded sandbox and point the module at it (state and journals under `out`). */
  sandbox: boolean;
  out: OutPaths;
  /** Turn the module's scheduler on (for `--watch`), with this cron. */
  watchCron?: string;
  /** Nest's logger for the module (off by default: the CLI prints its own report). */
  verbose?: boolean;
}

/**
 * Boots a host application the way an accounting backend embeds the module: `forRootAsync` with
 * `@nestjs/config` reading environment variables and the files in `config/`. In sandbox mode it first starts
 * {@link KobSandbox}, hands its endpoints and client key to the module through the same variables a real
 * deployment sets (the key goes to a private temporary file, read through `KOB_KEY_FILE`), and posts through
 * an hledger journal per customer and a JSON-lines file under `out/`, with the state in `out/state.sqlite`.
 * @internal
 */
export async function openHostApp(options: HostAppOptions): Promise<HostApp> {
  const sandbox = options.sandbox ? await KobSandbox.start() : undefined;
  const keyDir = sandbox ? mkdtempSync(join(tmpdir(), 'kob-cli-')) : undefined;
  let app: INestApplicationContext | undefined;
  try {
    if (sandbox && keyDir) {
      const keyFile = join(keyDir, 'client-key.json');
      writeFileSync(keyFile, JSON.stringify(sandbox.key.jwk), { mode: 0o600 });
      mkdirSync(options.out.dir, { recursive: true });
      Object.assign(process.env, {
        KOB_ENVIRONMENT: 'sandbox',
        KOB_MASKINPORTEN_ISSUER: sandbox.environment.maskinportenIssuer,
        KOB_API_BASE_URL: sandbox.environment.apiBaseUrl,
        KOB_ALTINN_BASE_URL: sandbox.environment.altinnBaseUrl,
        KOB_CLIENT_ID: sandbox.clientId,
        KOB_KEY_FILE: keyFile,
        KOB_STORE: options.out.state,
      });
    }
    const schedule: ScheduleOptions | undefined = options.watchCron
      ? { enabled: true, cron: options.watchCron, jitterMs: 0 }
      : undefined;
    const imports: DynamicModule['imports'] = [ConfigModule.forRoot({ ignoreEnvFile: true })];
    if (schedule) {
      // An optional peer: only `--watch` needs it.
      const { ScheduleModule } = await import('@nestjs/schedule');
      imports.push(ScheduleModule.forRoot());
    }
    imports.push(
      KravOgBetalingerModule.forRootAsync({
        imports: [ConfigModule.forFeature(kobConfig)],
        inject: [kobConfig.KEY],
        useFactory: (config: ConfigType<typeof kobConfig>) => {
          const base = { ...config, ...(schedule ? { schedule: { ...config.schedule, ...schedule } } : {}) };
          if (options.verbose !== true) Object.assign(base, { logger: false });
          if (!sandbox) return base;
          return {
            ...base,
            // The sandbox made the customers' system users and consents, so its customers replace the
            // placeholders in config/customers.json. Booked as a full mirror: every claim recognised and the
            // payments booked by us, so each hledger journal alone shows the whole tax account.
            customers: sandbox.customers.map((c) => ({
              ...c,
              recognise: 'all' as const,
              hostBooksBankLines: false,
            })),
            journal: new FanOutJournalAdapter([
              new HledgerJournalAdapter({ dir: options.out.hledgerDir }),
              new JsonlJournalAdapter({ path: options.out.jsonl, clock: sandbox.clock }),
            ]),
            clock: sandbox.clock,
            altinn: { ...config.altinn, systemId: sandbox.authority.systemId },
          };
        },
      }),
    );

    @Module({ imports })
    class KobCliHostModule {}

    app = await NestFactory.createApplicationContext(KobCliHostModule, {
      logger: options.verbose ? ['log', 'warn', 'error'] : false,
    });
    const resolved = app.get<ResolvedKobOptions>(KOB_OPTIONS, { strict: false });
    const customers = Array.isArray(resolved.customers)
      ? [...resolved.customers]
      : await (resolved.customers as { list(): Promise<CustomerConfig[]> }).list();
    const opened = app;
    return {
      app: opened,
      runner: opened.get(CustomerRunner, { strict: false }),
      service: opened.get(ReconciliationService, { strict: false }),
      store: opened.get<StateStore>(KOB_STATE_STORE, { strict: false }),
      customers,
      ...(sandbox ? { asOf: sandbox.today, sandbox } : {}),
      async close() {
        await opened.close();
        await sandbox?.close();
        if (keyDir) rmSync(keyDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await sandbox?.close();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
    throw error;
  }
}
