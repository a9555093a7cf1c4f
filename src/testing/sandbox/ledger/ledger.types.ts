import type { ClaimPeriod } from '../../../domain/common.model.js';
import type { Ore } from '../../../domain/money.js';
import type { ClaimKind } from './claim-catalog.js';
import type { Day } from './day.js';

/**
 * How a party pays its debts, as relative weights. Drawn per instalment from a stream keyed by the
 * instalment id, so a ledger does not change when another part of it does.
 * - `onTime`: the full amount with the KID, on or a few days before the due date.
 * - `late`: the full amount with the KID, 1 to 45 days late (late-payment interest follows).
 * - `partial`: 20-90 % on time with the KID; the rest late, or never.
 * - `over`: more than due, with the KID; the surplus goes to other due debts, waits unplaced, or is refunded.
 * - `noKid`: the full amount by bank transfer without a KID; placed by the coverage order 3 days later.
 * - `unpaid`: nothing (the debt stays open, may be set off, and draws an enforcement fee after 60 days).
 * @publicApi
 */
export interface PaymentBehaviour {
  onTime: number;
  late: number;
  partial: number;
  over: number;
  noKid: number;
  unpaid: number;
}

/** A party's claims follow the Norwegian calendar (scenario parties). @publicApi */
export interface CalendarSchedule {
  type: 'calendar';
  /** Bi-monthly VAT terms; `vatCreditChance` of a term being a refund. */
  vat: boolean;
  vatCreditChance: number;
  /** Employer: bi-monthly employer's contribution; withholding bi-monthly until 2025, per payroll from 2026. */
  employer: boolean;
  /** Payroll runs a month from 2026, each a withholding claim due the next business day. */
  payrollRunsPerMonth: number;
  employerCreditChance: number;
  /** Advance tax: 2 instalments (companies) or 4 (the sole trader's owner, on the person number). */
  advanceTax: boolean;
  /** Residual tax after the assessment; `taxRefundChance` of it being a refund instead. */
  residualTax: boolean;
  taxRefundChance: number;
  /** Chance per month of a coercive fine (late a-melding). */
  fineChancePerMonth: number;
}

/**
 * Claims in evenly spaced slots (benchmark parties): `claimsPerYear` slots a year from `anchorDay`, each
 * slot one claim of a kind drawn from the slot weights, with a period and due dates that fit its date.
 * @publicApi
 */
export interface SlotSchedule {
  type: 'slots';
  claimsPerYear: number;
  anchorDay: Day;
}

/** One party (a company or sole trader) in the sandbox ledger. @publicApi */
export interface PartyProfile {
  /** Organisation number, as used in the API path. */
  partyId: string;
  name: string;
  kind: 'company' | 'sole-trader';
  /** Sole trader's owner: their personal tax claims and payments carry this 11-digit number. */
  ownerPersonId?: string;
  ownerName?: string;
  /** 1-based position of the party: keeps ids and KIDs unique across parties. */
  ordinal: number;
  schedule: CalendarSchedule | SlotSchedule;
  behaviour: PaymentBehaviour;
  /** Multiplier for amounts (1 = a small business). */
  scale: number;
  /** Chance per month of a payment that matches no claim (no KID). */
  strayPaymentChancePerMonth: number;
  /** Days before the start date's "today" on which a KID-less payment arrives: unplaced at start. */
  recentStrayPaymentDaysAgo?: number[];
  /** Extra claims on fixed days (hand-made scenarios and tests), on top of the schedule. */
  scriptedClaims?: ClaimTemplate[];
  /** Extra payments on fixed days; `claimIndex` pays with the KID of that scripted claim's first instalment. */
  scriptedPayments?: ScriptedPayment[];
  shielded?: boolean;
}

/** A payment on a fixed day, without a KID unless it names a scripted claim. @publicApi */
export interface ScriptedPayment {
  day: Day;
  amount: Ore;
  /** Index into `scriptedClaims`: the payment carries the KID of that claim's first instalment. */
  claimIndex?: number;
}

/** A claim before it exists in the ledger: what the schedule says will be created, and when. @publicApi */
export interface ClaimTemplate {
  kind: ClaimKind;
  createdDay: Day;
  /** Owned by the sole trader's owner (person number) rather than the organisation. */
  personal: boolean;
  period: ClaimPeriod;
  /** Short period label for descriptions: `2026/1`, `2025`, `2026-03-20`. */
  label: string;
  /** Signed amounts: positive debts, negative credits. */
  instalments: { dueDay: Day; amount: Ore }[];
}

/** A payment that matches no claim, from the schedule. @publicApi */
export interface StrayPaymentTemplate {
  day: Day;
  amount: Ore;
}
