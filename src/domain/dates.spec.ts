import fc from 'fast-check';
import { InvalidDateError } from '../errors/kob.error.js';
import {
  addDays,
  addMonths,
  addYears,
  assertIsoDate,
  compareIsoDate,
  daysBetween,
  isIsoDate,
  maxDate,
  minDate,
  parseApiDate,
  todayInTimeZone,
} from './dates.js';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function expectDateError(fn: () => unknown, field: string): InvalidDateError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InvalidDateError);
  const err = caught as InvalidDateError;
  expect(err.code).toBe('KOB_INVALID_DATE');
  expect(err.field).toBe(field);
  expect(err.message.startsWith(`${field}: `)).toBe(true);
  return err;
}

/** Any real date from 1900-01-01 to 2999-12-31, via UTC milliseconds. */
const isoDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2999, 11, 31) / 86_400_000 })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

/** Dates well inside the range, so that a few years of arithmetic stays in it. */
const middleDate = fc
  .integer({ min: Date.UTC(1950, 0, 1) / 86_400_000, max: Date.UTC(2950, 0, 1) / 86_400_000 })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

describe('isIsoDate / assertIsoDate', () => {
  it.each(['2024-02-29', '2000-02-29', '1900-01-01', '2999-12-31', '2023-12-31', '2024-04-30'])(
    'accepts %s',
    (value) => {
      expect(isIsoDate(value)).toBe(true);
      expect(assertIsoDate(value)).toBe(value);
    },
  );

  it.each([
    ['29 Feb in a common year', '2023-02-29'],
    ['29 Feb 1900 (not a leap year)', '1900-02-29'],
    ['29 Feb 2100 (not a leap year)', '2100-02-29'],
    ['31 April', '2024-04-31'],
    ['month 13', '2024-13-01'],
    ['month 00', '2024-00-10'],
    ['day 00', '2024-01-00'],
    ['day 32', '2024-01-32'],
    ['a year before 1900', '1899-12-31'],
    ['a year after 2999', '3000-01-01'],
    ['a one-digit month', '2024-1-01'],
    ['no separators', '20240101'],
    ['slashes', '2024/01/01'],
    ['Norwegian order', '01.01.2024'],
    ['a date-time', '2024-01-01T00:00:00Z'],
    ['leading whitespace', ' 2024-01-01'],
    ['trailing whitespace', '2024-01-01 '],
    ['a sign', '+2024-01-01'],
    ['full-width digits', '２０２４-01-01'],
    ['empty', ''],
  ])('rejects %s (%j) with a typed error naming the field', (_label, value) => {
    expect(isIsoDate(value)).toBe(false);
    expectDateError(
      () => assertIsoDate(value, 'customers[2].bookingStartDate'),
      'customers[2].bookingStartDate',
    );
  });

  it('agrees with the UTC calendar for any year, month and day numbers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1890, max: 3010 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
          const utc = new Date(Date.UTC(y, m - 1, d));
          const real =
            m >= 1 &&
            d >= 1 &&
            y >= 1900 &&
            y <= 2999 &&
            utc.getUTCFullYear() === y &&
            utc.getUTCMonth() === m - 1 &&
            utc.getUTCDate() === d;
          expect(isIsoDate(text)).toBe(real);
        },
      ),
    );
  });

  it('does not crash on non-string input', () => {
    expect(isIsoDate(20240101 as unknown as string)).toBe(false);
    expectDateError(() => assertIsoDate(null as unknown as string), 'date');
  });
});

describe('parseApiDate', () => {
  it.each([
    ['2022-08-28', '2022-08-28'],
    // The date as written in the timestamp's own offset: in UTC this instant is still 5 August.
    ['2017-08-06T00:00:00.000+02:00', '2017-08-06'],
    ['2022-11-02T09:44:14.307Z', '2022-11-02'],
    // In UTC this instant is already 1 January 2023.
    ['2022-12-31T23:30:00-01:00', '2022-12-31'],
    ['2022-11-02T09:44:14Z', '2022-11-02'],
    ['2022-11-02T09:44:14.123456789+14:00', '2022-11-02'],
    ['2024-02-29T23:59:59.999-12:00', '2024-02-29'],
  ])('reads %s as %s', (value, expected) => {
    expect(parseApiDate(value, '$.krav[0].opprettelsesdatoForKrav')).toBe(expected);
  });

  it('takes the calendar date of any well-formed timestamp, whatever its time and offset', () => {
    const time = fc
      .tuple(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
      )
      .map(([h, m, s]) => `${pad(h)}:${pad(m)}:${pad(s)}`);
    const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,9}$/));
    const offset = fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45))
        .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
    );
    fc.assert(
      fc.property(isoDate, time, fraction, offset, (date, t, f, o) => {
        expect(parseApiDate(`${date}T${t}${f}${o}`)).toBe(date);
      }),
    );
  });

  it.each([
    ['hour 24', '2022-11-02T24:00:00Z'],
    ['minute 60', '2022-11-02T09:60:00Z'],
    ['second 60', '2022-11-02T09:44:60Z'],
    ['no offset', '2022-11-02T09:44:14.307'],
    ['no seconds', '2022-11-02T09:44Z'],
    ['a space instead of T', '2022-11-02 09:44:14Z'],
    ['lower-case t and z', '2022-11-02t09:44:14z'],
    ['an offset without colon', '2022-11-02T09:44:14.307+0200'],
    ['an offset beyond 14 hours', '2022-11-02T09:44:14+15:00'],
    ['offset minutes 60', '2022-11-02T09:44:14+01:60'],
    ['an empty fraction', '2022-11-02T09:44:14.Z'],
    ['a fraction of 10 digits', '2022-11-02T09:44:14.1234567890Z'],
    ['an impossible date in a timestamp', '2022-02-30T00:00:00Z'],
    ['the .NET minimum date', '0001-01-01T00:00:00Z'],
    ['trailing text', '2022-11-02T09:44:14Z[Europe/Oslo]'],
    ['Norwegian order', '02.11.2022'],
    ['epoch milliseconds', '1667382254307'],
    ['empty', ''],
  ])('rejects %s (%j) with a typed error naming the field', (_label, value) => {
    expectDateError(
      () => parseApiDate(value, '$.innbetaling[3].innbetalingsdato'),
      '$.innbetaling[3].innbetalingsdato',
    );
  });

  it('rejects non-string input and never echoes a person number', () => {
    expectDateError(() => parseApiDate(undefined as unknown as string), 'date');
    const err = expectDateError(() => parseApiDate('04827896468'), 'date');
    expect(err.message).not.toContain('04827896468');
    expect(err.message).toContain('******96468');
  });
});

describe('addDays / daysBetween', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2023-12-31', 1, '2024-01-01'],
    ['2024-01-01', -1, '2023-12-31'],
    ['2024-03-30', 2, '2024-04-01'], // across the Norwegian switch to summer time
    ['2024-10-26', 2, '2024-10-28'], // and back
    ['2024-01-01', 366, '2025-01-01'],
    ['2024-05-17', 0, '2024-05-17'],
  ])('%s + %d days = %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(n);
  });

  it('is consistent: daysBetween(d, addDays(d, n)) = n and adding back returns d', () => {
    fc.assert(
      fc.property(middleDate, fc.integer({ min: -10_000, max: 10_000 }), (d, n) => {
        const later = addDays(d, n);
        expect(isIsoDate(later)).toBe(true);
        expect(daysBetween(d, later)).toBe(n);
        expect(daysBetween(later, d)).toBe(n === 0 ? 0 : -n);
        expect(addDays(later, -n)).toBe(d);
        expect(compareIsoDate(d, later)).toBe(n === 0 ? 0 : n > 0 ? -1 : 1);
      }),
    );
  });

  it('refuses to leave 1900-2999 and non-integer counts', () => {
    expectDateError(() => addDays('2999-12-31', 1), 'date');
    expectDateError(() => addDays('1900-01-01', -1), 'date');
    expectDateError(() => addDays('2024-01-01', Number.MAX_SAFE_INTEGER), 'date');
    expectDateError(() => addDays('2024-01-01', 1.5), 'days');
    expectDateError(() => addDays('2024-01-01', NaN), 'days');
    expectDateError(() => addDays('2024-02-30', 1), 'date');
    expectDateError(() => daysBetween('2024-01-01', '2024-1-2'), 'b');
    expectDateError(() => daysBetween('x', '2024-01-02'), 'a');
  });
});

describe('addMonths / addYears', () => {
  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2024-05-31', 1, '2024-06-30'],
    ['2024-12-15', 1, '2025-01-15'],
    ['2024-01-15', -1, '2023-12-15'],
    ['2024-01-15', 12, '2025-01-15'],
    ['2024-01-15', -25, '2021-12-15'],
    ['2024-08-31', 0, '2024-08-31'],
  ])('%s + %d months = %s', (date, n, expected) => {
    expect(addMonths(date, n)).toBe(expected);
  });

  it('moves the month index by n and clamps the day to the end of the target month', () => {
    fc.assert(
      fc.property(middleDate, fc.integer({ min: -600, max: 600 }), (d, n) => {
        const r = addMonths(d, n);
        const index = (s: string): number => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7)) - 1;
        expect(index(r) - index(d)).toBe(n);
        const day = Number(d.slice(8));
        const endOfTarget = new Date(Date.UTC(Number(r.slice(0, 4)), Number(r.slice(5, 7)), 0)).getUTCDate();
        expect(Number(r.slice(8))).toBe(Math.min(day, endOfTarget));
      }),
    );
  });

  it.each([
    ['2024-02-29', 1, '2025-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-29', -4, '2020-02-29'],
    ['2000-02-29', 100, '2100-02-28'],
    ['2024-02-29', -100, '1924-02-29'],
    ['2023-06-15', -1, '2022-06-15'],
  ])('%s + %d years = %s', (date, n, expected) => {
    expect(addYears(date, n)).toBe(expected);
  });

  it('refuses to leave 1900-2999 and non-integer counts', () => {
    expectDateError(() => addMonths('2999-12-01', 1), 'date');
    expectDateError(() => addMonths('1900-01-31', -1), 'date');
    expectDateError(() => addMonths('2024-01-01', 0.5), 'months');
    expectDateError(() => addYears('2999-01-01', 1), 'date');
    expectDateError(() => addYears('2024-01-01', Number.MAX_SAFE_INTEGER), 'date');
    expectDateError(() => addYears('2024-01-01', Infinity), 'years');
  });
});

describe('compareIsoDate / minDate / maxDate', () => {
  it('orders like the calendar', () => {
    fc.assert(
      fc.property(isoDate, isoDate, (a, b) => {
        const diff = daysBetween(a, b);
        expect(compareIsoDate(a, b)).toBe(diff > 0 ? -1 : diff < 0 ? 1 : 0);
        expect(compareIsoDate(b, a)).toBe(-compareIsoDate(a, b) || 0);
      }),
    );
  });

  it('picks the earliest and latest date', () => {
    fc.assert(
      fc.property(fc.array(isoDate, { minLength: 1, maxLength: 20 }), (dates) => {
        const sorted = [...dates].sort(compareIsoDate);
        expect(minDate(...dates)).toBe(sorted[0]);
        expect(maxDate(...dates)).toBe(sorted[sorted.length - 1]);
      }),
    );
    expect(minDate('2024-05-01', '2023-12-31', '2024-01-01')).toBe('2023-12-31');
    expect(maxDate('2024-05-01', '2023-12-31', '2024-01-01')).toBe('2024-05-01');
    expect(maxDate('2024-05-01')).toBe('2024-05-01');
  });

  it('rejects an empty list and names the invalid entry', () => {
    expectDateError(() => minDate(), 'dates');
    expectDateError(() => maxDate(), 'dates');
    expectDateError(() => minDate('2024-01-01', '2024-02-30'), 'dates[1]');
    expectDateError(() => maxDate('nope'), 'dates[0]');
  });
});

describe('todayInTimeZone', () => {
  it.each([
    ['2024-03-31T22:30:00Z', 'Europe/Oslo', '2024-04-01'], // 00:30 CEST
    ['2024-03-31T21:59:59Z', 'Europe/Oslo', '2024-03-31'], // 23:59:59 CEST
    ['2024-01-15T22:59:59Z', 'Europe/Oslo', '2024-01-15'], // 23:59:59 CET
    ['2024-01-15T23:00:00Z', 'Europe/Oslo', '2024-01-16'], // 00:00 CET
    ['2024-12-31T23:00:00Z', 'Europe/Oslo', '2025-01-01'],
    ['2024-04-01T03:00:00Z', 'America/New_York', '2024-03-31'],
    ['2024-04-01T03:00:00Z', 'UTC', '2024-04-01'],
    ['2024-03-31T11:00:00Z', 'Pacific/Kiritimati', '2024-04-01'],
  ])('%s is %s in %s', (instant, timeZone, expected) => {
    expect(todayInTimeZone(new Date(instant), timeZone)).toBe(expected);
  });

  it('defaults to Europe/Oslo', () => {
    expect(todayInTimeZone(new Date('2024-01-15T23:00:00Z'))).toBe('2024-01-16');
  });

  // Jest gives each test file its own copy of process.env, so setting TZ here would not reach Node. Instead,
  // make every local-time accessor of Date throw: the functions must get by with UTC and Intl alone.
  it('does not depend on the machine time zone (never reads local time)', () => {
    const localAccessors = [
      'getTimezoneOffset',
      'getFullYear',
      'getMonth',
      'getDate',
      'getDay',
      'getHours',
      'toDateString',
      'toLocaleDateString',
    ] as const;
    const proto = Date.prototype as unknown as Record<string, unknown>;
    const saved = localAccessors.map((name) => [name, proto[name]] as const);
    for (const name of localAccessors) {
      proto[name] = () => {
        throw new Error(`local-time accessor ${name} used`);
      };
    }
    try {
      expect(todayInTimeZone(new Date('2024-03-31T22:30:00Z'))).toBe('2024-04-01');
      expect(addDays('2024-03-30', 2)).toBe('2024-04-01');
      expect(addMonths('2024-10-27', 1)).toBe('2024-11-27');
      expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
      expect(daysBetween('2024-03-31', '2024-10-27')).toBe(210);
      expect(parseApiDate('2017-08-06T00:00:00.000+02:00')).toBe('2017-08-06');
    } finally {
      for (const [name, fn] of saved) proto[name] = fn;
    }
  });

  it('rejects an unknown time zone and an invalid Date', () => {
    expectDateError(() => todayInTimeZone(new Date(), 'Mars/Olympus_Mons'), 'timeZone');
    expectDateError(() => todayInTimeZone(new Date(NaN)), 'now');
  });
});
