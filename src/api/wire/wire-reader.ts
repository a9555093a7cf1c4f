import { InvalidAmountError, InvalidDateError, PayloadValidationError } from '../../errors/kob.error.js';
import type { ValidationIssue } from '../../errors/kob.error.js';
import type { IsoDate } from '../../domain/common.model.js';
import { parseApiDate } from '../../domain/dates.js';
import { parseOre } from '../../domain/money.js';
import type { Ore } from '../../domain/money.js';
import type { JsonDocument, LosslessJson } from './lossless-json.js';

/*
 * A small declarative reader for wire bodies: validates and maps in one pass over a LosslessJson tree,
 * collects every issue with its JSON path, and throws one PayloadValidationError at the end. class-validator
 * would be ten times slower here and knows nothing of lossless numbers.
 *
 * Rules shared by every schema: unknown fields are ignored; `null` counts as absent; a JSON string where a
 * number is expected (or the reverse) is a wrong type; issue messages never repeat a string value from the
 * body (it may be a national identity number), only amounts and dates.
 */

/**
 * Reads one JSON value that is present (not undefined, not null). On a problem it records an issue through
 * `ctx` and returns whatever it has; the caller never sees that value because the read then fails as a whole.
 */
export type Reader<T> = (value: unknown, ctx: ReadContext) => T;

/**
 * One field of an object schema: the names it may appear under (newest first), and whether it must be there.
 */
export interface Field<T, Required extends boolean = boolean> {
  readonly names: readonly string[];
  readonly required: Required;
  readonly read: Reader<T>;
}

/** The record an {@link obj} reader yields: required fields typed `T`, optional ones `T | undefined`. */
export type RecordOf<S extends Record<string, Field<unknown>>> = {
  [K in keyof S]: S[K] extends Field<infer T, infer R> ? (R extends true ? T : T | undefined) : never;
};

/** Mutable state of one read: the document, the current path and the issues found so far. */
export class ReadContext {
  readonly issues: ValidationIssue[] = [];
  private readonly path: (string | number)[] = [];

  constructor(readonly json: LosslessJson) {}

  /** Reads `value` as the child `key` of the current position, keeping the path for issues. */
  at<T>(key: string | number, value: unknown, read: Reader<T>): T {
    // No try/finally: an exception other than an issue ends the whole read, path and all.
    this.path.push(key);
    const result = read(value, this);
    this.path.pop();
    return result;
  }

  /** Records an issue at the current path, or at its child `key`. */
  issue(message: string, key?: string | number): void {
    this.issues.push({ path: this.pathString(key), message });
  }

  /** Records a wrong-type issue without quoting the value. */
  wrongType(expected: string, value: unknown): void {
    this.issue(`expected ${expected}, got ${describeType(value)}`);
  }

  /** The current JSON path, `$.krav[0].kravforfall[1]`, optionally with a child key. */
  pathString(key?: string | number): string {
    let s = '$';
    for (const k of this.path) s += segment(k);
    return key === undefined ? s : s + segment(key);
  }
}

function segment(k: string | number): string {
  if (typeof k === 'number') return `[${k}]`;
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'number':
      return 'a number'; // lossless number handle
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Thrown by a fast-path reader (fast-path.ts) when a body leaves its narrow road: {@link readDocument} then
 * runs the declarative reader, which reports the issues.
 */
export class FastPathMiss extends Error {}

/**
 * Runs `reader` over a whole document. Throws a {@link PayloadValidationError} naming `schema` and listing
 * every issue if anything is missing or wrong. `fast`, when given, is tried first (see fast-path.ts): it
 * either returns what `reader` would return or throws a {@link FastPathMiss}, and then `reader` runs.
 */
export function readDocument<T>(
  schema: string,
  json: LosslessJson,
  reader: Reader<T>,
  fast?: (json: JsonDocument) => T,
): T {
  if (fast !== undefined) {
    try {
      return fast(json);
    } catch (e) {
      if (!(e instanceof FastPathMiss)) throw e;
    }
  }
  const ctx = new ReadContext(json);
  const value = json.value;
  let result: T | undefined;
  if (value === undefined || value === null) ctx.issue('expected an object, got null');
  else result = reader(value, ctx);
  if (ctx.issues.length > 0) throw new PayloadValidationError(schema, ctx.issues);
  return result as T;
}

// -----------------------------------------------------------------------------------------------------------
// Fields

/**
 * A required field. `oldNames` are earlier spellings accepted when the current name is absent (`betaltFra`
 * for `innbetaltFra`); the first name is the one reported when all are missing.
 */
export function req<T>(read: Reader<T>, ...oldNames: string[]): Field<T, true> {
  return { names: oldNames, required: true, read };
}

/** An optional field; see {@link req} for `oldNames`. */
export function opt<T>(read: Reader<T>, ...oldNames: string[]): Field<T, false> {
  return { names: oldNames, required: false, read };
}

/**
 * An object schema. Keys of `fields` are the current wire names; the resulting record uses them too,
 * whichever spelling the body used. Fields not named here are ignored.
 */
export function obj<S extends Record<string, Field<unknown>>>(fields: S): Reader<RecordOf<S>> {
  const keys = Object.keys(fields);
  // Flatten to parallel arrays once, so reading does no per-call allocation beyond the record.
  const names = keys.map((k) => [k, ...fields[k].names]);
  const required = keys.map((k) => fields[k].required);
  const readers = keys.map((k) => fields[k].read);
  const count = keys.length;
  return (value, ctx) => {
    const record: Record<string, unknown> = {};
    if (!isJsonObject(value)) {
      ctx.wrongType('an object', value);
      return record as RecordOf<S>;
    }
    for (let f = 0; f < count; f++) {
      const candidates = names[f];
      let raw: unknown;
      let name = candidates[0];
      for (let a = 0; a < candidates.length; a++) {
        raw = value[candidates[a]];
        if (raw !== undefined && raw !== null) {
          name = candidates[a];
          break;
        }
      }
      if (raw === undefined || raw === null) {
        if (required[f]) ctx.issue('is required', name);
        continue;
      }
      record[keys[f]] = ctx.at(name, raw, readers[f]);
    }
    return record as RecordOf<S>;
  };
}

/** An array whose items are all read by `item`. */
export function arr<T>(item: Reader<T>): Reader<T[]> {
  return (value, ctx) => {
    if (!Array.isArray(value)) {
      ctx.wrongType('an array', value);
      return [];
    }
    const out = new Array<T>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out[i] = ctx.at(i, v, v === undefined || v === null ? nullItem : item) as T;
    }
    return out;
  };
}

const nullItem: Reader<undefined> = (_v, ctx) => {
  ctx.issue('expected an item, got null');
  return undefined;
};

/**
 * Maps what `read` produced. `fn` also runs when issues were found, so it must not assume nested results
 * exist.
 */
export function map<A, B>(read: Reader<A>, fn: (a: A, ctx: ReadContext) => B): Reader<B> {
  return (value, ctx) => fn(read(value, ctx), ctx);
}

// -----------------------------------------------------------------------------------------------------------
// Scalars

/** A JSON string. */
export const str: Reader<string> = (v, ctx) => {
  if (typeof v === 'string') return v;
  ctx.wrongType('a string', v);
  return '';
};

/** A JSON boolean. */
export const bool: Reader<boolean> = (v, ctx) => {
  if (typeof v === 'boolean') return v;
  ctx.wrongType('a boolean', v);
  return false;
};

/**
 * An amount in kroner as a JSON number, read exactly into øre: at most two decimals, no exponent, within the
 * safe integer range. A string holding digits is a wrong type, not an amount.
 */
export const amount: Reader<Ore> = (v, ctx) => {
  const text = ctx.json.numberText(v);
  if (text === undefined) {
    ctx.wrongType('a number', v);
    return 0;
  }
  const ore = fastOre(text);
  if (ore !== undefined) return ore;
  try {
    return parseOre(text);
  } catch (e) {
    if (!(e instanceof InvalidAmountError)) throw e;
    ctx.issue(reasonOf(e));
    return 0;
  }
};

/** A date (`YYYY-MM-DD` or an ISO date-time) as an {@link IsoDate}, through the domain's `parseApiDate`. */
export const date: Reader<IsoDate> = (v, ctx) => {
  if (typeof v !== 'string') {
    ctx.wrongType('a date string', v);
    return '';
  }
  try {
    return parseApiDate(v);
  } catch (e) {
    if (!(e instanceof InvalidDateError)) throw e;
    ctx.issue(reasonOf(e));
    return '';
  }
};

/** The part of an `InvalidAmountError`/`InvalidDateError` message after its own `field: ` prefix. */
function reasonOf(e: InvalidAmountError | InvalidDateError): string {
  const prefix = `${e.field}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/**
 * Exported for the fast path (fast-path.ts). The common case of {@link parseOre} without a regular expression: `-?(0|[1-9]\d*)(\.\d{1,2})?` with at most
 * 13 digits before the point (at most 15 digits of øre, always a safe integer). Anything else returns
 * undefined and goes through `parseOre`, which also produces the error message.
 */
export function fastOre(t: string): Ore | undefined {
  const n = t.length;
  let i = 0;
  let negative = false;
  if (t.charCodeAt(0) === 0x2d) {
    negative = true;
    i = 1;
  }
  const first = t.charCodeAt(i);
  if (first === 0x30) {
    if (i + 1 < n && t.charCodeAt(i + 1) !== 0x2e) return undefined;
  } else if (!(first >= 0x31 && first <= 0x39)) return undefined;
  let ore = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x2e) break;
    if (c < 0x30 || c > 0x39) return undefined;
    ore = ore * 10 + (c - 0x30);
    digits++;
  }
  if (digits > 13) return undefined; // øre would have more than 15 digits
  let decimals = 0;
  if (i < n) {
    i++; // past the point
    decimals = n - i;
    if (decimals < 1 || decimals > 2) return undefined;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return undefined;
      ore = ore * 10 + (c - 0x30);
    }
  }
  if (decimals === 0) ore *= 100;
  else if (decimals === 1) ore *= 10;
  return negative && ore !== 0 ? -ore : ore;
}
