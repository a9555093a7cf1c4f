import type { Dispatcher } from 'undici';
import type { LoggerService, Type } from '@nestjs/common';
import type { AccessState } from '../auth/access/access-state.model.js';
import type { RightsPackage } from '../domain/common.model.js';
import type { Clock } from '../time/clock.js';
import type { JournalAdapter } from '../journal/journal-adapter.interface.js';

/**
 * Where Maskinporten, the Krav og betalinger API and Altinn live. `'test'` and `'prod'` are Skatteetaten's and
 * Digdir's real environments; an object points the module elsewhere (the sandbox, a proxy).
 * @publicApi
 */
export type KobEnvironment = 'test' | 'prod' | KobEnvironmentEndpoints;

/** @publicApi */
export interface KobEnvironmentEndpoints {
  /** Maskinporten issuer, e.g. `https://test.maskinporten.no/` (also the grant's `aud`). */
  maskinportenIssuer: string;
  /** Krav og betalinger base URL up to and including `/v1`, new or old host style. */
  apiBaseUrl: string;
  /** Altinn 3 platform base URL, e.g. `https://platform.tt02.altinn.no`. */
  altinnBaseUrl: string;
  /** Altinn 2 base URL for legacy consent tokens; defaults to `altinnBaseUrl`. */
  altinn2BaseUrl?: string;
}

/**
 * The client's signing key for Maskinporten grants: a JWK (with `kid`), a PEM private key with a `kid`, a PEM key
 * with its certificate chain (sent as `x5c`, leaf first), or an external signer so the key can stay in a KMS/HSM.
 * @publicApi
 */
export type MaskinportenKey =
  | { jwk: JsonWebKeyInput; kid?: string; alg?: SigningAlgorithm }
  | { pem: string; kid: string; alg?: SigningAlgorithm }
  | { pem: string; certificateChain: string[]; alg?: SigningAlgorithm }
  | {
      kid: string;
      alg?: SigningAlgorithm;
      sign(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
    };

/** @publicApi */
export type SigningAlgorithm = 'RS256' | 'RS384' | 'RS512';

/** A private JWK as JSON (RSA). @publicApi */
export interface JsonWebKeyInput {
  kty: string;
  kid?: string;
  [member: string]: unknown;
}

/** @publicApi */
export interface MaskinportenOptions {
  clientId: string;
  key: MaskinportenKey;
  /** Scope to request; default `skatteetaten:kravogbetalinger`. */
  scope?: string;
  /** Refresh this many seconds before expiry. Default 30. */
  refreshSkewSeconds?: number;
}

/**
 * How the module may read a customer's data.
 * - `systembruker`: a system user in Altinn for the customer (rights package `regnskapssystem`).
 * - `consent`: an Altinn 3 consent (rights package `finans`).
 * - `altinn2-consent`: a legacy Altinn 2 consent, fetched by authorisation code and sent as `AltinnSamtykke`.
 * @publicApi
 */
export type CustomerAccess =
  | { type: 'systembruker'; externalRef?: string }
  | { type: 'consent'; consentId: string }
  | { type: 'altinn2-consent'; authorizationCode: string };

/**
 * Ledger accounts used by the posting rules (Norwegian standard chart, NS 4102). Every account can be
 * overridden per customer.
 * @publicApi
 */
export interface AccountMapping {
  taxAccountClearing: string;
  bank: string;
  vatPayable: string;
  employerContributionPayable: string;
  withholdingPayable: string;
  taxPayable: string;
  soleTraderPersonalTax: string;
  otherPublicDuties: string;
  lateInterestExpense: string;
  nonDeductibleInterestExpense: string;
  refundInterestIncome: string;
  feeExpense: string;
  /**
   * Contra accounts for recognising whole claims (customer `recognise: 'all'`, for hosts that mirror the whole tax
   * account): the claim is booked against its liability on the account for its group. Claims on a sole trader's
   * own person number use `soleTraderPersonalTax` (equity) instead, so nothing reaches the profit and loss.
   */
  vatRecognitionContra: string;
  employerContributionExpense: string;
  withholdingRecognitionContra: string;
  taxExpense: string;
  otherPublicDutiesExpense: string;
  /** Claim type (`kravtype`) or claim group (`kravgruppe`) to account, checked before the defaults. */
  byClaimType?: Record<string, string>;
  byClaimGroup?: Record<string, string>;
}

/**
 * One customer company (or sole trader) whose tax account the module keeps in step with its ledger.
 * @publicApi
 */
export interface CustomerConfig {
  /** The host's own id for the customer; used in store keys, logs and idempotency keys. */
  id: string;
  organisasjonsnummer: string;
  rettighetspakke: RightsPackage;
  access: CustomerAccess;
  accounts?: Partial<AccountMapping>;
  /** First date booked; nothing before it is fetched or posted. */
  bookingStartDate: string;
  /** Cron expression overriding the module's default schedule for this customer. */
  cron?: string;
  /** Defaults to true. */
  enabled?: boolean;
  /** Whether the host books bank lines itself (then payments are not posted against the bank account). */
  hostBooksBankLines?: boolean;
  /** For sole traders: the owner's fødselsnummer/D-nummer, whose personal tax goes to equity. Never logged. */
  ownerPersonId?: string;
  /**
   * Which claims the module books itself (debit expense or contra, credit liability), because the host does not:
   * `interest-and-fees` (default: late-payment and other interest, fees and fines), `all` (every claim, for hosts
   * that mirror the whole tax account), or `none`.
   */
  recognise?: RecognitionMode;
}

/** See {@link CustomerConfig.recognise}. @publicApi */
export type RecognitionMode = 'interest-and-fees' | 'all' | 'none';

/** Async source of customers, for hosts that keep them in their own database. @publicApi */
export interface CustomerSource {
  list(): Promise<CustomerConfig[]>;
  get(id: string): Promise<CustomerConfig | undefined>;
}

/** @publicApi */
export type StoreOptions =
  | {
      kind: 'sqlite';
      path: string;
      /** `normal` (default) or `full`; see `SqliteStateStoreOptions`. */ synchronous?: 'normal' | 'full';
      /** The connection's page cache in MB (1-65,536, default 64); see `SqliteStateStoreOptions`. */
      cacheSizeMb?: number;
    }
  | { kind: 'postgres'; connectionString: string; schema?: string }
  | { kind: 'memory' };

/**
 * Per-customer scheduled reconciliation. Off by default; the module's `CustomerRunner` works either way.
 * @publicApi
 */
export interface ScheduleOptions {
  /** Start the driver at bootstrap. Default false. */
  enabled?: boolean;
  /** Default cron expression (5 or 6 fields); a customer's own `cron` overrides it. Default `0 6 * * *`. */
  cron?: string;
  /** IANA time zone the cron expressions are read in. Default `Europe/Oslo`. */
  timezone?: string;
  /** Each tick waits a random delay in [0, jitterMs) so customers do not all start at once. Default 60 000. */
  jitterMs?: number;
  /** Reconciliations running at once in this process, across customers. Default 10. */
  concurrency?: number;
  /**
   * On shutdown, how long to wait for running reconciliations before giving up on them (their store lock then
   * expires on its own). Default 30 000.
   */
  shutdownTimeoutMs?: number;
  /** `local` (cron in this process, the default) or BullMQ on Redis for several processes. */
  driver?: ScheduleDriverOption;
}

/** @publicApi */
export type ScheduleDriverOption = 'local' | { bullmq: BullmqDriverOptions };

/**
 * The BullMQ driver: a repeatable job per customer on a Redis queue, run by whichever process takes it. Needs the
 * optional peers `bullmq` and `ioredis`.
 * @publicApi
 */
export interface BullmqDriverOptions {
  /** ioredis connection options (`host`, `port`, `url`, ...). The URL may carry a password: never logged. */
  connection: { host?: string; port?: number; url?: string; [k: string]: unknown };
  /** Redis key prefix of the queue (BullMQ's `prefix`). */
  prefix?: string;
  /** Queue name (no `:`). */
  queueName?: string;
  /** Attempts per run, the first included (1 to 100). */
  attempts?: number;
  /** Base delay of the exponential backoff between attempts, in ms. */
  backoffMs?: number;
  /** How many failed jobs to keep in Redis for inspection (0 removes them at once). */
  keepFailed?: number;
}

/**
 * How reconciliation runs fetch, write and deliver (what `ReconciliationServiceOptions` holds beyond its
 * collaborators).
 * @publicApi
 */
export interface ReconciliationOptions {
  /**
   * Re-fetch this many days before the last run's day: Skatteetaten places payments and sets off credits after
   * the fact. Default 60; 0 to 3660.
   */
  overlapDays?: number;
  /** How long a run may hold its customer's lock before another process may take over, in ms. Default 900 000. */
  lockTtlMs?: number;
  /** Entries per outbox write. Default 10 000. */
  outboxChunkSize?: number;
  /**
   * Entries per `postEntries` call, for host ledgers that take a bounded number per request; each batch is
   * marked as soon as the journal confirms it. Default: all of a run's entries in one call.
   */
  journalBatchSize?: number;
  /**
   * Fetch, plan and post a run's facts a window of at most this many days at a time, oldest first, so a run
   * holds one window's facts and entries in memory rather than its whole period's: for customers with hundreds of
   * thousands of claims. 1 to 366. Default: the run's whole period in one window.
   */
  factWindowDays?: number;
  /**
   * At most this many items in each of a report's lists (allocations, suggestions, bank matches, unmatched ids,
   * posting issues, posted keys); `report.omitted` counts the rest. Default: no limit.
   */
  reportItemLimit?: number;
}

/** @publicApi */
export interface HttpOptions {
  /** Header and body timeout per call. Default 30 000. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Retries after the first attempt for 5xx, 429 and network errors. Default 3. */
  maxRetries?: number;
  /** At most 5 (Skatteetaten's rule). Default 5. */
  maxConcurrentPerParty?: number;
  /** Calls in flight across all customers of this module instance. Default 50. */
  maxConcurrentGlobal?: number;
  /** Replace the module's own undici Agent (tests pass a MockAgent). Not closed by the module. */
  dispatcher?: Dispatcher;
}

/**
 * Altinn settings for the access-status provider: asking customers for a system user or a consent, and fetching
 * legacy Altinn 2 consent tokens. Everything is optional; what a feature needs is checked when it is used (a
 * system-user request needs `systemId`, a consent request needs `redirectUrl`).
 * @publicApi
 */
export interface AltinnOptions {
  /** The vendor's system in Altinn's system register, `{vendorOrgNo}_{name}` (a-z, 0-9, _). */
  systemId?: string;
  /** Where Altinn sends the customer after approving; must be one of the system's allowed redirect URLs. */
  redirectUrl?: string;
  /** Altinn 2 `ApiKey` for legacy consent tokens. A secret: never logged. */
  altinn2ApiKey?: string;
  /** The vendor's organisation number (consent `to`). Default: the `consumer` of the client's own token. */
  vendorOrganisasjonsnummer?: string;
  /** Altinn resource a system user is asked for. Default `ske-krav-og-betalinger`. */
  systemUserResource?: string;
  /** Altinn 3 consent resource. Default `ske-samtykke-krav-og-betalinger`. */
  consentResource?: string;
  /** How long a requested consent is valid, in days. Default 90 (Skatteetaten's example). */
  consentValidityDays?: number;
  /** Warn this many days before a consent's `validTo`. Default 14. */
  warnBeforeDays?: number;
}

/**
 * Options of {@link KravOgBetalingerModule}. The journal adapter is typed loosely here and narrowed by the
 * journal folder's contract.
 * @publicApi
 */
export interface KravOgBetalingerModuleOptions {
  environment: KobEnvironment;
  maskinporten: MaskinportenOptions;
  customers: CustomerConfig[] | CustomerSource;
  journal: JournalAdapter | Type<JournalAdapter>;
  store?: StoreOptions;
  schedule?: ScheduleOptions;
  http?: HttpOptions;
  /** The fetch overlap, the run lock's lifetime, outbox writes and journal batches. */
  reconciliation?: ReconciliationOptions;
  /** System-user and consent requests, Altinn 2 consent tokens. */
  altinn?: AltinnOptions;
  /** A Nest logger to use instead of `new Logger(...)`; `false` silences the module. */
  logger?: LoggerService | false;
  /**
   * Time source for token expiry, access checks and "today". Defaults to the machine clock; tests and simulations
   * pass the sandbox's clock so both sides agree after `advanceClock`.
   */
  clock?: Clock;
  /** Told whenever a customer's access state changes (approved, rejected, revoked, expiring...). */
  onAccessStateChange?: (previous: AccessState | undefined, next: AccessState) => void | Promise<void>;
  /**
   * Module-wide account overrides, applied over the default chart (`config/default-accounts.json`) and under
   * each customer's own `accounts`.
   */
  accounts?: Partial<AccountMapping>;
  /**
   * A built-in journal adapter chosen by name (what `kobConfig` reads from `KOB_JOURNAL`). Only used when
   * `journal` is absent; see `KravOgBetalingerModuleInput`.
   */
  journalBuiltin?: BuiltinJournalDescriptor;
}

/**
 * Names one of the module's built-in journal adapters: `memory`, a JSON-lines file, or an hledger journal
 * directory.
 * @publicApi
 */
export interface BuiltinJournalDescriptor {
  builtin: 'memory' | 'jsonl' | 'hledger';
  /** File (`jsonl`) or directory (`hledger`) to write to; absent for `memory`. */
  path?: string;
}
