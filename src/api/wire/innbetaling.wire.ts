import type { Bankkonto, Betalingsinformasjon, MultiSpraakTekst } from './common.wire.js';
import type { MotregningAvInnbetaling } from './motregning.wire.js';

/*
 * `Innbetaling` (a payment to Skatteetaten), OpenAPI 1.1.1 names. The sign of `innbetaltBeloep` and
 * `uplassertBeloep` differs between documentation versions (negative in Dec 2022 and Aug 2023, positive in
 * Mar 2023 and Apr 2024); the reader takes magnitudes.
 */

/** `KravPlassertMotInnbetaling`: an instalment a payment was placed on, seen from the payment. @publicApi */
export interface KravPlassertMotInnbetaling {
  /** Req. No `s` here, unlike `kravforfallsIdentifikator` elsewhere. */
  kravforfallIdentifikator: string;
  /** Req. Positive in every example. */
  plassertBeloep: number;
  plassertDato?: string;
  kravbeskrivelse?: MultiSpraakTekst;
  kravforfallsdato?: string;
  opprinneligKravforfallsbeloep?: number;
  gjenstaaendeKravforfallsbeloep?: number;
  /** @deprecated before Apr 2023: {@link KravPlassertMotInnbetaling.kravbeskrivelse} as plain text. */
  dekketKrav?: string;
  /** @deprecated before Apr 2023: {@link KravPlassertMotInnbetaling.plassertDato} */
  plasseringsdato?: string;
}

/**
 * `UtbetalingPlassertMotInnbetaling`: a payout made from a payment (all Req). Note `utbetaltdato`. @publicApi
 */
export interface UtbetalingPlassertMotInnbetaling {
  utbetalingsidentifikator: string;
  utbetaltdato: string;
  utbetaltBeloep: number;
  betaltTil: Betalingsinformasjon;
}

/**
 * `Innbetaling`: a payment. Required-ness is not published for this object; the four fields every example has
 * are required here.
 * @publicApi
 */
export interface Innbetaling {
  /** For a sole trader this may be the owner's person number. */
  partIdentifikator: string;
  /** Lower-case `i`. */
  innbetalingsidentifikator: string;
  innbetalingsdato: string;
  innbetaltBeloep: number;
  plassertKrav?: KravPlassertMotInnbetaling[];
  /** Part not yet placed on any claim. */
  uplassertBeloep?: number;
  /** Skatteetaten's account that was paid to. */
  mottakersKontonummer?: Bankkonto;
  innbetaltFra?: Betalingsinformasjon;
  innbetalingstype?: string;
  plassertUtbetaling?: UtbetalingPlassertMotInnbetaling[];
  motregningAvInnbetaling?: MotregningAvInnbetaling;
  /** @deprecated before Apr 2023: {@link Innbetaling.plassertKrav} */
  plassertInnbetalingMotKrav?: KravPlassertMotInnbetaling[];
  /** @deprecated before Apr 2023: {@link Innbetaling.mottakersKontonummer} */
  betaltTilKonto?: Bankkonto;
  /** @deprecated before Apr 2023: {@link Innbetaling.innbetaltFra} */
  betaltFra?: Betalingsinformasjon;
}
