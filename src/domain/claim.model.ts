import type { ClaimPeriod, IsoDate, PaymentDetails } from './common.model.js';
import type { Ore } from './money.js';

/**
 * A payment placed on an instalment (`plassertInnbetaling`). `amount` is the positive amount of the payment
 * that covers the instalment, whatever sign the API used: the direction comes from the containing object.
 * @publicApi
 */
export interface PaymentPlacement {
  kind: 'payment';
  paymentId: string;
  instalmentId: string;
  amount: Ore;
  placedDate?: IsoDate;
  paymentDate?: IsoDate;
  /** Full amount of the payment, positive, when the API sends a non-zero one. */
  paymentAmount?: Ore;
  paidFrom?: PaymentDetails;
  paymentType?: string;
}

/**
 * A set-off (`plassertMotkrav`): another instalment, `counterInstalmentId`, covers `amount` of this
 * instalment. On a debt the counter-instalment is a credit and vice versa. `amount` is positive.
 * @publicApi
 */
export interface SetOffPlacement {
  kind: 'set-off';
  instalmentId: string;
  counterInstalmentId: string;
  /** `kravtype` of the counter-claim; absent before April 2023. */
  counterClaimType?: string;
  amount: Ore;
  placedDate?: IsoDate;
  counterDescription?: string;
  counterDueDate?: IsoDate;
  counterPeriod?: ClaimPeriod;
}

/** A payment placed against an instalment, seen from either side. @publicApi */
export type Placement = PaymentPlacement | SetOffPlacement;

/**
 * A payout placed on a credit instalment (`plassertUtbetaling`): the credit was paid out. Amounts positive.
 * @publicApi
 */
export interface InstalmentPayout {
  payoutId: string;
  instalmentId: string;
  payoutAmount: Ore;
  payoutDate: IsoDate;
  paidTo: PaymentDetails;
  amount: Ore;
  placedDate: IsoDate;
}

/**
 * A due instalment of a claim (`Kravforfall`). Amounts carry the claim's sign: positive for a debt the party
 * owes, negative for a credit in its favour; `remainingAmount` moves toward 0.
 * @publicApi
 */
export interface Instalment {
  instalmentId: string;
  claimId: string;
  /** `forfallsdato`; required by spec 1.1.1 but missing on some instalments of the December 2022 examples. */
  dueDate?: IsoDate;
  originalAmount: Ore;
  remainingAmount: Ore;
  paymentDetails: PaymentDetails;
  placements: Placement[];
  payouts: InstalmentPayout[];
  /** `utsattIverksettelse` of the 2022 to early-2023 API: execution postponed. */
  postponed?: boolean;
}

/**
 * One claim (`Krav`): a debt to Skatteetaten (positive) or a credit in the party's favour (negative).
 * @publicApi
 */
export interface Claim {
  partyId: string;
  claimId: string;
  /** `kravtype`, a ledger code such as `RESTSKATT`, `ARBGAVG`, `SJOK40` or a display text. */
  claimType: string;
  /** `kravgruppe` display text, e.g. `Merverdiavgift`, `Skatt`. */
  claimGroup?: string;
  description?: string;
  period?: ClaimPeriod;
  createdDate?: IsoDate;
  originalAmount: Ore;
  remainingAmount: Ore;
  /** `stipulerteRenter`: interest estimated to have accrued, signed as sent. */
  estimatedInterest?: Ore;
  /** `hovedstolKravidentifikator`: the principal claim an interest claim derives from. */
  principalClaimId?: string;
  /** `fastsettingsmaate`: `blank`, `egenfastsatt`, `myndighetsfastsatt`, or a newer value. */
  assessment?: string;
  instalments: Instalment[];
  /** `motregningAvKreditkrav`: this credit was set off against other creditors' claims. */
  setOff?: ExternalSetOff;
}

/** One claim covered by a set-off against another creditor (`DekketKrav`). @publicApi */
export interface CoveredClaim {
  amount: Ore;
  description?: string;
  collectingAuthority?: string;
  creditorName?: string;
  dueDate?: IsoDate;
  lateInterest?: Ore;
}

/**
 * A set-off of a payment or credit against claims of other public creditors (`MotregningAvInnbetaling`,
 * `MotregningAvKreditkrav`).
 * @publicApi
 */
export interface ExternalSetOff {
  setOffId: string;
  collectingAuthority?: string;
  date: IsoDate;
  coveredClaims: CoveredClaim[];
  paymentsUsed: { paymentId: string; unplacedAmount: Ore }[];
  creditsUsed: { instalmentId: string; remainingAmount: Ore; description?: string; period?: ClaimPeriod }[];
}
