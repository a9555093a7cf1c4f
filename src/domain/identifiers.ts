import { InvalidIdentifierError } from '../errors/kob.error.js';

// Norwegian identifiers are strings of digits with check digits. They are never parsed as numbers: leading
// zeros are significant and KIDs may be longer than a float holds exactly. All checks work digit by digit.

const ORG_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;
const PERSON_K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const PERSON_K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const ACCOUNT_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

const KID_MIN_LENGTH = 2;
const KID_MAX_LENGTH = 25;

/** Which check-digit algorithm a KID uses. @publicApi */
export type KidCheckMethod = 'mod10' | 'mod11';

/** Kind of an 11-digit national identity number. @publicApi */
export type PersonNumberKind = 'fodselsnummer' | 'd-nummer';

/** What a party identifier (`partIdentifikator`) denotes. @publicApi */
export type PartyKind = 'organisation' | 'person' | 'unknown';

function isDigits(value: unknown, length?: number): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  if (length !== undefined && value.length !== length) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function digitAt(value: string, i: number): number {
  return value.charCodeAt(i) - 48;
}

/**
 * Classic MOD11 check digit over the leading `weights.length` digits of `digits`:
 * 11 - (sum mod 11), where 11 becomes 0. Returns 10 when no digit is possible.
 */
function mod11CheckDigit(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += digitAt(digits, i) * weights[i];
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `a value of type ${value === null ? 'null' : typeof value}`;
  if (value.length > 40) return `a ${value.length}-character value`;
  return JSON.stringify(maskIdentifier(value));
}

// ---------------------------------------------------------------------------------------------------------
// Organisation numbers

/**
 * True when `value` is a 9-digit organisasjonsnummer whose last digit is the MOD11 check digit of the first
 * eight (weights 3,2,7,6,5,4,3,2). Numbers whose check digit would be 10 are never issued, so they are invalid.
 * No rule on the first digit: Tenor test organisations start with 2 or 3.
 * @publicApi
 */
export function isValidOrganisationNumber(value: string): boolean {
  if (!isDigits(value, 9)) return false;
  const check = mod11CheckDigit(value, ORG_WEIGHTS);
  return check !== 10 && check === digitAt(value, 8);
}

/**
 * Returns `value` when it is a valid organisation number, else throws an {@link InvalidIdentifierError}
 * naming `field` (the value is masked in the message).
 * @publicApi
 */
export function assertOrganisationNumber(value: string, field = 'organisasjonsnummer'): string {
  if (!isDigits(value, 9)) {
    throw new InvalidIdentifierError(field, 'organisation number', `${describe(value)} is not 9 digits`);
  }
  if (!isValidOrganisationNumber(value)) {
    throw new InvalidIdentifierError(
      field,
      'organisation number',
      `${describe(value)} fails the MOD11 check`,
    );
  }
  return value;
}

/**
 * Appends the MOD11 check digit to eight digits. Returns `undefined` when the check digit would be 10 (no
 * organisation number has that prefix); throws an {@link InvalidIdentifierError} if `first8` is not 8 digits.
 * @publicApi
 */
export function makeOrganisationNumber(first8: string): string | undefined {
  if (!isDigits(first8, 8)) {
    throw new InvalidIdentifierError('first8', 'organisation number', `${describe(first8)} is not 8 digits`);
  }
  const check = mod11CheckDigit(first8, ORG_WEIGHTS);
  return check === 10 ? undefined : `${first8}${check}`;
}

// ---------------------------------------------------------------------------------------------------------
// Person numbers (fødselsnummer, D-nummer, synthetic test numbers)

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface PersonNumberParts {
  day: number;
  month: number;
  dNumber: boolean;
  synthetic: boolean;
}

/** Decodes the date part, undoing the D-nummer (+40 day) and synthetic/H-number (+40/+80 month) offsets. */
function personNumberParts(value: string): PersonNumberParts | undefined {
  let day = digitAt(value, 0) * 10 + digitAt(value, 1);
  let month = digitAt(value, 2) * 10 + digitAt(value, 3);
  const yy = digitAt(value, 4) * 10 + digitAt(value, 5);
  const dNumber = day > 40;
  if (dNumber) day -= 40;
  let synthetic = false;
  if (month > 80) {
    month -= 80;
    synthetic = true;
  } else if (month > 40) {
    month -= 40;
    synthetic = true;
  }
  if (month < 1 || month > 12 || day < 1) return undefined;
  // The century is not reliably derivable (the individual-number series overlap, and from 2032 they stop
  // encoding it), so 29 February is accepted whenever some century makes the two-digit year a leap year.
  const maxDay = month === 2 && yy % 4 !== 0 ? 28 : DAYS_IN_MONTH[month - 1];
  if (day > maxDay) return undefined;
  return { day, month, dNumber, synthetic };
}

function hasValidPersonCheckDigits(value: string): boolean {
  const k1 = mod11CheckDigit(value, PERSON_K1_WEIGHTS);
  if (k1 === 10 || k1 !== digitAt(value, 9)) return false;
  const k2 = mod11CheckDigit(value, PERSON_K2_WEIGHTS);
  return k2 !== 10 && k2 === digitAt(value, 10);
}

/**
 * True when `value` is an 11-digit fødselsnummer or D-nummer with both MOD11 check digits right
 * (k1 weights 3,7,6,1,8,9,4,5,2; k2 weights 5,4,3,2,7,6,5,4,3,2) and a real calendar day and month.
 *
 * Accepted date encodings: plain `DDMMYY`; D-nummer with 40 added to the day; synthetic test numbers
 * (Skatteetaten Tenor adds 80 to the month, NAV adds 40) and H-numbers (+40 to the month), in any combination
 * with a D-nummer. 29 February is accepted whenever the two-digit year can be a leap year.
 *
 * Skatteetaten changes the rules for numbers issued from 1 January 2032 (folkeregisteret-api-dokumentasjon,
 * "Nytt fødselsnummer fra 2032"): the first check digit k1 may then be any of four values (remainder 0-3 instead
 * of 0), so it effectively becomes part of the individual number, and the individual number no longer tells the
 * century. k2 stays as today. This function still requires both classic MOD11 checks: revisit before 2032.
 * @publicApi
 */
export function isValidPersonNumber(value: string): boolean {
  return isDigits(value, 11) && hasValidPersonCheckDigits(value) && personNumberParts(value) !== undefined;
}

/**
 * `'d-nummer'` when the valid person number has 40 added to its day, `'fodselsnummer'` for other valid
 * numbers (synthetic ones included), `undefined` when it is not a valid person number.
 * @publicApi
 */
export function personNumberKind(value: string): PersonNumberKind | undefined {
  if (!isDigits(value, 11) || !hasValidPersonCheckDigits(value)) return undefined;
  const parts = personNumberParts(value);
  if (parts === undefined) return undefined;
  return parts.dNumber ? 'd-nummer' : 'fodselsnummer';
}

/**
 * True for a valid person number whose month carries a +40 or +80 offset: synthetic test identities (Tenor,
 * NAV) and H-numbers. Real fødselsnumre and D-numre give false.
 * @publicApi
 */
export function isSyntheticPersonNumber(value: string): boolean {
  if (!isDigits(value, 11) || !hasValidPersonCheckDigits(value)) return false;
  return personNumberParts(value)?.synthetic === true;
}

/**
 * Returns `value` when it is a valid person number (see {@link isValidPersonNumber}), else throws an
 * {@link InvalidIdentifierError} naming `field`; the number is masked (`******43210`) in the message.
 * @publicApi
 */
export function assertPersonNumber(value: string, field = 'personnummer'): string {
  const kind = 'person number';
  if (!isDigits(value, 11))
    throw new InvalidIdentifierError(field, kind, `${describe(value)} is not 11 digits`);
  if (!hasValidPersonCheckDigits(value)) {
    throw new InvalidIdentifierError(field, kind, `${describe(value)} fails the MOD11 check`);
  }
  if (personNumberParts(value) === undefined) {
    throw new InvalidIdentifierError(field, kind, `${describe(value)} does not hold a calendar date`);
  }
  return value;
}

/** The century an individual number belongs to for a two-digit year, per the pre-2032 series. */
function centuriesOf(individual: number, yy: number): number[] {
  const centuries: number[] = [];
  if (individual <= 499) centuries.push(1900);
  if (individual >= 500 && individual <= 749 && yy >= 54) centuries.push(1800);
  if (individual >= 500 && yy <= 39) centuries.push(2000);
  if (individual >= 900 && yy >= 40) centuries.push(1900);
  return centuries;
}

/**
 * Builds a person number for a birth date (`YYYY-MM-DD`) and a 3-digit individual number, for test data.
 * `dNumber` adds 40 to the day; `synthetic` adds 80 to the month (Tenor's convention).
 *
 * Returns `undefined` when no number exists: the individual number does not belong to the birth year's series
 * (000-499: 1900-1999; 500-749: 1854-1899; 500-999: 2000-2039; 900-999: 1940-1999), or either check digit
 * would be 10. Throws an {@link InvalidIdentifierError} when `birthDate` is not a real date or `individual`
 * is not 3 digits. Uses the classic (pre-2032) check digits.
 * @publicApi
 */
export function makePersonNumber(
  birthDate: string,
  individual: string,
  opts: { dNumber?: boolean; synthetic?: boolean } = {},
): string | undefined {
  const m = typeof birthDate === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
  const year = m === null ? NaN : Number(m[1]);
  const month = m === null ? NaN : Number(m[2]);
  const day = m === null ? NaN : Number(m[3]);
  if (m === null || !isRealDate(year, month, day)) {
    throw new InvalidIdentifierError('birthDate', 'person number', 'must be a real YYYY-MM-DD date');
  }
  if (!isDigits(individual, 3)) {
    throw new InvalidIdentifierError('individual', 'person number', 'must be 3 digits');
  }
  const yy = year % 100;
  if (!centuriesOf(Number(individual), yy).includes(year - yy)) return undefined;
  const dd = day + (opts.dNumber === true ? 40 : 0);
  const mm = month + (opts.synthetic === true ? 80 : 0);
  const first9 = `${pad2(dd)}${pad2(mm)}${pad2(yy)}${individual}`;
  const k1 = mod11CheckDigit(first9, PERSON_K1_WEIGHTS);
  if (k1 === 10) return undefined;
  const k2 = mod11CheckDigit(`${first9}${k1}`, PERSON_K2_WEIGHTS);
  if (k2 === 10) return undefined;
  return `${first9}${k1}${k2}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const max = month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1];
  return day <= max;
}

/**
 * What a party id denotes: a valid 9-digit organisation number, a valid 11-digit person number, or neither.
 * @publicApi
 */
export function partyKind(id: string): PartyKind {
  if (isValidOrganisationNumber(id)) return 'organisation';
  if (isValidPersonNumber(id)) return 'person';
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------------------
// KID (kundeidentifikasjon, Norwegian payment reference)

/** Luhn: weights 2,1,2,1… from the rightmost body digit, digit sums of the products. */
function kidMod10Check(body: string): string {
  let sum = 0;
  let double = true;
  for (let i = body.length - 1; i >= 0; i--) {
    const d = digitAt(body, i);
    if (double) sum += d < 5 ? d * 2 : d * 2 - 9;
    else sum += d;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

/** MOD11: weights 2..7 cycling from the rightmost body digit; 11 becomes '0', 10 becomes '-'. */
function kidMod11Check(body: string): string {
  let sum = 0;
  let weight = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += digitAt(body, i) * weight;
    weight = weight === 7 ? 2 : weight + 1;
  }
  const check = 11 - (sum % 11);
  return check === 11 ? '0' : check === 10 ? '-' : String(check);
}

function isKidShape(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= KID_MIN_LENGTH &&
    value.length <= KID_MAX_LENGTH &&
    isDigits(value.slice(0, -1)) &&
    /[0-9-]$/.test(value)
  );
}

/**
 * The check method a KID satisfies: `'mod10'` if its last digit is the Luhn check digit, else `'mod11'` if
 * its last character is the MOD11 check (`-` for 10), else `undefined`. About one KID in eleven satisfies
 * both; it is reported as `'mod10'`. The receiving account's KID agreement decides which one is meant.
 * @publicApi
 */
export function kidCheckMethod(value: string): KidCheckMethod | undefined {
  if (!isKidShape(value)) return undefined;
  const body = value.slice(0, -1);
  const last = value.slice(-1);
  if (last !== '-' && kidMod10Check(body) === last) return 'mod10';
  if (kidMod11Check(body) === last) return 'mod11';
  return undefined;
}

/**
 * True when `value` is a KID: 2 to 25 characters, digits with a final check character. With `method`, only
 * that algorithm is accepted; without it, either MOD10 (Luhn) or MOD11 (where a final `-` stands for 10),
 * because Skatteetaten does not document which one its KIDs use. Leading zeros are significant.
 * @publicApi
 */
export function isValidKid(value: string, method?: KidCheckMethod): boolean {
  if (!isKidShape(value)) return false;
  const body = value.slice(0, -1);
  const last = value.slice(-1);
  if (method === 'mod10') return kidMod10Check(body) === last;
  if (method === 'mod11') return kidMod11Check(body) === last;
  return kidMod10Check(body) === last || kidMod11Check(body) === last;
}

/**
 * Appends the check character to a KID body of 1 to 24 digits. MOD11 bodies whose check is 10 get a
 * trailing `-`, so a KID can always be made. Throws an {@link InvalidIdentifierError} for a bad body or method.
 * @publicApi
 */
export function makeKid(body: string, method: KidCheckMethod): string {
  if (!isDigits(body) || body.length > KID_MAX_LENGTH - 1) {
    throw new InvalidIdentifierError('body', 'KID', `${describe(body)} is not 1 to 24 digits`);
  }
  if (method === 'mod10') return body + kidMod10Check(body);
  if (method === 'mod11') return body + kidMod11Check(body);
  throw new InvalidIdentifierError('method', 'KID', 'must be mod10 or mod11');
}

/**
 * Returns `value` when it is a valid KID (either method), else throws an {@link InvalidIdentifierError}
 * naming `field`, with the value masked.
 * @publicApi
 */
export function assertKid(value: string, field = 'kid'): string {
  if (!isKidShape(value)) {
    throw new InvalidIdentifierError(
      field,
      'KID',
      `${describe(value)} is not ${KID_MIN_LENGTH} to ${KID_MAX_LENGTH} digits (a MOD11 KID may end in '-')`,
    );
  }
  if (!isValidKid(value)) {
    throw new InvalidIdentifierError(
      field,
      'KID',
      `${describe(value)} fails both the MOD10 and the MOD11 check`,
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Bank account numbers

/**
 * Removes the separators people write in account numbers (`7694.05.24802`, `7694 05 24802`): dots and
 * whitespace. Other characters are kept, so a value with letters still fails validation.
 * @publicApi
 */
export function normaliseAccountNumber(value: string): string {
  return value.replace(/[.\s]/g, '');
}

/**
 * True when `value` (separators allowed, see {@link normaliseAccountNumber}) is an 11-digit Norwegian account
 * number whose last digit is the MOD11 check of the first ten (weights 5,4,3,2,7,6,5,4,3,2; 10 is invalid).
 * @publicApi
 */
export function isValidAccountNumber(value: string): boolean {
  if (typeof value !== 'string') return false;
  const digits = normaliseAccountNumber(value);
  if (!isDigits(digits, 11)) return false;
  const check = mod11CheckDigit(digits, ACCOUNT_WEIGHTS);
  return check !== 10 && check === digitAt(digits, 10);
}

/**
 * Returns the normalised 11 digits of a valid account number, else throws an {@link InvalidIdentifierError}
 * naming `field`, with the value masked.
 * @publicApi
 */
export function assertAccountNumber(value: string, field = 'kontonummer'): string {
  const digits = typeof value === 'string' ? normaliseAccountNumber(value) : value;
  if (!isDigits(digits, 11)) {
    throw new InvalidIdentifierError(field, 'account number', `${describe(value)} is not 11 digits`);
  }
  if (!isValidAccountNumber(digits)) {
    throw new InvalidIdentifierError(field, 'account number', `${describe(digits)} fails the MOD11 check`);
  }
  return digits;
}

/**
 * Appends the MOD11 check digit to ten digits; `undefined` when it would be 10. Throws an
 * {@link InvalidIdentifierError} when `first10` is not ten digits.
 * @publicApi
 */
export function makeAccountNumber(first10: string): string | undefined {
  if (!isDigits(first10, 10)) {
    throw new InvalidIdentifierError('first10', 'account number', `${describe(first10)} is not 10 digits`);
  }
  const check = mod11CheckDigit(first10, ACCOUNT_WEIGHTS);
  return check === 10 ? undefined : `${first10}${check}`;
}

// ---------------------------------------------------------------------------------------------------------
// Masking

/**
 * Replaces every character but the last `visible` with `*`: `04827896468` -> `******96468`. Values no
 * longer than `visible` are masked entirely, so a short value never shows in full.
 * @publicApi
 */
export function maskIdentifier(value: string, visible = 5): string {
  const keep = Math.max(0, Math.floor(visible));
  if (value.length <= keep) return '*'.repeat(value.length);
  return '*'.repeat(value.length - keep) + value.slice(value.length - keep);
}

// An 11-digit run not touching other digits; also the common `DDMMYY NNNNN` spelling with one space.
const PERSON_NUMBER_CANDIDATE = /(?<!\d)(\d{6}) ?(\d{5})(?!\d)/g;

/**
 * Masks every valid person number (see {@link isValidPersonNumber}) in free text, for log redaction:
 * 11-digit runs not adjacent to other digits, also when written `DDMMYY NNNNN`. Other digit runs
 * (organisation numbers, amounts, longer references) are left as they are.
 * @publicApi
 */
export function maskPersonNumbersInText(text: string): string {
  return text.replace(PERSON_NUMBER_CANDIDATE, (match: string, head: string, tail: string) => {
    const digits = head + tail;
    return isValidPersonNumber(digits) ? maskIdentifier(digits) : match;
  });
}
