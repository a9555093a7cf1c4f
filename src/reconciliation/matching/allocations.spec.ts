import fc from 'fast-check';
import type { Claim, Instalment, Placement } from '../../domain/claim.model.js';
import type { Payment, PaymentClaimPlacement } from '../../domain/payment.model.js';
import type { Payout } from '../../domain/payout.model.js';
import { SandboxLedger } from '../../testing/index.js';
import { buildSnapshot, indexSnapshot, type ReconciliationSnapshot } from '../posting/snapshot.js';
import { allocationsFromSnapshot, type Allocation } from './allocations.js';

const ORG = '313367002';
const period = { from: '2026-01-01' };

function inst(
  id: string,
  original: number,
  placements: Placement[] = [],
  dueDate = '2026-02-10',
): Instalment {
  return {
    instalmentId: id,
    claimId: `K-${id}`,
    dueDate,
    originalAmount: original,
    remainingAmount: original,
    paymentDetails: {},
    placements,
    payouts: [],
  };
}

function claimOf(...instalments: Instalment[]): Claim {
  return {
    partyId: ORG,
    claimId: instalments[0].claimId,
    claimType: 'Mva-melding',
    createdDate: '2026-01-05',
    originalAmount: 0,
    remainingAmount: 0,
    instalments,
  };
}

function pay(id: string, placements: PaymentClaimPlacement[] = [], paymentDate = '2026-02-08'): Payment {
  return {
    partyId: ORG,
    paymentId: id,
    paymentDate,
    amount: 10_000,
    unplacedAmount: 0,
    placements,
    payouts: [],
  };
}

function snap(claims: Claim[], payments: Payment[] = [], payouts: Payout[] = []): ReconciliationSnapshot {
  return buildSnapshot({
    customer: { id: 'c', organisasjonsnummer: ORG },
    asOf: '2026-03-01',
    claims: [{ partyId: ORG, shielded: false, period, claims }],
    payments: [{ partyId: ORG, shielded: false, period, payments }],
    payouts: [{ partyId: ORG, shielded: false, period, payouts }],
  });
}

const brief = (a: Allocation) => [a.kind, a.rule, a.amount, a.date, a.evidence.listedOn, a.evidence.parts];

describe('allocationsFromSnapshot', () => {
  it("turns Skatteetaten's placements into allocations, the instalment side winning over the payment side", () => {
    const i1 = inst('I1', 5_000, [
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 5_000, placedDate: '2026-02-09' },
    ]);
    const p1 = pay('P1', [
      { paymentId: 'P1', instalmentId: 'I1', amount: 4_999, placedDate: '2026-02-09' },
      { paymentId: 'P1', instalmentId: 'I2', amount: 3_000, placedDate: '2026-02-11' },
    ]);
    const allocations = allocationsFromSnapshot(snap([claimOf(i1)], [p1]));
    expect(allocations).toEqual([
      {
        kind: 'payment',
        rule: 'skatteetaten-placement',
        paymentId: 'P1',
        instalmentId: 'I1',
        amount: 5_000,
        date: '2026-02-09',
        paymentDate: '2026-02-08',
        evidence: { listedOn: 'instalment', parts: 1 },
      },
      {
        kind: 'payment',
        rule: 'skatteetaten-placement',
        paymentId: 'P1',
        instalmentId: 'I2',
        amount: 3_000,
        date: '2026-02-11',
        paymentDate: '2026-02-08',
        evidence: { listedOn: 'payment', parts: 1 },
      },
    ]);
  });

  it('sums placements of one pair per date, and derives a missing date from the payment date', () => {
    const i1 = inst('I1', 9_000, [
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 1_000, placedDate: '2026-02-09' },
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 2_000, placedDate: '2026-02-09' },
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 3_000, placedDate: '2026-02-20' },
      { kind: 'payment', paymentId: 'P2', instalmentId: 'I1', amount: 0, placedDate: '2026-02-20' },
      { kind: 'payment', paymentId: 'P3', instalmentId: 'I1', amount: 700, paymentDate: '2026-02-01' },
    ]);
    expect(allocationsFromSnapshot(snap([claimOf(i1)])).map(brief)).toEqual([
      ['payment', 'skatteetaten-placement', 3_000, '2026-02-09', 'instalment', 2],
      ['payment', 'skatteetaten-placement', 3_000, '2026-02-20', 'instalment', 1],
      ['payment', 'skatteetaten-placement', 700, '2026-02-01', 'instalment', 1],
    ]);
    expect(allocationsFromSnapshot(snap([claimOf(i1)]))[2].evidence.dateFrom).toBe('payment-date');
  });

  it('lists a set-off once, debt first, whichever side lists it', () => {
    const setOff = (on: string, counter: string): Placement => ({
      kind: 'set-off',
      instalmentId: on,
      counterInstalmentId: counter,
      counterClaimType: 'Mva-melding',
      amount: 400,
      placedDate: '2026-02-12',
    });
    const both = snap([
      claimOf(inst('D', 1_000, [setOff('D', 'C')])),
      claimOf(inst('C', -400, [setOff('C', 'D')])),
    ]);
    const creditOnly = snap([claimOf(inst('C', -400, [setOff('C', 'D')]))]);
    for (const [s, listedOn] of [
      [both, 'debt'],
      [creditOnly, 'credit'],
    ] as const) {
      expect(allocationsFromSnapshot(s)).toEqual([
        expect.objectContaining({
          kind: 'set-off',
          instalmentId: 'D',
          counterInstalmentId: 'C',
          amount: 400,
          evidence: { listedOn, parts: 1 },
        }),
      ]);
    }
  });

  it('splits payouts into credits paid out and payments refunded', () => {
    const payout: Payout = {
      partyId: ORG,
      payoutId: 'U1',
      payoutDate: '2026-02-20',
      amount: 900,
      paidTo: {},
      credits: [
        {
          instalmentId: 'C',
          claimType: 'Mva-melding',
          originalAmount: 600,
          remainingAmount: 0,
          paidOutAmount: 600,
        },
      ],
      refundedPayments: [
        { paymentId: 'P9', paymentAmount: 1_000, paidOutAmount: 300 },
        { paymentId: 'P8', paymentAmount: 1_000 },
      ],
    };
    expect(allocationsFromSnapshot(snap([], [], [payout]))).toEqual([
      expect.objectContaining({
        kind: 'payout',
        rule: 'skatteetaten-payout',
        payoutId: 'U1',
        instalmentId: 'C',
        amount: 600,
        claimType: 'Mva-melding',
      }),
      expect.objectContaining({
        kind: 'payout',
        rule: 'skatteetaten-refund',
        payoutId: 'U1',
        paymentId: 'P9',
        amount: 300,
      }),
    ]);
  });

  it('reads a placement from the payment side when the instalment it names is in the snapshot but lists it not', () => {
    const i1 = inst('I1', 5_000, [
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 5_000, placedDate: '2026-02-09' },
    ]);
    const i2 = inst('I2', 3_000, [
      { kind: 'payment', paymentId: 'P2', instalmentId: 'I2', amount: 1_000, placedDate: '2026-02-09' },
    ]);
    const p1 = pay('P1', [
      { paymentId: 'P1', instalmentId: 'I1', amount: 5_000, placedDate: '2026-02-09' },
      { paymentId: 'P1', instalmentId: 'I2', amount: 3_000, placedDate: '2026-02-11' },
    ]);
    const p2 = pay('P2', [{ paymentId: 'P2', instalmentId: 'I2', amount: 1_000, placedDate: '2026-02-09' }]);
    const s = snap([claimOf(i1), claimOf(i2)], [p1, p2]);
    expect(
      allocationsFromSnapshot(s).map((a) => [
        a.kind === 'set-off' ? '' : a.paymentId,
        a.instalmentId,
        a.evidence.listedOn,
      ]),
    ).toEqual([
      ['P1', 'I1', 'instalment'],
      ['P2', 'I2', 'instalment'],
      ['P1', 'I2', 'payment'],
    ]);
  });

  it('reads every instalment when instalment ids repeat in a snapshot made by hand', () => {
    const first = inst('I1', 5_000, [
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 100, placedDate: '2026-02-09' },
    ]);
    const second = inst('I1', 5_000, [
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 50, placedDate: '2026-02-10' },
    ]);
    const s = snap([claimOf(first)]);
    const hand: ReconciliationSnapshot = {
      ...s,
      claims: [...s.claims, { ...claimOf(second), claimId: 'K-other' }],
    };
    indexSnapshot(hand);
    expect(allocationsFromSnapshot(hand).map((a) => [a.amount, a.date])).toEqual([
      [100, '2026-02-09'],
      [50, '2026-02-10'],
    ]);
  });

  it('orders set-off pairs as the texts debt + NUL + credit order', () => {
    const setOff = (on: string, counter: string, amount: number): Placement => ({
      kind: 'set-off',
      instalmentId: on,
      counterInstalmentId: counter,
      amount,
      placedDate: '2026-02-11',
    });
    const debts = ['D10', 'D1', 'D1\u0000'].map((id, i) => inst(id, 1_000, [setOff(id, `C${i}`, 100 + i)]));
    const ids = allocationsFromSnapshot(snap(debts.map((d) => claimOf(d)))).map((a) =>
      a.kind === 'set-off' ? [a.instalmentId, a.counterInstalmentId] : [],
    );
    // 'D1\u0000' + NUL + 'C2' is below 'D1' + NUL + 'C1' (NUL < 'C'): the order of the joined texts, not of (debt, credit).
    expect(ids).toEqual([
      ['D1\u0000', 'C2'],
      ['D1', 'C1'],
      ['D10', 'C0'],
    ]);
  });

  it('accounts for every payment and instalment exactly over the whole history (sandbox, property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('313367002', '311851381', '314961900', '212201782'),
        (seed, org) => {
          const ledger = SandboxLedger.documented({ seed });
          const windows = [
            { from: ledger.startDate, to: '2025-10-14' },
            { from: '2025-10-15', to: ledger.today },
          ];
          const s = buildSnapshot({
            customer: { id: 'c', organisasjonsnummer: org },
            asOf: ledger.today,
            openClaims: ledger.openClaims(org)!,
            claims: windows.map((w) => ledger.claims(org, w)!),
            payments: windows.map((w) => ledger.payments(org, w)!),
            payouts: windows.map((w) => ledger.payouts(org, w)!),
          });
          const perPayment = new Map<string, number>();
          const perInstalment = new Map<string, number>();
          for (const a of allocationsFromSnapshot(s)) {
            expect(a.amount).toBeGreaterThan(0);
            const paymentId = a.kind === 'set-off' ? undefined : a.paymentId;
            if (paymentId) perPayment.set(paymentId, (perPayment.get(paymentId) ?? 0) + a.amount);
            if (a.instalmentId)
              perInstalment.set(a.instalmentId, (perInstalment.get(a.instalmentId) ?? 0) + a.amount);
            if (a.kind === 'set-off')
              perInstalment.set(
                a.counterInstalmentId,
                (perInstalment.get(a.counterInstalmentId) ?? 0) + a.amount,
              );
          }
          for (const p of s.payments)
            expect((perPayment.get(p.paymentId) ?? 0) + (p.unplacedAmount ?? 0)).toBe(p.amount);
          for (const c of s.claims)
            for (const i of c.instalments)
              expect(Math.abs(i.originalAmount) - (perInstalment.get(i.instalmentId) ?? 0)).toBe(
                Math.abs(i.remainingAmount),
              );
        },
      ),
      { numRuns: 8 },
    );
  });
});
