// UTF-16 code units the JSON scanners (lossless-json.ts, plain-number-json.ts) look for, and the classes of them
// both test.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const MINUS = 0x2d;
export const PLUS = 0x2b;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const DOT = 0x2e;
export const D0 = 0x30;
export const D1 = 0x31;
export const D9 = 0x39;
export const LOWER_E = 0x65;
export const UPPER_E = 0x45;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const SPACE = 0x20;
export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
/** A byte-order mark, which both scanners accept only at the start (and JSON.parse not at all). */
export const BOM = 0xfeff;

/** `0`–`9`. */
export function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/** JSON whitespace: space, tab, line feed, carriage return. */
export function isJsonWhitespace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/** A character that can stand in a JSON number token: a digit, `.`, `e`, `E`, `+` or `-`. */
export function isNumberChar(c: number): boolean {
  return isDigit(c) || c === DOT || c === LOWER_E || c === UPPER_E || c === PLUS || c === MINUS;
}
