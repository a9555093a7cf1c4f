import fc from 'fast-check';
import type { JournalLine } from '../../journal/journal-adapter.interface.js';
import {
  canonicalEntryContent,
  canonicalJson,
  entryContentHash,
  sameEntryContent,
  sha256Hex,
} from './content-hash.js';

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: undefined, c: 'x' }], e: null, f: true })).toBe(
      '{"a":[3,{"c":"x"}],"b":1,"e":null,"f":true}',
    );
    expect(canonicalJson({ z: 1, a: 2 })).toBe(canonicalJson({ a: 2, z: 1 }));
  });

  it('rejects values without a JSON form', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });
});

describe('entry content hash', () => {
  it('is sha-256 in hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  const line: fc.Arbitrary<JournalLine> = fc
    .record(
      {
        account: fc.string(),
        amount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        side: fc.constantFrom('debit', 'credit'),
        description: fc.string(),
        kid: fc.string(),
        reference: fc.string(),
      },
      { requiredKeys: ['account', 'amount', 'side'] },
    )
    .map(({ amount, side, ...rest }) => ({ ...rest, [side]: amount }));
  const content = fc.record({
    date: fc.string(),
    description: fc.string({ unit: 'binary' }),
    lines: fc.array(line),
  });

  it('compares content exactly as the canonical text does (property)', () => {
    fc.assert(
      fc.property(content, content, fc.boolean(), (a, b, same) => {
        const other = same ? { ...a, lines: a.lines.map((l) => ({ ...l })) } : b;
        expect(sameEntryContent(a, other)).toBe(canonicalEntryContent(a) === canonicalEntryContent(other));
      }),
    );
  });

  it('writes exactly the canonical JSON of date, description and lines (property)', () => {
    fc.assert(
      fc.property(content, (c) => {
        expect(canonicalEntryContent(c)).toBe(canonicalJson(c));
      }),
    );
  });

  it('ignores key, source and key order; changes with any amount, account or text', () => {
    const base = {
      date: '2026-02-10',
      description: 'Innbetaling plassert på Merverdiavgift',
      lines: [
        { account: '2740', debit: 100, kid: '123' },
        { account: '1579', credit: 100 },
      ] as JournalLine[],
    };
    const hash = entryContentHash(base);
    expect(
      entryContentHash({ ...base, idempotencyKey: 'x', source: { kind: 'k', ids: [] } } as typeof base),
    ).toBe(hash);
    expect(
      entryContentHash({
        lines: [{ kid: '123', debit: 100, account: '2740' }, base.lines[1]],
        description: base.description,
        date: base.date,
      }),
    ).toBe(hash);
    expect(entryContentHash({ ...base, date: '2026-02-11' })).not.toBe(hash);
    expect(entryContentHash({ ...base, description: `${base.description}.` })).not.toBe(hash);
    expect(entryContentHash({ ...base, lines: [{ ...base.lines[0], debit: 101 }, base.lines[1]] })).not.toBe(
      hash,
    );
    expect(
      entryContentHash({ ...base, lines: [{ ...base.lines[0], account: '2741' }, base.lines[1]] }),
    ).not.toBe(hash);
  });
});
