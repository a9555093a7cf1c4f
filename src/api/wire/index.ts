export {
  readOpenClaims,
  readClaims,
  readPayments,
  readPayouts,
  readOpenClaimsFromJson,
  readClaimsFromJson,
  readPaymentsFromJson,
  readPayoutsFromJson,
} from './responses.mapper.js';
export { readApiError } from './api-error.mapper.js';
export { instalmentArithmetic } from './instalment-arithmetic.js';
export { LosslessJson, parseLosslessJson, isJsonNumber, jsonNumberText } from './lossless-json.js';
export type {
  SpraakTekst,
  MultiSpraakTekst,
  Kravperiode,
  KravperiodeIntervall2022,
  Periode,
  Periode2022,
  Bankkonto,
  AdresseFrittFormat,
  Mottaker,
  Betalingsinformasjon,
  TotalOversikt,
  OversiktPerKravgruppe,
  Feil,
  Fastsettingsmaate,
  Utbetalingstatus,
} from './common.wire.js';
export type {
  DekketKrav,
  InnbetalingBruktIMotregning,
  KreditkravBruktIMotregning,
  HovedKrav,
  MotregningAvInnbetaling,
  MotregningAvKreditkrav,
} from './motregning.wire.js';
export type {
  InnbetalingPlassertMotKrav,
  KravPlassertMotKrav,
  UtbetalingPlassertMotKrav,
  Kravforfall,
  Krav,
} from './krav.wire.js';
export type {
  KravPlassertMotInnbetaling,
  UtbetalingPlassertMotInnbetaling,
  Innbetaling,
} from './innbetaling.wire.js';
export type {
  KreditKrav,
  InnbetalingPlassertMotUtbetaling,
  GrunnlagForUtbetaling,
  GrunnlagForUtbetaling2022,
  Utbetaling,
} from './utbetaling.wire.js';
export type { AapneKrav, AlleKrav, Innbetalinger, Utbetalinger } from './responses.wire.js';
