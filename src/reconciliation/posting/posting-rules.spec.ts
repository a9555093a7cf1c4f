import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { Payment } from '../../domain/payment.model.js';
import type { Payout } from '../../domain/payout.model.js';
import type { AccountMapping } from '../../config/module-options.interface.js';
import { loadDefaultAccounts, mergeAccounts } from '../../config/account-mapping.js';
import { claimDirectory } from './claim-accounts.js';
import { entryTouches } from './entry-touches.js';
import {
  entriesForSnapshot,
  snapshotParents,
  type DesiredEntry,
  type PostingCustomer,
} from './posting-rules.js';
import { buildSnapshot, type ReconciliationSnapshot } from './snapshot.js';

const ORG = '313367002';
const OWNER = '04827896468';
const accounts: AccountMapping = loadDefaultAccounts();
const customer: PostingCustomer = { id: 'acme', organisasjonsnummer: ORG, bookingStartDate: '2026-01-01' };

function inst(id: string, claimId: string, original: number, extra: Partial<Instalment> = {}): Instalment {
  return {
    instalmentId: id,
    claimId,
    dueDate: '2026-02-10',
    originalAmount: original,
    remainingAmount: original,
    paymentDetails: { kid: `KID-${id}` },
    placements: [],
    payouts: [],
    ...extra,
  };
}

function claim(
  id: string,
  claimType: string,
  claimGroup: string | undefined,
  instalments: Instalment[],
  extra: Partial<Claim> = {},
): Claim {
  const original = instalments.reduce((s, i) => s + i.originalAmount, 0);
  const c: Claim = {
    partyId: ORG,
    claimId: id,
    claimType,
    description: `${claimType} ${id}`,
    createdDate: '2026-01-20',
    originalAmount: original,
    remainingAmount: instalments.reduce((s, i) => s + i.remainingAmount, 0),
    instalments,
    ...extra,
  };
  if (claimGroup !== undefined) c.claimGroup = claimGroup;
  return c;
}

function payment(id: string, amount: number, extra: Partial<Payment> = {}): Payment {
  return {
    partyId: ORG,
    paymentId: id,
    paymentDate: '2026-02-09',
    amount,
    unplacedAmount: amount,
    paidFrom: { kid: 'KID-X' },
    placements: [],
    payouts: [],
    ...extra,
  };
}

function snapshot(parts: {
  claims?: Claim[];
  payments?: Payment[];
  payouts?: Payout[];
}): ReconciliationSnapshot {
  return buildSnapshot({
    customer: { id: 'acme', organisasjonsnummer: ORG },
    asOf: '2026-03-01',
    claims: [{ partyId: ORG, shielded: false, period: { from: '2026-01-01' }, claims: parts.claims ?? [] }],
    payments: [
      { partyId: ORG, shielded: false, period: { from: '2026-01-01' }, payments: parts.payments ?? [] },
    ],
    payouts: [
      { partyId: ORG, shielded: false, period: { from: '2026-01-01' }, payouts: parts.payouts ?? [] },
    ],
  });
}

function byFact(entries: DesiredEntry[], fact: DesiredEntry['fact']): DesiredEntry[] {
  return entries.filter((e) => e.fact === fact);
}

const lines = (e: DesiredEntry) => e.lines.map((l) => [l.account, l.debit ?? -(l.credit ?? 0)]);

/** VAT claim V1 (10 000 kr) paid by payment P1, listed on both sides with the claim side's amount winning. */
function vatPaid(): ReconciliationSnapshot {
  const i = inst('I1', 'V1', 1_000_000, { remainingAmount: 0 });
  i.placements.push({
    kind: 'payment',
    paymentId: 'P1',
    instalmentId: 'I1',
    amount: 1_000_000,
    placedDate: '2026-02-10',
    paymentDate: '2026-02-09',
  });
  const p = payment('P1', 1_000_000, { unplacedAmount: 0 });
  p.placements.push({ paymentId: 'P1', instalmentId: 'I1', amount: 999_999, placedDate: '2026-02-10' });
  return snapshot({ claims: [claim('V1', 'Mva-melding', 'Merverdiavgift', [i])], payments: [p] });
}

describe('entriesForSnapshot', () => {
  it('books a payment received (D clearing, C bank) and its placement (D liability, C clearing)', () => {
    const { entries, issues } = entriesForSnapshot(vatPaid(), customer, accounts);
    expect(issues).toEqual([]);
    const [received] = byFact(entries, 'payment-received');
    expect(received.idempotencyKey).toBe('kob:acme:payment:P1');
    expect(received.date).toBe('2026-02-09');
    expect(lines(received)).toEqual([
      ['1579', 1_000_000],
      ['1920', -1_000_000],
    ]);
    expect(received.lines[0].kid).toBe('KID-X');
    const [placed] = byFact(entries, 'placement');
    expect(placed.idempotencyKey).toBe('kob:acme:placement:P1:I1');
    expect(placed.date).toBe('2026-02-10');
    // The instalment side wins over the payment side's (different) amount.
    expect(lines(placed)).toEqual([
      ['2740', 1_000_000],
      ['1579', -1_000_000],
    ]);
    expect(placed.lines[0]).toMatchObject({ kid: 'KID-I1', reference: 'I1' });
    expect(placed.inScope).toBe(true);
    expect(entryTouches(placed)).toEqual({
      instalments: [{ instalmentId: 'I1', amount: 1_000_000 }],
      payments: [{ paymentId: 'P1', amount: 1_000_000 }],
    });
  });

  it('posts no payment entries when the host books bank lines itself', () => {
    const { entries } = entriesForSnapshot(vatPaid(), { ...customer, hostBooksBankLines: true }, accounts);
    expect(entries.map((e) => e.fact)).toEqual(['placement']);
  });

  it('does not book a placement on an instalment outside the snapshot, and reports it', () => {
    const p = payment('P1', 500, { unplacedAmount: 0 });
    p.placements.push({ paymentId: 'P1', instalmentId: 'GONE', amount: 500, placedDate: '2026-02-10' });
    const { entries, issues } = entriesForSnapshot(snapshot({ payments: [p] }), customer, accounts);
    const result = entriesForSnapshot(snapshot({ payments: [p] }), customer, accounts);
    expect(byFact(entries, 'placement')).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ kind: 'unknown-instalment', ids: ['P1', 'GONE'] })]);
    // The placement exists all the same: planPostings must not reverse an earlier entry for it.
    expect(result.unbooked).toEqual(['kob:acme:placement:P1:GONE']);
  });

  it('scopes facts by the booking start: payments and placements by the payment date', () => {
    const i = inst('I1', 'V1', 1_000, { remainingAmount: 0 });
    i.placements.push({
      kind: 'payment',
      paymentId: 'P0',
      instalmentId: 'I1',
      amount: 1_000,
      placedDate: '2026-01-02',
      paymentDate: '2025-12-30',
    });
    const p = payment('P0', 1_000, { paymentDate: '2025-12-30', unplacedAmount: 0 });
    const { entries } = entriesForSnapshot(
      snapshot({ claims: [claim('V1', 'Mva-melding', 'Merverdiavgift', [i])], payments: [p] }),
      customer,
      accounts,
    );
    expect(entries.map((e) => [e.fact, e.inScope, e.factDate])).toEqual([
      ['payment-received', false, '2025-12-30'],
      ['placement', false, '2025-12-30'],
    ]);
  });

  it('books a set-off once, from the debt side, against the credit claim', () => {
    const debt = inst('D1', 'A1', 50_000, { remainingAmount: 30_000 });
    const credit = inst('C1', 'R1', -20_000, { remainingAmount: 0, paymentDetails: {} });
    debt.placements.push({
      kind: 'set-off',
      instalmentId: 'D1',
      counterInstalmentId: 'C1',
      amount: 20_000,
      placedDate: '2026-02-15',
    });
    credit.placements.push({
      kind: 'set-off',
      instalmentId: 'C1',
      counterInstalmentId: 'D1',
      amount: 20_000,
      placedDate: '2026-02-15',
    });
    const s = snapshot({
      claims: [
        claim('A1', 'ARBGAVG', 'Arbeidsgiveravgift', [debt]),
        claim('R1', 'Mva-melding', 'Merverdiavgift', [credit]),
      ],
    });
    const setOffs = byFact(entriesForSnapshot(s, customer, accounts).entries, 'set-off');
    expect(setOffs).toHaveLength(1);
    expect(setOffs[0].idempotencyKey).toBe('kob:acme:setoff:D1:C1');
    expect(lines(setOffs[0])).toEqual([
      ['2770', 20_000],
      ['2740', -20_000],
    ]);
    expect(entryTouches(setOffs[0]).instalments).toEqual([
      { instalmentId: 'D1', amount: 20_000 },
      { instalmentId: 'C1', amount: 20_000 },
    ]);
  });

  it('books a set-off whose credit is outside the snapshot as an earlier run saw it, else by the named type', () => {
    const debt = inst('D1', 'A1', 50_000, { remainingAmount: 30_000 });
    debt.placements.push({
      kind: 'set-off',
      instalmentId: 'D1',
      counterInstalmentId: 'C1',
      counterClaimType: 'Mva-melding',
      amount: 20_000,
      placedDate: '2026-02-15',
    });
    const s = snapshot({ claims: [claim('A1', 'ARBGAVG', 'Arbeidsgiveravgift', [debt])] });
    const [byType] = byFact(entriesForSnapshot(s, customer, accounts).entries, 'set-off');
    expect(lines(byType)).toEqual([
      ['2770', 20_000],
      ['2740', -20_000],
    ]);
    const knownClaims = claimDirectory([
      claim('R1', 'RESTERENDE_SKT_TILB', 'Skatt', [inst('C1', 'R1', -20_000)]),
    ]);
    const [byDirectory] = byFact(
      entriesForSnapshot(s, customer, accounts, { knownClaims }).entries,
      'set-off',
    );
    expect(lines(byDirectory)[1]).toEqual(['2500', -20_000]);
    // Without the debt, the set-off cannot be booked, but it is known to exist.
    const creditOnly = inst('C1', 'R1', -20_000, { remainingAmount: 0 });
    creditOnly.placements.push({
      kind: 'set-off',
      instalmentId: 'C1',
      counterInstalmentId: 'D1',
      amount: 20_000,
      placedDate: '2026-02-15',
    });
    const result = entriesForSnapshot(
      snapshot({ claims: [claim('R1', 'Mva-melding', 'Merverdiavgift', [creditOnly])] }),
      customer,
      accounts,
    );
    expect(byFact(result.entries, 'set-off')).toEqual([]);
    expect(result.unbooked).toEqual(['kob:acme:setoff:D1:C1']);
  });

  it('books a payout: D bank, C the credit liability and C clearing for a refund, remainder to clearing flagged', () => {
    const credit = inst('C1', 'R1', -30_000, { remainingAmount: 0, paymentDetails: {} });
    const payout: Payout = {
      partyId: ORG,
      payoutId: 'U1',
      payoutDate: '2026-02-20',
      amount: 45_000,
      paidTo: { message: 'Tilgode skatt 2025' },
      credits: [
        {
          instalmentId: 'C1',
          claimType: 'RESTERENDE_SKT_TILB',
          originalAmount: 30_000,
          remainingAmount: 0,
          paidOutAmount: 30_000,
        },
      ],
      refundedPayments: [{ paymentId: 'P9', paymentAmount: 20_000, paidOutAmount: 10_000 }],
    };
    const s = snapshot({
      claims: [claim('R1', 'RESTERENDE_SKT_TILB', 'Skatt', [credit])],
      payouts: [payout],
    });
    const { entries, issues } = entriesForSnapshot(s, customer, accounts);
    const [booked] = byFact(entries, 'payout');
    expect(booked.idempotencyKey).toBe('kob:acme:payout:U1');
    expect(lines(booked)).toEqual([
      ['1920', 45_000],
      ['2500', -30_000],
      ['1579', -10_000],
      ['1579', -5_000],
    ]);
    expect(booked.flags).toEqual(['payout-remainder-to-clearing']);
    expect(issues.map((i) => i.kind)).toEqual(['payout-remainder']);
    expect(entryTouches(booked)).toEqual({
      instalments: [{ instalmentId: 'C1', amount: 30_000 }],
      payments: [{ paymentId: 'P9', amount: 10_000 }],
    });
  });

  it('books a paid-out credit whose claim is not in the snapshot by its claim type', () => {
    const payout: Payout = {
      partyId: ORG,
      payoutId: 'U2',
      payoutDate: '2026-02-20',
      amount: 7_000,
      paidTo: {},
      credits: [
        {
          instalmentId: 'X',
          claimType: 'Mva-melding',
          originalAmount: 7_000,
          remainingAmount: 0,
          paidOutAmount: 7_000,
        },
      ],
      refundedPayments: [],
    };
    const [booked] = entriesForSnapshot(snapshot({ payouts: [payout] }), customer, accounts).entries;
    expect(lines(booked)).toEqual([
      ['1920', 7_000],
      ['2740', -7_000],
    ]);
  });

  describe('recognition', () => {
    const interest = (partyId = ORG, amount = 12_345) =>
      claim('RENTE1', 'Forsinkelsesrente', 'Merverdiavgift', [inst('RI1', 'RENTE1', amount)], {
        partyId,
        principalClaimId: 'V1',
      });
    const vat = () => claim('V1', 'Mva-melding', 'Merverdiavgift', [inst('VI1', 'V1', 500_000)]);

    it('books late-payment interest against 8159 and the principal liability by default', () => {
      const { entries } = entriesForSnapshot(snapshot({ claims: [vat(), interest()] }), customer, accounts);
      const recognised = byFact(entries, 'recognition');
      expect(recognised.map((e) => e.idempotencyKey)).toEqual(['kob:acme:claim:RENTE1']);
      expect(lines(recognised[0])).toEqual([
        ['8159', 12_345],
        ['2740', -12_345],
      ]);
      expect(recognised[0].date).toBe('2026-01-20');
    });

    it('books refund interest (a credit) as income 8040', () => {
      const refund = claim('RK', 'Fors.rente kredit', 'Skatt', [inst('RK1', 'RK', -4_000)]);
      const [e] = byFact(
        entriesForSnapshot(snapshot({ claims: [refund] }), customer, accounts).entries,
        'recognition',
      );
      expect(lines(e)).toEqual([
        ['8040', -4_000],
        ['2500', 4_000],
      ]);
    });

    it('books non-deductible interest on 8140 and fees and fines on 7799', () => {
      const surcharge = claim('T', 'Rentetillegg restskatt', 'Skatt', [inst('T1', 'T', 900)]);
      const fee = claim('G', 'UTLEGGSGEBYR', 'Andre krav', [inst('G1', 'G', 140_500)]);
      const fine = claim('M', 'TVANGSMULKT', 'Andre krav', [inst('M1', 'M', 50_000)]);
      const entries = byFact(
        entriesForSnapshot(snapshot({ claims: [surcharge, fee, fine] }), customer, accounts).entries,
        'recognition',
      );
      expect(entries.map((e) => [e.idempotencyKey, lines(e)])).toEqual([
        [
          'kob:acme:claim:G',
          [
            ['7799', 140_500],
            ['2790', -140_500],
          ],
        ],
        [
          'kob:acme:claim:M',
          [
            ['7799', 50_000],
            ['2790', -50_000],
          ],
        ],
        [
          'kob:acme:claim:T',
          [
            ['8140', 900],
            ['2500', -900],
          ],
        ],
      ]);
    });

    it("recognises nothing with 'none' and every claim against its group's contra account with 'all'", () => {
      const s = snapshot({ claims: [vat(), interest()] });
      expect(
        byFact(entriesForSnapshot(s, { ...customer, recognise: 'none' }, accounts).entries, 'recognition'),
      ).toEqual([]);
      const all = byFact(
        entriesForSnapshot(s, { ...customer, recognise: 'all' }, accounts).entries,
        'recognition',
      );
      expect(all.map((e) => [e.idempotencyKey, lines(e)])).toEqual([
        [
          'kob:acme:claim:RENTE1',
          [
            ['8159', 12_345],
            ['2740', -12_345],
          ],
        ],
        [
          'kob:acme:claim:V1',
          [
            ['2700', 500_000],
            ['2740', -500_000],
          ],
        ],
      ]);
    });

    it("sends a sole trader's personal tax to equity 2070, and books nothing for it against itself", () => {
      const personal = claim('S1', 'RESTSKATT', 'Skatt', [inst('SI1', 'S1', 80_000)], { partyId: OWNER });
      const i = personal.instalments[0];
      i.placements.push({
        kind: 'payment',
        paymentId: 'P1',
        instalmentId: 'SI1',
        amount: 80_000,
        placedDate: '2026-02-10',
      });
      const trader = {
        ...customer,
        organisasjonsnummer: ORG,
        ownerPersonId: OWNER,
        recognise: 'all' as const,
      };
      const { entries, issues } = entriesForSnapshot(snapshot({ claims: [personal] }), trader, accounts);
      expect(lines(byFact(entries, 'placement')[0])).toEqual([
        ['2070', 80_000],
        ['1579', -80_000],
      ]);
      expect(byFact(entries, 'recognition')).toEqual([]);
      expect(issues).toEqual([expect.objectContaining({ kind: 'no-effect', ids: ['S1'] })]);
      // Interest on the owner's tax is private too: no expense in the business.
      const personalInterest = interest(OWNER);
      personalInterest.principalClaimId = 'S1';
      const more = entriesForSnapshot(
        snapshot({ claims: [personal, personalInterest] }),
        { ...trader, recognise: undefined },
        accounts,
      );
      expect(byFact(more.entries, 'recognition')).toEqual([]);
    });

    it('treats any 11-digit party other than the organisation as the owner when ownerPersonId is not set', () => {
      const personal = claim('S1', 'UTSKR_FORSKSKATT', 'Skatt', [inst('SI1', 'S1', 80_000)], {
        partyId: OWNER,
      });
      personal.instalments[0].placements.push({
        kind: 'payment',
        paymentId: 'P1',
        instalmentId: 'SI1',
        amount: 80_000,
        placedDate: '2026-02-10',
      });
      const [placed] = byFact(
        entriesForSnapshot(snapshot({ claims: [personal] }), customer, accounts).entries,
        'placement',
      );
      expect(placed.lines[0].account).toBe('2070');
    });
  });

  it('applies per-customer overrides by claim type, then by claim group', () => {
    const vat = claim('V1', 'Mva-melding', 'Merverdiavgift', [inst('I1', 'V1', 1_000)]);
    const aga = claim('A1', 'ARBGAVG', 'Arbeidsgiveravgift', [inst('I2', 'A1', 2_000)]);
    vat.instalments[0].placements.push({
      kind: 'payment',
      paymentId: 'P1',
      instalmentId: 'I1',
      amount: 1_000,
      placedDate: '2026-02-10',
    });
    aga.instalments[0].placements.push({
      kind: 'payment',
      paymentId: 'P1',
      instalmentId: 'I2',
      amount: 2_000,
      placedDate: '2026-02-10',
    });
    const mapped = mergeAccounts(accounts, {
      byClaimType: { 'mva-melding': '2741' },
      byClaimGroup: { ARBEIDSGIVERAVGIFTER: '2771', Merverdiavgift: '2749' },
    });
    const placements = byFact(
      entriesForSnapshot(snapshot({ claims: [vat, aga] }), customer, mapped).entries,
      'placement',
    );
    expect(placements.map((e) => e.lines[0].account).sort()).toEqual(['2741', '2771']);
  });

  it('keys a second placement of one pair on a later date with that date, leaving the first key alone', () => {
    const i = inst('I1', 'V1', 3_000, { remainingAmount: 0 });
    i.placements.push(
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 1_000, placedDate: '2026-02-12' },
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 1_500, placedDate: '2026-02-10' },
      { kind: 'payment', paymentId: 'P1', instalmentId: 'I1', amount: 500, placedDate: '2026-02-10' },
    );
    const placements = byFact(
      entriesForSnapshot(
        snapshot({ claims: [claim('V1', 'Mva-melding', 'Merverdiavgift', [i])] }),
        customer,
        accounts,
      ).entries,
      'placement',
    );
    expect(placements.map((e) => [e.idempotencyKey, e.lines[0].debit])).toEqual([
      ['kob:acme:placement:P1:I1', 2_000],
      ['kob:acme:placement:P1:I1:2026-02-12', 1_000],
    ]);
  });

  it('escapes separators in ids, so two customers or two id pairs never share a key', () => {
    const a = entriesForSnapshot(vatPaid(), { ...customer, id: 'a:b' }, accounts).entries;
    const b = entriesForSnapshot(vatPaid(), { ...customer, id: 'a' }, accounts).entries;
    expect(a[0].idempotencyKey).toBe('kob:a%3Ab:payment:P1');
    const keys = new Set([...a, ...b].map((e) => e.idempotencyKey));
    expect(keys.size).toBe(a.length + b.length);
  });

  it('reports set-offs against other creditors, which it does not book', () => {
    const p = payment('P1', 1_000, {
      unplacedAmount: 0,
      setOff: { setOffId: 'M1', date: '2026-02-01', coveredClaims: [], paymentsUsed: [], creditsUsed: [] },
    });
    const { issues } = entriesForSnapshot(snapshot({ payments: [p] }), customer, accounts);
    expect(issues).toEqual([expect.objectContaining({ kind: 'external-set-off', ids: ['P1', 'M1'] })]);
  });
});

describe('snapshotParents', () => {
  it('lists every instalment, and only payments whose own figures add up', () => {
    const s = vatPaid();
    s.payments.push(
      payment('P2', 100, { unplacedAmount: undefined }),
      payment('P3', 100, { unplacedAmount: 40 }),
    );
    const parents = snapshotParents(s);
    expect([...parents.instalments]).toEqual(['I1']);
    expect([...parents.payments]).toEqual([]); // P1 says 999 999 placed of 1 000 000; P2 silent; P3 misses 60
    s.payments[0].placements[0].amount = 1_000_000;
    expect([...snapshotParents(s).payments]).toEqual(['P1']);
  });
});
