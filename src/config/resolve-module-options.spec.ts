import { ConfigurationError } from '../errors/kob.error.js';
import type { JournalAdapter } from '../journal/journal-adapter.interface.js';
import type { CustomerConfig, MaskinportenKey } from './module-options.interface.js';
import type { KravOgBetalingerModuleInput } from './resolved-options.interface.js';
import { KOB_DEFAULTS, resolveModuleOptions, validateModuleOptions } from './resolve-module-options.js';

const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n';
const PEM_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
const PERSON_NUMBER = '04827896468';

const journal: JournalAdapter = { postEntries: async () => [] };

const customer = (overrides: Partial<CustomerConfig> = {}): CustomerConfig => ({
  id: 'c1',
  organisasjonsnummer: '313367002',
  rettighetspakke: 'regnskapssystem',
  access: { type: 'systembruker' },
  bookingStartDate: '2023-01-01',
  ...overrides,
});

const options = (overrides: Partial<KravOgBetalingerModuleInput> = {}): KravOgBetalingerModuleInput => ({
  environment: 'test',
  maskinporten: { clientId: 'client-1', key: { pem: PEM, kid: 'kid-1' } },
  customers: [customer()],
  journal,
  ...overrides,
});

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return [...(error as ConfigurationError).issues];
  }
  throw new Error('expected a ConfigurationError');
}

const pathsOf = (input: unknown) => validateModuleOptions(input).map((i) => i.path);

describe('resolveModuleOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveModuleOptions(options());
    expect(resolved.maskinporten).toEqual({
      clientId: 'client-1',
      key: { pem: PEM, kid: 'kid-1' },
      scope: 'skatteetaten:kravogbetalinger',
      refreshSkewSeconds: 30,
    });
    expect(resolved.http).toEqual({
      timeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      maxRetries: 3,
      maxConcurrentPerParty: 5,
      maxConcurrentGlobal: 50,
    });
    expect(resolved.store).toEqual({ kind: 'sqlite', path: '.kob/state.sqlite' });
    expect(resolved.schedule).toEqual({
      enabled: false,
      cron: '0 6 * * *',
      timezone: 'Europe/Oslo',
      jitterMs: 60_000,
      concurrency: 10,
      shutdownTimeoutMs: 30_000,
      driver: 'local',
    });
    expect(resolved.schedule).toEqual(KOB_DEFAULTS.schedule);
    // No journal batch size: every entry of a run goes to the journal in one call.
    expect(resolved.reconciliation).toEqual({ overlapDays: 60, lockTtlMs: 900_000, outboxChunkSize: 10_000 });
  });

  it('keeps the reconciliation settings the host gives and names the bad ones by path', () => {
    const given = {
      overlapDays: 0,
      lockTtlMs: 60_000,
      outboxChunkSize: 500,
      journalBatchSize: 200,
      factWindowDays: 31,
      reportItemLimit: 0,
    };
    expect(resolveModuleOptions(options({ reconciliation: given })).reconciliation).toEqual(given);
    expect(resolveModuleOptions(options({ reconciliation: { journalBatchSize: 1 } })).reconciliation).toEqual(
      { overlapDays: 60, lockTtlMs: 900_000, outboxChunkSize: 10_000, journalBatchSize: 1 },
    );
    expect(
      pathsOf(
        options({
          reconciliation: { overlapDays: -1, lockTtlMs: 10, outboxChunkSize: 0, journalBatchSize: 2.5 },
        }),
      ).sort(),
    ).toEqual([
      'reconciliation.journalBatchSize',
      'reconciliation.lockTtlMs',
      'reconciliation.outboxChunkSize',
      'reconciliation.overlapDays',
    ]);
    expect(pathsOf(options({ reconciliation: { overlapDays: 3661 } }))).toEqual([
      'reconciliation.overlapDays',
    ]);
    expect(pathsOf(options({ reconciliation: { factWindowDays: 367, reportItemLimit: -1 } })).sort()).toEqual(
      ['reconciliation.factWindowDays', 'reconciliation.reportItemLimit'],
    );
    expect(pathsOf(options({ reconciliation: { factWindowDays: 0 } }))).toEqual([
      'reconciliation.factWindowDays',
    ]);
    expect(pathsOf(options({ reconciliation: 'all' as never }))).toEqual(['reconciliation']);
  });

  it('expands the test and prod presets to the real endpoints', () => {
    expect(resolveModuleOptions(options()).environment).toEqual({
      name: 'test',
      maskinportenIssuer: 'https://test.maskinporten.no/',
      tokenEndpoint: 'https://test.maskinporten.no/token',
      apiBaseUrl: 'https://kravogbetalinger.api.skatteetaten-test.no/v1',
      altinnBaseUrl: 'https://platform.tt02.altinn.no',
      altinn2BaseUrl: 'https://tt02.altinn.no',
    });
    expect(resolveModuleOptions(options({ environment: 'prod' })).environment).toEqual({
      name: 'prod',
      maskinportenIssuer: 'https://maskinporten.no/',
      tokenEndpoint: 'https://maskinporten.no/token',
      apiBaseUrl: 'https://kravogbetalinger.api.skatteetaten.no/v1',
      altinnBaseUrl: 'https://platform.altinn.no',
      altinn2BaseUrl: 'https://www.altinn.no',
    });
  });

  it('normalises a custom environment and allows http only on loopback', () => {
    const environment = {
      maskinportenIssuer: 'http://127.0.0.1:4000/',
      apiBaseUrl: 'http://localhost:4000/v1/',
      altinnBaseUrl: 'http://[::1]:4000',
    };
    expect(resolveModuleOptions(options({ environment })).environment).toEqual({
      name: 'custom',
      maskinportenIssuer: 'http://127.0.0.1:4000/',
      tokenEndpoint: 'http://127.0.0.1:4000/token',
      apiBaseUrl: 'http://localhost:4000/v1',
      altinnBaseUrl: 'http://[::1]:4000',
      altinn2BaseUrl: 'http://[::1]:4000',
    });
    expect(
      pathsOf(options({ environment: { ...environment, apiBaseUrl: 'http://api.example.com/v1' } })),
    ).toEqual(['environment.apiBaseUrl']);
    expect(pathsOf(options({ environment: 'staging' as never }))).toEqual(['environment']);
    expect(pathsOf(options({ environment: { ...environment, altinnBaseUrl: 'ftp://x' } }))).toEqual([
      'environment.altinnBaseUrl',
    ]);
  });

  it('keeps functions and instances by reference and never constructs them', () => {
    let constructed = 0;
    class FakeDispatcher {
      constructor() {
        constructed += 1;
      }
      dispatch(): boolean {
        return true;
      }
    }
    class Source {
      async list(): Promise<CustomerConfig[]> {
        return [];
      }
      async get(): Promise<CustomerConfig | undefined> {
        return undefined;
      }
    }
    const dispatcher = new FakeDispatcher();
    const source = new Source();
    const sign = async () => 'a.b.c';
    const key: MaskinportenKey = { kid: 'k', sign };
    constructed = 0;
    const resolved = resolveModuleOptions(
      options({
        customers: source,
        http: { dispatcher: dispatcher as never },
        maskinporten: { clientId: 'c', key },
      }),
    );
    expect(constructed).toBe(0);
    expect(resolved.http.dispatcher).toBe(dispatcher);
    expect(resolved.customers).toBe(source);
    expect(resolved.journal).toBe(journal);
    expect((resolved.maskinporten.key as { sign: unknown }).sign).toBe(sign);
  });

  it('accepts a journal class with postEntries and rejects one without', () => {
    class Ledger implements JournalAdapter {
      async postEntries() {
        return [];
      }
    }
    class NotALedger {}
    expect(resolveModuleOptions(options({ journal: Ledger })).journal).toBe(Ledger);
    expect(pathsOf(options({ journal: NotALedger as never }))).toEqual(['journal']);
    expect(pathsOf(options({ journal: { post: () => undefined } as never }))).toEqual(['journal']);
  });

  it('requires a journal unless a built-in adapter is named', () => {
    expect(pathsOf(options({ journal: undefined }))).toEqual(['journal']);
    const resolved = resolveModuleOptions(
      options({ journal: undefined, journalBuiltin: { builtin: 'memory' } }),
    );
    expect(resolved.journal).toBeUndefined();
    expect(resolved.journalBuiltin).toEqual({ builtin: 'memory' });
    expect(pathsOf(options({ journal: undefined, journalBuiltin: { builtin: 'jsonl' } }))).toEqual([
      'journalBuiltin.path',
    ]);
    expect(pathsOf(options({ journalBuiltin: { builtin: 'csv' as never } }))).toEqual([
      'journalBuiltin.builtin',
    ]);
  });

  it('merges module-wide account overrides over the default chart', () => {
    const resolved = resolveModuleOptions(
      options({ accounts: { bank: '1921', byClaimType: { MVA: '2741' } } }),
    );
    expect(resolved.accounts).toMatchObject({
      taxAccountClearing: '1579',
      bank: '1921',
      vatPayable: '2740',
      employerContributionPayable: '2770',
      withholdingPayable: '2600',
      taxPayable: '2500',
      soleTraderPersonalTax: '2070',
      otherPublicDuties: '2790',
      lateInterestExpense: '8159',
      nonDeductibleInterestExpense: '8140',
      refundInterestIncome: '8040',
      byClaimType: { MVA: '2741' },
    });
    expect(pathsOf(options({ accounts: { bnak: '1920' } as never }))).toEqual(['accounts.bnak']);
  });

  it.each([
    [{ jwk: { kty: 'RSA', kid: 'k', d: 'x', n: 'n', e: 'AQAB' } }, []],
    [{ jwk: { kty: 'RSA', d: 'x' }, kid: 'k' }, []],
    [{ pem: PEM, certificateChain: ['-----BEGIN CERTIFICATE-----'] }, []],
    [{ kid: 'k', sign: async () => 'a.b.c', alg: 'RS512' }, []],
    [{ jwk: { kty: 'EC', kid: 'k', d: 'x' } }, ['maskinporten.key.jwk.kty']],
    [{ jwk: { kty: 'RSA', d: 'x' } }, ['maskinporten.key.jwk.kid']],
    [{ jwk: { kty: 'RSA', kid: 'a', d: 'x' }, kid: 'b' }, ['maskinporten.key.kid']],
    [{ jwk: { kty: 'RSA', kid: 'a' } }, ['maskinporten.key.jwk.d']],
    [{ jwk: 'not-a-jwk' }, ['maskinporten.key.jwk']],
    [{ pem: 'not a pem', kid: 'k' }, ['maskinporten.key.pem']],
    [{ pem: PEM, kid: '' }, ['maskinporten.key.kid']],
    [{ pem: PEM, certificateChain: [] }, ['maskinporten.key.certificateChain']],
    [{ kid: 'k', sign: 'nope' }, ['maskinporten.key.sign']],
    [{ pem: PEM, kid: 'k', alg: 'HS256' }, ['maskinporten.key.alg']],
    [{ secret: 'x' }, ['maskinporten.key']],
  ])('checks the key shape %#', (key, paths) => {
    expect(pathsOf(options({ maskinporten: { clientId: 'c', key: key as never } }))).toEqual(paths);
  });

  it('limits concurrency per party to 1..5', () => {
    expect(
      resolveModuleOptions(options({ http: { maxConcurrentPerParty: 1 } })).http.maxConcurrentPerParty,
    ).toBe(1);
    expect(pathsOf(options({ http: { maxConcurrentPerParty: 6 } }))).toEqual(['http.maxConcurrentPerParty']);
    expect(pathsOf(options({ http: { maxConcurrentPerParty: 0 } }))).toEqual(['http.maxConcurrentPerParty']);
    expect(pathsOf(options({ http: { maxConcurrentPerParty: 2.5 } }))).toEqual([
      'http.maxConcurrentPerParty',
    ]);
  });

  it('checks store and schedule shapes', () => {
    expect(resolveModuleOptions(options({ store: { kind: 'memory' } })).store).toEqual({ kind: 'memory' });
    expect(pathsOf(options({ store: { kind: 'redis' } as never }))).toEqual(['store.kind']);
    expect(pathsOf(options({ store: { kind: 'postgres', connectionString: 'mysql://x' } }))).toEqual([
      'store.connectionString',
    ]);
    expect(pathsOf(options({ store: { kind: 'sqlite', path: '' } }))).toEqual(['store.path']);
    expect(pathsOf(options({ store: { kind: 'sqlite', path: 'a.sqlite', cacheSizeMb: 0 } }))).toEqual([
      'store.cacheSizeMb',
    ]);
    expect(
      resolveModuleOptions(options({ store: { kind: 'sqlite', path: 'a.sqlite', cacheSizeMb: 256 } })).store,
    ).toEqual({ kind: 'sqlite', path: 'a.sqlite', cacheSizeMb: 256 });
    expect(
      resolveModuleOptions(
        options({ schedule: { enabled: true, driver: { bullmq: { connection: { port: 6379 } } } } }),
      ).schedule,
    ).toMatchObject({ enabled: true, cron: '0 6 * * *', driver: { bullmq: { connection: { port: 6379 } } } });
    expect(
      pathsOf(
        options({
          schedule: {
            cron: '61 * * * *',
            timezone: 'Mars/Olympus',
            concurrency: 0,
            driver: 'remote' as never,
          },
        }),
      ),
    ).toEqual(['schedule.cron', 'schedule.timezone', 'schedule.concurrency', 'schedule.driver']);
  });

  it('checks the shutdown timeout and the BullMQ driver options, and copies them', () => {
    const bullmq = {
      connection: { host: '127.0.0.1', port: 6379 },
      prefix: 'kob',
      queueName: 'kob-runs',
      attempts: 3,
      backoffMs: 1_000,
      keepFailed: 100,
    };
    const resolved = resolveModuleOptions(
      options({ schedule: { shutdownTimeoutMs: 0, driver: { bullmq } } }),
    );
    expect(resolved.schedule).toMatchObject({ shutdownTimeoutMs: 0, driver: { bullmq } });
    expect(resolved.schedule.driver).not.toBe(bullmq);
    bullmq.connection.port = 1;
    expect(resolved.schedule.driver).toMatchObject({ bullmq: { connection: { port: 6379 } } });
    expect(
      pathsOf(
        options({
          schedule: {
            shutdownTimeoutMs: -1,
            driver: {
              bullmq: {
                connection: { port: 0 },
                prefix: '',
                queueName: 'a:b',
                attempts: 0,
                backoffMs: 1.5,
                keepFailed: -1,
              },
            },
          },
        }),
      ),
    ).toEqual([
      'schedule.shutdownTimeoutMs',
      'schedule.driver.bullmq.connection.port',
      'schedule.driver.bullmq.prefix',
      'schedule.driver.bullmq.queueName',
      'schedule.driver.bullmq.attempts',
      'schedule.driver.bullmq.backoffMs',
      'schedule.driver.bullmq.keepFailed',
    ]);
  });

  it('lists every bad field in one ConfigurationError, by full path', () => {
    const issues = issuesOf(() =>
      resolveModuleOptions({
        environment: {
          maskinportenIssuer: 'https://test.maskinporten.no/',
          apiBaseUrl: 'nope',
          altinnBaseUrl: 'x',
        },
        maskinporten: { clientId: '', key: { pem: PEM } as never },
        customers: [
          customer(),
          customer({ id: 'c2', organisasjonsnummer: '313367003' }),
          customer({ id: 'c1' }),
        ],
        journal,
        http: { timeoutMs: -1, maxConcurrentPerParty: 10 },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'environment.apiBaseUrl',
      'environment.altinnBaseUrl',
      'maskinporten.clientId',
      'maskinporten.key.kid',
      'customers[1].organisasjonsnummer',
      'customers[2].id',
      'http.timeoutMs',
      'http.maxConcurrentPerParty',
    ]);
  });

  it('never echoes a PEM, a consent code or a person number', () => {
    let message = '';
    try {
      resolveModuleOptions(
        options({
          maskinporten: { clientId: 'c', key: { pem: `${PEM_BODY}`, kid: 'k' } },
          customers: [
            customer({ organisasjonsnummer: PERSON_NUMBER, ownerPersonId: '04827896469' }),
            customer({
              id: 'c2',
              rettighetspakke: 'finans',
              access: { type: 'altinn2-consent', authorizationCode: 'SECRET-CODE' },
              ownerPersonId: PERSON_NUMBER.replace('6468', '64xx'),
            }),
          ],
        }),
      );
    } catch (error) {
      message = (error as Error).message + JSON.stringify((error as ConfigurationError).issues);
    }
    expect(message).toContain('maskinporten.key.pem');
    expect(message).toContain('customers[0].organisasjonsnummer');
    expect(message).toContain('customers[0].ownerPersonId');
    expect(message).toContain('customers[1].ownerPersonId');
    expect(message).not.toContain(PEM_BODY);
    expect(message).not.toContain(PERSON_NUMBER);
    expect(message).not.toContain('04827896469');
    expect(message).not.toContain('SECRET-CODE');
  });

  it('rejects options that are not an object, and missing sections', () => {
    expect(validateModuleOptions(undefined)).toEqual([{ path: 'options', message: 'must be an object' }]);
    expect(pathsOf({})).toEqual(['environment', 'maskinporten', 'customers', 'journal']);
  });

  it('defaults the altinn section and keeps what the host gives', () => {
    expect(resolveModuleOptions(options()).altinn).toEqual({
      systemUserResource: 'ske-krav-og-betalinger',
      consentResource: 'ske-samtykke-krav-og-betalinger',
      consentValidityDays: 90,
      warnBeforeDays: 14,
    });
    const altinn = {
      systemId: '991825827_kob_system',
      redirectUrl: 'https://regnskap.example.no/altinn/ferdig',
      altinn2ApiKey: 'API-KEY-SECRET',
      vendorOrganisasjonsnummer: '991825827',
      consentValidityDays: 365,
      warnBeforeDays: 30,
    };
    expect(resolveModuleOptions(options({ altinn })).altinn).toEqual({
      ...altinn,
      systemUserResource: 'ske-krav-og-betalinger',
      consentResource: 'ske-samtykke-krav-og-betalinger',
    });
  });

  it('checks the altinn section by path without echoing the API key', () => {
    const issues = validateModuleOptions(
      options({
        altinn: {
          systemId: 'Kob System',
          redirectUrl: 'http://example.com/back',
          altinn2ApiKey: '',
          vendorOrganisasjonsnummer: '313367003',
          consentValidityDays: 0,
          warnBeforeDays: 1.5,
        },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'altinn.systemId',
      'altinn.redirectUrl',
      'altinn.altinn2ApiKey',
      'altinn.vendorOrganisasjonsnummer',
      'altinn.consentValidityDays',
      'altinn.warnBeforeDays',
    ]);
    expect(pathsOf(options({ altinn: 'yes' as never }))).toEqual(['altinn']);
    const secret = validateModuleOptions(options({ altinn: { altinn2ApiKey: 42 as never } }));
    expect(JSON.stringify(secret)).not.toContain('42');
  });

  it('checks a customer source and a logger by their methods', () => {
    expect(pathsOf(options({ customers: { list: async () => [] } as never }))).toEqual(['customers']);
    expect(pathsOf(options({ customers: { list: async () => [], get: async () => undefined } }))).toEqual([]);
    expect(pathsOf(options({ logger: false }))).toEqual([]);
    expect(pathsOf(options({ logger: { log: () => undefined } as never }))).toEqual(['logger']);
  });
});
