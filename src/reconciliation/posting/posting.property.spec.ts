import fc from 'fast-check';
import { SandboxLedger } from '../../testing/index.js';
import { addDays } from '../../domain/dates.js';
import type { IsoDate } from '../../domain/common.model.js';
import { loadDefaultAccounts } from '../../config/account-mapping.js';
import type { RecognitionMode } from '../../config/module-options.interface.js';
import { allocationsFromSnapshot } from '../matching/allocations.js';
import { ClaimAccounts, claimDirectory, type ClaimRef } from './claim-accounts.js';
import { applyPlan, planPostings, type LatestVersion } from './entry-diff.js';
import { entryContentHash } from './content-hash.js';
import { entryTouches } from './entry-touches.js';
import {
  entriesForSnapshot,
  snapshotParents,
  type DesiredEntry,
  type PostingCustomer,
} from './posting-rules.js';
import { buildSnapshot, indexSnapshot, type ReconciliationSnapshot } from './snapshot.js';

// Posting rules over the sandbox's simulated tax accounts (the documented test organisations), whose data obey
// Skatteetaten's own arithmetic (checkLedgerInvariants): what the rules post must mirror it exactly.

const accounts = loadDefaultAccounts();
const ORGS = ['313367002', '311851381', '314961900', '314055403', '212201782', '310478717'] as const;

const ledgers = new Map<number, SandboxLedger>();
/** One ledger per seed for read-only properties (queries are copied into each snapshot). */
function ledgerFor(seed: number): SandboxLedger {
  let ledger = ledgers.get(seed);
  if (!ledger) ledgers.set(seed, (ledger = SandboxLedger.documented({ seed })));
  return ledger;
}

/** A snapshot of `org` from `from` to the ledger's today, in windows of at most a year, copied. */
function snapshotOf(
  ledger: SandboxLedger,
  org: string,
  from: IsoDate,
  customerId = `c-${org}`,
): ReconciliationSnapshot {
  const windows: { from: IsoDate; to: IsoDate }[] = [];
  for (let f = from; f <= ledger.today;) {
    const end = addDays(f, 364);
    const to = end < ledger.today ? end : ledger.today;
    windows.push({ from: f, to });
    f = addDays(to, 1);
  }
  return buildSnapshot(
    structuredClone({
      customer: { id: customerId, organisasjonsnummer: org },
      asOf: ledger.today,
      openClaims: ledger.openClaims(org)!,
      claims: windows.map((w) => ledger.claims(org, w)!),
      payments: windows.map((w) => ledger.payments(org, w)!),
      payouts: windows.map((w) => ledger.payouts(org, w)!),
    }),
  );
}

function customerFor(
  ledger: SandboxLedger,
  org: string,
  settings: Partial<PostingCustomer> = {},
): PostingCustomer {
  const owner = ledger.profiles().find((p) => p.partyId === org)?.ownerPersonId;
  return {
    id: `c-${org}`,
    organisasjonsnummer: org,
    bookingStartDate: ledger.startDate,
    ...(owner === undefined ? {} : { ownerPersonId: owner }),
    ...settings,
  };
}

const settings = fc.record({
  seed: fc.integer({ min: 1, max: 3 }),
  org: fc.constantFrom(...ORGS),
  startOffsetDays: fc.integer({ min: 0, max: 700 }),
  hostBooksBankLines: fc.boolean(),
  recognise: fc.constantFrom<RecognitionMode>('interest-and-fees', 'all', 'none'),
});

function sums<T>(items: Iterable<T>, key: (t: T) => string, amount: (t: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + amount(item));
  return out;
}

describe('posting rules over sandbox ledgers (properties)', () => {
  it('every entry balances, keys are unique and deterministic, placements never exceed their payment', () => {
    fc.assert(
      fc.property(settings, ({ seed, org, startOffsetDays, hostBooksBankLines, recognise }) => {
        const ledger = ledgerFor(seed);
        const customer = customerFor(ledger, org, {
          bookingStartDate: addDays(ledger.startDate, startOffsetDays),
          hostBooksBankLines,
          recognise,
        });
        const snapshot = snapshotOf(ledger, org, ledger.startDate);
        const { entries } = entriesForSnapshot(snapshot, customer, accounts);
        expect(entries.length).toBeGreaterThan(0);
        for (const e of entries) {
          expect(e.lines.length).toBeGreaterThanOrEqual(2);
          let balance = 0;
          for (const l of e.lines) {
            expect((l.debit === undefined) !== (l.credit === undefined)).toBe(true);
            const amount = (l.debit ?? l.credit)!;
            expect(Number.isSafeInteger(amount) && amount > 0).toBe(true);
            balance += (l.debit ?? 0) - (l.credit ?? 0);
          }
          expect(balance).toBe(0);
          expect(e.inScope).toBe(e.factDate >= customer.bookingStartDate);
        }
        expect(new Set(entries.map((e) => e.idempotencyKey)).size).toBe(entries.length);
        const touched = entries.map(entryTouches);
        const used = sums(
          touched.flatMap((t) => t.payments),
          (p) => p.paymentId,
          (p) => p.amount,
        );
        for (const p of snapshot.payments) expect(used.get(p.paymentId) ?? 0).toBeLessThanOrEqual(p.amount);
        const reduced = sums(
          touched.flatMap((t) => t.instalments),
          (i) => i.instalmentId,
          (i) => i.amount,
        );
        for (const [id, amount] of reduced) {
          const inst = indexSnapshot(snapshot).instalmentsById.get(id)?.instalment;
          if (inst) expect(amount).toBeLessThanOrEqual(Math.abs(inst.originalAmount));
        }
        // The same facts from an independent ledger with the same seed give the same keys and hashes.
        const again = entriesForSnapshot(
          snapshotOf(SandboxLedger.documented({ seed }), org, ledger.startDate),
          customer,
          accounts,
        );
        expect(again.entries.map((e) => [e.idempotencyKey, e.contentHash])).toEqual(
          entries.map((e) => [e.idempotencyKey, e.contentHash]),
        );
        // The hash (computed when first read) is that of what the entry says.
        for (const e of entries) expect(e.contentHash).toBe(entryContentHash(e));
      }),
      { numRuns: 12 },
    );
  });

  it('mirrors Skatteetaten exactly with the whole history: instalments, clearing and liability balances', () => {
    for (const org of ORGS) {
      const ledger = ledgerFor(1);
      const customer = customerFor(ledger, org, { recognise: 'all' });
      const snapshot = snapshotOf(ledger, org, ledger.startDate);
      const { entries } = entriesForSnapshot(snapshot, customer, accounts);
      expect(entries.every((e) => e.inScope)).toBe(true);
      const touched = entries.map(entryTouches);
      const reduced = sums(
        touched.flatMap((t) => t.instalments),
        (i) => i.instalmentId,
        (i) => i.amount,
      );
      for (const claim of snapshot.claims) {
        for (const inst of claim.instalments) {
          const direction = inst.originalAmount < 0 ? -1 : 1;
          expect([
            inst.instalmentId,
            inst.originalAmount - direction * (reduced.get(inst.instalmentId) ?? 0),
          ]).toEqual([inst.instalmentId, inst.remainingAmount]);
        }
      }
      const balances = sums(
        entries.flatMap((e) => e.lines),
        (l) => l.account,
        (l) => (l.debit ?? 0) - (l.credit ?? 0),
      );
      const unplaced = snapshot.payments.reduce((s, p) => s + (p.unplacedAmount ?? 0), 0);
      expect(balances.get(accounts.taxAccountClearing) ?? 0).toBe(unplaced);
      // Every liability account holds minus Skatteetaten's remaining amounts, except equity (the owner's tax).
      const resolver = new ClaimAccounts({
        accounts,
        organisasjonsnummer: org,
        claimsById: indexSnapshot(snapshot).claimsById,
        ...(customer.ownerPersonId === undefined ? {} : { ownerPersonId: customer.ownerPersonId }),
      });
      const remaining = sums(
        snapshot.claims.flatMap((c) =>
          c.instalments.map((i) => ({ account: resolver.liability(c).account, amount: i.remainingAmount })),
        ),
        (x) => x.account,
        (x) => -x.amount,
      );
      remaining.delete(accounts.soleTraderPersonalTax);
      for (const [account, expected] of remaining)
        expect([account, balances.get(account) ?? 0]).toEqual([account, expected]);
    }
  });

  it("books the sole trader's own tax on equity 2070", () => {
    const ledger = ledgerFor(1);
    const org = '212201782';
    const customer = customerFor(ledger, org);
    const snapshot = snapshotOf(ledger, org, ledger.startDate);
    const owner = customer.ownerPersonId!;
    const { entries } = entriesForSnapshot(snapshot, customer, accounts);
    const index = indexSnapshot(snapshot);
    const personal = entries.filter(
      (e) => e.fact === 'placement' && index.instalmentsById.get(e.source.ids[1])?.claim.partyId === owner,
    );
    expect(personal.length).toBeGreaterThan(0);
    for (const e of personal) expect(e.lines[0].account).toBe('2070');
    const business = entries.filter(
      (e) => e.fact === 'placement' && index.instalmentsById.get(e.source.ids[1])?.claim.partyId === org,
    );
    expect(business.length).toBeGreaterThan(0);
    for (const e of business) expect(e.lines[0].account).not.toBe('2070');
  });

  it('two customers never share a key, even with the same data', () => {
    const ledger = ledgerFor(2);
    const snapshot = snapshotOf(ledger, '313367002', ledger.startDate);
    const a = entriesForSnapshot(snapshot, customerFor(ledger, '313367002', { id: 'a' }), accounts).entries;
    const b = entriesForSnapshot(snapshot, customerFor(ledger, '313367002', { id: 'b' }), accounts).entries;
    const keys = new Set(a.map((e) => e.idempotencyKey));
    expect(b.some((e) => keys.has(e.idempotencyKey))).toBe(false);
    expect(a.map((e) => e.contentHash)).toEqual(b.map((e) => e.contentHash));
  });

  it('over runs with windows as the clock advances (claims kept between runs): nothing changes or is reversed, and a rerun posts nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom(...ORGS),
        fc.integer({ min: 20, max: 90 }),
        (seed, org, overlap) => {
          const ledger = SandboxLedger.documented({ seed });
          const customer = customerFor(ledger, org, { bookingStartDate: addDays(ledger.startDate, 200) });
          let latest = new Map<string, LatestVersion>();
          // What the service keeps between runs: claims seen before, for principals outside the window.
          const knownClaims = new Map<string, ClaimRef>();
          for (let run = 0; run < 4; run++) {
            const snapshot = snapshotOf(
              ledger,
              org,
              run === 0 ? ledger.startDate : addDays(ledger.today, -overlap),
            );
            for (const [id, ref] of claimDirectory(snapshot.claims)) knownClaims.set(id, ref);
            const { entries, unbooked } = entriesForSnapshot(snapshot, customer, accounts, { knownClaims });
            const parents = snapshotParents(snapshot);
            const plan = planPostings(entries, latest, parents, { unbooked });
            expect([plan.changed, plan.reversed]).toEqual([0, 0]);
            latest = applyPlan(latest, plan);
            expect(planPostings(entries, latest, parents, { unbooked }).toPost).toEqual([]);
            ledger.advance(17);
          }
        },
      ),
      { numRuns: 6 },
    );
  });

  it('a changed placement gives exactly a reversal and a new version; an undone one exactly one reversal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.constantFrom(...ORGS), fc.nat(), (seed, org, pick) => {
        const ledger = ledgerFor(seed);
        const customer = customerFor(ledger, org);
        const snapshot = snapshotOf(ledger, org, ledger.startDate);
        const { entries } = entriesForSnapshot(snapshot, customer, accounts);
        const latest = applyPlan(new Map(), planPostings(entries, new Map(), snapshotParents(snapshot)));
        const placements = entries.filter((e) => e.fact === 'placement');
        const target: DesiredEntry = placements[pick % placements.length];
        const [paymentId, instalmentId] = target.source.ids;

        const changed = structuredClone(snapshot);
        const inst = indexSnapshot(changed).instalmentsById.get(instalmentId)!.instalment;
        const placed = inst.placements.find((p) => p.kind === 'payment' && p.paymentId === paymentId)!;
        placed.amount -= 1;
        for (const p of indexSnapshot(changed).paymentsById.get(paymentId)?.placements ?? [])
          if (p.instalmentId === instalmentId) p.amount -= 1;
        const plan = planPostings(
          entriesForSnapshot(changed, customer, accounts).entries,
          latest,
          snapshotParents(changed),
        );
        expect(plan.toPost.map((p) => [p.action, p.baseKey, p.version])).toEqual([
          ['reverse', target.idempotencyKey, 1],
          ['post', target.idempotencyKey, 2],
        ]);
        expect(plan.toPost[1].entry.lines[0].debit).toBe(target.lines[0].debit! - 1);

        const undone = structuredClone(snapshot);
        const undoneInst = indexSnapshot(undone).instalmentsById.get(instalmentId)!.instalment;
        undoneInst.placements = undoneInst.placements.filter(
          (p) => p.kind !== 'payment' || p.paymentId !== paymentId,
        );
        const payment = indexSnapshot(undone).paymentsById.get(paymentId);
        if (payment) payment.placements = payment.placements.filter((p) => p.instalmentId !== instalmentId);
        const reversal = planPostings(
          entriesForSnapshot(undone, customer, accounts).entries,
          latest,
          snapshotParents(undone),
        );
        expect(reversal.toPost.map((p) => [p.action, p.baseKey, p.entry.reverses])).toEqual([
          ['reverse', target.idempotencyKey, target.idempotencyKey],
        ]);
      }),
      { numRuns: 10 },
    );
  });

  it('holds on generated benchmark ledgers too: balanced, unique keys, allocations within their payments', () => {
    const ledger = SandboxLedger.generate({ customers: 2, claimsPerCustomer: 300, seed: 9 });
    for (const profile of ledger.profiles()) {
      const snapshot = snapshotOf(ledger, profile.partyId, ledger.startDate);
      const allocations = allocationsFromSnapshot(snapshot);
      const { entries } = entriesForSnapshot(snapshot, customerFor(ledger, profile.partyId), accounts, {
        allocations,
      });
      expect(new Set(entries.map((e) => e.idempotencyKey)).size).toBe(entries.length);
      const placedPerPayment = sums(
        allocations.filter((a) => a.kind === 'payment'),
        (a) => a.paymentId!,
        (a) => a.amount,
      );
      for (const p of snapshot.payments) {
        expect((placedPerPayment.get(p.paymentId) ?? 0) + (p.unplacedAmount ?? 0)).toBeLessThanOrEqual(
          p.amount,
        );
      }
    }
  });
});
