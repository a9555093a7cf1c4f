import { IsIn, IsOptional, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import {
  HasMethods,
  IsCalendarDate,
  IsCronExpression,
  IsFunction,
  IsLedgerAccount,
  IsLedgerAccountRecord,
  IsNonEmptyString,
  IsOrganisationNumber,
  IsPersonNumber,
  IsServiceUrl,
  IsTimeZone,
} from './option-validators.js';

// class-validator schemas for the plain view of the options (see options-view.util.ts). Each class covers one
// object shape; unions (environment, key, access, store, schedule driver) pick their class in the resolver, so
// every error keeps its full path. Fields are `unknown`: these classes describe input, not trusted values.

function IntRange(min: number, max: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'kobIntRange',
      validator: {
        validate: (value) =>
          Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
        defaultMessage: () => `must be an integer from ${min} to ${max}`,
      },
    },
    options,
  );
}

function OneOf(values: readonly unknown[], options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'kobOneOf',
      validator: {
        validate: (value) => values.includes(value),
        defaultMessage: () => `must be one of ${values.map((v) => String(v)).join(', ')}`,
      },
    },
    options,
  );
}

function IsBooleanValue(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'kobBoolean',
      validator: {
        validate: (value) => typeof value === 'boolean',
        defaultMessage: () => 'must be true or false',
      },
    },
    options,
  );
}

function IsPemPrivateKey(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'kobPemPrivateKey',
      validator: {
        validate: (value) => typeof value === 'string' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value),
        defaultMessage: () => 'must be a PEM private key (-----BEGIN PRIVATE KEY-----)',
      },
    },
    options,
  );
}

/** @internal */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;

/** @internal */
export class EnvironmentEndpointsSchema {
  @IsServiceUrl() maskinportenIssuer!: unknown;
  @IsServiceUrl() apiBaseUrl!: unknown;
  @IsServiceUrl() altinnBaseUrl!: unknown;
  @IsOptional() @IsServiceUrl() altinn2BaseUrl!: unknown;
}

/** `maskinporten` without its key, which {@link keySchemaFor} handles. @internal */
export class MaskinportenSchema {
  @IsNonEmptyString() clientId!: unknown;
  @IsOptional() @IsNonEmptyString() scope!: unknown;
  @IsOptional() @IntRange(0, 600) refreshSkewSeconds!: unknown;
}

/** @internal */
export class JwkKeySchema {
  @IsOptional() @IsNonEmptyString() kid!: unknown;
  @IsOptional() @OneOf(SIGNING_ALGORITHMS) alg!: unknown;
}

/** The JWK itself; other members (`n`, `e`, `p`, ...) are left to the grant signer. @internal */
export class JwkSchema {
  @OneOf(['RSA'], { message: 'must be RSA' }) kty!: unknown;
  @IsOptional() @IsNonEmptyString() kid!: unknown;
  @IsNonEmptyString({ message: 'is missing: the JWK must be a private key' }) d!: unknown;
}

/** @internal */
export class PemKidKeySchema {
  @IsPemPrivateKey() pem!: unknown;
  @IsNonEmptyString() kid!: unknown;
  @IsOptional() @OneOf(SIGNING_ALGORITHMS) alg!: unknown;
}

/** @internal */
export class PemChainKeySchema {
  @IsPemPrivateKey() pem!: unknown;
  @ValidateBy({
    name: 'kobCertificateChain',
    validator: {
      validate: (value) =>
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((c) => typeof c === 'string' && c.trim() !== ''),
      defaultMessage: () => 'must be a non-empty list of certificates (PEM or base64 DER), leaf first',
    },
  })
  certificateChain!: unknown;
  @IsOptional() @OneOf(SIGNING_ALGORITHMS) alg!: unknown;
}

/** @internal */
export class SignerKeySchema {
  @IsNonEmptyString() kid!: unknown;
  @IsFunction({ message: 'must be an async function (header, payload) => compact JWS' }) sign!: unknown;
  @IsOptional() @OneOf(SIGNING_ALGORITHMS) alg!: unknown;
}

/** Picks the schema for one of the four key shapes, or undefined when the key matches none. @internal */
export function keySchemaFor(key: Record<string, unknown>): (new () => object) | undefined {
  if ('jwk' in key) return JwkKeySchema;
  if ('sign' in key) return SignerKeySchema;
  if ('pem' in key && 'certificateChain' in key) return PemChainKeySchema;
  if ('pem' in key) return PemKidKeySchema;
  return undefined;
}

/** @internal */
export class HttpSchema {
  @IsOptional() @IntRange(1, 600_000) timeoutMs!: unknown;
  @IsOptional() @IntRange(1, 600_000) connectTimeoutMs!: unknown;
  @IsOptional() @IntRange(0, 10) maxRetries!: unknown;
  @IsOptional()
  @IntRange(1, 5, {
    message: 'must be an integer from 1 to 5 (Skatteetaten allows at most 5 concurrent calls per party)',
  })
  maxConcurrentPerParty!: unknown;
  @IsOptional() @IntRange(1, 10_000) maxConcurrentGlobal!: unknown;
  @IsOptional() @HasMethods(['dispatch'], 'an undici Dispatcher') dispatcher!: unknown;
}

/** @internal */
export class ReconciliationSchema {
  @IsOptional() @IntRange(0, 3660) overlapDays!: unknown;
  @IsOptional() @IntRange(1_000, 86_400_000) lockTtlMs!: unknown;
  @IsOptional() @IntRange(1, 1_000_000) outboxChunkSize!: unknown;
  @IsOptional() @IntRange(1, 1_000_000) journalBatchSize!: unknown;
  @IsOptional() @IntRange(1, 366) factWindowDays!: unknown;
  @IsOptional() @IntRange(0, 100_000_000) reportItemLimit!: unknown;
}

/** `altinn`: secrets (the Altinn 2 API key) are checked for presence only and never echoed. @internal */
export class AltinnSchema {
  @IsOptional()
  @ValidateBy({
    name: 'kobAltinnSystemId',
    validator: {
      validate: (value) => typeof value === 'string' && /^\d{9}_[a-z0-9_]+$/.test(value),
      defaultMessage: () => 'must be a system id {vendorOrgNo}_{name} (9 digits, _, then a-z, 0-9 or _)',
    },
  })
  systemId!: unknown;
  @IsOptional() @IsServiceUrl() redirectUrl!: unknown;
  @IsOptional() @IsNonEmptyString() altinn2ApiKey!: unknown;
  @IsOptional() @IsOrganisationNumber() vendorOrganisasjonsnummer!: unknown;
  @IsOptional() @IsNonEmptyString() systemUserResource!: unknown;
  @IsOptional() @IsNonEmptyString() consentResource!: unknown;
  @IsOptional() @IntRange(1, 1095) consentValidityDays!: unknown;
  @IsOptional() @IntRange(0, 365) warnBeforeDays!: unknown;
}

/** `schedule` without its driver, which the resolver checks. @internal */
export class ScheduleSchema {
  @IsOptional() @IsBooleanValue() enabled!: unknown;
  @IsOptional() @IsCronExpression() cron!: unknown;
  @IsOptional() @IsTimeZone() timezone!: unknown;
  @IsOptional() @IntRange(0, 86_400_000) jitterMs!: unknown;
  @IsOptional() @IntRange(1, 1_000) concurrency!: unknown;
  @IsOptional() @IntRange(0, 3_600_000) shutdownTimeoutMs!: unknown;
}

/** `schedule.driver.bullmq` without its connection, which has its own schema. @internal */
export class BullmqDriverSchema {
  @IsOptional() @IsNonEmptyString() prefix!: unknown;
  @IsOptional()
  @ValidateBy({
    name: 'kobQueueName',
    validator: {
      // BullMQ refuses `:` in queue names (it separates the parts of its Redis keys).
      validate: (value) => typeof value === 'string' && /^[^:\s]{1,100}$/.test(value),
      defaultMessage: () => 'must be 1 to 100 characters without ":" or spaces',
    },
  })
  queueName!: unknown;
  @IsOptional() @IntRange(1, 100) attempts!: unknown;
  @IsOptional() @IntRange(0, 86_400_000) backoffMs!: unknown;
  @IsOptional() @IntRange(0, 1_000_000) keepFailed!: unknown;
}

/** @internal */
export class BullmqConnectionSchema {
  @IsOptional() @IsNonEmptyString() host!: unknown;
  @IsOptional() @IntRange(1, 65_535) port!: unknown;
  @IsOptional() @IsNonEmptyString() url!: unknown;
}

/** @internal */
export const STORE_KINDS = ['sqlite', 'postgres', 'memory'] as const;

/** @internal */
export class SqliteStoreSchema {
  @IsNonEmptyString() path!: unknown;
  @IsOptional() @IsIn(['normal', 'full']) synchronous?: unknown;
  @IsOptional() @IntRange(1, 65_536) cacheSizeMb?: unknown;
}

/** @internal */
export class PostgresStoreSchema {
  @ValidateBy({
    name: 'kobPostgresUrl',
    validator: {
      validate: (value) => typeof value === 'string' && /^postgres(ql)?:\/\/./.test(value),
      defaultMessage: () => 'must be a postgres:// or postgresql:// connection string',
    },
  })
  connectionString!: unknown;
  @IsOptional()
  @ValidateBy({
    name: 'kobSqlIdentifier',
    validator: {
      validate: (value) => typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value),
      defaultMessage: () => 'must be a plain SQL identifier (letters, digits, underscore)',
    },
  })
  schema!: unknown;
}

/** @internal */
export const BUILTIN_JOURNALS = ['memory', 'jsonl', 'hledger'] as const;

/** @internal */
export class BuiltinJournalSchema {
  @OneOf(BUILTIN_JOURNALS) builtin!: unknown;
  @ValidateIf(
    (o: BuiltinJournalSchema) => o.builtin === 'jsonl' || o.builtin === 'hledger' || o.path !== undefined,
  )
  @IsNonEmptyString({ message: 'must be a non-empty path (required for jsonl and hledger)' })
  path!: unknown;
}

/** Roles of `AccountMapping`; any other key in `accounts` is a typo. @internal */
export const ACCOUNT_ROLES = [
  'taxAccountClearing',
  'bank',
  'vatPayable',
  'employerContributionPayable',
  'withholdingPayable',
  'taxPayable',
  'soleTraderPersonalTax',
  'otherPublicDuties',
  'lateInterestExpense',
  'nonDeductibleInterestExpense',
  'refundInterestIncome',
  'feeExpense',
  'vatRecognitionContra',
  'employerContributionExpense',
  'withholdingRecognitionContra',
  'taxExpense',
  'otherPublicDutiesExpense',
] as const;

/** @internal */
export class AccountMappingSchema {
  @IsOptional() @IsLedgerAccount() taxAccountClearing!: unknown;
  @IsOptional() @IsLedgerAccount() bank!: unknown;
  @IsOptional() @IsLedgerAccount() vatPayable!: unknown;
  @IsOptional() @IsLedgerAccount() employerContributionPayable!: unknown;
  @IsOptional() @IsLedgerAccount() withholdingPayable!: unknown;
  @IsOptional() @IsLedgerAccount() taxPayable!: unknown;
  @IsOptional() @IsLedgerAccount() soleTraderPersonalTax!: unknown;
  @IsOptional() @IsLedgerAccount() otherPublicDuties!: unknown;
  @IsOptional() @IsLedgerAccount() lateInterestExpense!: unknown;
  @IsOptional() @IsLedgerAccount() nonDeductibleInterestExpense!: unknown;
  @IsOptional() @IsLedgerAccount() refundInterestIncome!: unknown;
  @IsOptional() @IsLedgerAccount() feeExpense!: unknown;
  @IsOptional() @IsLedgerAccount() vatRecognitionContra!: unknown;
  @IsOptional() @IsLedgerAccount() employerContributionExpense!: unknown;
  @IsOptional() @IsLedgerAccount() withholdingRecognitionContra!: unknown;
  @IsOptional() @IsLedgerAccount() taxExpense!: unknown;
  @IsOptional() @IsLedgerAccount() otherPublicDutiesExpense!: unknown;
  @IsOptional() @IsLedgerAccountRecord() byClaimType!: unknown;
  @IsOptional() @IsLedgerAccountRecord() byClaimGroup!: unknown;
}

/** @internal */
export const RIGHTS_PACKAGES = ['regnskapssystem', 'finans'] as const;

/** Values of `CustomerConfig.recognise`. @internal */
export const RECOGNITION_MODES = ['interest-and-fees', 'all', 'none'] as const;

/** A customer without `access` and `accounts`, which the customer validator checks by shape. @internal */
export class CustomerSchema {
  @ValidateBy({
    name: 'kobCustomerId',
    validator: {
      // eslint-disable-next-line no-control-regex
      validate: (value) => typeof value === 'string' && /^[^\s\u0000-\u001f\u007f]{1,128}$/.test(value),
      defaultMessage: () =>
        'must be a non-empty string of at most 128 characters, without spaces or control characters',
    },
  })
  id!: unknown;
  @IsOrganisationNumber() organisasjonsnummer!: unknown;
  @OneOf(RIGHTS_PACKAGES) rettighetspakke!: unknown;
  @IsCalendarDate() bookingStartDate!: unknown;
  @IsOptional() @IsCronExpression() cron!: unknown;
  @IsOptional() @IsBooleanValue() enabled!: unknown;
  @IsOptional() @IsBooleanValue() hostBooksBankLines!: unknown;
  @IsOptional() @IsPersonNumber() ownerPersonId!: unknown;
  @IsOptional() @OneOf(RECOGNITION_MODES) recognise!: unknown;
}

/** @internal */
export class SystembrukerAccessSchema {
  @IsOptional() @IsNonEmptyString() externalRef!: unknown;
}

/** @internal */
export class ConsentAccessSchema {
  @IsNonEmptyString() consentId!: unknown;
}

/** @internal */
export class Altinn2ConsentAccessSchema {
  @IsNonEmptyString() authorizationCode!: unknown;
}

/** Access types allowed per rights package, and the schema of each. @internal */
export const ACCESS_BY_RIGHTS_PACKAGE: Record<(typeof RIGHTS_PACKAGES)[number], readonly string[]> = {
  regnskapssystem: ['systembruker'],
  finans: ['consent', 'altinn2-consent'],
};

/** @internal */
export const ACCESS_SCHEMAS: Record<string, new () => object> = {
  systembruker: SystembrukerAccessSchema,
  consent: ConsentAccessSchema,
  'altinn2-consent': Altinn2ConsentAccessSchema,
};
