import type { Kravperiode, MultiSpraakTekst } from './common.wire.js';

/*
 * Set-off (`motregning`) objects of OpenAPI 1.1.1. No example of these has been published; names and
 * required-ness follow Skatteetaten's generated models exactly, including `dekketKrav` vs `dekketkrav` and
 * `innbetalingBruktImotregning` vs `kreditkravBruktIMotregning`.
 */

/**
 * `DekketKrav`: a claim of another creditor covered by a set-off, as in the disposal letter (all Req).
 * @publicApi
 */
export interface DekketKrav {
  motregnetBeloep: number;
  dekketKravBeskrivelse: MultiSpraakTekst;
  innkrevingsmyndighet: MultiSpraakTekst;
  kreditorsnavn: MultiSpraakTekst;
  forfallsdato: string;
  forsinkelsesrenter: number;
}

/** `InnbetalingBruktIMotregning`: a payment used in a set-off (all Req). @publicApi */
export interface InnbetalingBruktIMotregning {
  innbetalingsidentifikator: string;
  uplassertBeloep: number;
}

/** `KreditkravBruktIMotregning`: a credit instalment used in a set-off. @publicApi */
export interface KreditkravBruktIMotregning {
  /** Req. */
  kravforfallsIdentifikator: string;
  /** Req. */
  gjenstaaendeBeloep: number;
  /** Req. */
  kravbeskrivelse: MultiSpraakTekst;
  kravperiode?: Kravperiode;
}

/**
 * `HovedKrav`: everything used in a set-off. Note the lower-case `m` in `innbetalingBruktImotregning`.
 * @publicApi
 */
export interface HovedKrav {
  innbetalingBruktImotregning?: InnbetalingBruktIMotregning[];
  kreditkravBruktIMotregning?: KreditkravBruktIMotregning[];
}

/** `MotregningAvInnbetaling`: a payment set off against claims of other public creditors. @publicApi */
export interface MotregningAvInnbetaling {
  /** Req. */
  motregningsidentifikator: string;
  /** Req. The collecting authority. */
  innkrevingsmyndighet: MultiSpraakTekst;
  hovedkrav?: HovedKrav;
  /** Req. */
  motregnetdato: string;
  /** Upper-case `K` here, unlike {@link MotregningAvKreditkrav.dekketkrav}. */
  dekketKrav?: DekketKrav[];
}

/** `MotregningAvKreditkrav`: a credit claim set off against claims of other public creditors. @publicApi */
export interface MotregningAvKreditkrav {
  /** Req. */
  motregningsidentifikator: string;
  /** Req. */
  innkrevingsmyndighet: MultiSpraakTekst;
  hovedkrav?: HovedKrav;
  /** Req. */
  motregnetdato: string;
  /** Req. Lower-case `k` here. */
  dekketkrav: DekketKrav[];
}
