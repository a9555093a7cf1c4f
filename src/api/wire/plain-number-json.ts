import {
  BOM,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  DOT,
  isDigit,
  isJsonWhitespace,
  isNumberChar,
  MINUS,
  OPEN_BRACKET,
} from './json-chars.js';
import type { JsonDocument } from './lossless-json.js';

/*
 * The fast road of parsing: native `JSON.parse` with binary numbers, taken only when no number token in the
 * body has an exponent or more than two decimals. Each number is then read back as `String(x)`, and only when
 * |x| < 10^13; so every number the readers get on this road came from a plain amount token,
 * `-?(0|[1-9]\d{0,12})(\.\d{1,2})?`, and its shortest decimal (`String(x)`) is that token minus trailing
 * fractional zeros (and minus the sign of a zero), so it reads as the same øre:
 *
 * - a token without exponent and with at most two decimals whose double is below 10^13 in size has at most 13
 *   digits before the point (10^13 is a double, and rounding is monotonic: a token of 10^13 or more never
 *   rounds below it), so at most 15 significant digits, and 10^15 < 2^52: two decimals of at most 15
 *   significant digits never round to the same double (DBL_DIG = 15), so the double x nearest to the token
 *   determines the token's value;
 * - `String(x)` is the shortest decimal that rounds to x (ECMA-262 Number::toString); the token, normalised,
 *   rounds to x and has at most 15 digits, so the shortest one has at most 15 digits too and, by the above,
 *   the same value, hence the same normalised text; and 0.01 <= |x| < 10^13 (or x = 0), so it is written
 *   without an exponent;
 * - a number of 10^13 or more gives no text ({@link PlainNumberJson.numberText}), so the fast reader gives up
 *   on it and the body goes the lossless road, where the exact reader decides.
 *
 * The fast reader takes an amount without writing that text: `Math.round(x * 100)`
 * ({@link PlainNumberJson.numberOre}) is the same øre, by the bound given there.
 *
 * The guard matters: `0.10000000000000001` parses to the same double as `0.1` and would print as `"0.1"`
 * (10 øre) where the exact reader rejects it; `5.000` would print as `"5"` (500 øre) where the exact reader
 * rejects three decimals; `1e3` would print as `"1000"`. Such bodies, and any body the guard is unsure of, go
 * through parseLosslessJson unchanged.
 *
 * The guard looks for the two marks of such tokens, which are rare in a body: a `.` followed by three digits,
 * and a digit followed by `e` or `E` (found by `indexOf` and by one regular expression, both native scans).
 * It does not track strings. A mark counts only where it could be inside a number token: walking back over
 * digits and points, an optional `-` and JSON whitespace reaches a `:`, `,`, `[` or the start of the text,
 * and walking on over number characters and whitespace reaches a `,`, `}`, `]` or the end, as around every
 * JSON number token. So a date such as `15.03.2025`, a time such as `12:34:56.789Z` or an id such as `A1E5` in
 * a string does not send the body to the lossless road (the rare string that does, such as `"kl: 1.2345, 2"`,
 * costs time, never correctness). On a 1 MB `krav` body this takes about 1 ms; the former check of every
 * value after each `:`, `,` and `[` took about 1.7 ms.
 */

/** Numbers of this size or more are not read on this road (see the top of this file). */
const LIMIT = 1e13;

/** A digit followed by an exponent mark: the only way an exponent appears in a JSON number token. */
const DIGIT_THEN_EXPONENT = /[0-9][eE]/g;

/**
 * A document parsed by native `JSON.parse`, numbers as doubles. {@link JsonDocument.numberText} gives the
 * shortest decimal of the double, which is the source token's value (see the top of this file), not its
 * spelling: `1234.50` gives `"1234.5"`. Only made by {@link parsePlainNumberJson}, and only read by the fast
 * readers, which give up on a number without text.
 */
class PlainNumberJson implements JsonDocument {
  constructor(readonly value: unknown) {}

  /** The number's shortest decimal; undefined for a non-number, and for a number of 10^13 or more in size. */
  numberText(v: unknown): string | undefined {
    return typeof v === 'number' && v < LIMIT && v > -LIMIT ? String(v) : undefined;
  }

  /**
   * The number in øre without its text: `Math.round(v * 100)`. Exact here: the token had at most two decimals
   * (the guard) and |T| < 10^13, so the double v is within |T|·2^-53 of T, the product within another rounding
   * of 100·v, and |round(v·100) - 100·T| <= 2·10^15·2^-53 < 0.23 < 0.5: rounding gives the integer 100·T, a
   * safe integer. `+ 0` turns -0 into 0, as `fastOre("0")` gives it.
   */
  numberOre(v: unknown): number | undefined {
    return typeof v === 'number' && v < LIMIT && v > -LIMIT ? Math.round(v * 100) + 0 : undefined;
  }
}

/**
 * Parses `text` with native `JSON.parse` when no number token in it has an exponent or more than two decimals
 * (see {@link numbersAreShortDecimals}); undefined when some number might, when the text starts with a
 * byte-order mark, or when it is not JSON (parseLosslessJson then gives the error).
 */
export function parsePlainNumberJson(text: string): JsonDocument | undefined {
  if (typeof text !== 'string' || text.charCodeAt(0) === BOM || !numbersAreShortDecimals(text)) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return new PlainNumberJson(value);
}

/**
 * True when no JSON number token in `text` has an exponent or more than two decimals. May say false for a body
 * whose strings hold such marks after a `:`, `,` or `[` (harmless: that body is parsed losslessly); never says
 * true for a body with such a number token.
 */
export function numbersAreShortDecimals(text: string): boolean {
  // A point followed by three digits, in a number token.
  for (let i = text.indexOf('.'); i >= 0; i = text.indexOf('.', i + 1)) {
    if (
      isDigit(text.charCodeAt(i + 1)) &&
      isDigit(text.charCodeAt(i + 2)) &&
      isDigit(text.charCodeAt(i + 3)) &&
      isDigit(text.charCodeAt(i - 1)) &&
      mayBeToken(text, i - 1)
    ) {
      return false;
    }
  }
  // A digit followed by an exponent mark, in a number token.
  const exponent = DIGIT_THEN_EXPONENT;
  exponent.lastIndex = 0;
  for (let m = exponent.exec(text); m !== null; m = exponent.exec(text)) {
    if (mayBeToken(text, m.index)) {
      exponent.lastIndex = 0;
      return false;
    }
  }
  return true;
}

/**
 * True when the number characters around position `i` may be a JSON number token: before them (and an
 * optional `-` and whitespace) comes a `:`, `,`, `[` or the start of the text, and after them (and whitespace)
 * a `,`, `}`, `]` or the end, as around every number token of valid JSON.
 */
function mayBeToken(t: string, i: number): boolean {
  let j = i;
  let c = t.charCodeAt(j);
  while (isDigit(c) || c === DOT) c = t.charCodeAt(--j);
  if (c === MINUS) c = t.charCodeAt(--j);
  while (isJsonWhitespace(c)) c = t.charCodeAt(--j);
  if (!(j < 0 || c === COLON || c === COMMA || c === OPEN_BRACKET)) return false;
  c = t.charCodeAt(i);
  while (isNumberChar(c)) c = t.charCodeAt(++i);
  while (isJsonWhitespace(c)) c = t.charCodeAt(++i);
  return c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || Number.isNaN(c);
}
