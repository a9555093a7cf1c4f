import { isSyntheticPersonNumber, isValidOrganisationNumber } from '../../../domain/identifiers.js';
import type { Claim } from '../../../domain/claim.model.js';
import { dayToIso, isoToDay } from './day.js';
import { checkLedgerInvariants } from './ledger-invariants.js';
import type { PartyProfile } from './ledger.types.js';
import { PartyBook } from './party-book.js';
import type { PartyBookView } from './party-book.js';
import { DEFAULT_SANDBOX_TODAY, SandboxLedger } from './sandbox-ledger.js';
import { documentedProfiles, generatedProfiles } from './scenarios.js';

const DOCUMENTED = ['313367002', '311851381', '314961900', '314055403', '212201782', '310478717'];

function snapshot(ledger: SandboxLedger): string {
  return JSON.stringify(
    ledger.profiles().map((p) => {
      const b = ledger.book(p.partyId)!;
      return [b.claims, b.payments, b.payouts];
    }),
  );
}

function allBooks(ledger: SandboxLedger): PartyBookView[] {
  return ledger.profiles().map((p) => ledger.book(p.partyId)!);
}

describe('SandboxLedger.documented', () => {
  const ledger = SandboxLedger.documented();

  it('holds the documented test organisations, starting two years back', () => {
    expect(ledger.profiles().map((p) => p.partyId)).toEqual(DOCUMENTED);
    expect(ledger.today).toBe(DEFAULT_SANDBOX_TODAY);
    expect(ledger.startDate).toBe('2024-10-01');
  });

  it('gives identical ledgers for the same seed and different ones for another seed', () => {
    expect(snapshot(SandboxLedger.documented({ seed: 1 }))).toBe(snapshot(ledger));
    expect(snapshot(SandboxLedger.documented({ seed: 2 }))).not.toBe(snapshot(ledger));
  });

  it('keeps every ledger consistent, also after the clock moves', () => {
    const moving = SandboxLedger.documented({ seed: 3 });
    for (const book of allBooks(moving)) expect(checkLedgerInvariants(book)).toEqual([]);
    moving.advance(75);
    for (const book of allBooks(moving)) expect(checkLedgerInvariants(book)).toEqual([]);
  });

  it('mixes the sole trader owner’s personal tax into 212201782', () => {
    const book = ledger.book('212201782')!;
    const owner = book.profile.ownerPersonId!;
    expect(isSyntheticPersonNumber(owner)).toBe(true);
    const personal = book.claims.filter((c) => c.partyId === owner);
    const advance = personal.filter((c) => c.claimType === 'UTSKR_FORSKSKATT');
    expect(advance.length).toBeGreaterThan(0);
    expect(advance.every((c) => c.instalments.length === 4)).toBe(true);
    expect(book.claims.some((c) => c.partyId === '212201782' && c.claimType === 'Mva-melding')).toBe(true);
    expect(book.payments.some((p) => p.partyId === owner)).toBe(true);
    expect(ledger.ownerOf(owner)).toBe('212201782');
  });

  it('has a payment without KID from yesterday unplaced today, placed a few days later', () => {
    const moving = SandboxLedger.documented();
    const yesterday = dayToIso(isoToDay(moving.today) - 1);
    const stray = moving.openClaims('313367002')!.unplacedPayments.find((p) => p.paymentDate === yesterday);
    expect(stray).toBeDefined();
    expect(stray!.paidFrom?.kid).toBeUndefined();
    expect(stray!.unplacedAmount).toBe(stray!.amount);
    moving.advance(3);
    expect(stray!.placements.length + stray!.payouts.length).toBeGreaterThan(0);
  });

  it('sets credits off against due debts and pays the rest out', () => {
    const book = ledger.book('311851381')!;
    const setOffs = book.claims.flatMap((c) =>
      c.instalments.flatMap((i) => i.placements.filter((p) => p.kind === 'set-off')),
    );
    expect(setOffs.length).toBeGreaterThan(0);
    expect(book.payouts.some((u) => u.credits.length > 0)).toBe(true);
  });

  it('charges interest and enforcement fees linked to their principal when 314961900 pays late', () => {
    const book = ledger.book('314961900')!;
    const ids = new Set(book.claims.map((c) => c.claimId));
    const interest = book.claims.filter((c) => c.claimType === 'Forsinkelsesrente');
    const fees = book.claims.filter((c) => c.claimType === 'UTLEGGSGEBYR');
    expect(interest.length).toBeGreaterThan(0);
    expect(fees.length).toBeGreaterThan(0);
    for (const c of [...interest, ...fees]) expect(ids.has(c.principalClaimId!)).toBe(true);
    expect(book.openClaims().some((c) => (c.estimatedInterest ?? 0) > 0)).toBe(true);
  });

  it('charges withholding per term until 2025 and per payroll run from 2026', () => {
    const withholding = ledger.book('314961900')!.claims.filter((c) => c.claimType === 'FORSKTREKK');
    const old = withholding.filter((c) => c.createdDate! < '2025-12-01');
    const perPayroll = withholding.filter((c) => c.createdDate!.startsWith('2026-09'));
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((c) => c.period?.term !== undefined)).toBe(true);
    expect(perPayroll.length).toBe(4);
    for (const c of perPayroll) {
      expect(c.period?.from).toBe(c.createdDate);
      expect(c.instalments[0].dueDate! > c.createdDate!).toBe(true);
    }
  });

  it('shows every payment case: partial, over, without KID, refunded', () => {
    const books = allBooks(ledger);
    const claims = books.flatMap((b) => b.claims);
    const payments = books.flatMap((b) => b.payments);
    const partial = claims.some((c) =>
      c.instalments.some(
        (i) => i.remainingAmount > 0 && i.remainingAmount < i.originalAmount && i.placements.length > 0,
      ),
    );
    const overpaid = payments.some((p) => p.paidFrom?.kid !== undefined && p.placements.length > 1);
    const withoutKid = payments.some((p) => p.paidFrom?.kid === undefined && p.placements.length > 0);
    const refunded = books.some((b) => b.payouts.some((u) => u.refundedPayments.length > 0));
    expect({ partial, overpaid, withoutKid, refunded }).toEqual({
      partial: true,
      overpaid: true,
      withoutKid: true,
      refunded: true,
    });
  });

  it('makes new claims, placements and payouts appear when the clock advances', () => {
    const moving = SandboxLedger.documented();
    const before = allBooks(moving).map((b) => [b.claims.length, b.payments.length, b.payouts.length]);
    moving.advance(60);
    const after = allBooks(moving).map((b) => [b.claims.length, b.payments.length, b.payouts.length]);
    expect(moving.today).toBe('2026-12-14');
    const grew = after.filter((a, i) => a[0] > before[i][0] && a[1] > before[i][1]);
    expect(grew.length).toBeGreaterThan(3);
    const recent = moving.claims('313367002', { from: '2026-10-16', to: '2026-12-14' })!.claims;
    expect(recent.length).toBeGreaterThan(0);
  });
});

describe('PartyBook', () => {
  it('simulated in steps equals simulated at once', () => {
    const today = isoToDay(DEFAULT_SANDBOX_TODAY);
    const start = today - 500;
    for (const profile of [
      documentedProfiles(9)[0],
      generatedProfiles({ customers: 1, claimsPerCustomer: 300, seed: 9 }, DEFAULT_SANDBOX_TODAY)[0],
    ]) {
      const once = new PartyBook(profile, 9, start, today);
      once.runTo(today);
      const steps = new PartyBook(profile, 9, start, today);
      for (const day of [start + 40, today - 90, today - 31, today - 1, today]) steps.runTo(day);
      expect(JSON.stringify([steps.claims, steps.payments, steps.payouts])).toBe(
        JSON.stringify([once.claims, once.payments, once.payouts]),
      );
    }
  });
});

describe('coverage order', () => {
  const start = isoToDay('2026-01-05');
  const day = (n: number): number => start + n;
  const quiet = (partial: Partial<PartyProfile>): PartyProfile => ({
    partyId: '313367002',
    name: 'TEST AS',
    kind: 'company',
    ordinal: 1,
    schedule: {
      type: 'calendar',
      vat: false,
      vatCreditChance: 0,
      employer: false,
      payrollRunsPerMonth: 0,
      employerCreditChance: 0,
      advanceTax: false,
      residualTax: false,
      taxRefundChance: 0,
      fineChancePerMonth: 0,
    },
    behaviour: { onTime: 0, late: 0, partial: 0, over: 0, noKid: 0, unpaid: 1 },
    scale: 1,
    strayPaymentChancePerMonth: 0,
    ...partial,
  });
  const debt = (
    kind: 'vat' | 'withholding' | 'residual-tax',
    created: number,
    due: number,
    kroner: number,
  ) => ({
    kind,
    createdDay: day(created),
    personal: false,
    period: { description: 'Termin', year: '2026', term: '1' },
    label: '2026/1',
    instalments: [{ dueDay: day(due), amount: kroner * 100 }],
  });
  const build = (profile: PartyProfile, until: number): PartyBookView => {
    const ledger = SandboxLedger.fromProfiles([profile], {
      today: dayToIso(day(until)),
      startDate: dayToIso(start),
    });
    const book = ledger.book(profile.partyId)!;
    expect(checkLedgerInvariants(book)).toEqual([]);
    return book;
  };
  const placedOn = (claim: Claim): number =>
    claim.instalments.reduce((s, i) => s + i.placements.reduce((t, p) => t + p.amount, 0), 0);

  it('places a payment without KID on due debts by rank: tax, withholding, then VAT; never on debts not due', () => {
    const book = build(
      quiet({
        scriptedClaims: [
          debt('vat', 0, 5, 10_000),
          debt('withholding', 0, 10, 5_000),
          debt('residual-tax', 0, 20, 3_000),
          debt('residual-tax', 0, 100, 1_000),
        ],
        scriptedPayments: [{ day: day(30), amount: 9_000_00 }],
      }),
      40,
    );
    const [vat, withholding, tax, notDue] = book.claims;
    expect([placedOn(tax), placedOn(withholding), placedOn(vat), placedOn(notDue)]).toEqual([
      3_000_00, 5_000_00, 1_000_00, 0,
    ]);
    expect(book.payments[0].placements.map((p) => p.instalmentId)).toEqual([
      tax.instalments[0].instalmentId,
      withholding.instalments[0].instalmentId,
      vat.instalments[0].instalmentId,
    ]);
    expect(book.payments[0].placements.every((p) => p.placedDate === dayToIso(day(33)))).toBe(true);
  });

  it('covers a claim’s costs before its principal when paid with the claim’s KID', () => {
    const book = build(
      quiet({
        scriptedClaims: [debt('vat', 0, 5, 10_000)],
        scriptedPayments: [{ day: day(85), amount: 10_000_00, claimIndex: 0 }],
      }),
      90,
    );
    const [vat, fee] = book.claims;
    expect(fee.claimType).toBe('UTLEGGSGEBYR');
    expect(fee.principalClaimId).toBe(vat.claimId);
    expect(fee.remainingAmount).toBe(0);
    expect(vat.remainingAmount).toBe(fee.originalAmount);
    expect(book.payments[0].placements[0].instalmentId).toBe(fee.instalments[0].instalmentId);
  });

  it('charges late-payment interest on a principal paid late, linked to it', () => {
    const book = build(
      quiet({
        scriptedClaims: [debt('residual-tax', 0, 5, 100_000)],
        scriptedPayments: [{ day: day(35), amount: 100_000_00, claimIndex: 0 }],
      }),
      50,
    );
    const [tax, interest] = book.claims;
    expect(tax.remainingAmount).toBe(0);
    // 100 000 kr placed 31 days late at 12.5 % a year.
    expect(interest).toMatchObject({
      claimType: 'Forsinkelsesrente',
      principalClaimId: tax.claimId,
      originalAmount: Math.floor((100_000_00 * 31 * 1250) / 3_650_000),
      claimGroup: 'Skatt',
    });
  });

  it('sets a credit off against due debts by rank and pays the rest out', () => {
    const credit = { ...debt('vat', 10, 10, 0), kind: 'vat-credit' as const };
    credit.instalments = [{ dueDay: day(10), amount: -2_000_00 }];
    const book = build(
      quiet({ scriptedClaims: [debt('withholding', 0, 5, 1_000), debt('residual-tax', 0, 6, 500), credit] }),
      30,
    );
    const [withholding, tax, vatCredit] = book.claims;
    expect([withholding.remainingAmount, tax.remainingAmount, vatCredit.remainingAmount]).toEqual([0, 0, 0]);
    const creditSide = vatCredit.instalments[0].placements;
    expect(creditSide.map((p) => [p.kind, p.amount])).toEqual([
      ['set-off', 500_00],
      ['set-off', 1_000_00],
    ]);
    expect(book.payouts).toHaveLength(1);
    expect(book.payouts[0]).toMatchObject({
      amount: 500_00,
      payoutDate: dayToIso(day(17)),
      status: 'bekreftet',
    });
    expect(book.payouts[0].credits[0]).toMatchObject({ originalAmount: 2_000_00, paidOutAmount: 500_00 });
  });
});

describe('SandboxLedger.generate', () => {
  it('gives each customer exactly the scheduled claims asked for, with distinct valid org numbers', () => {
    const ledger = SandboxLedger.generate({ customers: 20, claimsPerCustomer: 30, seed: 5 });
    const ids = ledger.profiles().map((p) => p.partyId);
    expect(new Set(ids).size).toBe(20);
    expect(ids.every(isValidOrganisationNumber)).toBe(true);
    expect(ids.some((id) => DOCUMENTED.includes(id))).toBe(false);
    for (const book of allBooks(ledger)) {
      const scheduled = book.claims.filter((c) => c.principalClaimId === undefined);
      expect(scheduled).toHaveLength(30);
      expect(checkLedgerInvariants(book)).toEqual([]);
    }
    expect(snapshot(SandboxLedger.generate({ customers: 20, claimsPerCustomer: 30, seed: 5 }))).toBe(
      snapshot(ledger),
    );
  });
});
