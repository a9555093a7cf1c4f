/*
 * Wire types shared by the Krav og betalinger responses, with the API's exact JSON names (OpenAPI 1.1.1, as
 * in Skatteetaten's generated models), including its inconsistent spellings. Amounts are `number` here: the
 * sandbox writes their exact decimal text itself, and the reader never takes them as floats (see
 * `lossless-json.ts`). Dates are strings, `YYYY-MM-DD` since Dec 2022 (date-times before).
 *
 * Fields marked "Req" are required in 1.1.1. Names marked `@deprecated` are older spellings that the reader
 * still accepts; see the field-name history in the API reference (§9).
 */

/** `SpraakTekst`: one text in one language. @publicApi */
export interface SpraakTekst {
  /** Req. */
  tekst: string;
  /** Req. Language code; every example uses `nb`. */
  spraak: string;
}

/** `MultiSpraakTekst`: the same text in several languages. @publicApi */
export interface MultiSpraakTekst {
  /** Req. */
  spraakTekst: SpraakTekst[];
}

/**
 * `Kravperiode`: the tax or term period a claim concerns. VAT as description + year, excise as a date range,
 * income tax as a year.
 * @publicApi
 */
export interface Kravperiode {
  /** Req. Standard text such as `januar - februar`, `Termin`, `Inntektstår`. */
  periodeBeskrivelse: MultiSpraakTekst;
  /** Year, e.g. `"2022"`. */
  aar?: string;
  fraDato?: string;
  tilDato?: string;
  /** Term code, e.g. `"01"`, `"2"`. */
  terminTekniskNavn?: string;
}

/** The 2022 date-range form of a claim period (`kravperiode` in the early payout schema). @publicApi */
export interface KravperiodeIntervall2022 {
  start?: string;
  slutt?: string;
}

/** `Periode`: the requested period echoed in a response. @publicApi */
export interface Periode {
  /** Req (1.1.1). */
  fraOgMed: string;
  tilOgMed?: string;
}

/** The 2022 form of `periode`, date-times. @publicApi @deprecated since Dec 2022: use {@link Periode}. */
export interface Periode2022 {
  start: string;
  slutt?: string;
}

/**
 * `Bankkonto`: an account; every part optional, numbers may be masked (`******43210`, `627xxxxxx`).
 * @publicApi
 */
export interface Bankkonto {
  /** Bank name and address as free text. */
  bankinformasjon?: string;
  kontoeiersNavn?: string;
  kontonummer?: string;
  /** Compact or with spaces (`NO42 6345 06 24804`). */
  iban?: string;
  swiftBIC?: string;
}

/** `AdresseFrittFormat`: a free-form postal address. @publicApi */
export interface AdresseFrittFormat {
  adressetekst?: string[];
  poststedsnavn?: string;
  postnummer?: string;
  landkode?: string;
}

/** `Mottaker`: recipient of a cheque or payment card. @publicApi */
export interface Mottaker {
  /** Req. */
  mottakersNavn: string;
  /** Req. Spelled with a double `d` in the API. */
  mottakersAddresse: AdresseFrittFormat;
}

/**
 * `Betalingsinformasjon`: how to pay, or where money came from or went. Every part optional; may be `{}`.
 * @publicApi
 */
export interface Betalingsinformasjon {
  kidnummer?: string;
  /** Payment message. */
  meldingSendtTilMottaker?: string;
  konto?: Bankkonto;
  sjekkSendtTil?: Mottaker;
  utbetalingskortSendtTil?: Mottaker;
  /** Currency, e.g. `NOK`. */
  valutakode?: string;
}

/**
 * `TotalOversikt`: totals for the party at request time (all Req). saldo = the four sums added. @publicApi
 */
export interface TotalOversikt {
  sumStipulerteRenter: number;
  /** Remaining on instalments past due. */
  sumForfalteKrav: number;
  /** Remaining on instalments not yet due. */
  sumIkkeForfalteKrav: number;
  sumUplasserteInnbetalinger: number;
  saldo: number;
}

/**
 * `OversiktPerKravgruppe`: the same totals for one claim group, without unplaced payments (all Req).
 * @publicApi
 */
export interface OversiktPerKravgruppe {
  /** Display text, e.g. `Skatt`, `Merverdiavgift`. */
  kravgruppe: string;
  sumStipulerteRenter: number;
  sumForfalteKrav: number;
  sumIkkeForfalteKrav: number;
  saldo: number;
}

/**
 * `Feil`: the error body, e.g. `{"kode": "KB-007", "melding": "...", "korrelasjonsid": "<uuid>"}`. @publicApi
 */
export interface Feil {
  /** `KB-001` to `KB-009`, or a platform code such as `DAS-002`. */
  kode?: string;
  /** Norwegian text; may vary for the same code. */
  melding?: string;
  korrelasjonsid?: string;
}

/** `Fastsettingsmaate`: how a claim was assessed. @publicApi */
export type Fastsettingsmaate = 'blank' | 'egenfastsatt' | 'myndighetsfastsatt';

/** `Utbetalingstatus`: whether a payout is confirmed or in progress. @publicApi */
export type Utbetalingstatus = 'bekreftet' | 'underUtbetaling';
