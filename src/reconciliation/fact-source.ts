import type { Period } from '../domain/common.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../domain/responses.model.js';
import type { KobApiCustomer } from '../api/krav-og-betalinger.client.js';

/**
 * Where a reconciliation reads Skatteetaten's facts. `KravOgBetalingerClient` is one; tests and benchmarks may
 * use another (e.g. the sandbox ledger in process).
 * @publicApi
 */
export interface FactSource {
  openClaims(customer: KobApiCustomer): Promise<OpenClaims>;
  claims(customer: KobApiCustomer, period: Required<Period>): Promise<ClaimsInPeriod>;
  payments(customer: KobApiCustomer, period: Required<Period>): Promise<PaymentsInPeriod>;
  payouts(customer: KobApiCustomer, period: Required<Period>): Promise<PayoutsInPeriod>;
}
