// UTF-16 code units the JSON scanners (lossless-json.ts, plain-number-json.ts) look for.

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
