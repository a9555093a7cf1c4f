import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { exportJWK, generateKeyPair } from 'jose';
import { KravOgBetalingerModule } from '../../src/krav-og-betalinger.module.js';
import { KOB_OPTIONS } from '../../src/krav-og-betalinger.constants.js';
import { InjectKobOptions } from '../../src/config/inject-kob-options.decorator.js';
import { kobConfig } from '../../src/config/kob.config.js';
import type { ResolvedKobOptions } from '../../src/config/resolved-options.interface.js';
import type {
  CustomerConfig,
  KravOgBetalingerModuleOptions,
} from '../../src/config/module-options.interface.js';
import type { JournalAdapter } from '../../src/journal/journal-adapter.interface.js';
import { ConfigurationError } from '../../src/errors/kob.error.js';

// A real key, generated per run: the module builds its grant signer at start-up, so a fake PEM would fail.
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const journal: JournalAdapter = { postEntries: async () => [] };

const acme: CustomerConfig = {
  id: 'acme',
  organisasjonsnummer: '313367002',
  rettighetspakke: 'regnskapssystem',
  access: { type: 'systembruker' },
  bookingStartDate: '2023-01-01',
};

const validOptions = (): KravOgBetalingerModuleOptions => ({
  environment: 'test',
  maskinporten: { clientId: 'client-1', key: { pem: PEM, kid: 'kid-1' } },
  customers: [acme],
  journal,
});

// A host service in another module: proves KOB_OPTIONS is exported and the decorator resolves it.
@Injectable()
class HostService {
  constructor(@InjectKobOptions() readonly options: ResolvedKobOptions) {}
}

const contexts: INestApplicationContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function boot(
  imports: NonNullable<Parameters<typeof Module>[0]>['imports'],
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({ imports, providers: [HostService] }).compile();
  contexts.push(moduleRef);
  return moduleRef;
}

describe('KravOgBetalingerModule', () => {
  it('forRoot validates the options and injects them with defaults', async () => {
    const app = await boot([KravOgBetalingerModule.forRoot(validOptions())]);
    const options = app.get(HostService).options;
    expect(options).toBe(app.get(KOB_OPTIONS));
    expect(options.environment.apiBaseUrl).toBe('https://kravogbetalinger.api.skatteetaten-test.no/v1');
    expect(options.maskinporten.scope).toBe('skatteetaten:kravogbetalinger');
    expect(options.http.maxConcurrentPerParty).toBe(5);
    expect(options.store).toEqual({ kind: 'sqlite', path: '.kob/state.sqlite' });
    expect(options.schedule.enabled).toBe(false);
    expect(options.journal).toBe(journal);
  });

  it('forRootAsync takes a factory with injected dependencies', async () => {
    const SETTINGS = Symbol('settings');
    @Module({
      providers: [{ provide: SETTINGS, useValue: { clientId: 'from-host', timeoutMs: 1234 } }],
      exports: [SETTINGS],
    })
    class SettingsModule {}

    const app = await boot([
      KravOgBetalingerModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SETTINGS],
        useFactory: async (s: { clientId: string; timeoutMs: number }) => ({
          ...validOptions(),
          maskinporten: { clientId: s.clientId, key: { pem: PEM, kid: 'kid-1' } },
          http: { timeoutMs: s.timeoutMs },
        }),
      }),
    ]);
    const options = app.get(HostService).options;
    expect(options.maskinporten.clientId).toBe('from-host');
    expect(options.http).toMatchObject({ timeoutMs: 1234, maxRetries: 3 });
  });

  it('isGlobal makes the options injectable without importing the module', async () => {
    @Module({ providers: [HostService], exports: [HostService] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [KravOgBetalingerModule.forRoot({ ...validOptions(), isGlobal: true }), FeatureModule],
    }).compile();
    contexts.push(moduleRef);
    expect(moduleRef.get(HostService).options.maskinporten.clientId).toBe('client-1');
  });

  describe('with kobConfig from environment variables', () => {
    const saved = { ...process.env };
    let dir: string;
    let jwk: Record<string, unknown>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kob-e2e-'));
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      jwk = { ...(await exportJWK(privateKey)), kid: 'e2e-kid' };
      writeFileSync(join(dir, 'client.jwk.json'), JSON.stringify(jwk));
    });

    beforeEach(() => {
      Object.assign(process.env, {
        KOB_ENVIRONMENT: 'test',
        KOB_CLIENT_ID: 'env-client',
        KOB_KEY_FILE: join(dir, 'client.jwk.json'),
        KOB_STORE: 'memory',
        KOB_JOURNAL: 'memory',
        KOB_HTTP_MAX_RETRIES: '1',
      });
    });

    afterEach(() => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('forRootAsync(kobConfig.asProvider()) boots from env and config files alone', async () => {
      const app = await boot([KravOgBetalingerModule.forRootAsync(kobConfig.asProvider())]);
      const options = app.get(HostService).options;
      expect(options.maskinporten).toMatchObject({ clientId: 'env-client', key: { jwk } });
      expect(options.journal).toBeUndefined();
      expect(options.journalBuiltin).toEqual({ builtin: 'memory' });
      expect(options.store).toEqual({ kind: 'memory' });
      expect(options.http.maxRetries).toBe(1);
      expect(Array.isArray(options.customers) && options.customers.map((c) => c.organisasjonsnummer)).toEqual(
        ['313367002', '311851381', '314961900', '314055403', '212201782', '310478717'],
      );
      expect(options.accounts.taxAccountClearing).toBe('1579');
    });

    it('lets a host spread kobConfig and add its own journal adapter', async () => {
      delete process.env.KOB_JOURNAL;
      const app = await boot([
        KravOgBetalingerModule.forRootAsync({
          imports: [ConfigModule.forFeature(kobConfig)],
          inject: [kobConfig.KEY],
          useFactory: (c: ConfigType<typeof kobConfig>) => ({ ...c, journal }),
        }),
      ]);
      expect(app.get(HostService).options.journal).toBe(journal);
    });

    it('fails bootstrap when the environment leaves the journal out', async () => {
      delete process.env.KOB_JOURNAL;
      const compiling = Test.createTestingModule({
        imports: [KravOgBetalingerModule.forRootAsync(kobConfig.asProvider())],
      }).compile();
      await expect(compiling).rejects.toMatchObject({ issues: [{ path: 'journal' }] });
    });
  });

  describe('with bad options', () => {
    const badOptions = () => ({
      ...validOptions(),
      environment: {
        maskinportenIssuer: 'http://maskinporten.example/',
        apiBaseUrl: 'https://api',
        altinnBaseUrl: 'https://altinn',
      },
      maskinporten: { clientId: '', key: { pem: PEM } as never },
      customers: [
        acme,
        {
          id: 'sole-trader',
          organisasjonsnummer: '04827896468',
          rettighetspakke: 'finans' as const,
          access: { type: 'systembruker' as const },
          bookingStartDate: '2023-13-01',
          ownerPersonId: '04827896469',
        },
      ],
      http: { maxConcurrentPerParty: 8 },
    });

    it('fails bootstrap with one ConfigurationError listing every bad field', async () => {
      const compiling = Test.createTestingModule({
        imports: [KravOgBetalingerModule.forRoot(badOptions())],
      }).compile();
      const error = await compiling.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).code).toBe('KOB_CONFIG_INVALID');
      expect((error as ConfigurationError).issues.map((i) => i.path)).toEqual([
        'environment.maskinportenIssuer',
        'maskinporten.clientId',
        'maskinporten.key.kid',
        'customers[1].organisasjonsnummer',
        'customers[1].bookingStartDate',
        'customers[1].ownerPersonId',
        'customers[1].access.type',
        'http.maxConcurrentPerParty',
      ]);
      const text = (error as Error).message;
      for (const path of [
        'maskinporten.key.kid',
        'customers[1].ownerPersonId',
        'http.maxConcurrentPerParty',
      ]) {
        expect(text).toContain(path);
      }
      expect(text).not.toContain(PEM.split('\n')[1]);
      expect(text).not.toContain('0482789646');
    });

    it('fails NestFactory.createApplicationContext the same way', async () => {
      @Module({ imports: [KravOgBetalingerModule.forRoot(badOptions())] })
      class AppModule {}
      await expect(
        NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }),
      ).rejects.toThrow(ConfigurationError);
    });
  });
});
