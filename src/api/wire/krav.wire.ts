import type {
  Betalingsinformasjon,
  Fastsettingsmaate,
  Kravperiode,
  KravperiodeIntervall2022,
  MultiSpraakTekst,
} from './common.wire.js';
import type { MotregningAvKreditkrav } from './motregning.wire.js';

/*
 * `Krav` (a claim) and what hangs off its instalments, OpenAPI 1.1.1 names. Signs as the API sends them:
 * claim and instalment amounts are positive for a debt and negative for a credit; the sign of
 * `plassertBeloep` differs by ledger and version and carries no meaning (the reader takes its magnitude).
 */

/** `InnbetalingPlassertMotKrav`: a payment placed on an instalment. @publicApi */
export interface InnbetalingPlassertMotKrav {
  /** Req. Capital `I` here; `Innbetaling` spells it `innbetalingsidentifikator`. */
  innbetalingsIdentifikator: string;
  /** Req. Part of the payment placed on this instalment; sign varies by ledger. */
  plassertBeloep: number;
  plassertDato?: string;
  innbetalingsdato?: string;
  /** Full amount of the payment (examples also show `0.0`). */
  innbetaltBeloep?: number;
  innbetaltFra?: Betalingsinformasjon;
  /** Free text: `Innbetalt OCR`, `Bankoverføring`, ... */
  innbetalingstype?: string;
  /** @deprecated before Apr 2023: {@link InnbetalingPlassertMotKrav.innbetaltFra} */
  betaltFra?: Betalingsinformasjon;
  /** @deprecated before Apr 2023: {@link InnbetalingPlassertMotKrav.plassertDato} */
  plasseringsdato?: string;
}

/** `KravPlassertMotKrav`: a counter-claim (set-off) placed on an instalment. @publicApi */
export interface KravPlassertMotKrav {
  /** Req. Instalment id of the counter-claim. */
  kravforfallsIdentifikator: string;
  /** Req. */
  plassertBeloep: number;
  plassertDato?: string;
  kravbeskrivelse?: MultiSpraakTekst;
  forfallsdato?: string;
  kravperiode?: Kravperiode;
  /** Req (1.1.1; absent before Apr 2023). */
  kravtype: string;
  /** @deprecated before Apr 2023: {@link KravPlassertMotKrav.kravbeskrivelse} */
  motkravBeskrivelse?: string;
  /** @deprecated before Apr 2023: {@link KravPlassertMotKrav.kravforfallsIdentifikator} */
  motkravForfallsIdentifikator?: string;
  /** @deprecated before Apr 2023: {@link KravPlassertMotKrav.forfallsdato} */
  motkravForfallsdato?: string;
  /** @deprecated before Apr 2023: {@link KravPlassertMotKrav.plassertDato} */
  plasseringsdato?: string;
}

/**
 * `UtbetalingPlassertMotKrav`: a payout placed on a credit instalment (all Req). Note `utbetaltDato`.
 * @publicApi
 */
export interface UtbetalingPlassertMotKrav {
  utbetalingsidentifikator: string;
  utbetaltBeloep: number;
  utbetaltDato: string;
  betaltTil: Betalingsinformasjon;
  plassertBeloep: number;
  plassertDato: string;
}

/** `Kravforfall`: a due instalment of a claim. @publicApi */
export interface Kravforfall {
  /** Req. */
  kravforfallsIdentifikator: string;
  /** Req (missing on some instalments of the Dec 2022 example). */
  forfallsdato: string;
  /** Req. */
  opprinneligBeloep: number;
  /** Req. */
  gjenstaaendeBeloep: number;
  /** Req. May be `{}`. */
  betalingsinformasjon: Betalingsinformasjon;
  plassertInnbetaling?: InnbetalingPlassertMotKrav[];
  plassertMotkrav?: KravPlassertMotKrav[];
  plassertUtbetaling?: UtbetalingPlassertMotKrav[];
  /** @deprecated removed in 1.1.1 (2022 to Mar 2023): execution postponed. */
  utsattIverksettelse?: boolean;
}

/**
 * `Krav`: a claim, a debt to Skatteetaten (positive) or a credit in the party's favour (negative). @publicApi
 */
export interface Krav {
  /** Req (absent before Aug 2023). For a sole trader this may be the owner's person number. */
  partIdentifikator: string;
  /** Req. */
  kravidentifikator: string;
  /** Req. Ledger code or display text (`RESTSKATT`, `SJOK40`, `Mva-melding`). */
  kravtype: string;
  /** Req. */
  opprinneligBeloep: number;
  /** Req. */
  gjenstaaendeBeloep: number;
  stipulerteRenter?: number;
  /** Req. */
  kravforfall: Kravforfall[];
  /** A plain string before Apr 2023. */
  kravbeskrivelse?: MultiSpraakTekst | string;
  /** A plain string (`2022/09`) before Apr 2023; `{start, slutt}` in the 2022 payout schema. */
  kravperiode?: Kravperiode | string | KravperiodeIntervall2022;
  opprettelsesdatoForKrav?: string;
  /** Display text: `Skatt`, `Merverdiavgift`, `Særavgift`, ... */
  kravgruppe?: string;
  hovedstolKravidentifikator?: string;
  fastsettingsmaate?: Fastsettingsmaate;
  motregningAvKreditkrav?: MotregningAvKreditkrav;
  /** @deprecated Oct 2022: {@link Krav.partIdentifikator} */
  part?: string;
}
