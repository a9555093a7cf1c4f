import { MalformedJsonError } from '../../errors/kob.error.js';
import {
  BACKSLASH,
  BOM,
  COLON,
  D0,
  D1,
  D9,
  DOT,
  isDigit,
  isJsonWhitespace,
  isNumberChar,
  LOWER_E,
  MINUS,
  PLUS,
  QUOTE,
  UPPER_E,
} from './json-chars.js';

/*
 * Lossless JSON: `JSON.parse` turns `1234.56` into a binary float, and money must never depend on one.
 *
 * parseLosslessJson makes one linear pass over the text that finds every number token outside strings, checks
 * it against the JSON number grammar, records where it is, and replaces it by its ordinal (`0`, `1`, `2`,
 * ...). Native `JSON.parse` then builds the tree, in which every number is a small integer handle into the
 * token table. A number's exact source text is sliced from the original only when a reader asks for it, so
 * numbers in fields that no schema reads cost nothing beyond the scan.
 *
 * Why ordinals rather than the sentinel strings (`"\u0001<token>"`) first planned: they need no sentinel (so
 * no collision with a body that contains an escaped U+0001), JSON.parse takes its small-integer fast path,
 * and no string is allocated per number. Soundness: a token is replaced only when it is a complete JSON
 * number followed by a character that cannot continue one, so tokens never merge, and a number is swapped for
 * another number in the same place; the rewritten text is valid JSON exactly when the original is.
 *
 * On failure the original text is re-scanned by a small validator to name the position; no part of the body
 * goes into the message.
 */

/**
 * What the wire readers need of a parsed body: the tree, and the decimal text of a number in it.
 * {@link LosslessJson} gives each number's exact source text; the plain-number road (plain-number-json.ts)
 * gives the same value without trailing fractional zeros, and is only read by the fast path.
 */
export interface JsonDocument {
  readonly value: unknown;
  /** The decimal text of a JSON number taken from `value`, or `undefined` for anything else. */
  numberText(v: unknown): string | undefined;
  /**
   * The number as integer øre, when the document can tell without writing its text: exactly what
   * `fastOre(numberText(v))` gives, `undefined` where that is undefined. Optional; readers fall back to the text.
   */
  numberOre?(v: unknown): number | undefined;
}

/**
 * A JSON document parsed without losing number precision. {@link LosslessJson.numberText} gives a number's
 * source text, {@link LosslessJson.isNumber} tells numbers apart. Strings, booleans, `null`, arrays and
 * objects are as `JSON.parse` gives them. Numbers in {@link LosslessJson.value} are opaque handles: never use
 * them as values.
 * @publicApi
 */
export class LosslessJson implements JsonDocument {
  /**
   * @param value the parsed tree
   * @param source the original text
   * @param spans start and end offset in `source` of each number token, two entries per handle
   */
  constructor(
    readonly value: unknown,
    private readonly source: string,
    private readonly spans: readonly number[],
  ) {}

  /** True when `v` is a number handle (that is, a JSON number in the source). */
  isNumber(v: unknown): v is number {
    return typeof v === 'number';
  }

  /** The exact source text of a JSON number, or `undefined` when `v` is not a number handle of this document. */
  numberText(v: unknown): string | undefined {
    if (typeof v !== 'number') return undefined;
    const spans = this.spans;
    const at = v * 2;
    if (!(at >= 0 && at < spans.length) || !Number.isInteger(v)) return undefined;
    return this.source.slice(spans[at], spans[at + 1]);
  }
}

/**
 * True when `value` (taken from {@link LosslessJson.value}) was a JSON number in the source.
 * @publicApi
 */
export function isJsonNumber(value: unknown): value is number {
  return typeof value === 'number';
}

/**
 * The exact source text of a JSON number taken from `json.value`, or `undefined` for anything else.
 * @publicApi
 */
export function jsonNumberText(json: LosslessJson, value: unknown): string | undefined {
  return json.numberText(value);
}

/**
 * Parses JSON text keeping each number's exact source text (see {@link LosslessJson}). A leading byte-order
 * mark is ignored. Invalid JSON throws a {@link MalformedJsonError} that names the position, never the
 * content.
 * @publicApi
 */
export function parseLosslessJson(text: string): LosslessJson {
  if (typeof text !== 'string') throw new MalformedJsonError('the body is not text');
  const n = text.length;
  const start = n > 0 && text.charCodeAt(0) === BOM ? 1 : 0;
  const spans: number[] = [];
  let rewritten = '';
  let copiedUpTo = start;
  let i = start;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i + 1);
      if (i < 0) break; // unterminated: JSON.parse fails below and the validator names the spot
    } else if (c === MINUS || (c >= D0 && c <= D9)) {
      const end = endOfNumber(text, i);
      if (end < 0) throw malformedAt(~end, 'invalid number');
      rewritten += text.slice(copiedUpTo, i) + (spans.length >> 1);
      spans.push(i, end);
      copiedUpTo = i = end;
    } else {
      i++;
    }
  }
  rewritten = spans.length === 0 ? text.slice(start) : rewritten + text.slice(copiedUpTo);
  let value: unknown;
  try {
    value = JSON.parse(rewritten);
  } catch {
    // The engine's message may quote the body, so it is not kept, not even as `cause`.
    throw syntaxError(text, start);
  }
  return new LosslessJson(value, text, spans);
}

function syntaxError(text: string, start: number): MalformedJsonError {
  const found = locateSyntaxError(text, start);
  return found === undefined ? new MalformedJsonError('invalid JSON') : malformedAt(found.at, found.reason);
}

function malformedAt(position: number, reason: string): MalformedJsonError {
  return new MalformedJsonError(`${reason} at position ${position}`);
}

/** Index just past the closing quote of the string whose content starts at `from`, or -1 if unterminated. */
function endOfString(t: string, from: number): number {
  let j = from;
  for (;;) {
    j = t.indexOf('"', j);
    if (j < 0) return -1;
    if (t.charCodeAt(j - 1) !== BACKSLASH) return j + 1;
    let k = j - 1;
    while (t.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j + 1; // an even run of backslashes escapes itself, not the quote
    j++;
  }
}

/**
 * End of the JSON number starting at `i`, or `~position` of the first offending character. The character
 * after the number must not be one that could continue a number, so tokens never run into each other.
 */
function endOfNumber(t: string, i: number): number {
  let j = i;
  if (t.charCodeAt(j) === MINUS) j++;
  let c = t.charCodeAt(j);
  if (c === D0) j++;
  else if (c >= D1 && c <= D9) {
    j++;
    while (isDigit(t.charCodeAt(j))) j++;
  } else return ~j;
  if (t.charCodeAt(j) === DOT) {
    j++;
    if (!isDigit(t.charCodeAt(j))) return ~j;
    while (isDigit(t.charCodeAt(j))) j++;
  }
  c = t.charCodeAt(j);
  if (c === LOWER_E || c === UPPER_E) {
    j++;
    c = t.charCodeAt(j);
    if (c === PLUS || c === MINUS) j++;
    if (!isDigit(t.charCodeAt(j))) return ~j;
    while (isDigit(t.charCodeAt(j))) j++;
  }
  c = t.charCodeAt(j);
  if (isNumberChar(c)) return ~j;
  return j;
}

const ESCAPABLE = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Finds the first syntax error in `t` (only called after JSON.parse failed, so speed does not matter).
 * Iterative, so deeply nested input cannot overflow the stack. Returns undefined if the text is valid JSON.
 */
function locateSyntaxError(t: string, start: number): { at: number; reason: string } | undefined {
  const n = t.length;
  const stack: ('[' | '{')[] = [];
  let i = start;
  const skipWs = (): void => {
    while (i < n && isJsonWhitespace(t.charCodeAt(i))) i++;
  };
  const fail = (reason: string): { at: number; reason: string } => ({
    at: i,
    reason: i >= n ? 'unexpected end of input' : reason,
  });
  // Reads a string at i (which must be a quote); returns an error or undefined.
  const readString = (): { at: number; reason: string } | undefined => {
    if (t.charCodeAt(i) !== QUOTE) return fail('expected a property name in double quotes');
    const open = i;
    i++;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail('unescaped control character in string');
      if (c === BACKSLASH) {
        const e = t[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
            i += 2;
            return fail('invalid unicode escape in string');
          }
          i += 6;
          continue;
        }
        if (e === undefined || !ESCAPABLE.has(e)) {
          i++;
          return fail('invalid escape in string');
        }
        i += 2;
        continue;
      }
      i++;
    }
    return { at: open, reason: 'unterminated string' };
  };
  const readKeyAndColon = (): { at: number; reason: string } | undefined => {
    skipWs();
    const bad = readString();
    if (bad) return bad;
    skipWs();
    if (t.charCodeAt(i) !== COLON) return fail("expected ':' after property name");
    i++;
    return undefined;
  };

  for (;;) {
    // Expecting a value.
    skipWs();
    if (i >= n) return fail('');
    const c = t[i];
    let complete = true;
    if (c === '{' || c === '[') {
      i++;
      skipWs();
      if (t[i] === (c === '{' ? '}' : ']')) i++;
      else {
        stack.push(c);
        complete = false;
        if (c === '{') {
          const bad = readKeyAndColon();
          if (bad) return bad;
        }
      }
    } else if (c === '"') {
      const bad = readString();
      if (bad) return bad;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const end = endOfNumber(t, i);
      if (end < 0) {
        i = ~end;
        return fail('invalid number');
      }
      i = end;
    } else if (t.startsWith('true', i)) i += 4;
    else if (t.startsWith('false', i)) i += 5;
    else if (t.startsWith('null', i)) i += 4;
    else return fail('unexpected character');
    if (!complete) continue;
    // After a complete value: close containers or move to the next element.
    for (;;) {
      skipWs();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? fail('unexpected data after the JSON value') : undefined;
      const d = t[i];
      if (d === ',') {
        i++;
        if (top === '{') {
          const bad = readKeyAndColon();
          if (bad) return bad;
        }
        break;
      }
      if ((top === '[' && d === ']') || (top === '{' && d === '}')) {
        stack.pop();
        i++;
        continue;
      }
      return fail(top === '[' ? "expected ',' or ']'" : "expected ',' or '}'");
    }
  }
}
