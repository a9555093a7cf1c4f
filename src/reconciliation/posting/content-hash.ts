import { hash } from 'node:crypto';
import type { JournalEntry, JournalLine } from '../../journal/journal-adapter.interface.js';

/**
 * Canonical JSON: object keys sorted by code unit, `undefined` members left out, no whitespace, arrays in order.
 * Equal data gives equal text whatever order its keys were written in. Non-finite numbers, functions, symbols
 * and bigints are rejected (they have no JSON form).
 * @publicApi
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value))
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

/** Hex sha-256 of a UTF-8 string. @publicApi */
export function sha256Hex(text: string): string {
  // crypto.hash (Node >= 20.12; engines asks for 20.19) is a one-shot digest, about twice as fast as createHash.
  return hash('sha256', text, 'hex');
}

/**
 * The canonical text of what an entry says: `canonicalJson({ date, description, lines })`. Written out by hand
 * for speed (hundreds of thousands of entries per run); a unit test keeps it equal to `canonicalJson`.
 * @publicApi
 */
export function canonicalEntryContent(entry: Pick<JournalEntry, 'date' | 'description' | 'lines'>): string {
  let lines = '';
  for (let i = 0; i < entry.lines.length; i++) {
    if (i > 0) lines += ',';
    lines += canonicalLine(entry.lines[i]);
  }
  return `{"date":${quote(entry.date)},"description":${quote(entry.description)},"lines":[${lines}]}`;
}

// Keys in code-unit order: account, credit, debit, description, kid, reference.
function canonicalLine(line: JournalLine): string {
  let out = `{"account":${quote(line.account)}`;
  if (line.credit !== undefined) out += `,"credit":${number(line.credit)}`;
  if (line.debit !== undefined) out += `,"debit":${number(line.debit)}`;
  if (line.description !== undefined) out += `,"description":${quote(line.description)}`;
  if (line.kid !== undefined) out += `,"kid":${quote(line.kid)}`;
  if (line.reference !== undefined) out += `,"reference":${quote(line.reference)}`;
  return `${out}}`;
}

// What JSON.stringify escapes in a string: the quote, the backslash, control characters and (lone) surrogates
// (any surrogate here, to be safe). Strings without them, nearly all, are quoted as they are.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without the call for the common text that needs no escaping. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function number(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
  // For a finite number JSON.stringify gives what String gives (-0 becomes "0" in both).
  return String(value);
}

/**
 * The content hash the store keeps per key: sha-256 (hex) of {@link canonicalEntryContent}. The key, source and
 * `reverses` are not part of it, so a version of a fact that says the same thing hashes the same.
 * @publicApi
 */
export function entryContentHash(entry: Pick<JournalEntry, 'date' | 'description' | 'lines'>): string {
  return sha256Hex(canonicalEntryContent(entry));
}

/**
 * True when two entries say the same thing: {@link canonicalEntryContent} writes the same text for both, so
 * their {@link entryContentHash} is the same. Compared field by field, without writing or hashing anything.
 * @publicApi
 */
export function sameEntryContent(
  a: Pick<JournalEntry, 'date' | 'description' | 'lines'>,
  b: Pick<JournalEntry, 'date' | 'description' | 'lines'>,
): boolean {
  if (a.date !== b.date || a.description !== b.description || a.lines.length !== b.lines.length) return false;
  for (let i = 0; i < a.lines.length; i++) {
    const x = a.lines[i];
    const y = b.lines[i];
    if (
      x.account !== y.account ||
      !sameNumber(x.debit, y.debit) ||
      !sameNumber(x.credit, y.credit) ||
      x.description !== y.description ||
      x.kid !== y.kid ||
      x.reference !== y.reference
    )
      return false;
  }
  return true;
}

/** Equal as canonical JSON writes them (`String`): -0 and 0 are one number there. */
function sameNumber(a: number | undefined, b: number | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && String(a) === String(b));
}
