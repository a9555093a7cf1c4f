import type { JournalLine } from '../../journal/journal-adapter.interface.js';
import { UnbalancedEntryError } from './balance.js';
import { entryContentHash } from './content-hash.js';
import { applyPlan, planPostings, type LatestVersion } from './entry-diff.js';
import type { DesiredEntry, SnapshotParents } from './posting-rules.js';

const NO_PARENTS: SnapshotParents = { instalments: new Set(), payments: new Set() };

function placement(paymentId: string, instalmentId: string, amount: number, inScope = true): DesiredEntry {
  const lines: JournalLine[] = [
    { account: '2740', debit: amount, reference: instalmentId },
    { account: '1579', credit: amount, reference: paymentId },
  ];
  const content = {
    date: '2026-02-10',
    description: `Innbetaling ${paymentId} plassert på ${instalmentId}`,
    lines,
  };
  return {
    idempotencyKey: `kob:c:placement:${paymentId}:${instalmentId}`,
    ...content,
    source: { kind: 'placement', ids: [paymentId, instalmentId] },
    fact: 'placement',
    contentHash: entryContentHash(content),
    factDate: '2026-02-09',
    inScope,
    flags: [],
  };
}

/** Plans, applies the plan as the store would, and returns both. */
function postAll(desired: DesiredEntry[], latest = new Map<string, LatestVersion>(), parents = NO_PARENTS) {
  const plan = planPostings(desired, latest, parents);
  return { plan, latest: applyPlan(latest, plan) };
}

describe('planPostings', () => {
  it('plans entries frozen all the way down without freezing the desired entries it was given', () => {
    const desired = placement('P1', 'I1', 100);
    const frozen = placement('P2', 'I1', 200);
    for (const line of frozen.lines) Object.freeze(line);
    Object.freeze(frozen.lines);
    Object.freeze(frozen.source.ids);
    Object.freeze(frozen.source);
    const [own, shared] = planPostings([desired, frozen], new Map(), NO_PARENTS).toPost.map((p) => p.entry);
    expect(Object.isFrozen(desired.lines) || desired.lines.some((l) => Object.isFrozen(l))).toBe(false);
    expect(Object.isFrozen(desired.source)).toBe(false);
    for (const entry of [own, shared]) {
      expect(Object.isFrozen(entry) && Object.isFrozen(entry.lines) && Object.isFrozen(entry.source)).toBe(
        true,
      );
      expect(entry.lines.every((l) => Object.isFrozen(l))).toBe(true);
    }
    expect(own.lines).toEqual(desired.lines);
    // Frozen lines, as the posting rules make them, are shared rather than copied.
    expect(shared.lines).toBe(frozen.lines);
    expect(shared.source).toBe(frozen.source);
  });

  it('posts new facts under their base key as version 1, and nothing when planned again', () => {
    const desired = [placement('P1', 'I1', 100), placement('P2', 'I1', 200)];
    const first = postAll(desired);
    expect(first.plan.toPost.map((p) => [p.action, p.entry.idempotencyKey, p.version])).toEqual([
      ['post', 'kob:c:placement:P1:I1', 1],
      ['post', 'kob:c:placement:P2:I1', 1],
    ]);
    expect(first.plan.toPost[0].entry).toEqual({
      idempotencyKey: 'kob:c:placement:P1:I1',
      date: '2026-02-10',
      description: 'Innbetaling P1 plassert på I1',
      lines: desired[0].lines,
      source: desired[0].source,
    });
    expect(first.plan.added).toBe(2);
    const again = planPostings(desired, first.latest, { instalments: new Set(['I1']), payments: new Set() });
    expect(again).toEqual({ toPost: [], unchanged: 2, added: 0, changed: 0, reversed: 0, outOfScope: 0 });
  });

  it('turns a changed amount into exactly a reversal of the old version and version 2, in that order', () => {
    const { latest } = postAll([placement('P1', 'I1', 100)]);
    const plan = planPostings([placement('P1', 'I1', 150)], latest, NO_PARENTS);
    expect(plan.changed).toBe(1);
    expect(plan.toPost.map((p) => [p.action, p.entry.idempotencyKey, p.entry.reverses])).toEqual([
      ['reverse', 'kob:c:reversal:kob:c:placement:P1:I1#1', 'kob:c:placement:P1:I1'],
      ['post', 'kob:c:placement:P1:I1#2', undefined],
    ]);
    const [reversal, next] = plan.toPost;
    expect(reversal.entry.lines).toEqual([
      { account: '2740', credit: 100, reference: 'I1' },
      { account: '1579', debit: 100, reference: 'P1' },
    ]);
    expect(reversal.entry.date).toBe('2026-02-10');
    expect(reversal.entry.source).toEqual({ kind: 'reversal', ids: ['kob:c:placement:P1:I1'] });
    expect(next.entry.lines[0].debit).toBe(150);
    // A third version reverses version 2 under its own key.
    const third = planPostings([placement('P1', 'I1', 175)], applyPlan(latest, plan), NO_PARENTS);
    expect(third.toPost.map((p) => p.entry.idempotencyKey)).toEqual([
      'kob:c:reversal:kob:c:placement:P1:I1#2',
      'kob:c:placement:P1:I1#3',
    ]);
    expect(third.toPost[0].entry.reverses).toBe('kob:c:placement:P1:I1#2');
  });

  it('reverses exactly once a placement that disappeared while its instalment is in the snapshot', () => {
    const { latest } = postAll([placement('P1', 'I1', 100), placement('P2', 'I2', 100)]);
    const parents = { instalments: new Set(['I1']), payments: new Set<string>() };
    const plan = planPostings([], latest, parents);
    expect(plan.reversed).toBe(1);
    expect(plan.toPost.map((p) => [p.action, p.entry.idempotencyKey])).toEqual([
      ['reverse', 'kob:c:reversal:kob:c:placement:P1:I1#1'],
    ]);
    const after = applyPlan(latest, plan);
    expect(planPostings([], after, parents).toPost).toEqual([]);
    // The placement comes back: version 2, no second reversal.
    const back = planPostings([placement('P1', 'I1', 100)], after, parents);
    expect(back.toPost.map((p) => [p.action, p.entry.idempotencyKey])).toEqual([
      ['post', 'kob:c:placement:P1:I1#2'],
    ]);
  });

  it('reverses a missing placement only when its instalment or its (complete) payment is in the snapshot', () => {
    const { latest } = postAll([placement('P1', 'I1', 100)]);
    expect(planPostings([], latest, NO_PARENTS).toPost).toEqual([]);
    const byPayment = planPostings([], latest, { instalments: new Set(), payments: new Set(['P1']) });
    expect(byPayment.toPost.map((p) => p.action)).toEqual(['reverse']);
  });

  it('never reverses a fact the snapshot shows but could not book', () => {
    const { latest } = postAll([placement('P1', 'I1', 100)]);
    const parents = { instalments: new Set(['I1']), payments: new Set(['P1']) };
    expect(planPostings([], latest, parents, { unbooked: ['kob:c:placement:P1:I1'] }).toPost).toEqual([]);
  });

  it('never posts an out-of-scope entry, nor reverses a posted one that went out of scope', () => {
    const { latest } = postAll([placement('P1', 'I1', 100)]);
    const plan = planPostings([placement('P1', 'I1', 999, false), placement('P2', 'I1', 5, false)], latest, {
      instalments: new Set(['I1']),
      payments: new Set(),
    });
    expect(plan).toMatchObject({ toPost: [], outOfScope: 2, reversed: 0, changed: 0 });
  });

  it('dates reversals no earlier than the entry reversed, and on reversalDate when given', () => {
    const { latest } = postAll([placement('P1', 'I1', 100)]);
    const late = planPostings([placement('P1', 'I1', 1)], latest, NO_PARENTS, { reversalDate: '2026-06-30' });
    expect(late.toPost[0].entry.date).toBe('2026-06-30');
    const early = planPostings([placement('P1', 'I1', 1)], latest, NO_PARENTS, {
      reversalDate: '2020-01-01',
    });
    expect(early.toPost[0].entry.date).toBe('2026-02-10');
  });

  it('refuses two desired entries with one key and unbalanced stored entries', () => {
    expect(() =>
      planPostings([placement('P1', 'I1', 1), placement('P1', 'I1', 2)], new Map(), NO_PARENTS),
    ).toThrow(/share the key/);
    const { latest } = postAll([placement('P1', 'I1', 100)]);
    const broken = new Map(latest);
    const v = broken.get('kob:c:placement:P1:I1')!;
    broken.set(v.key, { ...v, entry: { ...v.entry, lines: [v.entry.lines[0]] } });
    expect(() => planPostings([placement('P1', 'I1', 5)], broken, NO_PARENTS)).toThrow(UnbalancedEntryError);
  });
});
