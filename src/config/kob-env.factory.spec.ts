import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { ConfigurationError } from '../errors/kob.error.js';
import { buildKobConfig } from './kob-env.factory.js';
import { validateModuleOptions } from './resolve-module-options.js';

let dir: string;
let jwk: Record<string, unknown>;
let pem: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kob-env-'));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  jwk = { ...(await exportJWK(privateKey)), kid: 'kid-1' };
  pem = await exportPKCS8(privateKey);
  writeFileSync(join(dir, 'key.jwk.json'), JSON.stringify(jwk));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  writeFileSync(join(dir, 'key.pem'), pem);
  writeFileSync(
    join(dir, 'chain.pem'),
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return [...(error as ConfigurationError).issues];
  }
  throw new Error('expected a ConfigurationError');
}

describe('buildKobConfig', () => {
  it('defaults to the test preset and the demo customers, and leaves the rest to the host', () => {
    const config = buildKobConfig({});
    expect(config.environment).toBe('test');
    expect(config.maskinporten).toEqual({});
    expect(Array.isArray(config.customers) && config.customers.map((c) => c.id)).toHaveLength(6);
    expect(config).not.toHaveProperty('journal');
    expect(config).not.toHaveProperty('store');
  });

  it('produces options that pass start-up validation when the environment supplies everything', () => {
    const config = buildKobConfig({
      KOB_CLIENT_ID: 'client-1',
      KOB_KEY_FILE: join(dir, 'key.jwk.json'),
      KOB_JOURNAL: 'memory',
      KOB_STORE: 'memory',
      KOB_SCHEDULE_ENABLED: 'true',
      KOB_SCHEDULE_CRON: '0 5 * * 1-5',
      KOB_HTTP_TIMEOUT_MS: '5000',
      KOB_HTTP_MAX_RETRIES: '0',
      KOB_MAX_CONCURRENT_GLOBAL: '20',
      KOB_OVERLAP_DAYS: '90',
      KOB_JOURNAL_BATCH_SIZE: '500',
      KOB_FACT_WINDOW_DAYS: '31',
      KOB_REPORT_ITEM_LIMIT: '1000',
    });
    expect(config).toMatchObject({
      maskinporten: { clientId: 'client-1', key: { jwk } },
      journalBuiltin: { builtin: 'memory' },
      store: { kind: 'memory' },
      schedule: { enabled: true, cron: '0 5 * * 1-5' },
      http: { timeoutMs: 5000, maxRetries: 0, maxConcurrentGlobal: 20 },
      reconciliation: { overlapDays: 90, journalBatchSize: 500, factWindowDays: 31, reportItemLimit: 1000 },
    });
    expect(validateModuleOptions(config)).toEqual([]);
    expect(issuesOf(() => buildKobConfig({ KOB_JOURNAL_BATCH_SIZE: 'many' })).map((i) => i.path)).toEqual([
      'KOB_JOURNAL_BATCH_SIZE',
    ]);
  });

  it('reads the schedule variables, the BullMQ driver with its Redis URL, and names the bad ones', () => {
    const config = buildKobConfig({
      KOB_SCHEDULE_TIMEZONE: 'UTC',
      KOB_SCHEDULE_JITTER_MS: '0',
      KOB_SCHEDULE_CONCURRENCY: '4',
      KOB_SCHEDULE_SHUTDOWN_TIMEOUT_MS: '5000',
      KOB_SCHEDULE_DRIVER: 'bullmq',
      KOB_SCHEDULE_REDIS_URL: 'redis://:hunter2@127.0.0.1:6379/0',
    });
    expect(config.schedule).toEqual({
      timezone: 'UTC',
      jitterMs: 0,
      concurrency: 4,
      shutdownTimeoutMs: 5000,
      driver: { bullmq: { connection: { url: 'redis://:hunter2@127.0.0.1:6379/0' } } },
    });
    expect(validateModuleOptions({ ...config, schedule: config.schedule }).map((i) => i.path)).not.toContain(
      'schedule.driver',
    );
    expect(buildKobConfig({ KOB_SCHEDULE_DRIVER: 'local' }).schedule).toEqual({ driver: 'local' });
    const issues = issuesOf(() =>
      buildKobConfig({ KOB_SCHEDULE_DRIVER: 'bullmq', KOB_SCHEDULE_CONCURRENCY: 'ten' }),
    );
    expect(issues.map((i) => i.path)).toEqual(['KOB_SCHEDULE_CONCURRENCY', 'KOB_SCHEDULE_REDIS_URL']);
    const secret = issuesOf(() =>
      buildKobConfig({ KOB_SCHEDULE_DRIVER: 'bullmq', KOB_SCHEDULE_REDIS_URL: 'http://:hunter2@x' }),
    );
    expect(secret).toEqual([
      { path: 'KOB_SCHEDULE_REDIS_URL', message: 'must be a redis:// or rediss:// URL' },
    ]);
    expect(issuesOf(() => buildKobConfig({ KOB_SCHEDULE_DRIVER: 'cron' })).map((i) => i.path)).toEqual([
      'KOB_SCHEDULE_DRIVER',
    ]);
    expect(
      issuesOf(() => buildKobConfig({ KOB_SCHEDULE_REDIS_URL: 'redis://127.0.0.1' })).map((i) => i.path),
    ).toEqual(['KOB_SCHEDULE_REDIS_URL']);
  });

  it('reads the key as a JWK, a one-key JWKS, a PEM with a kid, or a PEM with its chain', () => {
    expect(buildKobConfig({ KOB_KEY_FILE: join(dir, 'jwks.json') }).maskinporten.key).toEqual({ jwk });
    const { kid: _kid, ...withoutKid } = jwk;
    writeFileSync(join(dir, 'nokid.json'), JSON.stringify(withoutKid));
    expect(
      buildKobConfig({ KOB_KEY_FILE: join(dir, 'nokid.json'), KOB_KEY_ID: 'k9' }).maskinporten.key,
    ).toEqual({
      jwk: withoutKid,
      kid: 'k9',
    });
    expect(buildKobConfig({ KOB_KEY_FILE: join(dir, 'key.pem'), KOB_KEY_ID: 'k2' }).maskinporten.key).toEqual(
      {
        pem: pem.trim(),
        kid: 'k2',
      },
    );
    const chained = buildKobConfig({
      KOB_KEY_FILE: join(dir, 'key.pem'),
      KOB_CERTIFICATE_CHAIN_FILE: join(dir, 'chain.pem'),
    });
    expect(chained.maskinporten.key).toEqual({
      pem: pem.trim(),
      certificateChain: [
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
        '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----',
      ],
    });
  });

  it('maps KOB_STORE and KOB_JOURNAL', () => {
    expect(buildKobConfig({ KOB_STORE: 'var/kob.sqlite' }).store).toEqual({
      kind: 'sqlite',
      path: 'var/kob.sqlite',
    });
    expect(buildKobConfig({ KOB_STORE: 'postgresql://u:p@db/kob' }).store).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://u:p@db/kob',
    });
    expect(buildKobConfig({ KOB_JOURNAL: 'jsonl:out/journal.jsonl' }).journalBuiltin).toEqual({
      builtin: 'jsonl',
      path: 'out/journal.jsonl',
    });
    expect(buildKobConfig({ KOB_JOURNAL: 'hledger:ledgers' }).journalBuiltin).toEqual({
      builtin: 'hledger',
      path: 'ledgers',
    });
  });

  it('builds endpoints for the sandbox and for overridden presets', () => {
    const urls = {
      KOB_MASKINPORTEN_ISSUER: 'http://127.0.0.1:9000/',
      KOB_API_BASE_URL: 'http://127.0.0.1:9000/v1',
      KOB_ALTINN_BASE_URL: 'http://127.0.0.1:9000',
    };
    expect(buildKobConfig({ KOB_ENVIRONMENT: 'sandbox', ...urls }).environment).toEqual({
      maskinportenIssuer: 'http://127.0.0.1:9000/',
      apiBaseUrl: 'http://127.0.0.1:9000/v1',
      altinnBaseUrl: 'http://127.0.0.1:9000',
    });
    expect(
      issuesOf(() =>
        buildKobConfig({ KOB_ENVIRONMENT: 'sandbox', KOB_API_BASE_URL: urls.KOB_API_BASE_URL }),
      ).map((i) => i.path),
    ).toEqual(['KOB_MASKINPORTEN_ISSUER', 'KOB_ALTINN_BASE_URL']);
    expect(
      buildKobConfig({
        KOB_ENVIRONMENT: 'test',
        KOB_API_BASE_URL: 'https://api-test.sits.no/api/innkreving/kravogbetalinger/v1',
      }).environment,
    ).toEqual({
      maskinportenIssuer: 'https://test.maskinporten.no/',
      apiBaseUrl: 'https://api-test.sits.no/api/innkreving/kravogbetalinger/v1',
      altinnBaseUrl: 'https://platform.tt02.altinn.no',
      altinn2BaseUrl: 'https://tt02.altinn.no',
    });
  });

  it('reads the altinn section from KOB_ALTINN_* and passes start-up validation', () => {
    expect(buildKobConfig({})).not.toHaveProperty('altinn');
    const config = buildKobConfig({
      KOB_CLIENT_ID: 'client-1',
      KOB_KEY_FILE: join(dir, 'key.jwk.json'),
      KOB_JOURNAL: 'memory',
      KOB_ALTINN_SYSTEM_ID: '991825827_kob_system',
      KOB_ALTINN_REDIRECT_URL: 'https://regnskap.example.no/altinn/ferdig',
      KOB_ALTINN2_API_KEY: 'api-key-1',
    });
    expect(config.altinn).toEqual({
      systemId: '991825827_kob_system',
      redirectUrl: 'https://regnskap.example.no/altinn/ferdig',
      altinn2ApiKey: 'api-key-1',
    });
    expect(validateModuleOptions(config)).toEqual([]);
    expect(buildKobConfig({ KOB_ALTINN2_API_KEY: 'k' }).altinn).toEqual({ altinn2ApiKey: 'k' });
  });

  it('never aims production at the demo customers', () => {
    expect(buildKobConfig({ KOB_ENVIRONMENT: 'prod' })).not.toHaveProperty('customers');
  });

  it('reads customers, accounts and presets from KOB_CONFIG_DIR', () => {
    const own = mkdtempSync(join(dir, 'own-'));
    const customers = [
      {
        id: 'a',
        organisasjonsnummer: '313367002',
        rettighetspakke: 'regnskapssystem',
        access: { type: 'systembruker' },
        bookingStartDate: '2024-01-01',
      },
    ];
    writeFileSync(join(own, 'customers.json'), JSON.stringify(customers));
    writeFileSync(join(own, 'default-accounts.json'), JSON.stringify({ bank: '1921' }));
    writeFileSync(
      join(own, 'environments.json'),
      JSON.stringify({ prod: { apiBaseUrl: 'https://proxy.example.no/v1' } }),
    );
    const config = buildKobConfig({ KOB_CONFIG_DIR: own, KOB_ENVIRONMENT: 'prod' });
    expect(config.customers).toEqual(customers);
    expect(config.accounts).toEqual({ bank: '1921' });
    expect(config.environment).toMatchObject({
      maskinportenIssuer: 'https://maskinporten.no/',
      apiBaseUrl: 'https://proxy.example.no/v1',
    });
    expect(buildKobConfig({ KOB_CONFIG_DIR: dir })).not.toHaveProperty('customers');
  });

  it('lists every unparseable variable in one ConfigurationError without echoing file contents', () => {
    writeFileSync(join(dir, 'garbage.key'), 'TOP-SECRET-MATERIAL');
    writeFileSync(join(dir, 'bad.json'), '{"d": "TOP-SECRET-MATERIAL"');
    const env = {
      KOB_ENVIRONMENT: 'staging',
      KOB_KEY_FILE: join(dir, 'garbage.key'),
      KOB_CUSTOMERS_FILE: join(dir, 'bad.json'),
      KOB_SCHEDULE_ENABLED: 'maybe',
      KOB_HTTP_TIMEOUT_MS: '30s',
      KOB_JOURNAL: 'excel',
    };
    let error: ConfigurationError | undefined;
    try {
      buildKobConfig(env);
    } catch (e) {
      error = e as ConfigurationError;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.issues.map((i) => i.path)).toEqual([
      'KOB_ENVIRONMENT',
      'KOB_KEY_FILE',
      'KOB_CUSTOMERS_FILE',
      'KOB_SCHEDULE_ENABLED',
      'KOB_HTTP_TIMEOUT_MS',
      'KOB_JOURNAL',
    ]);
    expect(error?.message).not.toContain('TOP-SECRET');
    expect(
      issuesOf(() => buildKobConfig({ KOB_KEY_FILE: join(dir, 'key.jwk.json'), KOB_KEY_ID: 'other' })),
    ).toEqual([{ path: 'KOB_KEY_ID', message: 'differs from the kid in KOB_KEY_FILE' }]);
    expect(issuesOf(() => buildKobConfig({ KOB_KEY_FILE: join(dir, 'key.pem') })).map((i) => i.path)).toEqual(
      ['KOB_KEY_ID'],
    );
    expect(issuesOf(() => buildKobConfig({ KOB_KEY_FILE: join(dir, 'missing.pem') }))).toEqual([
      { path: 'KOB_KEY_FILE', message: 'could not be read (ENOENT)' },
    ]);
  });
});
