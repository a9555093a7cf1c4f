import type { Claim } from './claim.model.js';
import type { ClaimGroupTotals, Period, Totals } from './common.model.js';
import type { Payment } from './payment.model.js';
import type { Payout } from './payout.model.js';

/** The open-claims overview (`aapnekrav`) at the time of the request. @publicApi */
export interface OpenClaims {
  partyId: string;
  shielded: boolean;
  claims: Claim[];
  unplacedPayments: Payment[];
  totals?: Totals;
  groups: ClaimGroupTotals[];
}

/** All claims in a period (`krav`). @publicApi */
export interface ClaimsInPeriod {
  partyId: string;
  shielded: boolean;
  period: Period;
  claims: Claim[];
}

/** All payments in a period (`innbetalinger`). @publicApi */
export interface PaymentsInPeriod {
  partyId: string;
  shielded: boolean;
  period: Period;
  payments: Payment[];
}

/** All payouts in a period (`utbetalinger`). @publicApi */
export interface PayoutsInPeriod {
  partyId: string;
  shielded: boolean;
  period: Period;
  payouts: Payout[];
}
