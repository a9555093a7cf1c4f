import type { Betalingsinformasjon, Kravperiode, MultiSpraakTekst, Utbetalingstatus } from './common.wire.js';

/*
 * `Utbetaling` (a payout from Skatteetaten), OpenAPI 1.1.1 names. Available from Aug 2023; the 2022 schema
 * (no published example) had `utbetalingIdentifikator`, `utbetalingsbeskrivelse` and an array
 * `grunnlagForUtbetaling` of credit claims.
 */

/**
 * `KreditKrav`: a credit instalment that was paid out. Note the all-lower-case `kravforfallidentifikator`.
 * @publicApi
 */
export interface KreditKrav {
  /** Req. */
  kravforfallidentifikator: string;
  kravbeskrivelse?: MultiSpraakTekst;
  kravtype?: string;
  kravperiode?: Kravperiode;
  /** Req. Negative (a credit). */
  opprinneligBeloep: number;
  /** Req. */
  gjenstaaendeBeloep: number;
  /** Req. Positive. */
  utbetaltBeloep: number;
}

/** `InnbetalingPlassertMotUtbetaling`: a payment refunded by a payout. @publicApi */
export interface InnbetalingPlassertMotUtbetaling {
  /** Req. */
  innbetalingsIdentifikator: string;
  /** Req. */
  innbetalingstype: string;
  /** Req. */
  innbetalingsdato: string;
  /** Req. */
  innbetaltBeloep: number;
  innbetaltFra?: Betalingsinformasjon;
  utbetaltBeloep?: number;
}

/** `GrunnlagForUtbetaling`: the basis of a payout. @publicApi */
export interface GrunnlagForUtbetaling {
  kreditKrav?: KreditKrav[];
  tilbakebetalingAv?: InnbetalingPlassertMotUtbetaling[];
}

/**
 * One item of the 2022 array form of `grunnlagForUtbetaling`. @publicApi @deprecated use {@link KreditKrav}.
 */
export interface GrunnlagForUtbetaling2022 {
  dekketKrav?: string;
  kravIdentifikator?: string;
  kravtype?: string;
  kravperiode?: unknown;
  opprinneligBeloep?: number;
  gjenstaaendeBeloep?: number;
}

/** `Utbetaling`: a payout. @publicApi */
export interface Utbetaling {
  /** Req. */
  partIdentifikator: string;
  /** Req. */
  utbetalingsidentifikator: string;
  /** Req. Lower-case `d`, unlike `UtbetalingPlassertMotKrav.utbetaltDato`. */
  utbetaltdato: string;
  /** Req. Positive: the sum paid out. */
  utbetaltBeloep: number;
  /** Req. Account, message and currency, or the cheque/payment-card recipient. */
  betaltTil: Betalingsinformasjon;
  /** Req. An array of credit claims in the 2022 schema. */
  grunnlagForUtbetaling: GrunnlagForUtbetaling | GrunnlagForUtbetaling2022[];
  utbetalingstatus?: Utbetalingstatus;
  /** @deprecated 2022: {@link Utbetaling.utbetalingsidentifikator} */
  utbetalingIdentifikator?: string;
  /** @deprecated 2022, removed. */
  utbetalingsbeskrivelse?: string;
}
