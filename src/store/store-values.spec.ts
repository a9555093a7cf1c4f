import {
  firstOccurrences,
  lastOccurrences,
  latestVersionsOf,
  toSafeInteger,
  truncateError,
  validateBatch,
  type VersionRow,
} from './store-values.js';

describe('toSafeInteger', () => {
  it('reads numbers, int8 text (as pg returns it) and bigints', () => {
    expect(toSafeInteger(42, 'f')).toBe(42);
    expect(toSafeInteger('9007199254740991', 'f')).toBe(Number.MAX_SAFE_INTEGER);
    expect(toSafeInteger('-17', 'f')).toBe(-17);
    expect(toSafeInteger(123n, 'f')).toBe(123);
  });

  it('refuses values that would lose precision or are not integers', () => {
    for (const bad of [
      '9007199254740993',
      9007199254740992,
      2n ** 60n,
      1.5,
      '1.5',
      'abc',
      '',
      null,
      undefined,
    ]) {
      expect(() => toSafeInteger(bad, 'outbox.version')).toThrow(
        /outbox\.version: stored value is not a safe integer/,
      );
    }
  });
});

describe('latestVersionsOf', () => {
  const row = (baseKey: string, version: number, extra: Partial<VersionRow> = {}): VersionRow => ({
    baseKey,
    key: version === 1 ? baseKey : `${baseKey}#${version}`,
    version,
    contentHash: `h${version}`,
    status: 'posted',
    ...extra,
  });

  it('keeps the highest version per base key whatever the row order', () => {
    const latest = latestVersionsOf([
      row('a', 2),
      row('a', 3, { status: 'pending' }),
      row('a', 1),
      row('b', 1),
    ]);
    expect(latest.get('a')).toEqual({
      key: 'a#3',
      version: 3,
      contentHash: 'h3',
      status: 'pending',
      reversed: false,
    });
    expect(latest.get('b')).toMatchObject({ key: 'b', reversed: false });
  });

  it('marks a version reversed only when its own key is reversed, and never lists reversals', () => {
    const latest = latestVersionsOf([
      row('a', 1),
      row('rev:a', 1, { key: 'rev:a#1', reverses: 'a', status: 'failed' }),
      row('b', 1),
      row('b', 2),
      row('rev:b', 1, { key: 'rev:b#1', reverses: 'b' }),
    ]);
    expect([...latest.keys()]).toEqual(['a', 'b']);
    expect(latest.get('a')).toMatchObject({
      reversed: true,
      reversalKey: 'rev:a#1',
      reversalStatus: 'failed',
    });
    expect(latest.get('b')).toMatchObject({ key: 'b#2', reversed: false });
  });
});

describe('helpers', () => {
  it('firstOccurrences keeps the first of each key and lists the repeats', () => {
    expect(firstOccurrences(['a', 'b', 'a', 'a'], (k) => k)).toEqual({
      unique: ['a', 'b'],
      repeats: ['a', 'a'],
    });
  });

  it('lastOccurrences keeps the last value of each key in first-seen order', () => {
    const items: [string, number][] = [
      ['x', 1],
      ['y', 2],
      ['x', 3],
    ];
    expect(lastOccurrences(items, ([k]) => k)).toEqual([
      ['x', 3],
      ['y', 2],
    ]);
  });

  it('truncateError keeps short texts and cuts long ones to 2 000 characters', () => {
    expect(truncateError('timeout')).toBe('timeout');
    const cut = truncateError('e'.repeat(10_000));
    expect(cut).toHaveLength(2_000);
    expect(cut.endsWith('…')).toBe(true);
  });
});

describe('validateBatch matches', () => {
  const good = { kind: 'k', rule: 'r', confidence: 'auto' as const, evidence: {}, subjectIds: ['p1'] };
  const check = (records: unknown[]) => () =>
    validateBatch({ matches: { runId: 'run-1', records: records as (typeof good)[] } });

  it('names the first bad record and what is wrong with it', () => {
    expect(check([good, { ...good, kind: '' }])).toThrow('matches[1].kind must be a non-empty string');
    expect(check([{ ...good, rule: 7 }])).toThrow('matches[0].rule must be a non-empty string');
    expect(check([good, good, { ...good, confidence: 'maybe' }])).toThrow(
      "matches[2].confidence must be 'auto' or 'suggested'",
    );
    expect(check([{ ...good, subjectIds: 'p1' }])).toThrow('matches[0].subjectIds must be an array');
    expect(check([{ ...good, rule: '', confidence: 'maybe' }])).toThrow('matches[0].rule');
  });

  it('accepts good records and skips holes', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(check([good, , { ...good, confidence: 'suggested' }])).not.toThrow();
    expect(() => validateBatch({ matches: { runId: '', records: [] } })).toThrow('matches runId');
  });
});
