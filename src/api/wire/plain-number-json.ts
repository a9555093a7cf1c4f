import {
  BOM,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  CR,
  D0,
  D9,
  DOT,
  LF,
  LOWER_E,
  MINUS,
  PLUS,
  SPACE,
  TAB,
  UPPER_E,
} from './json-chars.js';
import type { JsonDocument } from './lossless-json.js';

/*
 * The fast road of parsing: native `JSON.parse` with binary numbers, taken only when every number token in the
 * body is a plain amount, `-?(0|[1-9]\d{0,12})(\.\d{1,2})?`. For such a token the double's shortest decimal
 * (`String(x)`) is the token itself minus trailing fractional zeros (and minus the sign of a zero), so it reads
 * as the same øre:
 *
 * - such a token has at most 15 significant digits (13 before the point, 2 after), and 10^15 < 2^52: two
 *   decimals of at most 15 significant digits never round to the same double (DBL_DIG = 15), so the double x
 *   nearest to the token determines the token's value;
 * - `String(x)` is the shortest decimal that rounds to x (ECMA-262 Number::toString); the token, normalised,
 *   rounds to x and has at most 15 digits, so the shortest one has at most 15 digits too and, by the above,
 *   the same value, hence the same normalised text; and 0.01 <= |x| < 10^13 (or x = 0), so it is written
 *   without an exponent;
 * - so `fastOre(String(x))` equals `fastOre(token)`, and neither can leave the fast path where the other stays.
 *
 * The guard matters: `0.10000000000000001` parses to the same double as `0.1` and would print as `"0.1"`
 * (10 øre) where the exact reader rejects it; `5.000` would print as `"5"` (500 øre) where the exact reader
 * rejects three decimals; `1e3` would print as `"1000"`. Such bodies, and any body with a number the guard
 * does not like, go through parseLosslessJson unchanged.
 *
 * The guard looks at what starts after every `:`, `,` and `[` (after JSON whitespace) and at the start of the
 * document: every JSON number token starts there. It does not track strings, so it also sees text such as
 * `"Postboks 1166 Sentrum, 0107 Oslo"` (found in the published examples). Text that is not a plain amount is
 * only taken for a number when it could end a JSON value: the run of number characters followed, after
 * whitespace, by `,`, `}`, `]` or the end. Every real number token passes that test, so none goes unchecked;
 * `0107 Oslo` does not, so a postal code in a string does not send the body to the lossless road (the rare
 * string that does, such as `"12:05, 13:10"`, costs time, never correctness). Three `indexOf` passes are
 * cheaper than one character-by-character pass that tracks strings (on a 1 MB `krav` body about 0.9 ms
 * against 1.1 ms; a regular expression needs about 1.5 ms).
 */

/** Most digits before the point of a plain amount: 13, so that øre have at most 15 digits. */
const MAX_WHOLE_DIGITS = 13;

/**
 * A document parsed by native `JSON.parse`, numbers as doubles. {@link JsonDocument.numberText} gives the
 * shortest decimal of the double, which is the source token's value (see the top of this file), not its
 * spelling: `1234.50` gives `"1234.5"`. Only made by {@link parsePlainNumberJson}.
 */
class PlainNumberJson implements JsonDocument {
  constructor(readonly value: unknown) {}

  numberText(v: unknown): string | undefined {
    return typeof v === 'number' ? String(v) : undefined;
  }
}

/**
 * Parses `text` with native `JSON.parse` when every number token in it is a plain amount (see
 * {@link numbersArePlain}); undefined when some number is not, when the text starts with a byte-order mark,
 * or when it is not JSON (parseLosslessJson then gives the error).
 */
export function parsePlainNumberJson(text: string): JsonDocument | undefined {
  if (typeof text !== 'string' || text.charCodeAt(0) === BOM || !numbersArePlain(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return new PlainNumberJson(value);
}

/**
 * True when every JSON number token in `text` is a plain amount `-?(0|[1-9]\d{0,12})(\.\d{1,2})?`. May say
 * false for a body whose strings contain number-like text after `:`, `,` or `[` (harmless: that body is
 * parsed losslessly); never says true for a body with a number token of another form.
 */
export function numbersArePlain(text: string): boolean {
  return (
    plainIfNumber(text, afterWhitespace(text, 0)) &&
    plainAfterEach(text, ':') &&
    plainAfterEach(text, ',') &&
    plainAfterEach(text, '[')
  );
}

/** Every value that starts after an occurrence of `mark` is a plain amount if it is a number at all. */
function plainAfterEach(t: string, mark: string): boolean {
  let i = t.indexOf(mark);
  while (i >= 0) {
    const start = afterWhitespace(t, i + 1);
    if (!plainIfNumber(t, start)) return false;
    i = t.indexOf(mark, start);
  }
  return true;
}

function afterWhitespace(t: string, i: number): number {
  let c = t.charCodeAt(i);
  while (c === SPACE || c === LF || c === CR || c === TAB) c = t.charCodeAt(++i);
  return i;
}

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/**
 * True unless a JSON number token may start at `i` that is not a plain amount (exactly the form `fastOre`
 * accepts).
 */
function plainIfNumber(t: string, i: number): boolean {
  return isPlainOrNotNumber(t, i) || !couldEndValue(t, i);
}

/** True when no number starts at `i`, or a plain amount does. */
function isPlainOrNotNumber(t: string, i: number): boolean {
  let c = t.charCodeAt(i);
  if (c === MINUS) c = t.charCodeAt(++i);
  else if (!isDigit(c)) return true; // not a number
  if (c === D0) c = t.charCodeAt(++i);
  else if (isDigit(c)) {
    const first = i;
    do c = t.charCodeAt(++i);
    while (isDigit(c));
    if (i - first > MAX_WHOLE_DIGITS) return false;
  } else return false; // `-` without a digit
  if (c === DOT) {
    const first = ++i;
    c = t.charCodeAt(i);
    while (isDigit(c)) c = t.charCodeAt(++i);
    if (i === first || i - first > 2) return false;
  }
  // A digit here follows a leading zero (`01`), a dot is a second point, an e/E starts an exponent.
  return !(isDigit(c) || c === DOT || c === LOWER_E || c === UPPER_E);
}

/**
 * True when the number characters from `i` on are followed, after whitespace, by `,`, `}`, `]` or the end of
 * the text, as a JSON number token always is. False means the text at `i` is not a number token of valid JSON
 * (it is inside a string, or the body is not JSON and JSON.parse will say so).
 */
function couldEndValue(t: string, i: number): boolean {
  let c = t.charCodeAt(i);
  while (isDigit(c) || c === MINUS || c === PLUS || c === DOT || c === LOWER_E || c === UPPER_E) {
    c = t.charCodeAt(++i);
  }
  c = t.charCodeAt(afterWhitespace(t, i));
  return c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || Number.isNaN(c);
}
