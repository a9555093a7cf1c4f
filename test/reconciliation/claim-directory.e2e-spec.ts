import { loadDefaultAccounts } from '../../src/config/account-mapping.js';
import type { CustomerConfig } from '../../src/config/module-options.interface.js';
import type { Claim } from '../../src/domain/claim.model.js';
import type { Payment } from '../../src/domain/payment.model.js';
import type { Period } from '../../src/domain/common.model.js';
import type { FactSource } from '../../src/reconciliation/fact-source.js';
import { MemoryJournalAdapter } from '../../src/journal/memory-journal.adapter.js';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service.js';
import { MemoryStateStore } from '../../src/store/memory/memory-state.store.js';
import type { StateStore } from '../../src/store/state-store.interface.js';
import { SandboxLedger } from '../../src/testing/index.js';
import { LedgerFactSource, allowAll, ledgerCustomers } from './ledger-fact-source.js';

// The fact kinds the service keeps its claim directory under (reconciliation.service.ts).
const DIRECTORY = 'claim-directory';
const INSTALMENT_CLAIMS = 'claim-directory-instalments';
const INDEX = 'claim-directory-index';

interface FactRead {
  kind: string;
  ids?: string[];
  found: Map<string, string>;
}

/** A store that records every getFactHashes call with what it found. */
function watched(store: StateStore, reads: FactRead[]): StateStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'getFactHashes') return value.bind(target);
      return async (customerId: string, kind: string, ids?: Iterable<string>) => {
        const asked = ids === undefined ? undefined : [...ids];
        const found = await target.getFactHashes(customerId, kind, asked);
        reads.push({ kind, ...(asked ? { ids: asked } : {}), found });
        return found;
      };
    },
  });
}

/** Forgets the instalment index, as a store whose directory an earlier version wrote holds it. */
async function dropIndex(store: StateStore, customerId: string): Promise<void> {
  const rows = await store.getFactHashes(customerId, INSTALMENT_CLAIMS);
  await store.deleteFactHashes(customerId, INSTALMENT_CLAIMS, [...rows.keys()]);
  await store.deleteFactHashes(customerId, INDEX, ['instalments']);
}

/** Every instalment of every claim in the directory is indexed to its claim. */
async function expectIndexCoversDirectory(store: StateStore, customerId: string): Promise<number> {
  const index = await store.getFactHashes(customerId, INSTALMENT_CLAIMS);
  const directory = await store.getFactHashes(customerId, DIRECTORY);
  const wrong: string[] = [];
  for (const [claimId, json] of directory) {
    for (const id of (JSON.parse(json) as { instalmentIds: string[] }).instalmentIds) {
      if (index.get(id) !== claimId) wrong.push(id);
    }
  }
  expect(wrong).toEqual([]);
  return index.size;
}

async function outboxOf(store: StateStore, customerId: string) {
  return (await store.listOutbox(customerId)).map((o) => [o.key, o.contentHash, o.status]);
}

const ORG = '313367002';

/** A claim paid in full on the day it was made (so not in `aapnekrav`), and that payment. */
function paidClaim(
  claimId: string,
  claimType: string,
  date: string,
  principalClaimId?: string,
): { claim: Claim; payment: Payment } {
  const instalmentId = `${claimId}-1`;
  const paymentId = `P-${claimId}`;
  const amount = 10_000;
  const claim: Claim = {
    partyId: ORG,
    claimId,
    claimType,
    createdDate: date,
    originalAmount: amount,
    remainingAmount: 0,
    instalments: [
      {
        instalmentId,
        claimId,
        dueDate: date,
        originalAmount: amount,
        remainingAmount: 0,
        paymentDetails: {},
        placements: [{ kind: 'payment', paymentId, instalmentId, amount, placedDate: date }],
        payouts: [],
      },
    ],
  };
  if (principalClaimId !== undefined) claim.principalClaimId = principalClaimId;
  const payment: Payment = {
    partyId: ORG,
    paymentId,
    paymentDate: date,
    amount,
    unplacedAmount: 0,
    placements: [{ paymentId, instalmentId, amount, placedDate: date }],
    payouts: [],
  };
  return { claim, payment };
}

/** Claims by creation date and payments by date, nothing open. */
function factsOf(paid: { claim: Claim; payment: Payment }[]): FactSource {
  const party = { partyId: ORG, shielded: false };
  const within = (date: string, period: Required<Period>) => date >= period.from && date <= period.to;
  return {
    openClaims: async () => ({ ...party, claims: [], unplacedPayments: [], groups: [] }),
    claims: async (_c, period: Required<Period>) => ({
      ...party,
      period,
      claims: paid.filter((p) => within(p.payment.paymentDate, period)).map((p) => p.claim),
    }),
    payments: async (_c, period: Required<Period>) => ({
      ...party,
      period,
      payments: paid.filter((p) => within(p.payment.paymentDate, period)).map((p) => p.payment),
    }),
    payouts: async (_c, period: Required<Period>) => ({ ...party, period, payouts: [] }),
  };
}

describe('The claim directory across runs', () => {
  it('follows a chain of principals outside the window through the directory, one read per link', async () => {
    // Interest on interest on a VAT claim; only the last is in the second run's window. The VAT claim's type has
    // its own account, which the interest takes by the principal rule (by group it would get the default).
    const claims = [
      paidClaim('V1', 'Mva-melding', '2026-01-05'),
      paidClaim('R1', 'Forsinkelsesrente', '2026-02-01', 'V1'),
      paidClaim('R2', 'Forsinkelsesrente', '2026-05-30', 'R1'),
    ];
    const store = new MemoryStateStore();
    await store.migrate();
    const reads: FactRead[] = [];
    const journal = new MemoryJournalAdapter();
    const customer: CustomerConfig = {
      id: 'chain',
      organisasjonsnummer: ORG,
      rettighetspakke: 'regnskapssystem',
      access: { type: 'systembruker' },
      bookingStartDate: '2026-01-01',
      recognise: 'all',
      accounts: { byClaimType: { 'Mva-melding': '2701' } },
    };
    const service = new ReconciliationService({
      facts: factsOf(claims),
      access: allowAll,
      store: watched(store, reads),
      journal,
      customers: [customer],
      accounts: loadDefaultAccounts(),
      overlapDays: 2,
      logger: false,
    });
    const first = await service.reconcile('chain', { asOf: '2026-03-01' });
    expect({ status: first.status, failures: first.assertions.failures, reason: first.reason }).toEqual({
      status: 'ok',
      failures: [],
      reason: undefined,
    });
    reads.length = 0;
    const second = await service.reconcile('chain', { asOf: '2026-06-01' });
    expect(second.status).toBe('ok');
    expect(second.counts.claims).toBe(1);
    expect(reads.filter((r) => r.kind === DIRECTORY).map((r) => r.ids)).toEqual([['R2', 'R1'], ['V1']]);
    const r2 = journal.entries('chain').find((e) => e.idempotencyKey.endsWith(':claim:R2'));
    expect(r2?.lines.map((l) => l.account)).toContain('2701');
  });

  it('reads only the claims a run may consult, and posts what reading the whole directory posts', async () => {
    const ledger = SandboxLedger.documented({ seed: 3 });
    const customers = ledgerCustomers(ledger);
    const reads: FactRead[] = [];
    const targeted = new MemoryStateStore();
    const whole = new MemoryStateStore();
    await targeted.migrate();
    await whole.migrate();
    // A short overlap, so principals and credits fall out of later windows and must come from the directory.
    const serviceOf = (store: StateStore) =>
      new ReconciliationService({
        facts: new LedgerFactSource(ledger),
        access: allowAll,
        store,
        journal: new MemoryJournalAdapter(),
        customers,
        accounts: loadDefaultAccounts(),
        overlapDays: 2,
        logger: false,
      });
    const ours = serviceOf(watched(targeted, reads));
    const reference = serviceOf(whole);
    const run = async (c: CustomerConfig) => {
      const a = await ours.reconcile(c.id, { asOf: ledger.today });
      // The reference store never keeps its index: every run reads the directory whole, as before the index.
      const b = await reference.reconcile(c.id, { asOf: ledger.today });
      await dropIndex(whole, c.id);
      expect({ id: c.id, a: a.status, b: b.status, failures: a.assertions.failures.slice(0, 2) }).toEqual({
        id: c.id,
        a: 'ok',
        b: 'ok',
        failures: [],
      });
      expect(a.entries).toEqual(b.entries);
      expect(await outboxOf(targeted, c.id)).toEqual(await outboxOf(whole, c.id));
      await expectIndexCoversDirectory(targeted, c.id);
    };

    for (const c of customers) await run(c);
    let foundByInstalment = 0;
    for (let step = 0; step < 6; step++) {
      ledger.advance(30);
      for (const c of customers) {
        reads.length = 0;
        await run(c);
        // Every read names its ids; the directory read asks for fewer claims than are stored.
        expect(reads.filter((r) => r.ids === undefined)).toEqual([]);
        const stored = (await targeted.getFactHashes(c.id, DIRECTORY)).size;
        const asked = reads.filter((r) => r.kind === DIRECTORY).flatMap((r) => r.ids ?? []);
        expect(asked.length).toBeLessThan(stored);
        for (const r of reads) {
          if (r.kind === INSTALMENT_CLAIMS) foundByInstalment += r.found.size;
        }
      }
    }
    // The ledger made the look-ups matter: credits outside the window were found through the index.
    expect(foundByInstalment).toBeGreaterThan(0);
  });

  it('builds the instalment index once for a directory written without it', async () => {
    const ledger = SandboxLedger.documented({ seed: 4 });
    const customers = ledgerCustomers(ledger);
    const store = new MemoryStateStore();
    await store.migrate();
    const reads: FactRead[] = [];
    const service = new ReconciliationService({
      facts: new LedgerFactSource(ledger),
      access: allowAll,
      store: watched(store, reads),
      journal: new MemoryJournalAdapter(),
      customers,
      accounts: loadDefaultAccounts(),
      logger: false,
    });
    const c = customers[0];
    expect((await service.reconcile(c.id, { asOf: ledger.today })).status).toBe('ok');
    expect(await expectIndexCoversDirectory(store, c.id)).toBeGreaterThan(0);
    await dropIndex(store, c.id);
    ledger.advance(10);
    reads.length = 0;
    expect((await service.reconcile(c.id, { asOf: ledger.today })).status).toBe('ok');
    // That run read the directory whole and wrote the index again, for all of it.
    expect(reads.filter((r) => r.kind === DIRECTORY && r.ids === undefined)).toHaveLength(1);
    expect(await expectIndexCoversDirectory(store, c.id)).toBeGreaterThan(0);
    expect((await store.getFactHashes(c.id, INDEX)).size).toBe(1);
    ledger.advance(10);
    reads.length = 0;
    expect((await service.reconcile(c.id, { asOf: ledger.today })).status).toBe('ok');
    expect(reads.filter((r) => r.ids === undefined)).toEqual([]);
  });
});
