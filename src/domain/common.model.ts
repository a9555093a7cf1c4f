import type { Ore } from './money.js';

/** A calendar date as `YYYY-MM-DD` (Norwegian local date). @publicApi */
export type IsoDate = string;

/** Rights package (`rettighetspakke`) in the API path. @publicApi */
export type RightsPackage = 'regnskapssystem' | 'finans';

/** A requested period with inclusive bounds (`periode.fraOgMed` / `periode.tilOgMed`). @publicApi */
export interface Period {
  from: IsoDate;
  to?: IsoDate;
}

/**
 * The party (`part`) a claim, payment or payout belongs to. For a sole proprietorship (ENK) the API mixes the
 * organisation number with the owner's fødselsnummer or D-nummer; `kind` tells them apart.
 * @publicApi
 */
export interface Party {
  /** 9-digit organisasjonsnummer or 11-digit fødselsnummer/D-nummer, as a string. */
  id: string;
  kind: 'organisation' | 'person' | 'unknown';
}

/** A bank account as the API describes it (`Bankkonto`). All parts optional; numbers may be masked. @publicApi */
export interface BankAccount {
  accountNumber?: string;
  iban?: string;
  bic?: string;
  ownerName?: string;
  bankInfo?: string;
}

/** Postal recipient of a cheque or payment card (`Mottaker`). @publicApi */
export interface Recipient {
  name: string;
  addressLines: string[];
  postalCode?: string;
  postalTown?: string;
  countryCode?: string;
}

/** How to pay, or where money came from or went (`Betalingsinformasjon`). @publicApi */
export interface PaymentDetails {
  kid?: string;
  message?: string;
  account?: BankAccount;
  currency?: string;
  chequeSentTo?: Recipient;
  paymentCardSentTo?: Recipient;
}

/**
 * The tax or term period a claim concerns (`Kravperiode`): VAT as term + year, excise as a date range,
 * income tax as a year. Older API versions sent only a text such as `2022/09`, kept in `description`.
 * @publicApi
 */
export interface ClaimPeriod {
  description?: string;
  year?: string;
  from?: IsoDate;
  to?: IsoDate;
  term?: string;
}

/** Totals as Skatteetaten computes them (`TotalOversikt` / `OversiktPerKravgruppe`), signed as sent. @publicApi */
export interface Totals {
  estimatedInterest: Ore;
  overdue: Ore;
  notYetDue: Ore;
  /** Only on the party-wide totals: unplaced payments belong to no claim group. */
  unplacedPayments?: Ore;
  balance: Ore;
}

/** Totals of one claim group (`kravgruppe`, display text such as `Merverdiavgift`). @publicApi */
export interface ClaimGroupTotals extends Totals {
  group: string;
}
