import fc from 'fast-check';
import {
  escapeKeySegment,
  factKey,
  hasParentIn,
  parentsOfKey,
  reversalKey,
  unescapeKeySegment,
  versionKey,
} from './entry-keys.js';

describe('entry keys', () => {
  it('builds kob:{customer}:{kind}:{ids}', () => {
    expect(factKey('acme', 'placement', 'INN-1', 'FORF-2')).toBe('kob:acme:placement:INN-1:FORF-2');
    expect(versionKey('kob:acme:payment:P', 1)).toBe('kob:acme:payment:P');
    expect(versionKey('kob:acme:payment:P', 3)).toBe('kob:acme:payment:P#3');
    expect(reversalKey('kob:acme:payment:P', 1)).toBe('kob:acme:reversal:kob:acme:payment:P#1');
    expect(reversalKey('kob:a%3Ab:payment:P', 2)).toBe('kob:a%3Ab:reversal:kob:a%3Ab:payment:P#2');
  });

  it('never lets different ids or customers build the same key (property)', () => {
    const id = fc.string({ unit: fc.constantFrom('a', ':', '#', '%', '3', 'A') });
    fc.assert(
      fc.property(fc.tuple(id, id, id), fc.tuple(id, id, id), ([c1, a1, b1], [c2, a2, b2]) => {
        fc.pre(c1 !== c2 || a1 !== a2 || b1 !== b2);
        expect(factKey(c1, 'placement', a1, b1)).not.toBe(factKey(c2, 'placement', a2, b2));
      }),
    );
    fc.assert(fc.property(id, (s) => expect(unescapeKeySegment(escapeKeySegment(s))).toBe(s)));
  });

  it('reads the parents back from a key', () => {
    expect(parentsOfKey(factKey('c', 'placement', 'P:1', 'I#1'))).toEqual({
      instalments: ['I#1'],
      payments: ['P:1'],
    });
    expect(parentsOfKey(`${factKey('c', 'setoff', 'D', 'C')}:2026-01-02`)).toEqual({
      instalments: ['D', 'C'],
      payments: [],
    });
    expect(parentsOfKey(factKey('c', 'payment', 'P'))).toEqual({ instalments: [], payments: [] });
    expect(parentsOfKey(factKey('c', 'claim', 'K'))).toEqual({ instalments: [], payments: [] });
  });

  /** The rule stated by splitting the whole key, independently of the parser both functions share. */
  function parentsBySplit(baseKey: string): { instalments: string[]; payments: string[] } {
    const parts = baseKey.split(':');
    if (parts.length < 5) return { instalments: [], payments: [] };
    const a = unescapeKeySegment(parts[3]);
    const b = unescapeKeySegment(parts[4]);
    if (parts[2] === 'placement') return { instalments: [b], payments: [a] };
    if (parts[2] === 'setoff') return { instalments: [a, b], payments: [] };
    return { instalments: [], payments: [] };
  }

  it('parentsOfKey and hasParentIn answer as splitting the key does, for any key and any parents', () => {
    const id = fc.oneof(
      fc.constantFrom('I1', 'I2', 'P1', 'P:1', 'I#1', '%', 'a%3Ab', ''),
      fc.string({ maxLength: 6 }),
    );
    const kind = fc.constantFrom('placement', 'setoff', 'payment', 'payout', 'claim', 'placements', 'setof');
    const key = fc.oneof(
      fc
        .tuple(fc.constantFrom('c', 'a%3Ab'), kind, fc.array(id, { maxLength: 4 }), fc.boolean())
        .map(([customer, k, ids, raw]) =>
          raw ? `kob:${customer}:${k}:${ids.join(':')}` : factKey(customer, k as 'payment', ...ids),
        ),
      fc.string({ maxLength: 30 }),
    );
    const ids = fc.array(id, { maxLength: 4 }).map((list) => new Set(list));
    fc.assert(
      fc.property(key, ids, ids, (k, instalments, payments) => {
        const p = parentsBySplit(k);
        expect(parentsOfKey(k)).toEqual(p);
        const expected =
          p.instalments.some((i) => instalments.has(i)) || p.payments.some((i) => payments.has(i));
        expect(hasParentIn(k, { instalments, payments })).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });
});
