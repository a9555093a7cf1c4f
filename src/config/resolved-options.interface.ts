import type { Dispatcher } from 'undici';
import type { LoggerService, Type } from '@nestjs/common';
import type { JournalAdapter } from '../journal/journal-adapter.interface.js';
import type { Clock } from '../time/clock.js';
import type {
  AccountMapping,
  AltinnOptions,
  BuiltinJournalDescriptor,
  CustomerConfig,
  CustomerSource,
  KravOgBetalingerModuleOptions,
  MaskinportenKey,
  ScheduleDriverOption,
  StoreOptions,
} from './module-options.interface.js';

/**
 * What `forRoot` / `forRootAsync` accept: {@link KravOgBetalingerModuleOptions}, except that `journal` may be
 * absent when `journalBuiltin` names a built-in adapter (what `kobConfig` produces from `KOB_JOURNAL`). Start-up
 * validation requires one of the two.
 * @publicApi
 */
export type KravOgBetalingerModuleInput = Omit<KravOgBetalingerModuleOptions, 'journal'> &
  Partial<Pick<KravOgBetalingerModuleOptions, 'journal'>>;

/**
 * The endpoints the module talks to, after presets are expanded. Base URLs carry no trailing slash; the issuer
 * is kept exactly as given because it is the grant's `aud`.
 * @publicApi
 */
export interface ResolvedKobEnvironment {
  /** The preset used, or `custom` for an endpoints object. */
  name: 'test' | 'prod' | 'custom';
  maskinportenIssuer: string;
  /** `{issuer}/token`, Maskinporten's token endpoint. */
  tokenEndpoint: string;
  apiBaseUrl: string;
  altinnBaseUrl: string;
  altinn2BaseUrl: string;
}

/** @publicApi */
export interface ResolvedMaskinportenOptions {
  clientId: string;
  /** The key exactly as given (a `sign` callback is kept by reference). */
  key: MaskinportenKey;
  scope: string;
  refreshSkewSeconds: number;
}

/** @publicApi */
export interface ResolvedHttpOptions {
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRetries: number;
  maxConcurrentPerParty: number;
  maxConcurrentGlobal: number;
  /** The host's dispatcher, by reference; the module must not close it. */
  dispatcher?: Dispatcher;
}

/**
 * `reconciliation` after defaults; `journalBatchSize`, `factWindowDays` and `reportItemLimit` stay absent (one
 * call per run, one window per run, whole lists) unless given.
 * @publicApi
 */
export interface ResolvedReconciliationOptions {
  overlapDays: number;
  lockTtlMs: number;
  outboxChunkSize: number;
  journalBatchSize?: number;
  factWindowDays?: number;
  reportItemLimit?: number;
}

/** @publicApi */
export interface ResolvedScheduleOptions {
  enabled: boolean;
  cron: string;
  timezone: string;
  jitterMs: number;
  concurrency: number;
  shutdownTimeoutMs: number;
  /** The BullMQ options exactly as given (validated); their defaults belong to the driver. */
  driver: ScheduleDriverOption;
}

/**
 * `altinn` after defaults: the resources, the consent validity and the warn window are always set; the rest stays
 * absent unless given.
 * @publicApi
 */
export type ResolvedAltinnOptions = Readonly<
  Omit<AltinnOptions, 'systemUserResource' | 'consentResource' | 'consentValidityDays' | 'warnBeforeDays'> & {
    systemUserResource: string;
    consentResource: string;
    consentValidityDays: number;
    warnBeforeDays: number;
  }
>;

/**
 * Module options after validation and defaults, as injected with `@InjectKobOptions()`. Functions and class
 * instances from the input (journal adapter, customer source, dispatcher, logger, `sign`) are the same objects
 * the host passed in.
 * @publicApi
 */
export interface ResolvedKobOptions {
  environment: ResolvedKobEnvironment;
  maskinporten: ResolvedMaskinportenOptions;
  /** Customers as given: an array (validated) or the host's source (validated per customer when read). */
  customers: readonly CustomerConfig[] | CustomerSource;
  /** The host's adapter; absent only when `journalBuiltin` is set. */
  journal?: JournalAdapter | Type<JournalAdapter>;
  journalBuiltin?: BuiltinJournalDescriptor;
  /** The default chart with the module-wide overrides applied; customers' own `accounts` go on top. */
  accounts: Readonly<AccountMapping>;
  store: StoreOptions;
  schedule: ResolvedScheduleOptions;
  http: ResolvedHttpOptions;
  reconciliation: ResolvedReconciliationOptions;
  altinn: ResolvedAltinnOptions;
  logger?: LoggerService | false;
  clock?: Clock;
  onAccessStateChange?: KravOgBetalingerModuleOptions['onAccessStateChange'];
}
