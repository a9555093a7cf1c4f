import fc from 'fast-check';
import type { Payment } from '../../domain/payment.model.js';
import type { BankTransaction } from '../../journal/journal-adapter.interface.js';
import { textHash } from '../posting/snapshot.js';
import { normaliseBankAccount } from './bank-accounts.js';
import { matchBankTransactions } from './bank-matching.js';

const TAX = '76940524802';
const VAT = '76940518888';

function payment(
  id: string,
  date: string,
  amount: number,
  kid?: string,
  account: string | undefined = TAX,
): Payment {
  return {
    partyId: '313367002',
    paymentId: id,
    paymentDate: date,
    amount,
    unplacedAmount: 0,
    ...(account === undefined ? {} : { receivingAccount: { accountNumber: account } }),
    ...(kid === undefined ? {} : { paidFrom: { kid } }),
    placements: [],
    payouts: [],
  };
}

function bank(
  id: string,
  date: string,
  amount: number,
  extra: Partial<BankTransaction> = {},
): BankTransaction {
  return { id, date, amount, ...extra };
}

const brief = (r: ReturnType<typeof matchBankTransactions>) =>
  r.matches.map((m) => [m.rule, m.tier, m.paymentIds, m.bankTransactionIds]);

describe('matchBankTransactions', () => {
  it('matches KID and amount automatically, the nearest date winning, each side used once', () => {
    const result = matchBankTransactions(
      [payment('P1', '2026-02-10', 1_000, '123'), payment('P2', '2026-03-10', 1_000, '123')],
      [
        bank('B-far', '2026-03-09', 1_000, { kid: '123' }),
        bank('B-near', '2026-02-09', 1_000, { kid: '123' }),
        bank('B-other-kid', '2026-02-10', 1_000, { kid: '999' }),
      ],
    );
    expect(brief(result)).toEqual([
      ['kid-amount', 'auto', ['P1'], ['B-near']],
      ['kid-amount', 'auto', ['P2'], ['B-far']],
    ]);
    expect(result.matches[0]).toMatchObject({
      confidence: 1,
      amount: 1_000,
      evidence: { kid: '123', dateDifferenceDays: 1, candidates: 2 },
    });
    expect(result.unmatchedBankTransactionIds).toEqual(['B-other-kid']);
    expect(result.unmatchedPaymentIds).toEqual([]);
  });

  it('only suggests amount + date window + receiving account, with account numbers normalised', () => {
    const result = matchBankTransactions(
      [
        payment('P1', '2026-02-10', 2_000),
        payment('P2', '2026-02-10', 3_000),
        payment('P3', '2026-02-10', 4_000),
      ],
      [
        bank('B1', '2026-02-14', 2_000, { counterpartyAccount: '7694.05.24802' }),
        bank('B2', '2026-02-20', 3_000, { counterpartyAccount: TAX }), // outside ±5 days
        bank('B3', '2026-02-10', 4_000, { counterpartyAccount: VAT }), // another account
      ],
    );
    expect(brief(result)).toEqual([['amount-date-account', 'suggested', ['P1'], ['B1']]]);
    expect(result.matches[0]).toMatchObject({
      confidence: 0.8,
      evidence: { account: TAX, dateDifferenceDays: 4 },
    });
    expect(normaliseBankAccount('NO42 7694 0524 802')).toBe(TAX);
    const wider = matchBankTransactions(
      [payment('P2', '2026-02-10', 3_000)],
      [bank('B2', '2026-02-20', 3_000, { counterpartyAccount: TAX })],
      {
        dateWindowDays: 10,
      },
    );
    expect(brief(wider)).toEqual([['amount-date-account', 'suggested', ['P2'], ['B2']]]);
  });

  it('suggests amount + date with less confidence when a side names no account', () => {
    const result = matchBankTransactions(
      [payment('P1', '2026-02-10', 2_000)],
      [bank('B1', '2026-02-11', 2_000)],
    );
    expect(result.matches).toEqual([
      expect.objectContaining({
        rule: 'amount-date',
        tier: 'suggested',
        confidence: 0.5,
        paymentIds: ['P1'],
        bankTransactionIds: ['B1'],
      }),
    ]);
  });

  it('suggests one bank line paying several payments (same account), and one payment paid by several lines (same KID)', () => {
    const manyToOne = matchBankTransactions(
      [
        payment('P1', '2026-02-10', 1_000),
        payment('P2', '2026-02-11', 2_500),
        payment('P3', '2026-02-11', 7_000),
      ],
      [bank('B1', '2026-02-12', 3_500, { counterpartyAccount: TAX })],
    );
    expect(brief(manyToOne)).toEqual([['split-bank-line', 'suggested', ['P1', 'P2'], ['B1']]]);
    expect(manyToOne.matches[0]).toMatchObject({ amount: 3_500, evidence: { account: TAX } });
    const oneToMany = matchBankTransactions(
      [payment('P1', '2026-02-10', 6_000, '777')],
      [
        bank('B1', '2026-02-09', 2_000, { kid: '777' }),
        bank('B2', '2026-02-10', 4_000, { kid: '777' }),
        bank('B3', '2026-02-10', 1_000, { kid: '777' }),
      ],
    );
    expect(brief(oneToMany)).toEqual([['split-payment', 'suggested', ['P1'], ['B1', 'B2']]]);
    expect(oneToMany.unmatchedBankTransactionIds).toEqual(['B3']);
  });

  it('counts days between dates as the calendar does, odd dates as Date.UTC reads them (property)', () => {
    const day = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1) / day, max: Date.UTC(2200, 0, 1) / day }),
        fc.integer({ min: -30, max: 30 }),
        (d, k) => {
          const r = matchBankTransactions(
            [payment('P', iso(d * day), 1_000, '7')],
            [bank('B', iso((d + k) * day), 1_000, { kid: '7' })],
          );
          expect(r.matches.map((m) => m.evidence.dateDifferenceDays)).toEqual([Math.abs(k)]);
        },
      ),
    );
    // 30 February is 2 March and month 00 December, as Date.UTC has them; year 0099 is 1999.
    const odd = (a: string, b: string) =>
      matchBankTransactions([payment('P', a, 1_000, '7')], [bank('B', b, 1_000, { kid: '7' })]).matches[0]
        ?.evidence.dateDifferenceDays;
    expect(odd('2026-02-30', '2026-03-02')).toBe(0);
    expect(odd('2026-00-15', '2025-12-16')).toBe(1);
    expect(odd('0099-06-01', '1999-06-03')).toBe(2);
  });

  it('never matches by KID two KIDs that only share a hash', () => {
    // Found by search: two KIDs with one 30-bit hash (the lines are kept by that hash).
    expect(textHash('0335786')).toBe(textHash('1074240'));
    const result = matchBankTransactions(
      [payment('P1', '2026-02-10', 1_000, '0335786')],
      [bank('B1', '2026-02-10', 1_000, { kid: '1074240', counterpartyAccount: TAX })],
    );
    expect(brief(result)).toEqual([['amount-date-account', 'suggested', ['P1'], ['B1']]]);
  });

  it('gives the same matches whatever order its inputs come in (property)', () => {
    const kids = ['11', '22', undefined];
    const item = fc.record({
      day: fc.integer({ min: 1, max: 20 }),
      amount: fc.constantFrom(1_000, 2_000, 3_000, 5_000),
      kid: fc.constantFrom(...kids),
      account: fc.constantFrom(TAX, VAT, undefined),
    });
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 12 }),
        fc.array(item, { maxLength: 12 }),
        fc.nat(),
        (ps, bs, salt) => {
          const date = (d: number) => `2026-02-${String(d).padStart(2, '0')}`;
          const payments = ps.map((p, i) => payment(`P${i}`, date(p.day), p.amount, p.kid, p.account));
          const lines = bs.map((b, i) =>
            bank(`B${i}`, date(b.day), b.amount, {
              ...(b.kid === undefined ? {} : { kid: b.kid }),
              ...(b.account === undefined ? {} : { counterpartyAccount: b.account }),
            }),
          );
          const shuffle = <T>(xs: T[]) =>
            xs
              .map((x, i) => [(i * 7919 + salt) % 104729, x] as const)
              .sort((a, b) => a[0] - b[0])
              .map(([, x]) => x);
          const a = matchBankTransactions(payments, lines);
          const b = matchBankTransactions(shuffle(payments), shuffle(lines));
          expect(b).toEqual(a);
          const used = a.matches.flatMap((m) => m.paymentIds);
          expect(new Set(used).size).toBe(used.length);
          const usedLines = a.matches.flatMap((m) => m.bankTransactionIds);
          expect(new Set(usedLines).size).toBe(usedLines.length);
          for (const m of a.matches) {
            const paid = m.paymentIds.reduce(
              (s, id) => s + payments.find((p) => p.paymentId === id)!.amount,
              0,
            );
            const booked = m.bankTransactionIds.reduce(
              (s, id) => s + lines.find((l) => l.id === id)!.amount,
              0,
            );
            expect([paid, booked]).toEqual([m.amount, m.amount]);
          }
        },
      ),
    );
  });
});
