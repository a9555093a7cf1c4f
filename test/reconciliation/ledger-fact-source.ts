import type { KobApiCustomer } from '../../src/api/krav-og-betalinger.client.js';
import type { CustomerConfig } from '../../src/config/module-options.interface.js';
import type { Period } from '../../src/domain/common.model.js';
import type { AccessCheck } from '../../src/auth/access/access-state.model.js';
import type { FactSource } from '../../src/reconciliation/fact-source.js';
import type { AccessChecker } from '../../src/reconciliation/reconciliation.service.js';
import type { SandboxLedger } from '../../src/testing/index.js';

/**
 * Reads the sandbox ledger in process, with the API's semantics (KB-007 as empty), so property tests and
 * benchmarks run many reconciliations without HTTP. The e2e tests use the real client over HTTP.
 */
export class LedgerFactSource implements FactSource {
  constructor(private readonly ledger: SandboxLedger) {}

  async openClaims(c: KobApiCustomer) {
    return (
      this.ledger.openClaims(c.organisasjonsnummer) ?? {
        partyId: c.organisasjonsnummer,
        shielded: false,
        claims: [],
        unplacedPayments: [],
        groups: [],
      }
    );
  }

  async claims(c: KobApiCustomer, period: Required<Period>) {
    const found = this.ledger.claims(c.organisasjonsnummer, period);
    return found ?? { partyId: c.organisasjonsnummer, shielded: false, period, claims: [] };
  }

  async payments(c: KobApiCustomer, period: Required<Period>) {
    const found = this.ledger.payments(c.organisasjonsnummer, period);
    return found ?? { partyId: c.organisasjonsnummer, shielded: false, period, payments: [] };
  }

  async payouts(c: KobApiCustomer, period: Required<Period>) {
    const found = this.ledger.payouts(c.organisasjonsnummer, period);
    return found ?? { partyId: c.organisasjonsnummer, shielded: false, period, payouts: [] };
  }
}

/** Every customer has access. */
export const allowAll: AccessChecker = {
  checkAccess: async (customer: CustomerConfig) =>
    ({
      ok: true,
      state: { customerId: customer.id, type: 'systembruker', status: 'active' },
    }) as unknown as AccessCheck,
};

/** Customers for every party of a sandbox ledger, booked from the ledger's start. */
export function ledgerCustomers(
  ledger: SandboxLedger,
  overrides: Partial<CustomerConfig> = {},
): CustomerConfig[] {
  return ledger.profiles().map((p) => ({
    id: `c-${p.partyId}`,
    organisasjonsnummer: p.partyId,
    rettighetspakke: 'regnskapssystem',
    access: { type: 'systembruker' },
    bookingStartDate: ledger.startDate,
    ...(p.ownerPersonId ? { ownerPersonId: p.ownerPersonId } : {}),
    ...overrides,
  }));
}
