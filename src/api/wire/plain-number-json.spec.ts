import fc from 'fast-check';
import { MalformedJsonError, PayloadValidationError } from '../../errors/kob.error.js';
import { parseLosslessJson } from './lossless-json.js';
import { numbersAreShortDecimals, parsePlainNumberJson } from './plain-number-json.js';
import {
  readClaims,
  readClaimsFromJson,
  readOpenClaims,
  readOpenClaimsFromJson,
} from './responses.mapper.js';
import { fastOre } from './wire-reader.js';

/** A `krav` body with one claim whose original amount is written as `amount`. */
function claimsBody(amount: string, extra = ''): string {
  return (
    '{"partIdentifikator":"310334200","periode":{"fraOgMed":"2024-01-01","tilOgMed":"2024-12-31"},' +
    `"skjermet":false,"krav":[{"kravidentifikator":"K1","kravtype":"RESTSKATT","opprinneligBeloep":${amount},` +
    `"gjenstaaendeBeloep":0.00,"kravforfall":[]${extra}}]}`
  );
}

/** What reading `text` gives or throws, through the public reader and through the lossless reader. */
function outcome(read: () => unknown): unknown {
  try {
    return { value: read() };
  } catch (e) {
    if (e instanceof PayloadValidationError) return { error: 'payload', issues: e.issues };
    if (e instanceof MalformedJsonError) return { error: 'malformed', message: e.message };
    throw e;
  }
}

describe('numbersAreShortDecimals (the guard)', () => {
  it.each([
    ['amounts with up to two decimals', '{"a":100.50,"b":100.5,"c":0,"d":0.05,"e":29704.00}'],
    ['negative amounts and negative zero', '{"a":-100.5,"b":-0.01,"c":-0,"d":-0.00,"e":-1234567890123.99}'],
    ['13 digits before the point', '{"a":1234567890123.45,"b":9999999999999}'],
    // Long integers pass the guard; PlainNumberJson.numberText gives them no text (see below).
    ['a 16-digit literal', '{"a":1234567890123456}'],
    ['numbers in arrays and at the top of arrays', '[1.5, 2.25,[3]]'],
    ['JSON whitespace around numbers', '{ "a" :\n\t 1.25 , "b": [ 2 ,\r\n3 ] }'],
    ['a 40-digit KID string', '{"kidnummer":"0000101000000161234567890123456789012345","a":1.5}'],
    ['a date with points inside a string', '{"s":"forfall 15.03.2025, 1.234"}'],
    ['an id with a digit before an E inside a string', '{"id":"A1E5-3e4f","s":"x: A1e5"}'],
    ['a time inside a string', '{"s":"kl. 12:05","t":"12:34:56.789Z"}'],
    ['a top-level plain number', ' 12.5 '],
    ['no numbers at all', '{"a":"x","b":[true,null,{}]}'],
    ['a leading zero (not JSON: JSON.parse refuses it)', '{"a":01}'],
  ])('passes %s', (_what, text) => {
    expect(numbersAreShortDecimals(text)).toBe(true);
  });

  it.each([
    ['17 significant digits that round to 0.1', '{"a":0.10000000000000001}'],
    ['three decimals', '{"a":100.123}'],
    ['three decimals that are trailing zeros (String() would hide them)', '{"a":5.000}'],
    ['an exponent', '{"a":1e3}'],
    ['an upper-case exponent with a sign', '{"a":2E+2}'],
    ['an exponent after a fraction', '{"a":1.5e-2}'],
    ['a negative number with an exponent', '{"a":-15E-1}'],
    ['a bad number after whitespace', '{"a": \n 1.234}'],
    ['a bad number in an array, not first', '[1, 2, 3.333]'],
    ['a bad number first in an array', '[ 1e2]'],
    ['a bad top-level number', ' 1.234'],
    ['a top-level number with an exponent', '1e2 \n'],
    ['a bad number before a closing brace', '{"a":{"b":1.234}}'],
    ['number-like text inside a string after a colon (a harmless false alarm)', '{"s":"kl: 1.2345, 2"}'],
  ])('stops %s', (_what, text) => {
    expect(numbersAreShortDecimals(text)).toBe(false);
  });
});

describe('numbersAreShortDecimals on random documents', () => {
  /** What the guard is for: no exponent, at most two decimals. */
  const SHORT = /^-?\d+(\.\d{1,2})?$/;
  const ws = fc.constantFrom('', '', ' ', '\n  ', '\t', '\r\n');
  const numberToken = fc.oneof(
    fc.constantFrom('0', '-0', '1.5', '100.50', '-2726.59', '29704.00', '1234567890123.45', '0.05'),
    fc.constantFrom('1e3', '5.000', '0.10000000000000001', '12345678901234', '1E+2', '-0.001', '2.5e-1'),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.integer().map(String),
  );
  const stringToken = fc
    .oneof(
      fc.string(),
      fc.constantFrom(
        'Postboks 1166 Sentrum, 0107 Oslo',
        '12:05, 13:10',
        'a:1.234}',
        '[1e5]',
        ', 5.000 ]',
        '15.03.2025',
        'A1E5',
      ),
    )
    .map((v) => JSON.stringify(v));
  const quietString = fc.stringMatching(/^[^:,[\\"]{0,12}$/).map((v) => JSON.stringify(v));
  const documents = (str: fc.Arbitrary<string>) =>
    fc.letrec<{ doc: string }>((tie) => ({
      doc: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        numberToken,
        str,
        fc.constantFrom('true', 'null'),
        fc
          .array(fc.tuple(ws, tie('doc'), ws), { maxLength: 4 })
          .map((items) => `[${items.map(([a, v, b]) => a + v + b).join(',')}]`),
        fc
          .array(fc.tuple(str, ws, tie('doc'), ws), { maxLength: 4 })
          // The member's index leads its key: no duplicate keys, so every number stays in the tree.
          .map(
            (members) =>
              `{${members.map(([k, a, v, b], i) => `${JSON.stringify(i + JSON.parse(k))}${a}:${v}${b}`).join(',')}}`,
          ),
      ),
    })).doc;

  /** The source text of every number token, through the lossless parser. */
  function numberTexts(text: string): string[] {
    const json = parseLosslessJson(text);
    const out: string[] = [];
    const walk = (v: unknown): void => {
      if (json.isNumber(v)) out.push(json.numberText(v)!);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
    };
    walk(json.value);
    return out;
  }

  it('never passes a document that has a number token with an exponent or a third decimal', () => {
    fc.assert(
      fc.property(ws, documents(stringToken), ws, (a, body, b) => {
        const text = a + body + b;
        if (numbersAreShortDecimals(text)) for (const t of numberTexts(text)) expect(t).toMatch(SHORT);
      }),
      { numRuns: 5000 },
    );
  });

  it('is exact when no string holds a `:`, `,` or `[`', () => {
    fc.assert(
      fc.property(ws, documents(quietString), ws, (a, body, b) => {
        const text = a + body + b;
        expect(numbersAreShortDecimals(text)).toBe(numberTexts(text).every((t) => SHORT.test(t)));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('parsePlainNumberJson', () => {
  it('gives the tree of JSON.parse and each number as its shortest decimal', () => {
    const doc = parsePlainNumberJson('{"a":100.50,"b":[-0.00,29704.00],"s":"100.50"}')!;
    const v = doc.value as { a: number; b: number[]; s: string };
    expect(v).toEqual(JSON.parse('{"a":100.50,"b":[-0.00,29704.00],"s":"100.50"}'));
    expect(doc.numberText(v.a)).toBe('100.5');
    expect(doc.numberText(v.b[0])).toBe('0');
    expect(doc.numberText(v.b[1])).toBe('29704');
    expect(doc.numberText(v.s)).toBeUndefined();
  });

  it('declines bodies with other numbers, a byte-order mark, or that are not JSON', () => {
    expect(parsePlainNumberJson('{"a":5.000}')).toBeUndefined();
    expect(parsePlainNumberJson('\ufeff{"a":1}')).toBeUndefined();
    expect(parsePlainNumberJson('{"a":1,}')).toBeUndefined();
    expect(parsePlainNumberJson('')).toBeUndefined();
  });

  it('reads "100.50" and "100.5" as the same øre as the exact text does', () => {
    for (const t of ['100.50', '100.5', '-100.50', '0.05', '0.50', '29704.00', '-0', '-0.00']) {
      const doc = parsePlainNumberJson(`[${t}]`)!;
      expect(fastOre(doc.numberText((doc.value as number[])[0])!)).toBe(fastOre(t));
      expect(doc.numberOre!((doc.value as number[])[0])).toBe(fastOre(t));
    }
  });

  // The soundness argument of plain-number-json.ts, checked: for every token the guard lets through, the
  // double's shortest decimal reads as the same øre as the token.
  const plainToken = fc
    .tuple(
      fc.boolean(),
      fc.oneof(fc.bigInt({ min: 0n, max: 999n }), fc.bigInt({ min: 0n, max: 10n ** 13n - 1n })),
      fc.oneof(
        fc.constant(''),
        fc.integer({ min: 0, max: 9 }).map((d) => `.${d}`),
        fc.integer({ min: 0, max: 99 }).map((c) => `.${String(c).padStart(2, '0')}`),
      ),
    )
    .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}${fraction}`);

  it('reads every plain token as the exact reader does (random tokens)', () => {
    fc.assert(
      fc.property(plainToken, (t) => {
        expect(numbersAreShortDecimals(`[${t}]`)).toBe(true);
        const exact = fastOre(t);
        expect(exact).toBeDefined();
        expect(fastOre(String(JSON.parse(t)))).toBe(exact);
        // And the øre the fast reader takes without the text (toBe: -0 would fail against 0).
        const doc = parsePlainNumberJson(`[${t}]`)!;
        expect(doc.numberOre!((doc.value as number[])[0])).toBe(exact);
      }),
      { numRuns: 20_000 },
    );
  });

  const plainOre = (v: number) => parsePlainNumberJson('0')!.numberOre!(v);

  it('reads every plain token as the exact reader does (all cents at the edges of the range)', () => {
    const wholes = [
      0,
      1,
      9,
      10,
      99,
      2 ** 31,
      2 ** 43,
      2 ** 43 + 1,
      10 ** 12,
      10 ** 13 - 1,
      9007199254740,
      8999999999999,
    ];
    for (const w of wholes) {
      for (let cents = 0; cents < 100; cents++) {
        for (const t of [
          `${w}.${String(cents).padStart(2, '0')}`,
          `-${w}.${String(cents).padStart(2, '0')}`,
        ]) {
          expect(fastOre(String(JSON.parse(t)))).toBe(fastOre(t));
          expect(plainOre(JSON.parse(t) as number)).toBe(fastOre(t));
        }
      }
    }
  });

  it('gives no text for a number of 10^13 or more, so the fast reader gives up on it', () => {
    const doc = parsePlainNumberJson(
      '[12345678901234, -10000000000000, 1000000000000000000000, 9999999999999.99]',
    )!;
    const [a, b, c, d] = doc.value as number[];
    expect(doc.numberText(a)).toBeUndefined();
    expect(doc.numberText(b)).toBeUndefined();
    expect(doc.numberText(c)).toBeUndefined();
    expect(doc.numberText(d)).toBe('9999999999999.99');
    expect([a, b, c].map((v) => doc.numberOre!(v))).toEqual([undefined, undefined, undefined]);
    expect(doc.numberOre!(d)).toBe(999_999_999_999_999);
    expect(doc.numberOre!('1.00')).toBeUndefined();
  });

  // The whole road, guard and numberText together, against the exact reader: any JSON number token at all
  // (exponents, long fractions, long integers), and whatever the road reads from it is what the exact reader
  // reads from the token.
  const anyToken = fc
    .tuple(
      fc.constantFrom('', '-'),
      fc.oneof(
        fc.constant('0'),
        fc.stringMatching(/^[1-9][0-9]{0,20}$/),
        fc.constantFrom('9999999999999', '10000000000000', '8999999999999'),
      ),
      fc.oneof(
        fc.constant(''),
        fc.stringMatching(/^\.[0-9]{1,20}$/),
        fc.constantFrom('.0', '.00', '.000', '.99'),
      ),
      fc.oneof(fc.constant(''), fc.stringMatching(/^[eE][-+]?[0-9]{1,3}$/)),
    )
    .map(([sign, whole, fraction, exponent]) => `${sign}${whole}${fraction}${exponent}`);

  it('reads any number token as the exact reader does, or gives no text (random tokens)', () => {
    fc.assert(
      fc.property(anyToken, (t) => {
        const doc = parsePlainNumberJson(`{"a":${t}}`);
        const text = doc?.numberText((doc.value as { a: unknown }).a);
        const read = text === undefined ? undefined : fastOre(text);
        if (read !== undefined) expect(read).toBe(fastOre(t));
        // A plain amount always stays on the road.
        if (/^-?(0|[1-9]\d{0,12})(\.\d{1,2})?$/.test(t)) expect(read).toBe(fastOre(t));
      }),
      { numRuns: 20_000 },
    );
  });

  it('would be wrong without the guard (why it exists)', () => {
    // The same double, a different reading: the exact reader rejects both texts.
    expect(String(JSON.parse('0.10000000000000001'))).toBe('0.1');
    expect(String(JSON.parse('5.000'))).toBe('5');
    expect(fastOre('0.10000000000000001')).toBeUndefined();
    expect(fastOre('5.000')).toBeUndefined();
  });
});

describe('reading a body through the plain road or the lossless road', () => {
  it.each([
    ['a plain amount', '100.50'],
    ['the same amount without the zero', '100.5'],
    ['a negative amount', '-2726.59'],
    ['a 16-digit literal', '1234567890123456'],
    ['17 digits that round to 0.1', '0.10000000000000001'],
    ['three trailing zeros', '5.000'],
    ['three decimals', '100.123'],
    ['an exponent', '1e3'],
    ['1e21 written out', '1000000000000000000000'],
    ['a string amount', '"100.50"'],
  ])('gives the same result and the same typed error for %s', (_what, amount) => {
    const text = claimsBody(amount);
    const viaText = outcome(() => readClaims(text));
    expect(viaText).toEqual(outcome(() => readClaimsFromJson(parseLosslessJson(text))));
    if (!/^-?\d+(\.\d{1,2})?$/.test(amount)) {
      expect(viaText).toMatchObject({ error: 'payload' });
      expect((viaText as { issues: { path: string }[] }).issues[0].path).toBe('$.krav[0].opprinneligBeloep');
    }
  });

  it('reads 100.50 and 100.5 as 10050 øre', () => {
    expect(readClaims(claimsBody('100.50')).claims[0].originalAmount).toBe(10050);
    expect(readClaims(claimsBody('100.5')).claims[0].originalAmount).toBe(10050);
  });

  it('leaves a long KID string alone: the body still takes the plain road, the KID is kept', () => {
    const kid = '0000101000000161234567890123456789';
    const text = claimsBody(
      '1.5',
      `,"kravforfall":[{"kravforfallsIdentifikator":"F1","opprinneligBeloep":1.5,"gjenstaaendeBeloep":0,` +
        `"betalingsinformasjon":{"kidnummer":"${kid}"}}]`,
    );
    expect(parsePlainNumberJson(text)).toBeDefined();
    const read = readClaims(text);
    expect(read).toEqual(readClaimsFromJson(parseLosslessJson(text)));
    expect(read.claims[0].instalments[0].paymentDetails.kid).toBe(kid);
  });

  it('gives the same wrong-field errors as before', () => {
    const text =
      '{"partIdentifikator":"1","periode":{"fraOgMed":"2024-01-01"},"krav":[{"kravidentifikator":7}]}';
    expect(outcome(() => readClaims(text))).toEqual(
      outcome(() => readClaimsFromJson(parseLosslessJson(text))),
    );
    const open = '{"partIdentifikator":"1","totalOversikt":{"saldo":1.5}}';
    expect(outcome(() => readOpenClaims(open))).toEqual(
      outcome(() => readOpenClaimsFromJson(parseLosslessJson(open))),
    );
  });

  it.each(['', '{"a": 01}', '{"a": 1,}', '{"krav": [1, 2', '\ufeff{"a": 1e}'])(
    'gives the same MalformedJsonError for %j',
    (text) => {
      const viaText = outcome(() => readClaims(text));
      expect(viaText).toMatchObject({ error: 'malformed' });
      expect(viaText).toEqual(outcome(() => parseLosslessJson(text)));
    },
  );

  it('still accepts a byte-order mark (through the lossless road)', () => {
    const text = `\ufeff${claimsBody('1.5')}`;
    expect(readClaims(text).claims[0].originalAmount).toBe(150);
  });
});
