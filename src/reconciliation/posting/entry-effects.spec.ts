import fc from 'fast-check';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import { clearingBalance, effectiveEntries } from '../reconciliation-assertions.js';
import { entryContentHash } from './content-hash.js';
import { applyPlan, planPostings, type LatestVersion } from './entry-diff.js';
import { entryEffects, entryParents, totalSubject } from './entry-effects.js';
import { touchTotals, visitEntryTouches } from './entry-touches.js';
import type { DesiredEntry, SnapshotParents } from './posting-rules.js';

const NO_PARENTS: SnapshotParents = { instalments: new Set(), payments: new Set() };

function placement(
  paymentId: string,
  instalmentId: string,
  amount: number,
  day = '2025-02-10',
): DesiredEntry {
  const entry = {
    idempotencyKey: `kob:c1:placement:${paymentId}:${instalmentId}`,
    date: day,
    description: `Innbetaling ${paymentId} plassert`,
    lines: [
      { account: '2740', debit: amount, reference: instalmentId },
      { account: '1579', credit: amount, reference: paymentId },
    ],
    source: { kind: 'placement', ids: [paymentId, instalmentId] },
  };
  return {
    ...entry,
    fact: 'placement',
    contentHash: entryContentHash(entry),
    factDate: day,
    inScope: true,
    flags: [],
  };
}

describe('entryEffects', () => {
  it('adds each account debit-positive and the instalment and payment a placement moves', () => {
    expect(entryEffects(placement('P1', 'I1', 500))).toEqual([
      ['a:2740', 500],
      ['a:1579', -500],
      ['i:I1', 500],
      ['p:P1', 500],
    ]);
  });

  it('gives a payout the bank, each credit paid out and each payment refunded; nets lines on one account', () => {
    const payout: JournalEntry = {
      idempotencyKey: 'kob:c1:payout:U1',
      date: '2025-03-01',
      description: 'Utbetaling',
      lines: [
        { account: '1920', debit: 900, reference: 'U1' },
        { account: '2740', credit: 600, reference: 'I9' },
        { account: '1579', credit: 200, reference: 'P4' },
        { account: '1579', credit: 100, reference: 'U1' },
      ],
      source: { kind: 'payout', ids: ['U1', 'I9'] },
    };
    expect(entryEffects(payout)).toEqual([
      ['a:1920', 900],
      ['a:2740', -600],
      ['a:1579', -300],
      ['i:I9', 600],
      ['p:P4', 200],
    ]);
  });

  it('takes back, for a reversal, the touches of the entry it reverses', () => {
    const old = placement('P1', 'I1', 500);
    const plan = planPostings(
      [placement('P1', 'I1', 400)],
      new Map([[old.idempotencyKey, latestOf(old)]]),
      NO_PARENTS,
    );
    const reversal = plan.toPost[0].entry;
    expect(reversal.reverses).toBe(old.idempotencyKey);
    expect(entryEffects(reversal, old)).toEqual([
      ['a:2740', -500],
      ['a:1579', 500],
      ['i:I1', -500],
      ['p:P1', -500],
    ]);
  });

  it('summed over every posted entry, reversals included, equals the figures of the effective entries', () => {
    const amount = fc.integer({ min: 1, max: 10_000_000 });
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 4 }),
            fc.integer({ min: 0, max: 4 }),
            fc.array(amount, { minLength: 1, maxLength: 4 }),
          ),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (facts) => {
          // Each fact is posted in turn with each of its amounts: a change is a reversal plus a new version.
          let latest = new Map<string, LatestVersion>();
          const posted: JournalEntry[] = [];
          const totals = new Map<string, number>();
          const byKey = new Map<string, JournalEntry>();
          const rounds = Math.max(...facts.map(([, , amounts]) => amounts.length));
          for (let round = 0; round < rounds; round++) {
            const desired = new Map<string, DesiredEntry>();
            for (const [p, i, amounts] of facts) {
              const d = placement(`P${p}`, `I${i}`, amounts[Math.min(round, amounts.length - 1)]);
              desired.set(d.idempotencyKey, d);
            }
            const plan = planPostings([...desired.values()], latest, NO_PARENTS);
            for (const step of plan.toPost) {
              const reversed = step.entry.reverses === undefined ? undefined : byKey.get(step.entry.reverses);
              for (const [subject, n] of entryEffects(step.entry, reversed))
                totals.set(subject, (totals.get(subject) ?? 0) + n);
              posted.push(step.entry);
              byKey.set(step.entry.idempotencyKey, step.entry);
            }
            latest = applyPlan(latest, plan);
          }
          const effective = effectiveEntries(posted);
          const instalments = new Map<string, number>();
          const payments = new Map<string, number>();
          for (const e of effective) visitEntryTouches(e, touchTotals(instalments), touchTotals(payments));
          for (const [id, n] of instalments) expect(totals.get(totalSubject.instalment(id)) ?? 0).toBe(n);
          for (const [id, n] of payments) expect(totals.get(totalSubject.payment(id)) ?? 0).toBe(n);
          expect(totals.get('a:1579') ?? 0).toBe(clearingBalance(effective, '1579'));
          for (const [subject, n] of totals) {
            if (subject.startsWith('i:')) expect(instalments.get(subject.slice(2)) ?? 0).toBe(n);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('entryParents', () => {
  it('names the instalment and payment of a placement and both instalments of a set-off', () => {
    expect(entryParents('kob:c1:placement:P1:I1')).toEqual(['i:I1', 'p:P1']);
    expect(entryParents('kob:c1:setoff:I1:I2:2025-01-02')).toEqual(['i:I1', 'i:I2']);
    expect(entryParents('kob:c1:payment:P1')).toEqual([]);
  });
});

function latestOf(d: DesiredEntry): LatestVersion {
  return {
    key: d.idempotencyKey,
    version: 1,
    contentHash: d.contentHash,
    status: 'posted',
    reversed: false,
    entry: d,
  };
}
