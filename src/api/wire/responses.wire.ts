import type { OversiktPerKravgruppe, Periode, Periode2022, TotalOversikt } from './common.wire.js';
import type { Innbetaling } from './innbetaling.wire.js';
import type { Krav } from './krav.wire.js';
import type { Utbetaling } from './utbetaling.wire.js';

/*
 * The four response bodies, OpenAPI 1.1.1 names. Top-level key order in the Apr 2024 examples:
 * `partIdentifikator`, (`periode`), `skjermet`, then the lists. Lists are omitted when empty (Aug 2023 on) or
 * sent as `[]` (up to Mar 2023).
 */

/** `AapneKrav` (`GET …/aapnekrav`): open claims, payments with an unplaced amount, and totals. @publicApi */
export interface AapneKrav {
  /** Req. */
  partIdentifikator: string;
  aapentKravMedGjenstaaendeBeloep?: Krav[];
  innbetalingMedUplassertBeloep?: Innbetaling[];
  totalOversikt?: TotalOversikt;
  oversiktPerKravgruppe?: OversiktPerKravgruppe[];
  /** Req (from Aug 2023). Data shielded for a person with a protected address. */
  skjermet: boolean;
  /** @deprecated Oct 2022: {@link AapneKrav.partIdentifikator} */
  forespurtPart?: string;
}

/** `AlleKrav` (`GET …/krav`): all claims in a period. @publicApi */
export interface AlleKrav {
  /** Req. */
  partIdentifikator: string;
  /** Req. `{start, slutt}` with date-times in Nov/Dec 2022. */
  periode: Periode | Periode2022;
  krav?: Krav[];
  /** Req (from Aug 2023). */
  skjermet: boolean;
}

/** `Innbetalinger` (`GET …/innbetalinger`): all payments in a period. @publicApi */
export interface Innbetalinger {
  /** Req. */
  partIdentifikator: string;
  /** Req. */
  periode: Periode | Periode2022;
  /** Singular name for the list. */
  innbetaling?: Innbetaling[];
  /** Req (from Aug 2023). */
  skjermet: boolean;
}

/** `Utbetalinger` (`GET …/utbetalinger`): all payouts in a period. @publicApi */
export interface Utbetalinger {
  /** Req. */
  partIdentifikator: string;
  /** Req. */
  periode: Periode | Periode2022;
  /** Singular name for the list. */
  utbetaling?: Utbetaling[];
  /** Req (from Aug 2023). */
  skjermet: boolean;
}
