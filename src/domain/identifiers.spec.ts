import fc from 'fast-check';
import { InvalidIdentifierError } from '../errors/kob.error.js';
import {
  assertAccountNumber,
  assertKid,
  assertOrganisationNumber,
  assertPersonNumber,
  isSyntheticPersonNumber,
  isValidAccountNumber,
  isValidKid,
  isValidOrganisationNumber,
  isValidPersonNumber,
  kidCheckMethod,
  makeAccountNumber,
  makeKid,
  makeOrganisationNumber,
  makePersonNumber,
  maskIdentifier,
  maskPersonNumbersInText,
  normaliseAccountNumber,
  partyKind,
  personNumberKind,
} from './identifiers.js';

// ---------------------------------------------------------------------------------------------------------
// Helpers

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Every string that differs from `value` in exactly one digit position. */
function singleDigitChanges(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!/\d/.test(value[i])) continue;
    for (let d = 0; d <= 9; d++) {
      if (String(d) !== value[i]) out.push(value.slice(0, i) + d + value.slice(i + 1));
    }
  }
  return out;
}

/** Every string made by swapping two adjacent, different digits of `value`. */
function adjacentTranspositions(
  value: string,
  skip: (a: string, b: string) => boolean = () => false,
): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < value.length; i++) {
    const a = value[i];
    const b = value[i + 1];
    if (a === b || !/\d/.test(a) || !/\d/.test(b) || skip(a, b)) continue;
    out.push(value.slice(0, i) + b + a + value.slice(i + 2));
  }
  return out;
}

function expectIdentifierError(fn: () => unknown, field: string, kind: string): InvalidIdentifierError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InvalidIdentifierError);
  const err = caught as InvalidIdentifierError;
  expect(err.code).toBe('KOB_INVALID_IDENTIFIER');
  expect(err.field).toBe(field);
  expect(err.kind).toBe(kind);
  expect(err.message.startsWith(`${field}: invalid ${kind}: `)).toBe(true);
  return err;
}

const digits = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

// An independent reference for person-number check digits, used only to build test cases that have right
// check digits but a wrong date (the real-world examples below anchor the algorithm itself).
function withPersonCheckDigits(first9: string): string | undefined {
  const check = (s: string, w: number[]): number => {
    const c = 11 - (w.reduce((sum, wi, i) => sum + wi * Number(s[i]), 0) % 11);
    return c === 11 ? 0 : c;
  };
  const k1 = check(first9, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
  if (k1 === 10) return undefined;
  const k2 = check(first9 + k1, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
  return k2 === 10 ? undefined : `${first9}${k1}${k2}`;
}

/** A number with right check digits for the date part `ddmmyy`, whatever the date means. */
function checkDigitsRightFor(ddmmyy: string): string {
  for (let i = 0; i < 1000; i++) {
    const n = withPersonCheckDigits(ddmmyy + String(i).padStart(3, '0'));
    if (n !== undefined) return n;
  }
  throw new Error(`no individual number works for ${ddmmyy}`);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Individual-number series by birth year, before 2032. */
function individualSeries(year: number): [number, number][] {
  if (year < 1900) return [[500, 749]];
  if (year < 1940) return [[0, 499]];
  if (year < 2000)
    return [
      [0, 499],
      [900, 999],
    ];
  return [[500, 999]];
}

const personNumberInput = fc
  .record({
    year: fc.integer({ min: 1854, max: 2039 }),
    month: fc.integer({ min: 1, max: 12 }),
    dayPick: fc.integer({ min: 1, max: 31 }),
    seriesPick: fc.nat(),
    individualPick: fc.nat(),
    dNumber: fc.boolean(),
    synthetic: fc.boolean(),
  })
  .map(({ year, month, dayPick, seriesPick, individualPick, dNumber, synthetic }) => {
    const series = individualSeries(year);
    const [lo, hi] = series[seriesPick % series.length];
    const day = Math.min(dayPick, daysIn(year, month));
    const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const individual = String(lo + (individualPick % (hi - lo + 1))).padStart(3, '0');
    return { birthDate, individual, dNumber, synthetic };
  });

const validPersonNumber = personNumberInput
  .map((i) => ({ ...i, value: makePersonNumber(i.birthDate, i.individual, i) }))
  .filter((i): i is typeof i & { value: string } => defined(i.value));

const validOrgNumber = digits(8).map(makeOrganisationNumber).filter(defined);
const validAccountNumber = digits(10).map(makeAccountNumber).filter(defined);
const kidMethod = fc.constantFrom('mod10' as const, 'mod11' as const);
const kidBody = fc.oneof(
  digits(1),
  fc.stringMatching(/^\d{1,24}$/),
  digits(24),
  fc.stringMatching(/^0{1,10}\d{1,10}$/),
);

// ---------------------------------------------------------------------------------------------------------

describe('organisation numbers (MOD11, weights 3,2,7,6,5,4,3,2)', () => {
  it.each(['974761076', '313367002', '311851381', '314961900', '314055403', '212201782', '310478717'])(
    'accepts the real-world example %s',
    (value) => {
      expect(isValidOrganisationNumber(value)).toBe(true);
      expect(assertOrganisationNumber(value)).toBe(value);
      expect(partyKind(value)).toBe('organisation');
    },
  );

  it('makes the check digit of known prefixes', () => {
    expect(makeOrganisationNumber('97476107')).toBe('974761076');
    expect(makeOrganisationNumber('12345678')).toBe('123456785');
    expect(makeOrganisationNumber('31496190')).toBe('314961900'); // remainder 0 gives check digit 0
  });

  it('returns undefined for a prefix whose check digit would be 10, and no last digit makes it valid', () => {
    fc.assert(
      fc.property(digits(8), (first8) => {
        const made = makeOrganisationNumber(first8);
        const validEndings = [...'0123456789'].filter((d) => isValidOrganisationNumber(first8 + d));
        expect(validEndings).toEqual(made === undefined ? [] : [made.slice(8)]);
      }),
    );
    // 6 * 2 = 12, remainder 1, check 11 - 1 = 10: no valid organisation number starts 00000006.
    expect(makeOrganisationNumber('00000006')).toBeUndefined();
  });

  it('keeps leading zeros and treats the value as text', () => {
    expect(isValidOrganisationNumber('000000000')).toBe(true); // MOD11 of all zeros is 0
    expect(makeOrganisationNumber('00000000')).toBe('000000000');
    expect(makeOrganisationNumber('00000001')).toBe('000000019');
    expect(isValidOrganisationNumber('00000019')).toBe(false); // not padded: 8 digits
  });

  // Property relied on: every weight (3,2,7,6,5,4,3,2 and 1 for the check digit itself) is non-zero modulo
  // the prime 11, so changing one digit by 1..9 changes the weighted sum modulo 11 and breaks the check.
  it('rejects every single-digit change of a valid number', () => {
    fc.assert(
      fc.property(validOrgNumber, (value) => {
        for (const changed of singleDigitChanges(value))
          expect(isValidOrganisationNumber(changed)).toBe(false);
      }),
    );
  });

  // Adjacent weights (3,2,7,6,5,4,3,2,1) all differ modulo 11, so swapping two adjacent different digits is
  // always detected. (Non-adjacent swaps of positions 1<->7 or 2<->8 share a weight and are not.)
  it('rejects every adjacent transposition of two different digits', () => {
    fc.assert(
      fc.property(validOrgNumber, (value) => {
        for (const swapped of adjacentTranspositions(value))
          expect(isValidOrganisationNumber(swapped)).toBe(false);
      }),
    );
  });

  it.each([
    ['too short', '97476107'],
    ['too long', '9747610760'],
    ['wrong check digit', '974761077'],
    ['spaces', '974 761 076'],
    ['the VAT-register form', 'NO974761076MVA'],
    ['a sign', '-97476107'],
    ['full-width digits', '９７４７６１０７６'],
    ['empty', ''],
  ])('rejects %s (%j) with a typed error naming the field', (_label, value) => {
    expect(isValidOrganisationNumber(value)).toBe(false);
    expect(partyKind(value)).toBe('unknown');
    const err = expectIdentifierError(
      () => assertOrganisationNumber(value, 'customers[0].organisasjonsnummer'),
      'customers[0].organisasjonsnummer',
      'organisation number',
    );
    if (value.length > 5) expect(err.message).not.toContain(value);
  });

  it('rejects non-string input at run time instead of crashing', () => {
    expect(isValidOrganisationNumber(974761076 as unknown as string)).toBe(false);
    expectIdentifierError(
      () => assertOrganisationNumber(null as unknown as string),
      'organisasjonsnummer',
      'organisation number',
    );
  });

  it('makeOrganisationNumber refuses a malformed prefix', () => {
    expectIdentifierError(() => makeOrganisationNumber('1234567'), 'first8', 'organisation number');
    expectIdentifierError(() => makeOrganisationNumber('1234567a'), 'first8', 'organisation number');
  });
});

describe('person numbers (fødselsnummer, D-nummer, synthetic)', () => {
  it.each([
    ['04827896468', 'fodselsnummer', true], // Tenor-style: month 82 = February + 80
    ['13114614453', 'fodselsnummer', false],
    ['02925796975', 'fodselsnummer', true], // month 92 = December + 80
    ['15108695088', 'fodselsnummer', false],
    ['02016126007', 'fodselsnummer', false],
    ['31129956715', 'fodselsnummer', false], // born 1899, individual number 567
  ] as const)('accepts the documented example %s as a %s (synthetic: %s)', (value, kind, synthetic) => {
    expect(isValidPersonNumber(value)).toBe(true);
    expect(personNumberKind(value)).toBe(kind);
    expect(isSyntheticPersonNumber(value)).toBe(synthetic);
    expect(assertPersonNumber(value)).toBe(value);
    expect(partyKind(value)).toBe('person');
  });

  it('recognises D-numbers (day + 40), also synthetic ones (day + 40 and month + 80)', () => {
    const d = makePersonNumber('1985-03-07', '122', { dNumber: true });
    expect(d).toBeDefined();
    expect(d?.slice(0, 6)).toBe('470385');
    expect(personNumberKind(d as string)).toBe('d-nummer');
    expect(isSyntheticPersonNumber(d as string)).toBe(false);

    const sd = makePersonNumber('1985-03-07', '122', { dNumber: true, synthetic: true });
    expect(sd).toBe('47838512239');
    expect(makePersonNumber('1985-03-07', '123', { dNumber: true, synthetic: true })).toBeUndefined(); // k1 = 10
    expect(personNumberKind(sd as string)).toBe('d-nummer');
    expect(isSyntheticPersonNumber(sd as string)).toBe(true);
  });

  it('accepts month + 40 (NAV synthetic numbers, H-numbers) like month + 80', () => {
    const h = checkDigitsRightFor('154446'); // 15 April 1946, month written 44
    expect(isValidPersonNumber(h)).toBe(true);
    expect(isSyntheticPersonNumber(h)).toBe(true);
    expect(personNumberKind(h)).toBe('fodselsnummer');
  });

  it('reproduces known numbers from their parts', () => {
    expect(makePersonNumber('1899-12-31', '567')).toBe('31129956715');
    expect(makePersonNumber('1961-01-02', '260')).toBe('02016126007');
    expect(makePersonNumber('1978-02-04', '964', { synthetic: true })).toBe('04827896468');
    expect(makePersonNumber('1957-12-02', '969', { synthetic: true })).toBe('02925796975');
  });

  it('generates only valid numbers whose date and kind round-trip', () => {
    fc.assert(
      fc.property(validPersonNumber, ({ value, birthDate, dNumber, synthetic }) => {
        expect(value).toMatch(/^\d{11}$/);
        expect(isValidPersonNumber(value)).toBe(true);
        expect(personNumberKind(value)).toBe(dNumber ? 'd-nummer' : 'fodselsnummer');
        expect(isSyntheticPersonNumber(value)).toBe(synthetic);
        const day = Number(value.slice(0, 2)) - (dNumber ? 40 : 0);
        const month = Number(value.slice(2, 4)) - (synthetic ? 80 : 0);
        expect(`${birthDate.slice(2, 4)}-${birthDate.slice(5, 7)}-${birthDate.slice(8)}`).toBe(
          `${value.slice(4, 6)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        );
      }),
    );
  });

  it('makePersonNumber returns undefined only when a check digit would be 10 or the series does not fit', () => {
    fc.assert(
      fc.property(personNumberInput, ({ birthDate, individual, dNumber, synthetic }) => {
        const made = makePersonNumber(birthDate, individual, { dNumber, synthetic });
        const dd = Number(birthDate.slice(8)) + (dNumber ? 40 : 0);
        const mm = Number(birthDate.slice(5, 7)) + (synthetic ? 80 : 0);
        const first9 = `${String(dd).padStart(2, '0')}${String(mm).padStart(2, '0')}${birthDate.slice(2, 4)}${individual}`;
        expect(made).toBe(withPersonCheckDigits(first9));
      }),
    );
    expect(makePersonNumber('1990-05-17', '600')).toBeUndefined(); // 500-749 is 1854-1899 for year 90
    expect(makePersonNumber('2040-01-01', '999')).toBeUndefined(); // no series after 2039
    expect(makePersonNumber('1850-01-01', '600')).toBeUndefined(); // before 1854
  });

  it('makePersonNumber refuses malformed input', () => {
    expectIdentifierError(() => makePersonNumber('1990-02-30', '123'), 'birthDate', 'person number');
    expectIdentifierError(() => makePersonNumber('17.05.1990', '123'), 'birthDate', 'person number');
    expectIdentifierError(() => makePersonNumber('1990-05-17', '12'), 'individual', 'person number');
    expectIdentifierError(() => makePersonNumber('1990-05-17', '12a'), 'individual', 'person number');
  });

  // Property relied on: both check equations have weights that are non-zero modulo 11 (k1: 3,7,6,1,8,9,4,5,2
  // and 1 for k1 itself; k2: 5,4,3,2,7,6,5,4,3,2 and 1 for k2). A change in digits 1-10 breaks the k1
  // equation, a change in digit 11 breaks the k2 equation.
  it('rejects every single-digit change of a valid number', () => {
    fc.assert(
      fc.property(validPersonNumber, ({ value }) => {
        for (const changed of singleDigitChanges(value)) expect(isValidPersonNumber(changed)).toBe(false);
      }),
    );
  });

  // Adjacent k1 weights (3,7,6,1,8,9,4,5,2,1) all differ modulo 11, so swapping adjacent different digits
  // among the first ten breaks k1; swapping k1 and k2 changes k1. Every adjacent transposition is detected.
  it('rejects every adjacent transposition of two different digits', () => {
    fc.assert(
      fc.property(validPersonNumber, ({ value }) => {
        for (const swapped of adjacentTranspositions(value)) expect(isValidPersonNumber(swapped)).toBe(false);
      }),
    );
  });

  it.each([
    ['30 February', '300288'],
    ['29 February in a year no century makes leap', '290201'],
    ['day 00', '000188'],
    ['day 32', '320188'],
    ['D-number day 72 (32 + 40)', '720188'],
    ['month 00', '150088'],
    ['month 13', '151388'],
    ['month 40', '154088'],
    ['month 53 (13 + 40)', '155388'],
    ['month 80', '158088'],
    ['month 93 (13 + 80)', '159388'],
    ['31 April', '310488'],
  ])('rejects %s even with right check digits', (_label, ddmmyy) => {
    const value = checkDigitsRightFor(ddmmyy);
    expect(isValidPersonNumber(value)).toBe(false);
    expect(personNumberKind(value)).toBeUndefined();
    expect(isSyntheticPersonNumber(value)).toBe(false);
    const err = expectIdentifierError(
      () => assertPersonNumber(value, '$.krav[0].partIdentifikator'),
      '$.krav[0].partIdentifikator',
      'person number',
    );
    expect(err.message).toContain('calendar date');
    expect(err.message).not.toContain(value);
  });

  it('accepts 29 February when the two-digit year can be a leap year (including 00 = 2000)', () => {
    expect(isValidPersonNumber(checkDigitsRightFor('290204'))).toBe(true);
    expect(isValidPersonNumber(checkDigitsRightFor('290200'))).toBe(true);
  });

  it('rejects numbers issued with the 2032 rule for k1 (still classic MOD11 only)', () => {
    // From Skatteetaten's "Nytt fødselsnummer fra 2032": k1 computed from remainder 1 instead of 0.
    expect(isValidPersonNumber('30108299939')).toBe(false);
    // The first example there happens to have a classic k1 and stays valid.
    expect(isValidPersonNumber('30108299920')).toBe(true);
  });

  it.each([
    ['a wrong k2', '04827896469'],
    ['a wrong k1', '04827896478'],
    ['10 digits', '0482789646'],
    ['12 digits', '048278964680'],
    ['a space', '048278 96468'],
    ['all zeros', '00000000000'],
    ['letters', '0482789646X'],
    ['empty', ''],
  ])('rejects %s and masks the value in the error', (_label, value) => {
    expect(isValidPersonNumber(value)).toBe(false);
    expect(personNumberKind(value)).toBeUndefined();
    expect(partyKind(value)).toBe('unknown');
    const err = expectIdentifierError(() => assertPersonNumber(value, 'owner'), 'owner', 'person number');
    if (value.length > 5) {
      expect(err.message).not.toContain(value);
      expect(err.message).toContain(maskIdentifier(value));
    }
  });
});

describe('KID', () => {
  it('matches the reference examples for body 1234', () => {
    expect(makeKid('1234', 'mod10')).toBe('12344');
    expect(makeKid('1234', 'mod11')).toBe('12343');
    expect(kidCheckMethod('12344')).toBe('mod10');
    expect(kidCheckMethod('12343')).toBe('mod11');
    expect(isValidKid('12345')).toBe(false);
    expect(kidCheckMethod('12345')).toBeUndefined();
  });

  it('writes a MOD11 check of 10 as a trailing "-", and a remainder of 0 as "0"', () => {
    expect(makeKid('6', 'mod11')).toBe('6-'); // 6*2 = 12, 12 mod 11 = 1, 11 - 1 = 10
    expect(isValidKid('6-')).toBe(true);
    expect(isValidKid('6-', 'mod11')).toBe(true);
    expect(isValidKid('6-', 'mod10')).toBe(false);
    expect(kidCheckMethod('6-')).toBe('mod11');
    expect(makeKid('0', 'mod11')).toBe('00');
    expect(makeKid('28', 'mod11')).toBe('280'); // 8*2 + 2*3 = 22, remainder 0
  });

  it('generated KIDs of 2 to 25 characters are valid with their own method and with either', () => {
    fc.assert(
      fc.property(kidBody, kidMethod, (body, method) => {
        const kid = makeKid(body, method);
        expect(kid.length).toBe(body.length + 1);
        expect(kid.startsWith(body)).toBe(true);
        expect(isValidKid(kid, method)).toBe(true);
        expect(isValidKid(kid)).toBe(true);
        expect(kidCheckMethod(kid)).toBeDefined();
        expect(assertKid(kid)).toBe(kid);
      }),
    );
  });

  it('keeps leading zeros: zero-padding a body does not change its check, and the text is kept', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{1,12}$/),
        fc.integer({ min: 1, max: 12 }),
        kidMethod,
        (body, zeros, method) => {
          const padded = '0'.repeat(zeros) + body;
          expect(makeKid(padded, method)).toBe(padded + makeKid(body, method).slice(-1));
          expect(assertKid(makeKid(padded, method))).toBe(padded + makeKid(body, method).slice(-1));
        },
      ),
    );
    expect(isValidKid('00')).toBe(true);
    expect(isValidKid('0000000000000000000000000')).toBe(true);
    expect(makeKid('000123', 'mod10')).toBe('0001230');
  });

  // Properties relied on, per method. MOD10 (Luhn): doubling maps the digits 0-9 to digit sums 0,2,4,6,8,1,3,
  // 5,7,9, a permutation, so one changed digit always changes the sum modulo 10. MOD11: weights 2..7 and 1 for
  // the check are non-zero modulo 11, and the check characters 0-9 and '-' stand for the 11 residues, so one
  // changed character always breaks the check. Either-method validation has no such guarantee (see below).
  it('rejects every single-digit change under the same method, up to 25 characters', () => {
    fc.assert(
      fc.property(kidBody, kidMethod, (body, method) => {
        const kid = makeKid(body, method);
        for (const changed of singleDigitChanges(kid)) expect(isValidKid(changed, method)).toBe(false);
        if (method === 'mod11' && !kid.endsWith('-')) expect(isValidKid(`${body}-`, 'mod11')).toBe(false);
      }),
    );
  });

  it('documents that with either method a single change can land on a KID valid under the other one', () => {
    expect(isValidKid('12343')).toBe(true); // MOD11
    expect(isValidKid('12344')).toBe(true); // one digit changed: now MOD10-valid
  });

  // MOD10 (Luhn) detects every adjacent transposition except 09 <-> 90. MOD11: adjacent weights differ by 1
  // (or 5 where 7 wraps to 2), never 0 modulo 11, so every adjacent transposition is detected.
  it('detects adjacent transpositions the algorithm guarantees', () => {
    fc.assert(
      fc.property(kidBody, kidMethod, (body, method) => {
        const kid = makeKid(body, method);
        const skip =
          method === 'mod10' ? (a: string, b: string) => a + b === '09' || a + b === '90' : undefined;
        for (const swapped of adjacentTranspositions(kid, skip))
          expect(isValidKid(swapped, method)).toBe(false);
      }),
    );
    // The one Luhn blind spot, shown so the exception above is not hiding something else.
    expect(isValidKid('091', 'mod10')).toBe(true);
    expect(isValidKid('901', 'mod10')).toBe(true);
  });

  it.each([
    ['length 1', '0'],
    ['length 26 with a right check digit', `0${makeKid('1'.repeat(24), 'mod10')}`],
    ['length 26 of zeros', '0'.repeat(26)],
    ['a hyphen inside', '12-3'],
    ['a lone hyphen check on a short body', '-'],
    ['a leading space', ' 12344'],
    ['a trailing space', '12344 '],
    ['letters', '1234A'],
    ['a plus sign', '+12344'],
    ['empty', ''],
    ['a wrong check digit', '12345'],
  ])('rejects %s with a typed error naming the field', (_label, value) => {
    expect(isValidKid(value)).toBe(false);
    expect(kidCheckMethod(value)).toBeUndefined();
    expectIdentifierError(
      () => assertKid(value, '$.betalingsinformasjon.kid'),
      '$.betalingsinformasjon.kid',
      'KID',
    );
  });

  it('accepts 25 characters but not 26', () => {
    const longest = makeKid('9'.repeat(24), 'mod10');
    expect(longest).toHaveLength(25);
    expect(isValidKid(longest)).toBe(true);
    expect(isValidKid(`0${longest}`)).toBe(false); // same check value, but 26 characters
  });

  it('makeKid refuses a malformed body or method', () => {
    expectIdentifierError(() => makeKid('', 'mod10'), 'body', 'KID');
    expectIdentifierError(() => makeKid('1'.repeat(25), 'mod10'), 'body', 'KID');
    expectIdentifierError(() => makeKid('12a', 'mod11'), 'body', 'KID');
    expectIdentifierError(() => makeKid('123', 'mod12' as 'mod10'), 'method', 'KID');
  });
});

describe('bank account numbers (MOD11, weights 5,4,3,2,7,6,5,4,3,2)', () => {
  it("accepts Skatteetaten's accounts, with or without separators", () => {
    for (const value of ['76940524802', '7694.05.24802', '7694 05 24802', '63450624804']) {
      expect(isValidAccountNumber(value)).toBe(true);
    }
    expect(assertAccountNumber('7694.05.24802')).toBe('76940524802');
    expect(normaliseAccountNumber('7694 05 24802')).toBe('76940524802');
    expect(normaliseAccountNumber('7694\u00a005\u00a024802')).toBe('76940524802');
  });

  it('makes the check digit of known prefixes, keeping leading zeros', () => {
    expect(makeAccountNumber('1234567890')).toBe('12345678903');
    expect(makeAccountNumber('7694052480')).toBe('76940524802');
    expect(makeAccountNumber('0000000000')).toBe('00000000000');
    expect(isValidAccountNumber('00000000000')).toBe(true);
  });

  it('returns undefined exactly when no last digit makes the prefix valid', () => {
    fc.assert(
      fc.property(digits(10), (first10) => {
        const made = makeAccountNumber(first10);
        const validEndings = [...'0123456789'].filter((d) => isValidAccountNumber(first10 + d));
        expect(validEndings).toEqual(made === undefined ? [] : [made.slice(10)]);
      }),
    );
  });

  // Weights 5,4,3,2,7,6,5,4,3,2 and 1 for the check digit are non-zero modulo 11 (single changes) and adjacent
  // ones always differ modulo 11 (adjacent transpositions).
  it('rejects every single-digit change and every adjacent transposition', () => {
    fc.assert(
      fc.property(validAccountNumber, (value) => {
        for (const changed of singleDigitChanges(value)) expect(isValidAccountNumber(changed)).toBe(false);
        for (const swapped of adjacentTranspositions(value))
          expect(isValidAccountNumber(swapped)).toBe(false);
      }),
    );
  });

  it.each([
    ['a wrong check digit', '76940524803'],
    ['10 digits', '7694052480'],
    ['12 digits', '769405248020'],
    ['an IBAN', 'NO42 7694 0524 802'],
    ['dashes', '7694-05-24802'],
    ['a masked number', '******24802'],
    ['empty', ''],
  ])('rejects %s with a typed error naming the field', (_label, value) => {
    expect(isValidAccountNumber(value)).toBe(false);
    expectIdentifierError(
      () => assertAccountNumber(value, 'betaltTil.kontonummer'),
      'betaltTil.kontonummer',
      'account number',
    );
  });

  it('makeAccountNumber refuses a malformed prefix', () => {
    expectIdentifierError(() => makeAccountNumber('769405248'), 'first10', 'account number');
  });
});

describe('partyKind', () => {
  it('tells organisations, persons and other ids apart', () => {
    expect(partyKind('212201782')).toBe('organisation');
    expect(partyKind('04827896468')).toBe('person');
    expect(partyKind('212201783')).toBe('unknown');
    expect(partyKind('76940524802')).toBe('unknown'); // a valid account number is not a person number
    expect(partyKind('')).toBe('unknown');
  });
});

describe('masking', () => {
  it.each([
    ['04827896468', 5, '******96468'],
    ['974761076', 5, '****61076'],
    ['12345', 5, '*****'],
    ['1234', 5, '****'],
    ['123456', 5, '*23456'],
    ['04827896468', 0, '***********'],
    ['04827896468', 2, '*********68'],
    ['', 5, ''],
  ])('maskIdentifier(%j, %d) is %j', (value, visible, expected) => {
    expect(maskIdentifier(value, visible)).toBe(expected);
  });

  it('keeps the length and never shows a value in full', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 12 }),
        (value, visible) => {
          const masked = maskIdentifier(value, visible);
          expect(masked).toHaveLength(value.length);
          expect(masked.slice(0, Math.max(1, value.length - visible))).toMatch(/^\*+$/);
        },
      ),
    );
  });

  it('masks person numbers in free text and leaves other numbers alone', () => {
    expect(maskPersonNumbersInText('part 04827896468 har krav')).toBe('part ******96468 har krav');
    expect(maskPersonNumbersInText('owner=13114614453,org=212201782')).toBe(
      'owner=******14453,org=212201782',
    );
    expect(maskPersonNumbersInText('fnr 048278 96468.')).toBe('fnr ******96468.');
    expect(maskPersonNumbersInText('konto 76940524802 beløp 12345678901')).toBe(
      'konto 76940524802 beløp 12345678901',
    );
    expect(maskPersonNumbersInText('kid 1048278964681')).toBe('kid 1048278964681'); // a longer digit run
    expect(maskPersonNumbersInText('')).toBe('');
  });

  it('leaves no generated person number readable in text', () => {
    fc.assert(
      fc.property(
        validPersonNumber,
        fc.string({ unit: fc.constantFrom(' ', 'a', 'ø', ':', '/', '"', '\n'), maxLength: 10 }),
        fc.string({ unit: fc.constantFrom(' ', 'b', '-', ',', '}'), minLength: 1, maxLength: 10 }),
        ({ value }, before, after) => {
          const out = maskPersonNumbersInText(`${before}${value}${after}${value}`);
          expect(out).not.toContain(value);
          expect(out).toBe(`${before}${maskIdentifier(value)}${after}${maskIdentifier(value)}`);
        },
      ),
    );
  });
});
