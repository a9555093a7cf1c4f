import { ConfigurationError, type ValidationIssue } from '../errors/kob.error.js';
import type {
  CustomerConfig,
  CustomerSource,
  ScheduleDriverOption,
  StoreOptions,
} from './module-options.interface.js';
import type {
  KravOgBetalingerModuleInput,
  ResolvedAltinnOptions,
  ResolvedHttpOptions,
  ResolvedKobOptions,
  ResolvedReconciliationOptions,
  ResolvedScheduleOptions,
} from './resolved-options.interface.js';
import { RECONCILIATION_DEFAULTS } from '../reconciliation/reconciliation-defaults.js';
import { accountMappingIssues, loadDefaultAccounts, mergeAccounts } from './account-mapping.js';
import { validateCustomerList } from './customer-config.validator.js';
import { resolveEnvironment } from './environment-presets.js';
import {
  AltinnSchema,
  BuiltinJournalSchema,
  BullmqConnectionSchema,
  BullmqDriverSchema,
  EnvironmentEndpointsSchema,
  HttpSchema,
  JwkKeySchema,
  JwkSchema,
  MaskinportenSchema,
  PostgresStoreSchema,
  ReconciliationSchema,
  STORE_KINDS,
  ScheduleSchema,
  SqliteStoreSchema,
  keySchemaFor,
} from './module-options.schema.js';
import { HasMethods, IsFunction, IsLoggerOption, isJournalAdapter } from './option-validators.js';
import { isPlainObject, toPlainView } from './options-view.util.js';
import { checkSchema, joinPath, requireObject } from './validation.util.js';

/**
 * Defaults applied to absent options.
 * @publicApi
 */
export const KOB_DEFAULTS = Object.freeze({
  scope: 'skatteetaten:kravogbetalinger',
  refreshSkewSeconds: 30,
  http: Object.freeze({
    timeoutMs: 30_000,
    connectTimeoutMs: 10_000,
    maxRetries: 3,
    maxConcurrentPerParty: 5,
    maxConcurrentGlobal: 50,
  }),
  store: Object.freeze({ kind: 'sqlite', path: '.kob/state.sqlite' } as const),
  reconciliation: RECONCILIATION_DEFAULTS,
  schedule: Object.freeze({
    enabled: false,
    cron: '0 6 * * *',
    timezone: 'Europe/Oslo',
    jitterMs: 60_000,
    concurrency: 10,
    shutdownTimeoutMs: 30_000,
    driver: 'local',
  } as const),
  altinn: Object.freeze({
    systemUserResource: 'ske-krav-og-betalinger',
    consentResource: 'ske-samtykke-krav-og-betalinger',
    consentValidityDays: 90,
    warnBeforeDays: 14,
  }),
});

/**
 * Every problem with the options, each with its full path (`customers[2].organisasjonsnummer`,
 * `maskinporten.key`, `http.maxConcurrentPerParty`). Pure; messages never contain values.
 * @publicApi
 */
export function validateModuleOptions(raw: unknown): ValidationIssue[] {
  const view = toPlainView(raw);
  if (!isPlainObject(view)) return [{ path: 'options', message: 'must be an object' }];
  return [
    ...environmentIssues(view.environment),
    ...maskinportenIssues(view.maskinporten),
    ...customersIssues(view.customers),
    ...journalIssues(view.journal, view.journalBuiltin),
    ...optional(view.accounts, (v) => accountMappingIssues(v, 'accounts')),
    ...optional(view.store, storeIssues),
    ...optional(view.schedule, scheduleIssues),
    ...optional(view.http, (v) => checkSchema(HttpSchema, v, 'http')),
    ...optional(view.reconciliation, (v) => checkSchema(ReconciliationSchema, v, 'reconciliation')),
    ...optional(view.altinn, (v) => checkSchema(AltinnSchema, v, 'altinn')),
    ...optional(view.logger, (v) => checkSchema(LoggerHolder, { logger: v }, '')),
    ...optional(view.clock, (v) => checkSchema(ClockHolder, { clock: v }, '')),
    ...optional(view.onAccessStateChange, (v) => checkSchema(CallbackHolder, { onAccessStateChange: v }, '')),
  ];
}

/**
 * Validates the raw module options and applies defaults. Throws one {@link ConfigurationError} listing every bad
 * field. Functions and instances (journal, customer source, dispatcher, logger, `sign`) are kept by reference.
 * @publicApi
 */
export function resolveModuleOptions(raw: KravOgBetalingerModuleInput): ResolvedKobOptions {
  const issues = validateModuleOptions(raw);
  if (issues.length > 0) throw new ConfigurationError(issues);
  const { maskinporten, http, schedule } = raw;
  const resolvedHttp: ResolvedHttpOptions = {
    timeoutMs: http?.timeoutMs ?? KOB_DEFAULTS.http.timeoutMs,
    connectTimeoutMs: http?.connectTimeoutMs ?? KOB_DEFAULTS.http.connectTimeoutMs,
    maxRetries: http?.maxRetries ?? KOB_DEFAULTS.http.maxRetries,
    maxConcurrentPerParty: http?.maxConcurrentPerParty ?? KOB_DEFAULTS.http.maxConcurrentPerParty,
    maxConcurrentGlobal: http?.maxConcurrentGlobal ?? KOB_DEFAULTS.http.maxConcurrentGlobal,
  };
  if (http?.dispatcher) resolvedHttp.dispatcher = http.dispatcher;
  const resolvedSchedule: ResolvedScheduleOptions = {
    enabled: schedule?.enabled ?? KOB_DEFAULTS.schedule.enabled,
    cron: schedule?.cron ?? KOB_DEFAULTS.schedule.cron,
    timezone: schedule?.timezone ?? KOB_DEFAULTS.schedule.timezone,
    jitterMs: schedule?.jitterMs ?? KOB_DEFAULTS.schedule.jitterMs,
    concurrency: schedule?.concurrency ?? KOB_DEFAULTS.schedule.concurrency,
    shutdownTimeoutMs: schedule?.shutdownTimeoutMs ?? KOB_DEFAULTS.schedule.shutdownTimeoutMs,
    driver: resolveDriver(schedule?.driver),
  };
  const { reconciliation } = raw;
  const resolvedReconciliation: ResolvedReconciliationOptions = {
    overlapDays: reconciliation?.overlapDays ?? KOB_DEFAULTS.reconciliation.overlapDays,
    lockTtlMs: reconciliation?.lockTtlMs ?? KOB_DEFAULTS.reconciliation.lockTtlMs,
    outboxChunkSize: reconciliation?.outboxChunkSize ?? KOB_DEFAULTS.reconciliation.outboxChunkSize,
    ...(reconciliation?.journalBatchSize !== undefined
      ? { journalBatchSize: reconciliation.journalBatchSize }
      : {}),
    ...(reconciliation?.factWindowDays !== undefined
      ? { factWindowDays: reconciliation.factWindowDays }
      : {}),
    ...(reconciliation?.reportItemLimit !== undefined
      ? { reportItemLimit: reconciliation.reportItemLimit }
      : {}),
  };
  const { altinn } = raw;
  const resolvedAltinn: ResolvedAltinnOptions = {
    ...(altinn?.systemId !== undefined ? { systemId: altinn.systemId } : {}),
    ...(altinn?.redirectUrl !== undefined ? { redirectUrl: altinn.redirectUrl } : {}),
    ...(altinn?.altinn2ApiKey !== undefined ? { altinn2ApiKey: altinn.altinn2ApiKey } : {}),
    ...(altinn?.vendorOrganisasjonsnummer !== undefined
      ? { vendorOrganisasjonsnummer: altinn.vendorOrganisasjonsnummer }
      : {}),
    systemUserResource: altinn?.systemUserResource ?? KOB_DEFAULTS.altinn.systemUserResource,
    consentResource: altinn?.consentResource ?? KOB_DEFAULTS.altinn.consentResource,
    consentValidityDays: altinn?.consentValidityDays ?? KOB_DEFAULTS.altinn.consentValidityDays,
    warnBeforeDays: altinn?.warnBeforeDays ?? KOB_DEFAULTS.altinn.warnBeforeDays,
  };
  const resolved: ResolvedKobOptions = {
    environment: resolveEnvironment(raw.environment),
    maskinporten: Object.freeze({
      clientId: maskinporten.clientId,
      key: maskinporten.key,
      scope: maskinporten.scope ?? KOB_DEFAULTS.scope,
      refreshSkewSeconds: maskinporten.refreshSkewSeconds ?? KOB_DEFAULTS.refreshSkewSeconds,
    }),
    customers: raw.customers,
    accounts: Object.freeze(mergeAccounts(loadDefaultAccounts(), raw.accounts)),
    store: Object.freeze({ ...(raw.store ?? KOB_DEFAULTS.store) }) as StoreOptions,
    schedule: Object.freeze(resolvedSchedule),
    http: Object.freeze(resolvedHttp),
    reconciliation: Object.freeze(resolvedReconciliation),
    altinn: Object.freeze(resolvedAltinn),
  };
  if (raw.journal !== undefined) resolved.journal = raw.journal;
  if (raw.journalBuiltin !== undefined) resolved.journalBuiltin = Object.freeze({ ...raw.journalBuiltin });
  if (raw.logger !== undefined) resolved.logger = raw.logger;
  if (raw.clock !== undefined) resolved.clock = raw.clock;
  if (raw.onAccessStateChange !== undefined) resolved.onAccessStateChange = raw.onAccessStateChange;
  return Object.freeze(resolved);
}

function optional(view: unknown, check: (view: unknown) => ValidationIssue[]): ValidationIssue[] {
  return view === undefined ? [] : check(view);
}

function environmentIssues(view: unknown): ValidationIssue[] {
  if (view === 'test' || view === 'prod') return [];
  if (isPlainObject(view)) return checkSchema(EnvironmentEndpointsSchema, view, 'environment');
  return [
    {
      path: 'environment',
      message:
        view === undefined
          ? "is required ('test', 'prod' or an endpoints object)"
          : "must be 'test', 'prod' or an endpoints object",
    },
  ];
}

function maskinportenIssues(view: unknown): ValidationIssue[] {
  const shape = requireObject(view, 'maskinporten');
  if (shape.length > 0) return shape;
  const maskinporten = view as Record<string, unknown>;
  return [
    ...checkSchema(MaskinportenSchema, maskinporten, 'maskinporten'),
    ...keyIssues(maskinporten.key, 'maskinporten.key'),
  ];
}

function keyIssues(view: unknown, path: string): ValidationIssue[] {
  const shape = requireObject(view, path);
  if (shape.length > 0) return shape;
  const key = view as Record<string, unknown>;
  const schema = keySchemaFor(key);
  if (!schema)
    return [
      { path, message: 'must be one of { jwk }, { pem, kid }, { pem, certificateChain } or { kid, sign }' },
    ];
  const issues = checkSchema(schema, key, path);
  if (schema !== JwkKeySchema) return issues;
  const jwkPath = joinPath(path, 'jwk');
  const jwk = key.jwk;
  if (!isPlainObject(jwk)) return [...issues, { path: jwkPath, message: 'must be a JWK object' }];
  issues.push(...checkSchema(JwkSchema, jwk, jwkPath));
  // Maskinporten finds the public key by kid: it must be known, from the JWK or next to it, and not twice differently.
  if (jwk.kid === undefined && key.kid === undefined) {
    issues.push({ path: joinPath(jwkPath, 'kid'), message: 'is required (or set maskinporten.key.kid)' });
  } else if (typeof jwk.kid === 'string' && typeof key.kid === 'string' && jwk.kid !== key.kid) {
    issues.push({ path: joinPath(path, 'kid'), message: 'differs from maskinporten.key.jwk.kid' });
  }
  return issues;
}

function customersIssues(view: unknown): ValidationIssue[] {
  if (Array.isArray(view)) return validateCustomerList(view, 'customers');
  if (view === undefined || view === null) {
    return [{ path: 'customers', message: 'is required (an array of customers or a CustomerSource)' }];
  }
  return checkSchema(CustomerSourceHolder, { customers: view }, '');
}

function journalIssues(journal: unknown, builtin: unknown): ValidationIssue[] {
  const issues = builtin === undefined ? [] : checkSchema(BuiltinJournalSchema, builtin, 'journalBuiltin');
  if (journal === undefined) {
    if (builtin === undefined) {
      issues.push({
        path: 'journal',
        message:
          'is required (a JournalAdapter instance or class; or journalBuiltin / KOB_JOURNAL for a built-in)',
      });
    }
    return issues;
  }
  if (!isJournalAdapter(journal)) {
    issues.push({
      path: 'journal',
      message: 'must be a JournalAdapter instance or class (with a postEntries method)',
    });
  }
  return issues;
}

function storeIssues(view: unknown): ValidationIssue[] {
  const shape = requireObject(view, 'store');
  if (shape.length > 0) return shape;
  const kind = (view as Record<string, unknown>).kind;
  if (kind === 'sqlite') return checkSchema(SqliteStoreSchema, view, 'store');
  if (kind === 'postgres') return checkSchema(PostgresStoreSchema, view, 'store');
  if (kind === 'memory') return [];
  return [{ path: 'store.kind', message: `must be one of ${STORE_KINDS.join(', ')}` }];
}

function scheduleIssues(view: unknown): ValidationIssue[] {
  const shape = requireObject(view, 'schedule');
  if (shape.length > 0) return shape;
  const driver = (view as Record<string, unknown>).driver;
  return [...checkSchema(ScheduleSchema, view, 'schedule'), ...optional(driver, driverIssues)];
}

function driverIssues(view: unknown): ValidationIssue[] {
  if (view === 'local') return [];
  const bullmq = isPlainObject(view) ? view.bullmq : undefined;
  if (!isPlainObject(bullmq)) {
    return [{ path: 'schedule.driver', message: "must be 'local' or { bullmq: { connection } }" }];
  }
  const connection = bullmq.connection;
  const shape = requireObject(connection, 'schedule.driver.bullmq.connection');
  return [
    ...(shape.length > 0
      ? shape
      : checkSchema(BullmqConnectionSchema, connection, 'schedule.driver.bullmq.connection')),
    ...checkSchema(BullmqDriverSchema, bullmq, 'schedule.driver.bullmq'),
  ];
}

/**
 * The driver option with the BullMQ part copied, so later changes by the host do not leak in. The connection is
 * a shallow copy and stays unfrozen: ioredis and BullMQ may add to the options they are given.
 */
function resolveDriver(driver: ScheduleDriverOption | undefined): ScheduleDriverOption {
  if (driver === undefined || driver === 'local') return KOB_DEFAULTS.schedule.driver;
  const { connection, ...rest } = driver.bullmq;
  return Object.freeze({ bullmq: Object.freeze({ ...rest, connection: { ...connection } }) });
}

// Single-field holders so reference-typed options go through the same class-validator path as the rest.
class CustomerSourceHolder {
  @HasMethods(['list', 'get'], 'an array of customers or a CustomerSource') customers!: unknown;
}

class LoggerHolder {
  @IsLoggerOption() logger!: unknown;
}

class ClockHolder {
  @HasMethods(['now'], 'a clock') clock!: unknown;
}

class CallbackHolder {
  @IsFunction() onAccessStateChange!: unknown;
}

/**
 * Tells the two forms of validated `customers` apart.
 * @publicApi
 */
export function isCustomerSource(
  customers: readonly CustomerConfig[] | CustomerSource,
): customers is CustomerSource {
  return !Array.isArray(customers);
}
