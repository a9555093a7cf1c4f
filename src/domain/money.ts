import { InvalidAmountError } from '../errors/kob.error.js';

/**
 * An amount of money in integer øre (1 krone = 100 øre). Always a safe integer; never a float of kroner.
 * @publicApi
 */
export type Ore = number;

// Optional minus, integer part without superfluous leading zeros, at most two decimals. No exponent, no plus.
const DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;

/**
 * Parses the decimal text of an amount in kroner (`"1234.5"`, `"-10.00"`, `"0"`) exactly into øre.
 * Rejects more than two decimals, exponents, `NaN`, `Infinity`, signs other than a leading minus, and
 * values beyond `Number.MAX_SAFE_INTEGER` øre, with an {@link InvalidAmountError} naming `field`.
 * @publicApi
 */
export function parseOre(text: string, field = 'amount'): Ore {
  const m = DECIMAL.exec(text);
  if (m === null) throw new InvalidAmountError(field, describeBadDecimal(text));
  const [, sign, whole, frac = ''] = m;
  // Build the øre digits as text, then check the range on the text before converting: no float ever
  // holds a fractional krone, and the integer conversion is exact below 2^53.
  const digits = (whole + frac.padEnd(2, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 16 || (digits.length === 16 && digits > String(Number.MAX_SAFE_INTEGER))) {
    throw new InvalidAmountError(field, 'is beyond the safe integer range of øre');
  }
  const ore = Number(digits);
  return sign === '-' && ore !== 0 ? -ore : ore;
}

function describeBadDecimal(text: string): string {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (/^[-+]?\d*\.?\d*[eE]/.test(text)) return `${shown} uses an exponent; amounts must be plain decimals`;
  if (/^-?\d+\.\d{3,}$/.test(text)) return `${shown} has more than two decimals`;
  if (/nan|infinity/i.test(text)) return `${shown} is not a finite number`;
  return `${shown} is not a decimal amount`;
}

/**
 * Converts a JavaScript number that is known to hold a whole number of øre, checking it is a safe integer.
 * @publicApi
 */
export function assertOre(value: number, field = 'amount'): Ore {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidAmountError(field, `${String(value)} is not a safe integer number of øre`);
  }
  return value === 0 ? 0 : value; // folds -0 into 0
}

/** Whole kroner to øre, checking the range. @publicApi */
export function kronerToOre(kroner: number, field = 'amount'): Ore {
  if (!Number.isSafeInteger(kroner)) throw new InvalidAmountError(field, 'kroner must be a safe integer');
  return assertOre(kroner * 100, field);
}

/** a + b, failing rather than losing precision. @publicApi */
export function addOre(a: Ore, b: Ore): Ore {
  // Check the operands too: an unsafe operand (already rounded) can still give a safe-looking sum.
  return assertOre(assertOre(a, 'sum') + assertOre(b, 'sum'), 'sum');
}

/** a - b, failing rather than losing precision. @publicApi */
export function subtractOre(a: Ore, b: Ore): Ore {
  return assertOre(assertOre(a, 'difference') - assertOre(b, 'difference'), 'difference');
}

/** Sum of amounts, exact; throws if any partial sum leaves the safe range. @publicApi */
export function sumOre(values: Iterable<Ore>): Ore {
  let total = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v)) {
      throw new InvalidAmountError('sum', `${String(v)} is not a safe integer number of øre`);
    }
    total += v;
    if (!Number.isSafeInteger(total)) throw new InvalidAmountError('sum', 'exceeds the safe integer range');
  }
  return total === 0 ? 0 : total;
}

/** -a (never -0). @publicApi */
export function negateOre(a: Ore): Ore {
  return a === 0 ? 0 : -a;
}

/** |a|. @publicApi */
export function absOre(a: Ore): Ore {
  return a < 0 ? -a : a;
}

/** -1, 0 or 1, for sorting. @publicApi */
export function compareOre(a: Ore, b: Ore): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits `total` into parts proportional to `weights` without losing or inventing an øre: the parts always
 * sum to `total`. Uses the largest-remainder method with ties going to the earlier weight, so the result is
 * deterministic. Weights are non-negative safe integers (øre amounts, counts or ratios) with a positive sum.
 * @publicApi
 */
export function allocateOre(total: Ore, weights: readonly number[]): Ore[] {
  assertOre(total, 'total');
  if (weights.length === 0) throw new InvalidAmountError('weights', 'must not be empty');
  let weightSum = 0n;
  for (const [i, w] of weights.entries()) {
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new InvalidAmountError(`weights[${i}]`, 'must be a non-negative safe integer');
    }
    weightSum += BigInt(w);
  }
  if (weightSum === 0n) throw new InvalidAmountError('weights', 'must have a positive sum');
  // BigInt keeps total * weight exact even when the product exceeds 2^53.
  const sign = total < 0 ? -1n : 1n;
  const magnitude = BigInt(total) * sign;
  const parts = weights.map((w) => (magnitude * BigInt(w)) / weightSum);
  const remainders = weights.map((w, i) => ({ i, r: (magnitude * BigInt(w)) % weightSum }));
  let left = magnitude - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts.map((p) => {
    const n = Number(p * sign);
    return n === 0 ? 0 : n;
  });
}

/**
 * Formats øre as kroner.
 * - `'nb'` (default): Norwegian style with a space between thousands and a decimal comma: `1 234,56`, `-0,50`.
 * - `'plain'`: machine style with a decimal point and no grouping: `1234.56`, `-0.50`.
 * @publicApi
 */
export function formatOre(ore: Ore, style: 'nb' | 'plain' = 'nb'): string {
  assertOre(ore, 'amount');
  const negative = ore < 0;
  const digits = String(negative ? -ore : ore).padStart(3, '0');
  const whole = digits.slice(0, -2);
  const frac = digits.slice(-2);
  const sign = negative ? '-' : '';
  if (style === 'plain') return `${sign}${whole}.${frac}`;
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${frac}`;
}
