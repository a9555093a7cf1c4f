import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { Payout } from '../../domain/payout.model.js';
import type { Allocation } from '../matching/allocations.js';
import { directoryLookups, instalmentClaimRows, missingPrincipals } from './directory-lookups.js';
import { buildSnapshot } from './snapshot.js';

const ORG = '313367002';

function inst(id: string, claimId: string): Instalment {
  return {
    instalmentId: id,
    claimId,
    originalAmount: 100,
    remainingAmount: 100,
    paymentDetails: {},
    placements: [],
    payouts: [],
  };
}

function claim(id: string, principalClaimId?: string): Claim {
  const c: Claim = {
    partyId: ORG,
    claimId: id,
    claimType: 'Forsinkelsesrente',
    originalAmount: 100,
    remainingAmount: 100,
    instalments: [inst(`${id}-1`, id)],
  };
  if (principalClaimId !== undefined) c.principalClaimId = principalClaimId;
  return c;
}

function payout(id: string, instalmentIds: string[]): Payout {
  return {
    partyId: ORG,
    payoutId: id,
    payoutDate: '2026-03-01',
    amount: 100 * instalmentIds.length,
    paidTo: {},
    credits: instalmentIds.map((i) => ({
      instalmentId: i,
      originalAmount: 100,
      remainingAmount: 0,
      paidOutAmount: 100,
    })),
    refundedPayments: [],
  };
}

function setOff(debt: string, credit: string): Allocation {
  return {
    kind: 'set-off',
    rule: 'skatteetaten-set-off',
    instalmentId: debt,
    counterInstalmentId: credit,
    amount: 100,
    date: '2026-03-01',
    evidence: {},
  } as Allocation;
}

const snapshot = (claims: Claim[], payouts: Payout[] = []) =>
  buildSnapshot({
    customer: { id: 'acme', organisasjonsnummer: ORG },
    asOf: '2026-03-01',
    claims: [{ partyId: ORG, shielded: false, period: { from: '2026-01-01' }, claims }],
    payouts: [{ partyId: ORG, shielded: false, period: { from: '2026-01-01' }, payouts }],
  });

describe('directoryLookups', () => {
  it('asks for the principals and the instalments the snapshot names but does not hold', () => {
    const s = snapshot(
      [claim('A', 'OUT'), claim('B', 'A'), claim('C', 'C'), claim('D')],
      [payout('U1', ['A-1', 'GONE-1'])],
    );
    const needs = directoryLookups(s, [setOff('B-1', 'CREDIT-1'), setOff('B-1', 'C-1')]);
    // A's principal is outside; B's is A (held); C names itself; D names none.
    expect(needs.claimIds).toEqual(new Set(['OUT']));
    // A set-off's credit and a payout's credit outside the snapshot; those inside are not asked for.
    expect(needs.instalmentIds).toEqual(new Set(['CREDIT-1', 'GONE-1']));
  });

  it('asks for nothing when the snapshot holds everything it names', () => {
    const s = snapshot([claim('A'), claim('B', 'A')], [payout('U1', ['B-1'])]);
    expect(directoryLookups(s, [setOff('A-1', 'B-1')])).toEqual({
      claimIds: new Set(),
      instalmentIds: new Set(),
    });
  });
});

describe('missingPrincipals', () => {
  it('names each principal once, skipping held ones and claims that name themselves', () => {
    const refs = [claim('R1', 'V1'), claim('R2', 'V1'), claim('R3', 'R3'), claim('R4', 'HELD')];
    expect(missingPrincipals(refs, (id) => id === 'HELD')).toEqual(new Set(['V1']));
  });
});

describe('instalmentClaimRows', () => {
  it('gives each instalment of each claim with its claim, in order, skipping refs without a claim id', () => {
    expect(
      instalmentClaimRows([
        { partyId: ORG, claimId: 'A', claimType: 'x', instalmentIds: ['A-1', 'A-2'] },
        { partyId: ORG, claimType: 'credit type only', instalmentIds: ['Z-1'] },
        { partyId: ORG, claimId: 'B', claimType: 'x' },
        { partyId: ORG, claimId: 'C', claimType: 'x', instalmentIds: ['A-2'] },
      ]),
    ).toEqual([
      ['A-1', 'A'],
      ['A-2', 'A'],
      ['A-2', 'C'],
    ]);
  });
});
