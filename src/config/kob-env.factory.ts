import { join, resolve } from 'node:path';
import { ConfigurationError, type ValidationIssue } from '../errors/kob.error.js';
import type {
  BuiltinJournalDescriptor,
  KobEnvironment,
  MaskinportenKey,
  StoreOptions,
} from './module-options.interface.js';
import type { KravOgBetalingerModuleInput } from './resolved-options.interface.js';
import { DEFAULT_ACCOUNTS_FILE } from './account-mapping.js';
import { PACKAGE_CONFIG_DIR, readJsonFile, readTextFile } from './config-files.util.js';
import { ENVIRONMENTS_FILE, loadEnvironmentPresets } from './environment-presets.js';
import { isPlainObject } from './options-view.util.js';

/** File name of the customer list in a config folder. @internal */
export const CUSTOMERS_FILE = 'customers.json';

/** Environment variables read by {@link buildKobConfig}. @publicApi */
export type KobEnv = Readonly<Record<string, string | undefined>>;

type Issues = ValidationIssue[];

/**
 * Builds module options from environment variables and the files in the config folder (`KOB_CONFIG_DIR`, default
 * the package's `config/`). Everything except `journal`: set `KOB_JOURNAL` (`memory`, `jsonl:<file>`,
 * `hledger:<dir>`) for a built-in adapter, or spread the result and add your own.
 *
 * Fields the environment does not supply are absent (typed as present so the result can feed `forRootAsync`
 * directly); the module's start-up validation names each missing one. Values that cannot be parsed at all (a
 * non-numeric timeout, an unreadable key file) throw one {@link ConfigurationError} naming the variables.
 * Key files are read here, once; their content never appears in errors.
 *
 * | Variable | Option |
 * |---|---|
 * | `KOB_ENVIRONMENT` | `test` (default), `prod` or `sandbox` (needs the three URL variables) |
 * | `KOB_MASKINPORTEN_ISSUER`, `KOB_API_BASE_URL`, `KOB_ALTINN_BASE_URL` | override the preset's endpoints |
 * | `KOB_CLIENT_ID` | `maskinporten.clientId` |
 * | `KOB_KEY_FILE`, `KOB_KEY_ID`, `KOB_CERTIFICATE_CHAIN_FILE` | `maskinporten.key` from a JWK/JWKS or PEM file |
 * | `KOB_CUSTOMERS_FILE` | `customers` (default `customers.json` in the config folder; the package's demo customers are not used for `prod`) |
 * | `KOB_STORE` | `store`: a sqlite path, `postgres://...` or `memory` |
 * | `KOB_SCHEDULE_ENABLED`, `KOB_SCHEDULE_CRON`, `KOB_SCHEDULE_TIMEZONE` | `schedule.enabled`, `schedule.cron`, `schedule.timezone` |
 * | `KOB_SCHEDULE_JITTER_MS`, `KOB_SCHEDULE_CONCURRENCY`, `KOB_SCHEDULE_SHUTDOWN_TIMEOUT_MS` | `schedule.jitterMs`, `schedule.concurrency`, `schedule.shutdownTimeoutMs` |
 * | `KOB_SCHEDULE_DRIVER`, `KOB_SCHEDULE_REDIS_URL` | `schedule.driver`: `local` (default) or `bullmq`, which needs the Redis URL (`redis://` or `rediss://`; never logged) |
 * | `KOB_HTTP_TIMEOUT_MS`, `KOB_HTTP_MAX_RETRIES`, `KOB_MAX_CONCURRENT_GLOBAL` | `http.*` |
 * | `KOB_OVERLAP_DAYS`, `KOB_JOURNAL_BATCH_SIZE` | `reconciliation.overlapDays`, `reconciliation.journalBatchSize` |
 * | `KOB_FACT_WINDOW_DAYS`, `KOB_REPORT_ITEM_LIMIT` | `reconciliation.factWindowDays`, `reconciliation.reportItemLimit` |
 * | `KOB_ALTINN_SYSTEM_ID`, `KOB_ALTINN_REDIRECT_URL`, `KOB_ALTINN2_API_KEY` | `altinn.systemId`, `altinn.redirectUrl`, `altinn.altinn2ApiKey` |
 * | `KOB_JOURNAL` | `journalBuiltin` |
 * | `KOB_CONFIG_DIR` | folder with `environments.json`, `default-accounts.json`, `customers.json` |
 * @publicApi
 */
export function buildKobConfig(env: KobEnv = process.env): KravOgBetalingerModuleInput {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const issues: Issues = [];
  const configDir = get('KOB_CONFIG_DIR') ? resolve(get('KOB_CONFIG_DIR') as string) : PACKAGE_CONFIG_DIR;
  const ownDir = configDir !== PACKAGE_CONFIG_DIR;

  const environment = environmentFromEnv(get, configDir, ownDir, issues);
  const values: Record<string, unknown> = {};
  if (environment !== undefined) values.environment = environment;

  const maskinporten: Record<string, unknown> = {};
  if (get('KOB_CLIENT_ID')) maskinporten.clientId = get('KOB_CLIENT_ID');
  const key = keyFromEnv(get, issues);
  if (key) maskinporten.key = key;
  values.maskinporten = maskinporten;

  const customers = customersFromEnv(get, configDir, environment, issues);
  if (customers !== undefined) values.customers = customers;

  if (ownDir) {
    const accounts = readOptionalJson(join(configDir, DEFAULT_ACCOUNTS_FILE), issues);
    if (accounts !== undefined) values.accounts = accounts;
  }

  const store = get('KOB_STORE');
  if (store) values.store = storeFromEnv(store);

  const schedule = scheduleFromEnv(get, issues);
  if (Object.keys(schedule).length > 0) values.schedule = schedule;

  const http: Record<string, unknown> = {};
  const numbers = [
    ['KOB_HTTP_TIMEOUT_MS', 'timeoutMs'],
    ['KOB_HTTP_MAX_RETRIES', 'maxRetries'],
    ['KOB_MAX_CONCURRENT_GLOBAL', 'maxConcurrentGlobal'],
  ] as const;
  for (const [name, field] of numbers) {
    const text = get(name);
    if (text) http[field] = parseWholeNumber(text, name, issues);
  }
  if (Object.keys(http).length > 0) values.http = http;

  const reconciliation: Record<string, unknown> = {};
  for (const [name, field] of RECONCILIATION_NUMBERS) {
    const text = get(name);
    if (text) reconciliation[field] = parseWholeNumber(text, name, issues);
  }
  if (Object.keys(reconciliation).length > 0) values.reconciliation = reconciliation;

  const altinn: Record<string, unknown> = {};
  for (const [name, field] of ALTINN_VARIABLES) {
    const value = get(name);
    if (value) altinn[field] = value;
  }
  if (Object.keys(altinn).length > 0) values.altinn = altinn;

  const journal = get('KOB_JOURNAL');
  if (journal) values.journalBuiltin = journalFromEnv(journal, issues);

  if (issues.length > 0)
    throw new ConfigurationError(issues, 'kob configuration (environment variables and config files)');
  return values as unknown as KravOgBetalingerModuleInput;
}

type Get = (name: string) => string | undefined;

const ALTINN_VARIABLES = [
  ['KOB_ALTINN_SYSTEM_ID', 'systemId'],
  ['KOB_ALTINN_REDIRECT_URL', 'redirectUrl'],
  ['KOB_ALTINN2_API_KEY', 'altinn2ApiKey'],
] as const;

const URL_VARIABLES = [
  ['KOB_MASKINPORTEN_ISSUER', 'maskinportenIssuer'],
  ['KOB_API_BASE_URL', 'apiBaseUrl'],
  ['KOB_ALTINN_BASE_URL', 'altinnBaseUrl'],
] as const;

function environmentFromEnv(
  get: Get,
  configDir: string,
  ownDir: boolean,
  issues: Issues,
): KobEnvironment | undefined {
  const name = get('KOB_ENVIRONMENT') ?? 'test';
  const overrides: Record<string, string> = {};
  for (const [variable, field] of URL_VARIABLES) {
    const value = get(variable);
    if (value) overrides[field] = value;
  }
  if (name === 'sandbox') {
    const missing = URL_VARIABLES.filter(([, field]) => overrides[field] === undefined);
    for (const [variable] of missing)
      issues.push({ path: variable, message: 'is required when KOB_ENVIRONMENT=sandbox' });
    return missing.length > 0 ? undefined : (overrides as unknown as KobEnvironment);
  }
  if (name !== 'test' && name !== 'prod') {
    issues.push({ path: 'KOB_ENVIRONMENT', message: 'must be test, prod or sandbox' });
    return undefined;
  }
  // A host's own environments.json refines the package presets field by field.
  const own = ownDir ? readOptionalJson(join(configDir, ENVIRONMENTS_FILE), issues) : undefined;
  const ownPreset = isPlainObject(own) && isPlainObject(own[name]) ? own[name] : undefined;
  if (!ownPreset && Object.keys(overrides).length === 0) return name;
  return { ...loadEnvironmentPresets()[name], ...ownPreset, ...overrides } as KobEnvironment;
}

function keyFromEnv(get: Get, issues: Issues): MaskinportenKey | undefined {
  const file = get('KOB_KEY_FILE');
  const kid = get('KOB_KEY_ID');
  const chainFile = get('KOB_CERTIFICATE_CHAIN_FILE');
  if (!file) {
    if (kid || chainFile) {
      issues.push({
        path: 'KOB_KEY_FILE',
        message: 'is required when KOB_KEY_ID or KOB_CERTIFICATE_CHAIN_FILE is set',
      });
    }
    return undefined;
  }
  const read = readTextFile(file);
  if (!read.ok) return void issues.push({ path: 'KOB_KEY_FILE', message: read.problem });
  const text = read.value.trim();
  if (text.startsWith('{')) return jwkKey(text, kid, chainFile, issues);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    return void issues.push({
      path: 'KOB_KEY_FILE',
      message: 'must hold a private JWK or JWKS (JSON) or a PEM private key',
    });
  }
  if (chainFile) {
    const chain = readTextFile(chainFile);
    if (!chain.ok) return void issues.push({ path: 'KOB_CERTIFICATE_CHAIN_FILE', message: chain.problem });
    const certificates =
      chain.value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (certificates.length === 0) {
      return void issues.push({ path: 'KOB_CERTIFICATE_CHAIN_FILE', message: 'holds no PEM certificate' });
    }
    return { pem: text, certificateChain: certificates };
  }
  if (!kid) {
    return void issues.push({
      path: 'KOB_KEY_ID',
      message: 'is required with a PEM key (or set KOB_CERTIFICATE_CHAIN_FILE)',
    });
  }
  return { pem: text, kid };
}

function jwkKey(
  text: string,
  kid: string | undefined,
  chainFile: string | undefined,
  issues: Issues,
): MaskinportenKey | undefined {
  if (chainFile) issues.push({ path: 'KOB_CERTIFICATE_CHAIN_FILE', message: 'is only used with a PEM key' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return void issues.push({ path: 'KOB_KEY_FILE', message: 'is not valid JSON' });
  }
  // A JWKS with exactly one key is accepted: that is what key generators usually write.
  const keys = isPlainObject(parsed) && Array.isArray(parsed.keys) ? parsed.keys : undefined;
  if (keys && keys.length !== 1) {
    return void issues.push({
      path: 'KOB_KEY_FILE',
      message: `holds a JWKS with ${keys.length} keys; keep exactly one`,
    });
  }
  const jwk = keys ? keys[0] : parsed;
  if (!isPlainObject(jwk))
    return void issues.push({ path: 'KOB_KEY_FILE', message: 'must hold a JWK object' });
  if (kid && typeof jwk.kid === 'string' && jwk.kid !== kid) {
    return void issues.push({ path: 'KOB_KEY_ID', message: 'differs from the kid in KOB_KEY_FILE' });
  }
  const key = { jwk: jwk as { kty: string; kid?: string } } as {
    jwk: { kty: string; kid?: string };
    kid?: string;
  };
  if (kid && jwk.kid === undefined) key.kid = kid;
  return key;
}

function customersFromEnv(
  get: Get,
  configDir: string,
  environment: KobEnvironment | undefined,
  issues: Issues,
): unknown {
  const explicit = get('KOB_CUSTOMERS_FILE');
  const file = explicit ?? join(configDir, CUSTOMERS_FILE);
  // The package's demo customers are sandbox and test organisations: never aim production credentials at them.
  if (!explicit && configDir === PACKAGE_CONFIG_DIR && environment === 'prod') return undefined;
  const read = readJsonFile(file);
  const label = explicit ? 'KOB_CUSTOMERS_FILE' : file;
  if (!read.ok) {
    if (!explicit && read.missing) return undefined;
    return void issues.push({ path: label, message: read.problem });
  }
  if (!Array.isArray(read.value))
    return void issues.push({ path: label, message: 'must hold a JSON array of customers' });
  return read.value;
}

/** The parsed file, undefined when it does not exist; other failures become issues. */
function readOptionalJson(file: string, issues: Issues): unknown {
  const read = readJsonFile(file);
  if (read.ok) return read.value;
  if (!read.missing) issues.push({ path: file, message: read.problem });
  return undefined;
}

const RECONCILIATION_NUMBERS = [
  ['KOB_OVERLAP_DAYS', 'overlapDays'],
  ['KOB_JOURNAL_BATCH_SIZE', 'journalBatchSize'],
  ['KOB_FACT_WINDOW_DAYS', 'factWindowDays'],
  ['KOB_REPORT_ITEM_LIMIT', 'reportItemLimit'],
] as const;

const SCHEDULE_NUMBERS = [
  ['KOB_SCHEDULE_JITTER_MS', 'jitterMs'],
  ['KOB_SCHEDULE_CONCURRENCY', 'concurrency'],
  ['KOB_SCHEDULE_SHUTDOWN_TIMEOUT_MS', 'shutdownTimeoutMs'],
] as const;

function scheduleFromEnv(get: Get, issues: Issues): Record<string, unknown> {
  const schedule: Record<string, unknown> = {};
  const enabled = get('KOB_SCHEDULE_ENABLED');
  if (enabled) schedule.enabled = parseBoolean(enabled, 'KOB_SCHEDULE_ENABLED', issues);
  if (get('KOB_SCHEDULE_CRON')) schedule.cron = get('KOB_SCHEDULE_CRON');
  if (get('KOB_SCHEDULE_TIMEZONE')) schedule.timezone = get('KOB_SCHEDULE_TIMEZONE');
  for (const [name, field] of SCHEDULE_NUMBERS) {
    const text = get(name);
    if (text) schedule[field] = parseWholeNumber(text, name, issues);
  }
  const driver = get('KOB_SCHEDULE_DRIVER');
  const redisUrl = get('KOB_SCHEDULE_REDIS_URL');
  if (driver === 'bullmq') {
    if (!redisUrl) {
      issues.push({ path: 'KOB_SCHEDULE_REDIS_URL', message: 'is required when KOB_SCHEDULE_DRIVER=bullmq' });
    } else if (!/^rediss?:\/\/./.test(redisUrl)) {
      // The URL may hold a password: the message never quotes it.
      issues.push({ path: 'KOB_SCHEDULE_REDIS_URL', message: 'must be a redis:// or rediss:// URL' });
    } else {
      schedule.driver = { bullmq: { connection: { url: redisUrl } } };
    }
  } else if (driver !== undefined && driver !== 'local') {
    issues.push({ path: 'KOB_SCHEDULE_DRIVER', message: 'must be local or bullmq' });
  } else if (driver === 'local') {
    schedule.driver = 'local';
  }
  if (redisUrl && driver !== 'bullmq') {
    issues.push({ path: 'KOB_SCHEDULE_REDIS_URL', message: 'is only used with KOB_SCHEDULE_DRIVER=bullmq' });
  }
  return schedule;
}

function storeFromEnv(value: string): StoreOptions {
  if (value === 'memory') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', connectionString: value };
  return { kind: 'sqlite', path: value };
}

function journalFromEnv(value: string, issues: Issues): BuiltinJournalDescriptor | undefined {
  if (value === 'memory') return { builtin: 'memory' };
  const match = /^(jsonl|hledger):(.+)$/.exec(value);
  if (match) return { builtin: match[1] as 'jsonl' | 'hledger', path: match[2] };
  return void issues.push({ path: 'KOB_JOURNAL', message: 'must be memory, jsonl:<file> or hledger:<dir>' });
}

function parseBoolean(value: string, name: string, issues: Issues): boolean | undefined {
  const normalised = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  return void issues.push({ path: name, message: 'must be true or false' });
}

function parseWholeNumber(value: string, name: string, issues: Issues): number | undefined {
  if (/^\d{1,15}$/.test(value)) return Number(value);
  return void issues.push({ path: name, message: 'must be a whole number' });
}
