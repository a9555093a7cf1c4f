import { ValidateBy, type ValidationOptions } from 'class-validator';
import { validateCronExpression } from 'cron';
import { isIsoDate } from '../domain/dates.js';
import { isValidOrganisationNumber, isValidPersonNumber } from '../domain/identifiers.js';
import { hasMethods, isClassConstructor, isPlainObject } from './options-view.util.js';

// Custom class-validator decorators for the option schemas. Every message describes what is expected and never
// quotes the value: options carry keys, consent codes and person numbers.

function rule(name: string, message: string, test: (value: unknown) => boolean, options?: ValidationOptions) {
  return ValidateBy(
    { name, validator: { validate: (value) => test(value), defaultMessage: () => message } },
    options,
  );
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** https, or http to a loopback host (the sandbox, a local proxy). @internal */
export function isServiceUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return (
    url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname))
  );
}

/** A cron expression the scheduler (the `cron` package) accepts: 5 or 6 fields, or a preset such as `@daily`. @internal */
export function isCronExpression(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '' && validateCronExpression(value).valid;
}

/** An IANA time zone the runtime knows (`Europe/Oslo`). @internal */
export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A ledger account number: four or more digits (NS 4102 accounts and their sub-accounts). @internal */
export function isLedgerAccount(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4,}$/.test(value);
}

/** @internal */
export function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** @internal */
export const IsNonEmptyString = (options?: ValidationOptions) =>
  rule('kobNonEmptyString', 'must be a non-empty string', isNonEmptyString, options);

/** @internal */
export const IsServiceUrl = (options?: ValidationOptions) =>
  rule(
    'kobServiceUrl',
    'must be an https URL (http only for localhost/127.0.0.1/[::1])',
    isServiceUrl,
    options,
  );

/** @internal */
export const IsCronExpression = (options?: ValidationOptions) =>
  rule(
    'kobCron',
    'must be a valid cron expression (5 or 6 fields, e.g. "0 6 * * *")',
    isCronExpression,
    options,
  );

/** @internal */
export const IsTimeZone = (options?: ValidationOptions) =>
  rule('kobTimeZone', 'must be an IANA time zone such as Europe/Oslo', isTimeZone, options);

/** @internal */
export const IsOrganisationNumber = (options?: ValidationOptions) =>
  rule(
    'kobOrganisationNumber',
    'must be a valid organisasjonsnummer (9 digits, MOD11 check digit)',
    (value) => typeof value === 'string' && isValidOrganisationNumber(value),
    options,
  );

/** @internal */
export const IsPersonNumber = (options?: ValidationOptions) =>
  rule(
    'kobPersonNumber',
    'must be a valid fødselsnummer or D-nummer (11 digits, both check digits)',
    (value) => typeof value === 'string' && isValidPersonNumber(value),
    options,
  );

/** @internal */
export const IsCalendarDate = (options?: ValidationOptions) =>
  rule(
    'kobCalendarDate',
    'must be a real calendar date written YYYY-MM-DD',
    (value) => typeof value === 'string' && isIsoDate(value),
    options,
  );

/** @internal */
export const IsLedgerAccount = (options?: ValidationOptions) =>
  rule(
    'kobLedgerAccount',
    'must be a ledger account number of 4 or more digits, as a string',
    isLedgerAccount,
    options,
  );

/** @internal */
export const IsLedgerAccountRecord = (options?: ValidationOptions) =>
  rule(
    'kobLedgerAccountRecord',
    'must map codes to ledger account numbers of 4 or more digits (strings)',
    (value) => isPlainObject(value) && Object.values(value).every(isLedgerAccount),
    options,
  );

/** @internal */
export const IsFunction = (options?: ValidationOptions) =>
  rule('kobFunction', 'must be a function', (value) => typeof value === 'function', options);

/** An adapter instance (or plain object) with `postEntries`, or a class whose instances have it. @internal */
export function isJournalAdapter(value: unknown): boolean {
  if (isClassConstructor(value)) {
    const prototype = (value as { prototype?: Record<string, unknown> }).prototype;
    return typeof prototype?.postEntries === 'function';
  }
  return hasMethods(value, ['postEntries']);
}

/** @internal */
export const IsJournalAdapter = (options?: ValidationOptions) =>
  rule(
    'kobJournalAdapter',
    'must be a JournalAdapter instance or class (with a postEntries method)',
    isJournalAdapter,
    options,
  );

/** @internal */
export const HasMethods = (names: readonly string[], what: string, options?: ValidationOptions) =>
  rule(
    `kobHasMethods:${names.join(',')}`,
    `must be ${what} (with ${names.join(' and ')} methods)`,
    (value) => hasMethods(value, names),
    options,
  );

/** @internal */
export const IsLoggerOption = (options?: ValidationOptions) =>
  rule(
    'kobLogger',
    'must be a Nest LoggerService (log, error and warn methods) or false',
    (value) => value === false || hasMethods(value, ['log', 'error', 'warn']),
    options,
  );
