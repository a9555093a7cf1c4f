import fc from 'fast-check';
import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { Payment } from '../../domain/payment.model.js';
import { SandboxLedger } from '../../testing/index.js';
import { buildSnapshot, indexSnapshot, type ReconciliationSnapshot } from '../posting/snapshot.js';
import { suggestPlacements } from './suggestions.js';

const ORG = '313367002';
const TAX = '76940524802';
const VAT = '7694.05.18888';
const period = { from: '2026-01-01' };

function claim(
  id: string,
  group: string,
  account: string,
  instalments: [string, number, string, string?][],
): Claim {
  const list: Instalment[] = instalments.map(([instalmentId, remaining, dueDate, kid]) => ({
    instalmentId,
    claimId: id,
    dueDate,
    originalAmount: Math.max(remaining, 1),
    remainingAmount: remaining,
    paymentDetails: { ...(kid === undefined ? {} : { kid }), account: { accountNumber: account } },
    placements: [],
    payouts: [],
  }));
  return {
    partyId: ORG,
    claimId: id,
    claimType: 'X',
    claimGroup: group,
    originalAmount: 0,
    remainingAmount: 0,
    instalments: list,
  };
}

function payment(id: string, unplaced: number, extra: Partial<Payment> = {}): Payment {
  return {
    partyId: ORG,
    paymentId: id,
    paymentDate: '2026-03-01',
    amount: unplaced,
    unplacedAmount: unplaced,
    placements: [],
    payouts: [],
    ...extra,
  };
}

function snap(claims: Claim[], payments: Payment[]): ReconciliationSnapshot {
  return buildSnapshot({
    customer: { id: 'c', organisasjonsnummer: ORG },
    asOf: '2026-03-05',
    claims: [{ partyId: ORG, shielded: false, period, claims }],
    payments: [{ partyId: ORG, shielded: false, period, payments }],
  });
}

const claims = () => [
  claim('VAT', 'Merverdiavgift', VAT, [
    ['V1', 3_000, '2026-02-10', 'KV1'],
    ['V2', 5_000, '2026-04-10', 'KV2'],
  ]),
  claim('AGA', 'Arbeidsgiveravgift', TAX, [
    ['A1', 4_000, '2026-01-15', 'KA1'],
    ['A2', 0, '2026-01-01', 'KA2'],
  ]),
  claim('TAX', 'Skatt', TAX, [['T1', 2_500, '2026-02-15', 'KT1']]),
];

describe('suggestPlacements', () => {
  it("suggests the instalment with the payment's KID, and the rest on the oldest due of its claim group", () => {
    const p = payment('P1', 4_000, { paidFrom: { kid: 'KV1' } });
    const suggestions = suggestPlacements(snap(claims(), [p]));
    expect(suggestions.map((s) => [s.rule, s.instalmentId, s.amount, s.evidence.scope])).toEqual([
      ['kid', 'V1', 3_000, undefined],
      ['oldest-due-in-group', 'V2', 1_000, 'kid-claim-group'],
    ]);
    expect(suggestions[0]).toMatchObject({
      paymentId: 'P1',
      claimId: 'VAT',
      evidence: {
        kid: 'KV1',
        paymentAmount: 4_000,
        unplacedBefore: 4_000,
        remainingBefore: 3_000,
        dueDate: '2026-02-10',
        claimGroup: 'Merverdiavgift',
      },
    });
  });

  it('suggests an open instalment of exactly the unplaced amount, among those paid to the account paid to', () => {
    const withAccount = payment('P1', 2_500, { receivingAccount: { accountNumber: TAX } });
    expect(
      suggestPlacements(snap(claims(), [withAccount])).map((s) => [
        s.rule,
        s.instalmentId,
        s.evidence.receivingAccount,
      ]),
    ).toEqual([['exact-amount', 'T1', TAX]]);
    const twin = claim('VAT2', 'Merverdiavgift', VAT, [['V9', 2_500, '2026-01-02']]);
    const anywhere = payment('P2', 2_500);
    expect(
      suggestPlacements(snap([...claims(), twin], [anywhere])).map((s) => [s.rule, s.instalmentId]),
    ).toEqual([['exact-amount', 'V9']]);
  });

  it('fills the oldest due first among the claims paid to the same account, else across the whole account', () => {
    const toTax = payment('P1', 5_000, { receivingAccount: { accountNumber: TAX } });
    expect(
      suggestPlacements(snap(claims(), [toTax])).map((s) => [
        s.rule,
        s.instalmentId,
        s.amount,
        s.evidence.scope,
      ]),
    ).toEqual([
      ['oldest-due-in-group', 'A1', 4_000, 'receiving-account'],
      ['oldest-due-in-group', 'T1', 1_000, 'receiving-account'],
    ]);
    const unknown = payment('P2', 8_000, { paidFrom: { kid: 'NO-SUCH-KID' } });
    expect(
      suggestPlacements(snap(claims(), [unknown])).map((s) => [s.instalmentId, s.amount, s.evidence.scope]),
    ).toEqual([
      ['A1', 4_000, 'whole-account'],
      ['V1', 3_000, 'whole-account'],
      ['T1', 1_000, 'whole-account'],
    ]);
  });

  it('never suggests more than a payment has unplaced or an instalment has open, across payments', () => {
    const first = payment('P1', 3_500, { paidFrom: { kid: 'KV1' }, paymentDate: '2026-03-01' });
    const second = payment('P2', 3_000, { paymentDate: '2026-03-02' });
    const suggestions = suggestPlacements(snap(claims(), [first, second, payment('P3', 0)]));
    // P1 takes V1 (3 000) and 500 of V2; P2 finds no exact 3 000 left and fills the oldest.
    expect(suggestions.map((s) => [s.paymentId, s.rule, s.instalmentId, s.amount])).toEqual([
      ['P1', 'kid', 'V1', 3_000],
      ['P1', 'oldest-due-in-group', 'V2', 500],
      ['P2', 'oldest-due-in-group', 'A1', 3_000],
    ]);
  });

  it('keeps within unplaced and remaining amounts on sandbox ledgers (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('313367002', '212201782', '314961900'),
        (seed, org) => {
          const ledger = SandboxLedger.documented({ seed });
          const open = ledger.openClaims(org)!;
          const s = buildSnapshot({
            customer: { id: 'c', organisasjonsnummer: org },
            asOf: ledger.today,
            openClaims: open,
          });
          const suggestions = suggestPlacements(s);
          const perPayment = new Map<string, number>();
          const perInstalment = new Map<string, number>();
          for (const x of suggestions) {
            expect(x.amount).toBeGreaterThan(0);
            perPayment.set(x.paymentId, (perPayment.get(x.paymentId) ?? 0) + x.amount);
            perInstalment.set(x.instalmentId, (perInstalment.get(x.instalmentId) ?? 0) + x.amount);
          }
          for (const p of s.payments)
            expect(perPayment.get(p.paymentId) ?? 0).toBeLessThanOrEqual(p.unplacedAmount ?? 0);
          for (const c of s.claims)
            for (const i of c.instalments)
              expect(perInstalment.get(i.instalmentId) ?? 0).toBeLessThanOrEqual(
                Math.max(i.remainingAmount, 0),
              );
        },
      ),
      { numRuns: 10 },
    );
  });
  it('suggests the same whether the snapshot is indexed or not (sandbox, property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('313367002', '212201782', '314961900'),
        (seed, org) => {
          const ledger = SandboxLedger.documented({ seed });
          const sources = {
            customer: { id: 'c', organisasjonsnummer: org },
            asOf: ledger.today,
            openClaims: ledger.openClaims(org)!,
          };
          const plain = suggestPlacements(buildSnapshot(sources));
          const indexed = buildSnapshot(sources);
          indexSnapshot(indexed);
          expect(suggestPlacements(indexed)).toEqual(plain);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('orders due dates as text, written odd or missing, and reads every instalment when ids repeat', () => {
    const odd = claim('ODD', 'Skatt', TAX, [
      ['O1', 1_000, '2026-2-01'],
      ['O2', 1_000, '2026-02-01'],
    ]);
    const repeated = claim('REP', 'Skatt', TAX, [['O2', 500, '2026-01-01']]);
    const s = snap([odd, repeated], [payment('P1', 10_000)]);
    const hand: ReconciliationSnapshot = { ...s, claims: [...s.claims, repeated] };
    indexSnapshot(hand);
    // '2026-01-01' < '2026-02-01' < '2026-2-01' as text; the repeated instalment is offered twice, as listed.
    expect(suggestPlacements(hand).map((x) => [x.instalmentId, x.amount])).toEqual([
      ['O2', 500],
      ['O2', 500],
      ['O2', 1_000],
      ['O1', 1_000],
    ]);
  });
});
