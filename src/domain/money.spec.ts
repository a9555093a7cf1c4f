import fc from 'fast-check';
import { InvalidAmountError } from '../errors/kob.error.js';
import {
  addOre,
  allocateOre,
  assertOre,
  formatOre,
  kronerToOre,
  parseOre,
  subtractOre,
  sumOre,
} from './money.js';

const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991 øre = 90071992547409.91 kr

/** Whole kroner such that any two decimals still fit in the safe øre range. */
const wholeKroner = fc.oneof(
  fc.constantFrom(0n, 1n, 9n, 10n, 999n, 1000n, 90071992547408n),
  fc.bigInt(0n, 1_000_000n),
  fc.bigInt(0n, 90071992547408n),
);

/** Plain decimal text with 0 to 2 decimals, an optional leading minus, and the canonical 'plain' form of it. */
const decimalText = fc
  .record({
    negative: fc.boolean(),
    whole: wholeKroner,
    frac: fc.oneof(fc.constant(''), fc.stringMatching(/^\d$/), fc.stringMatching(/^\d\d$/)),
  })
  .map(({ negative, whole, frac }) => {
    const text = `${negative ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
    const isZero = whole === 0n && /^0*$/.test(frac);
    const canonical = `${negative && !isZero ? '-' : ''}${whole}.${frac.padEnd(2, '0')}`;
    return { text, canonical };
  });

function expectAmountError(fn: () => unknown, field: string): InvalidAmountError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InvalidAmountError);
  const err = caught as InvalidAmountError;
  expect(err.code).toBe('KOB_INVALID_AMOUNT');
  expect(err.field).toBe(field);
  expect(err.message.startsWith(`${field}: `)).toBe(true);
  return err;
}

describe('parseOre / formatOre round trips', () => {
  it('formats any 0-2 decimal text back to its canonical plain form', () => {
    fc.assert(
      fc.property(decimalText, ({ text, canonical }) => {
        expect(formatOre(parseOre(text), 'plain')).toBe(canonical);
      }),
    );
  });

  it('parses the plain and the Norwegian format of every safe øre amount back to the same amount', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (ore) => {
        expect(parseOre(formatOre(ore, 'plain'))).toBe(ore);
        const nb = formatOre(ore, 'nb');
        expect(nb).toMatch(/^-?\d{1,3}( \d{3})*,\d{2}$/);
        expect(parseOre(nb.replace(/ /g, '').replace(',', '.'))).toBe(ore);
      }),
    );
  });

  it('reads the exact øre value of a decimal text without float rounding', () => {
    fc.assert(
      fc.property(decimalText, ({ text }) => {
        const [whole, frac = ''] = text.replace('-', '').split('.');
        const expected = BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0'));
        const ore = parseOre(text);
        expect(Number.isSafeInteger(ore)).toBe(true);
        expect(BigInt(ore)).toBe(text.startsWith('-') ? -expected : expected);
      }),
    );
  });

  it('handles the classic float traps and zero', () => {
    expect(parseOre('0.1')).toBe(10);
    expect(parseOre('0.29')).toBe(29);
    expect(parseOre('1.01')).toBe(101); // 1.01 * 100 === 101.00000000000001
    expect(parseOre('0.07')).toBe(7); // 0.07 * 100 === 7.000000000000001
    expect(parseOre('19.99')).toBe(1999);
    expect(parseOre('10000.0')).toBe(1_000_000);
    expect(parseOre('-1000.5')).toBe(-100_050);
    expect(Object.is(parseOre('-0'), 0)).toBe(true);
    expect(Object.is(parseOre('-0.00'), 0)).toBe(true);
    expect(parseOre('0')).toBe(0);
  });

  it('accepts the edges of the safe range', () => {
    expect(parseOre('90071992547409.91')).toBe(MAX);
    expect(parseOre('-90071992547409.91')).toBe(-MAX);
    expect(formatOre(MAX, 'plain')).toBe('90071992547409.91');
    expect(formatOre(-MAX)).toBe('-90 071 992 547 409,91');
  });
});

describe('parseOre rejects', () => {
  it.each([
    ['more than two decimals', '1.234'],
    ['three zero decimals', '1.000'],
    ['an exponent', '1e5'],
    ['an upper-case exponent', '1E5'],
    ['a negative exponent', '1.5e-2'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['-Infinity', '-Infinity'],
    ['a plus sign', '+1'],
    ['a plus sign with decimals', '+1.00'],
    ['a leading zero', '01'],
    ['leading zeros with decimals', '00.50'],
    ['a negative leading zero', '-01'],
    ['the empty string', ''],
    ['a blank', ' '],
    ['leading whitespace', ' 1'],
    ['trailing whitespace', '1 '],
    ['a tab', '\t1'],
    ['a grouped amount', '1 234,56'],
    ['a decimal comma', '1,50'],
    ['a bare decimal point', '.5'],
    ['a trailing decimal point', '1.'],
    ['a double minus', '--1'],
    ['a minus alone', '-'],
    ['a hexadecimal literal', '0x10'],
    ['numeric separators', '1_000'],
    ['non-ASCII digits', '١٢'],
  ])('%s (%j) with a typed error naming the field', (_label, text) => {
    expectAmountError(() => parseOre(text, '$.krav[0].gjenstaaendeBeloep'), '$.krav[0].gjenstaaendeBeloep');
  });

  it('rejects any decimal with three or more decimals', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?(0|[1-9]\d{0,10})\.\d{3,8}$/), (text) => {
        const err = expectAmountError(() => parseOre(text, 'beloep'), 'beloep');
        expect(err.message).toContain('more than two decimals');
      }),
    );
  });

  it('rejects any exponent form', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,4}(\.\d{1,2})?[eE][-+]?\d{1,3}$/), (text) => {
        const err = expectAmountError(() => parseOre(text), 'amount');
        expect(err.message).toContain('exponent');
      }),
    );
  });

  it('rejects integers with leading zeros', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?0\d{1,12}(\.\d{1,2})?$/), (text) => {
        expectAmountError(() => parseOre(text), 'amount');
      }),
    );
  });

  it('rejects amounts beyond the safe integer range of øre, either sign', () => {
    for (const text of [
      '90071992547409.92',
      '-90071992547409.92',
      '90071992547410',
      '100000000000000000',
      '99999999999999999999.99',
    ]) {
      const err = expectAmountError(() => parseOre(text, 'sum'), 'sum');
      expect(err.message).toContain('safe integer range');
    }
    fc.assert(
      fc.property(fc.bigInt(90071992547410n, 10n ** 30n), fc.boolean(), (whole, negative) => {
        expectAmountError(() => parseOre(`${negative ? '-' : ''}${whole}`), 'amount');
      }),
    );
  });
});

describe('formatOre', () => {
  it.each([
    [123456, 'nb', '1 234,56'],
    [123456, 'plain', '1234.56'],
    [-50, 'nb', '-0,50'],
    [-50, 'plain', '-0.50'],
    [5, 'nb', '0,05'],
    [0, 'nb', '0,00'],
    [-0, 'plain', '0.00'],
    [100, 'plain', '1.00'],
    [99999, 'nb', '999,99'],
    [100000, 'nb', '1 000,00'],
    [-123456789, 'nb', '-1 234 567,89'],
  ] as const)('formats %d øre as %s: %j', (ore, style, expected) => {
    expect(formatOre(ore, style)).toBe(expected);
  });

  it('uses the Norwegian style by default', () => {
    expect(formatOre(123456)).toBe('1 234,56');
  });

  it.each([0.5, NaN, Infinity, MAX + 1])('refuses %p, which is not a safe integer number of øre', (value) => {
    expectAmountError(() => formatOre(value), 'amount');
  });
});

describe('arithmetic never loses an øre', () => {
  it('assertOre accepts safe integers and folds -0 into 0', () => {
    expect(Object.is(assertOre(-0), 0)).toBe(true);
    expect(assertOre(-MAX)).toBe(-MAX);
    expectAmountError(() => assertOre(1.5, 'x'), 'x');
  });

  it('kronerToOre refuses results beyond the safe range', () => {
    expect(kronerToOre(12)).toBe(1200);
    expectAmountError(() => kronerToOre(Math.floor(MAX / 10), 'kroner'), 'kroner');
    expectAmountError(() => kronerToOre(1.5, 'kroner'), 'kroner');
  });

  it('addOre, subtractOre and sumOre are exact within the safe range', () => {
    const safeHalf = fc.integer({ min: -Math.floor(MAX / 2), max: Math.floor(MAX / 2) });
    fc.assert(
      fc.property(safeHalf, safeHalf, (a, b) => {
        expect(BigInt(addOre(a, b))).toBe(BigInt(a) + BigInt(b));
        expect(BigInt(subtractOre(a, b))).toBe(BigInt(a) - BigInt(b));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 }), { maxLength: 50 }), (values) => {
        const exact = values.reduce((s, v) => s + BigInt(v), 0n);
        expect(BigInt(sumOre(values))).toBe(exact);
      }),
    );
  });

  it('fails instead of losing precision', () => {
    expectAmountError(() => addOre(MAX, 1), 'sum');
    expectAmountError(() => subtractOre(-MAX, 1), 'difference');
    expectAmountError(() => sumOre([MAX, 1, -1]), 'sum');
  });

  it('refuses inputs that are not safe integers, even when the total would look safe', () => {
    // 2^53 is not a safe integer (2^53 + 1 rounds to it); -1 + 2^53 happens to be MAX_SAFE_INTEGER.
    expectAmountError(() => sumOre([-1, 2 ** 53]), 'sum');
    expectAmountError(() => sumOre([0.5]), 'sum');
    expectAmountError(() => addOre(-1, 2 ** 53), 'sum');
    expectAmountError(() => subtractOre(2 ** 53, 1), 'difference');
  });
});

describe('allocateOre', () => {
  const total = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.maxSafeInteger());
  const weights = fc
    .array(fc.oneof(fc.nat(1000), fc.maxSafeInteger().map(Math.abs)), { minLength: 1, maxLength: 12 })
    .filter((ws) => ws.some((w) => w > 0));

  it('always sums to the total, and each part is within 1 øre of its exact share', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const parts = allocateOre(t, ws);
        expect(parts).toHaveLength(ws.length);
        expect(parts.reduce((s, p) => s + BigInt(p), 0n)).toBe(BigInt(t));
        const weightSum = ws.reduce((s, w) => s + BigInt(w), 0n);
        for (const [i, p] of parts.entries()) {
          expect(Number.isSafeInteger(p)).toBe(true);
          expect(Object.is(p, -0)).toBe(false);
          // |p - t*w/W| < 1  <=>  |p*W - t*w| < W, checked exactly in BigInt.
          const diff = BigInt(p) * weightSum - BigInt(t) * BigInt(ws[i]);
          expect(diff < 0n ? -diff : diff).toBeLessThan(weightSum);
          if (ws[i] === 0) expect(p).toBe(0);
        }
      }),
    );
  });

  it('is deterministic, gives leftover øre to the largest remainders, ties to the earlier weight', () => {
    expect(allocateOre(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateOre(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocateOre(5, [1, 2])).toEqual([2, 3]);
    expect(allocateOre(10, [0, 3, 0])).toEqual([0, 10, 0]);
    expect(allocateOre(0, [5, 7])).toEqual([0, 0]);
  });

  it.each([
    ['an empty weight list', 100, [], 'weights'],
    ['a negative weight', 100, [1, -1], 'weights[1]'],
    ['a fractional weight', 100, [0.5], 'weights[0]'],
    ['weights summing to zero', 100, [0, 0], 'weights'],
    ['an unsafe total', 2 ** 53, [1], 'total'],
  ])('rejects %s', (_label, t, ws, field) => {
    expectAmountError(() => allocateOre(t as number, ws as number[]), field as string);
  });
});
