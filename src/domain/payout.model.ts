import type { ClaimPeriod, IsoDate, PaymentDetails } from './common.model.js';
import type { Ore } from './money.js';

/** A credit instalment that was paid out (`KreditKrav`). Amounts are positive magnitudes. @publicApi */
export interface PaidOutCredit {
  instalmentId: string;
  claimType?: string;
  description?: string;
  period?: ClaimPeriod;
  /** The credit's original size (positive; the API sends it negative). */
  originalAmount: Ore;
  remainingAmount: Ore;
  paidOutAmount: Ore;
}

/** A payment refunded by the payout (`tilbakebetalingAv`). @publicApi */
export interface RefundedPayment {
  paymentId: string;
  paymentType?: string;
  paymentDate?: IsoDate;
  paymentAmount: Ore;
  paidOutAmount?: Ore;
  paidFrom?: PaymentDetails;
}

/** A payout from Skatteetaten to the party (`Utbetaling`). `amount` is positive. @publicApi */
export interface Payout {
  partyId: string;
  payoutId: string;
  payoutDate: IsoDate;
  amount: Ore;
  paidTo: PaymentDetails;
  /** `bekreftet` (confirmed) or `underUtbetaling` (being paid), or a newer value. */
  status?: string;
  credits: PaidOutCredit[];
  refundedPayments: RefundedPayment[];
}
