import type { Claim } from '../../domain/claim.model.js';
import type { Payment } from '../../domain/payment.model.js';
import type { Payout } from '../../domain/payout.model.js';
import { buildSnapshot, indexSnapshot } from './snapshot.js';

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
});
