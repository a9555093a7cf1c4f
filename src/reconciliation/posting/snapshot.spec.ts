import type { Claim } from '../../domain/claim.model.js';
import type { Payment } from '../../domain/payment.model.js';
import type { Payout } from '../../domain/payout.model.js';
import fc from 'fast-check';
import {
  buildSnapshot,
  builtIndex,
  compareJoined,
  compareText,
  indexesEveryInstalment,
  indexSnapshot,
  textHash,
  type ReconciliationSnapshot,
} from './snapshot.js';

const ORG = '313367002';
const customer = { id: 'c', organisasjonsnummer: ORG };
const period = { from: '2026-01-01' };

function claim(claimId: string, placedDate?: string, partyId = ORG): Claim {
  return {
    partyId,
    claimId,
    claimType: 'Mva-melding',
    createdDate: '2026-01-10',
    originalAmount: 100,
    remainingAmount: placedDate ? 0 : 100,
    instalments: [
      {
        instalmentId: `${claimId}-1`,
        claimId,
        originalAmount: 100,
        remainingAmount: placedDate ? 0 : 100,
        paymentDetails: {},
        placements: placedDate
          ? [{ kind: 'payment', paymentId: 'P', instalmentId: `${claimId}-1`, amount: 100, placedDate }]
          : [],
        payouts: [],
      },
    ],
  };
}

function payment(paymentId: string, paymentDate: string, unplacedAmount: number): Payment {
  return { partyId: ORG, paymentId, paymentDate, amount: 100, unplacedAmount, placements: [], payouts: [] };
}

describe('buildSnapshot', () => {
  it('keeps one copy of each claim, the one with the latest activity, else the one fetched later', () => {
    const older = claim('K1');
    const newer = claim('K1', '2026-02-01');
    const a = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      claims: [
        { partyId: ORG, shielded: false, period, claims: [newer] },
        { partyId: ORG, shielded: false, period, claims: [older] },
      ],
    });
    expect(a.claims).toEqual([newer]);
    const same1 = claim('K2');
    const same2 = { ...claim('K2'), description: 'later' };
    const b = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      openClaims: { partyId: ORG, shielded: false, claims: [same1], unplacedPayments: [], groups: [] },
      claims: [{ partyId: ORG, shielded: false, period, claims: [same2] }],
    });
    expect(b.claims).toEqual([same2]);
    expect(b.openClaims?.claims).toEqual([same1]);
  });

  it('keys claims by party and claim id, and orders claims, payments and payouts deterministically', () => {
    const s = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      claims: [
        {
          partyId: ORG,
          shielded: false,
          period,
          claims: [claim('K2'), claim('K1'), claim('K1', undefined, '04827896468')],
        },
      ],
      payments: [
        {
          partyId: ORG,
          shielded: false,
          period,
          payments: [
            payment('B', '2026-02-01', 0),
            payment('A', '2026-02-02', 0),
            payment('C', '2026-02-01', 0),
          ],
        },
      ],
      payouts: [
        {
          partyId: ORG,
          shielded: false,
          period,
          payouts: ['2', '1'].map((id): Payout => ({
            partyId: ORG,
            payoutId: id,
            payoutDate: '2026-02-03',
            amount: 1,
            paidTo: {},
            credits: [],
            refundedPayments: [],
          })),
        },
      ],
    });
    expect(s.claims.map((c) => `${c.partyId}|${c.claimId}`)).toEqual([
      '04827896468|K1',
      `${ORG}|K1`,
      `${ORG}|K2`,
    ]);
    expect(s.payments.map((p) => p.paymentId)).toEqual(['B', 'C', 'A']);
    expect(s.payouts.map((p) => p.payoutId)).toEqual(['1', '2']);
  });

  it('merges the unplaced payments of aapnekrav with the windowed payments, preferring the newer copy', () => {
    const old = payment('OLD', '2025-06-01', 100);
    const stale = payment('P', '2026-02-01', 100);
    const placed: Payment = {
      ...payment('P', '2026-02-01', 0),
      placements: [{ paymentId: 'P', instalmentId: 'I', amount: 100, placedDate: '2026-02-02' }],
    };
    const s = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      openClaims: { partyId: ORG, shielded: false, claims: [], unplacedPayments: [old, stale], groups: [] },
      payments: [{ partyId: ORG, shielded: false, period, payments: [placed] }],
    });
    expect(s.payments).toEqual([old, placed]);
  });

  it('indexes claims, instalments, payments and payouts by id, once per snapshot', () => {
    const s = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      claims: [{ partyId: ORG, shielded: false, period, claims: [claim('K1')] }],
      payments: [{ partyId: ORG, shielded: false, period, payments: [payment('P', '2026-02-01', 0)] }],
    });
    const index = indexSnapshot(s);
    expect(indexSnapshot(s)).toBe(index);
    expect(index.claimsById.get('K1')).toBe(s.claims[0]);
    expect(index.instalmentsById.get('K1-1')).toEqual({
      claim: s.claims[0],
      instalment: s.claims[0].instalments[0],
    });
    expect(index.paymentsById.get('P')).toBe(s.payments[0]);
  });
  it('orders and merges claims by the joined key partyId|claimId, also when a party id is a prefix or holds a |', () => {
    // '123|K' < '12|K' ('3' < '|'), and party '12|' with claim '3' has the key of party '12' with claim '|3'.
    const a = claim('K', undefined, '123');
    const b = claim('K', undefined, '12');
    const c = claim('3', undefined, '12|');
    const d = { ...claim('|3', undefined, '12'), description: 'fetched later, same activity' };
    const s = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      claims: [{ partyId: ORG, shielded: false, period, claims: [b, c, a, d] }],
    });
    expect(s.claims).toHaveLength(3);
    expect(s.claims[0]).toBe(a);
    expect(s.claims[1]).toBe(b);
    expect(s.claims[2]).toBe(d);
  });

  it('compares joined keys as the joined texts would compare, without joining them (property)', () => {
    const part = fc.string({ unit: fc.constantFrom('1', '2', '|', '\u0000', 'a', 'é'), maxLength: 4 });
    fc.assert(
      fc.property(part, part, part, part, fc.constantFrom(0x7c, 0), (a1, a2, b1, b2, sep) => {
        const joint = String.fromCharCode(sep);
        expect(Math.sign(compareJoined(a1, a2, b1, b2, sep))).toBe(
          compareText(a1 + joint + a2, b1 + joint + b2),
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps payments apart whose ids share a hash, and merges copies of each', () => {
    // Found by search: two ids with one 30-bit hash, so the copies are told apart by the ids themselves.
    expect(textHash('P329599')).toBe(textHash('P532382'));
    const x = payment('P329599', '2026-02-01', 100);
    const y = payment('P532382', '2026-02-01', 100);
    const placed: Payment = {
      ...payment('P329599', '2026-02-01', 0),
      placements: [{ paymentId: 'P329599', instalmentId: 'I', amount: 100, placedDate: '2026-02-02' }],
    };
    const s = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      payments: [
        { partyId: ORG, shielded: false, period, payments: [x, y] },
        { partyId: ORG, shielded: false, period, payments: [placed] },
      ],
    });
    expect(s.payments).toHaveLength(2);
    expect(s.payments[0]).toBe(placed);
    expect(s.payments[1]).toBe(y);
  });

  it('indexes the first of repeated ids in any order, and tells whether it holds every instalment', () => {
    const k2 = claim('K2');
    const k1 = claim('K1');
    const k2again = claim('K2', '2026-02-01');
    const s = buildSnapshot({
      customer,
      asOf: '2026-03-01',
      claims: [{ partyId: ORG, shielded: false, period, claims: [k2, k1] }],
    });
    expect(builtIndex(s)).toBeUndefined();
    const index = indexSnapshot(s);
    expect(builtIndex(s)).toBe(index);
    expect(indexesEveryInstalment(index)).toBe(true);
    // Made by hand, out of order and with a claim (and so an instalment id) twice.
    const hand: ReconciliationSnapshot = { ...s, claims: [k2, k1, k2again] };
    const handIndex = indexSnapshot(hand);
    expect(Array.from(handIndex.claimsById.keys())).toEqual(['K2', 'K1']);
    expect(handIndex.claimsById.get('K2')).toBe(k2);
    expect(handIndex.instalmentsById.get('K2-1')?.instalment).toBe(k2.instalments[0]);
    expect(indexesEveryInstalment(handIndex)).toBe(false);
  });
});
