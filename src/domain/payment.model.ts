import type { ExternalSetOff } from './claim.model.js';
import type { BankAccount, IsoDate, PaymentDetails } from './common.model.js';
import type { Ore } from './money.js';

/** Where a payment was placed (`plassertKrav`), seen from the payment. `amount` is positive. @publicApi */
export interface PaymentClaimPlacement {
  paymentId: string;
  instalmentId: string;
  amount: Ore;
  placedDate?: IsoDate;
  description?: string;
  dueDate?: IsoDate;
  instalmentOriginalAmount?: Ore;
  instalmentRemainingAmount?: Ore;
}

/** A payout made from (part of) a payment (`plassertUtbetaling`): a refund of an overpayment. @publicApi */
export interface PaymentPayout {
  payoutId: string;
  payoutDate: IsoDate;
  amount: Ore;
  paidTo: PaymentDetails;
}

/**
 * A payment to Skatteetaten (`Innbetaling`). `amount` and `unplacedAmount` are positive (money paid in),
 * whatever sign the API version used.
 * @publicApi
 */
export interface Payment {
  partyId: string;
  paymentId: string;
  paymentDate: IsoDate;
  amount: Ore;
  /** Part not yet placed on any claim; undefined when the API did not say. */
  unplacedAmount?: Ore;
  receivingAccount?: BankAccount;
  paidFrom?: PaymentDetails;
  paymentType?: string;
  placements: PaymentClaimPlacement[];
  payouts: PaymentPayout[];
  setOff?: ExternalSetOff;
}
