import { InvalidDateError } from '../errors/kob.error.js';
import type { IsoDate } from './common.model.js';
import { maskPersonNumbersInText } from './identifiers.js';

// Calendar dates are `YYYY-MM-DD` strings. Arithmetic goes through UTC day numbers (Date.UTC), so the result
// never depends on the machine's time zone or on daylight saving time.

const MIN_YEAR = 1900;
const MAX_YEAR = 2999;
const MS_PER_DAY = 86_400_000;

// RFC 3339 date-time with a mandatory offset, as the API sent in 2022: `2017-08-06T00:00:00.000+02:00`,
// `2022-11-02T09:44:14.307Z`.
const API_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

interface DateParts {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Digit value of the character at `i`, or -1. Dates are read on every claim and instalment of large bodies, so
// this avoids a regex match and three substrings per date.
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function partsOf(value: unknown): DateParts | undefined {
  if (typeof value !== 'string' || value.length !== 10) return undefined;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined; // '-'
  const y0 = digitAt(value, 0);
  const y1 = digitAt(value, 1);
  const y2 = digitAt(value, 2);
  const y3 = digitAt(value, 3);
  const m0 = digitAt(value, 5);
  const m1 = digitAt(value, 6);
  const d0 = digitAt(value, 8);
  const d1 = digitAt(value, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return undefined;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function show(value: unknown): string {
  if (typeof value !== 'string') return `a value of type ${value === null ? 'null' : typeof value}`;
  const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(maskPersonNumbersInText(cut));
}

function requireParts(value: IsoDate, field: string): DateParts {
  const parts = partsOf(value);
  if (parts === undefined) {
    throw new InvalidDateError(
      field,
      `${show(value)} is not a calendar date YYYY-MM-DD (${MIN_YEAR}-${MAX_YEAR})`,
    );
  }
  return parts;
}

function format({ year, month, day }: DateParts): IsoDate {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

function toDayNumber({ year, month, day }: DateParts): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function fromDayNumber(dayNumber: number, field: string): IsoDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  return checkedResult({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, field);
}

function outOfRange(field: string): InvalidDateError {
  return new InvalidDateError(field, `result is outside the supported years ${MIN_YEAR}-${MAX_YEAR}`);
}

function checkedResult(parts: DateParts, field: string): IsoDate {
  if (!Number.isFinite(parts.year) || parts.year < MIN_YEAR || parts.year > MAX_YEAR) throw outOfRange(field);
  return format(parts);
}

function requireCount(n: number, field: string): number {
  if (!Number.isSafeInteger(n)) throw new InvalidDateError(field, `${String(n)} is not an integer`);
  return n;
}

/**
 * True when `value` is a real calendar date written `YYYY-MM-DD` with a year from 1900 to 2999.
 * @publicApi
 */
export function isIsoDate(value: string): value is IsoDate {
  return partsOf(value) !== undefined;
}

/**
 * Returns `value` when it is a calendar date (see {@link isIsoDate}), else throws an {@link InvalidDateError}
 * naming `field`.
 * @publicApi
 */
export function assertIsoDate(value: string, field = 'date'): IsoDate {
  requireParts(value, field);
  return value;
}

/**
 * Reads a date field from the API. Since December 2022 the API sends plain dates (`2022-08-28`); in 2022 it
 * sent date-times with an offset (`2017-08-06T00:00:00.000+02:00`, `2022-11-02T09:44:14.307Z`). For a
 * date-time the whole timestamp is validated, then the calendar date is taken as written, in the timestamp's
 * own offset (not converted to UTC or to the machine's zone). Anything else throws an {@link InvalidDateError}
 * naming `field`.
 * @publicApi
 */
export function parseApiDate(value: string, field = 'date'): IsoDate {
  if (isIsoDate(value)) return value;
  const m = typeof value === 'string' ? API_DATE_TIME.exec(value) : null;
  if (m !== null) {
    const [, date, hh, mi, ss, , offH, offM] = m;
    const timeOk = Number(hh) <= 23 && Number(mi) <= 59 && Number(ss) <= 59;
    const offsetOk = offH === undefined || (Number(offH) <= 14 && Number(offM) <= 59);
    if (timeOk && offsetOk && isIsoDate(date)) return date;
  }
  throw new InvalidDateError(
    field,
    `${show(value)} is neither a date YYYY-MM-DD nor a date-time YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`,
  );
}

/**
 * `date` plus `n` days (negative goes back).
 * @publicApi
 */
export function addDays(date: IsoDate, n: number): IsoDate {
  const parts = requireParts(date, 'date');
  return fromDayNumber(toDayNumber(parts) + requireCount(n, 'days'), 'date');
}

/**
 * `date` plus `n` calendar months; a day past the end of the target month is clamped to its last day
 * (`2024-01-31` + 1 month = `2024-02-29`).
 * @publicApi
 */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const { year, month, day } = requireParts(date, 'date');
  const index = year * 12 + (month - 1) + requireCount(n, 'months');
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  if (y < MIN_YEAR || y > MAX_YEAR) throw outOfRange('date');
  return format({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
}

/**
 * `date` plus `n` years; 29 February becomes 28 February in a year that is not a leap year.
 * @publicApi
 */
export function addYears(date: IsoDate, n: number): IsoDate {
  requireCount(n, 'years');
  // Guards n * 12 against leaving the safe integer range; any such n leaves the supported years anyway.
  if (Math.abs(n) > MAX_YEAR) throw outOfRange('date');
  return addMonths(date, n * 12);
}

/**
 * Orders two dates: -1 if `a` is earlier, 1 if later, 0 if equal. Both must already be valid
 * `YYYY-MM-DD` dates (validated where they entered): for speed this compares the strings.
 * @publicApi
 */
export function compareIsoDate(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whole days from `a` to `b` (positive when `b` is later).
 * @publicApi
 */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(requireParts(b, 'b')) - toDayNumber(requireParts(a, 'a'));
}

/**
 * The earliest of one or more dates. Throws an {@link InvalidDateError} for an empty list or an invalid date.
 * @publicApi
 */
export function minDate(...dates: IsoDate[]): IsoDate {
  return pick(dates, -1);
}

/**
 * The latest of one or more dates. Throws an {@link InvalidDateError} for an empty list or an invalid date.
 * @publicApi
 */
export function maxDate(...dates: IsoDate[]): IsoDate {
  return pick(dates, 1);
}

function pick(dates: readonly IsoDate[], want: -1 | 1): IsoDate {
  if (dates.length === 0) throw new InvalidDateError('dates', 'needs at least one date');
  let best = assertIsoDate(dates[0], 'dates[0]');
  for (let i = 1; i < dates.length; i++) {
    const d = assertIsoDate(dates[i], `dates[${i}]`);
    if (compareIsoDate(d, best) === want) best = d;
  }
  return best;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        calendar: 'gregory',
        numberingSystem: 'latn',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
      });
    } catch {
      throw new InvalidDateError('timeZone', `${JSON.stringify(timeZone)} is not a known IANA time zone`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The calendar date at instant `now` in `timeZone` (default `Europe/Oslo`), via Intl: independent of the
 * machine's time zone. 2024-03-31T22:30Z is `2024-04-01` in Oslo.
 * @publicApi
 */
export function todayInTimeZone(now: Date, timeZone = 'Europe/Oslo'): IsoDate {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InvalidDateError('now', 'is not a valid Date');
  }
  const parts = formatterFor(timeZone).formatToParts(now);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return checkedResult({ year: get('year'), month: get('month'), day: get('day') }, 'now');
}
