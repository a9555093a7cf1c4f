import fc from 'fast-check';
import { checkLedgerInvariants } from './ledger-invariants.js';
import { SandboxLedger } from './sandbox-ledger.js';

// Random seeds, dates and clock moves: whatever the ledger generates must stay consistent (see
// checkLedgerInvariants for the list). Few runs: each builds whole ledgers.

const seed = fc.integer({ min: 1, max: 0x7fffffff });
const today = fc
  .integer({ min: 0, max: 900 })
  .map((n) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));

describe('ledger invariants', () => {
  it('hold for the documented scenario under any seed, date and clock move', () => {
    fc.assert(
      fc.property(seed, today, fc.integer({ min: 1, max: 120 }), (s, t, days) => {
        const ledger = SandboxLedger.documented({ seed: s, today: t });
        for (const p of ledger.profiles()) expect(checkLedgerInvariants(ledger.book(p.partyId)!)).toEqual([]);
        ledger.advance(days);
        for (const p of ledger.profiles()) expect(checkLedgerInvariants(ledger.book(p.partyId)!)).toEqual([]);
      }),
      { numRuns: 8 },
    );
  });

  it('hold for generated customers under any seed and size', () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 60 }),
        (s, claims, days) => {
          const ledger = SandboxLedger.generate({ customers: 3, claimsPerCustomer: claims, seed: s });
          ledger.advance(days);
          for (const p of ledger.profiles())
            expect(checkLedgerInvariants(ledger.book(p.partyId)!)).toEqual([]);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('reports a broken ledger', () => {
    const ledger = SandboxLedger.documented({ seed: 4 });
    const book = ledger.book('313367002')!;
    const placed = book.claims.find((c) => c.instalments[0].placements.length > 0)!;
    placed.instalments[0].placements[0].amount += 1;
    book.payments[0].unplacedAmount! += 1;
    const problems = checkLedgerInvariants(book);
    expect(problems.some((p) => p.includes(placed.instalments[0].instalmentId))).toBe(true);
    expect(problems.some((p) => p.includes(book.payments[0].paymentId))).toBe(true);
  });
});
