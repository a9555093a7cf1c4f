import fc from 'fast-check';
import { MalformedJsonError } from '../../errors/kob.error.js';
import { isJsonNumber, jsonNumberText, LosslessJson, parseLosslessJson } from './lossless-json.js';

/** Replaces every number handle by its source text, so a lossless tree can be compared with JSON.parse's. */
function withNumberTexts(json: LosslessJson, v: unknown = json.value): unknown {
  if (json.isNumber(v)) return { n: json.numberText(v) };
  if (Array.isArray(v)) return v.map((x) => withNumberTexts(json, x));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withNumberTexts(json, x)]));
  }
  return v;
}

/** The same, with the numbers as JSON.parse reads them, for comparing values. */
function withNumberValues(json: LosslessJson, v: unknown = json.value): unknown {
  if (json.isNumber(v)) return Number(json.numberText(v));
  if (Array.isArray(v)) return v.map((x) => withNumberValues(json, x));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withNumberValues(json, x)]));
  }
  return v;
}

function malformed(text: string, parse: (t: string) => unknown = parseLosslessJson): MalformedJsonError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof MalformedJsonError) return e;
    throw e;
  }
  throw new Error('expected a MalformedJsonError');
}

describe('parseLosslessJson', () => {
  it('keeps the exact text of every number token', () => {
    const json = parseLosslessJson(
      '{"a": 10000.0, "b": [1000.00, -4595711.75, 0, -0.5, 1e3, 2E-2], "c": 1000}',
    );
    expect(withNumberTexts(json)).toEqual({
      a: { n: '10000.0' },
      b: [{ n: '1000.00' }, { n: '-4595711.75' }, { n: '0' }, { n: '-0.5' }, { n: '1e3' }, { n: '2E-2' }],
      c: { n: '1000' },
    });
  });

  it('leaves strings alone, digits, escaped quotes and backslashes included', () => {
    const json = parseLosslessJson('{"s": "12 \\"34\\" 5", "t": "\\\\", "u": "\\u0001", "k-1": -2}');
    const v = json.value as Record<string, unknown>;
    expect(v.s).toBe('12 "34" 5');
    expect(v.t).toBe('\\');
    expect(v.u).toBe('\u0001');
    expect(json.numberText(v['k-1'])).toBe('-2');
  });

  it('tells numbers from strings that look like numbers', () => {
    const json = parseLosslessJson('{"n": 12.5, "s": "12.5"}');
    const v = json.value as Record<string, unknown>;
    expect(isJsonNumber(v.n)).toBe(true);
    expect(isJsonNumber(v.s)).toBe(false);
    expect(jsonNumberText(json, v.n)).toBe('12.5');
    expect(jsonNumberText(json, v.s)).toBeUndefined();
    expect(json.numberText(99)).toBeUndefined();
  });

  it('accepts a byte-order mark, scalars and bodies without numbers', () => {
    expect(withNumberTexts(parseLosslessJson('\ufeff{"a": 1}'))).toEqual({ a: { n: '1' } });
    expect(parseLosslessJson('"x"').value).toBe('x');
    expect(parseLosslessJson(' null ').value).toBeNull();
    expect(parseLosslessJson('[true, false, {}]').value).toEqual([true, false, {}]);
  });

  it.each([
    ['', 'unexpected end of input at position 0'],
    ['{"a": 01}', 'invalid number at position 7'],
    ['{"a": 1.}', 'invalid number at position 8'],
    ['{"a": -}', 'invalid number at position 7'],
    ['{"a": 1e}', 'invalid number at position 8'],
    ['{"a": 1-2}', 'invalid number at position 7'],
    ['[1 2]', "expected ',' or ']' at position 3"],
    ['{"a": 1,}', 'expected a property name in double quotes at position 8'],
    ['{"a": "x}', 'unterminated string at position 6'],
    ['{"a": tru}', 'unexpected character at position 6'],
    ['{"a": 1} x', 'unexpected data after the JSON value at position 9'],
    ['[1]]', 'unexpected data after the JSON value at position 3'],
    ['{"a" 1}', "expected ':' after property name at position 5"],
    ['["\\x"]', 'invalid escape in string at position 3'],
    ['{"a": .5}', 'unexpected character at position 6'],
    ['{"a": +1}', 'unexpected character at position 6'],
    ['{"a": [1, 2', 'unexpected end of input at position 11'],
  ])('rejects %j: %s', (text, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(malformed(text).message).toBe(`Malformed JSON: ${reason}`);
  });

  it('names a position but never the content of a malformed body', () => {
    const e = malformed('{"partIdentifikator": "04827896468", "x": }');
    expect(e.message).toBe('Malformed JSON: unexpected character at position 42');
    expect(e.message).not.toContain('04827896468');
    expect(e.cause).toBeUndefined();
    expect(e.code).toBe('KOB_MALFORMED_JSON');
  });

  it('has the same tree as JSON.parse for any JSON value, numbers kept as written', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(withNumberValues(parseLosslessJson(text))).toEqual(JSON.parse(text));
      }),
    );
  });

  it('accepts exactly the texts JSON.parse accepts', () => {
    const jsonish = fc.stringMatching(/^[\s{}[\]:,"\\0-9.eE+\-truefalsn]{0,16}$/);
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string(), fc.json()), (text) => {
        let native = true;
        try {
          JSON.parse(text);
        } catch {
          native = false;
        }
        for (const parse of [parseLosslessJson]) {
          let ours = true;
          try {
            parse(text);
          } catch (e) {
            expect(e).toBeInstanceOf(MalformedJsonError);
            ours = false;
          }
          expect(ours).toBe(native);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
