import type { Claim } from '../../domain/claim.model.js';
import type { Payment } from '../../domain/payment.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../../domain/responses.model.js';
import { claim } from './claim.mapper.js';
import { groupTotals, period, totals } from './common.mapper.js';
import { fastClaims, fastOpenClaims, fastPayments, fastPayouts, type FastReader } from './fast-path.js';
import { parseLosslessJson } from './lossless-json.js';
import type { LosslessJson } from './lossless-json.js';
import { payment } from './payment.mapper.js';
import { payout } from './payout.mapper.js';
import { parsePlainNumberJson } from './plain-number-json.js';
import { FastPathMiss, arr, bool, map, obj, opt, readDocument, req, str } from './wire-reader.js';
import type { Reader } from './wire-reader.js';

/*
 * The four response bodies (responses.wire.ts) -> domain responses. Top level: `partIdentifikator` required
 * (`forespurtPart` in Oct 2022); `skjermet` required in 1.1.1 but absent before Aug 2023, so read as optional
 * (false); `periode` required on the period endpoints; every list may be omitted or `[]`.
 */

/** Items that carry no `partIdentifikator` (before Aug 2023) belong to the party the response is about. */
function fillParty<T extends { partyId: string }>(items: T[], partyId: string): T[] {
  for (const item of items) if (item !== undefined && item.partyId === '') item.partyId = partyId;
  return items;
}

const aapneKrav = map(
  obj({
    partIdentifikator: req(str, 'forespurtPart'),
    skjermet: opt(bool),
    aapentKravMedGjenstaaendeBeloep: opt(arr(claim)),
    innbetalingMedUplassertBeloep: opt(arr(payment)),
    totalOversikt: opt(totals),
    oversiktPerKravgruppe: opt(arr(groupTotals)),
  }),
  (r): OpenClaims => {
    const out: OpenClaims = {
      partyId: r.partIdentifikator,
      shielded: r.skjermet ?? false,
      claims: fillParty<Claim>(r.aapentKravMedGjenstaaendeBeloep ?? [], r.partIdentifikator),
      unplacedPayments: fillParty<Payment>(r.innbetalingMedUplassertBeloep ?? [], r.partIdentifikator),
      groups: r.oversiktPerKravgruppe ?? [],
    };
    if (r.totalOversikt !== undefined) out.totals = r.totalOversikt;
    return out;
  },
);

const alleKrav = map(
  obj({
    partIdentifikator: req(str, 'forespurtPart'),
    periode: req(period),
    skjermet: opt(bool),
    krav: opt(arr(claim)),
  }),
  (r): ClaimsInPeriod => ({
    partyId: r.partIdentifikator,
    shielded: r.skjermet ?? false,
    period: r.periode,
    claims: fillParty(r.krav ?? [], r.partIdentifikator),
  }),
);

const innbetalinger = map(
  obj({
    partIdentifikator: req(str, 'forespurtPart'),
    periode: req(period),
    skjermet: opt(bool),
    innbetaling: opt(arr(payment)),
  }),
  (r): PaymentsInPeriod => ({
    partyId: r.partIdentifikator,
    shielded: r.skjermet ?? false,
    period: r.periode,
    payments: fillParty(r.innbetaling ?? [], r.partIdentifikator),
  }),
);

const utbetalinger = map(
  obj({
    partIdentifikator: req(str, 'forespurtPart'),
    periode: req(period),
    skjermet: opt(bool),
    utbetaling: opt(arr(payout)),
  }),
  (r): PayoutsInPeriod => ({
    partyId: r.partIdentifikator,
    shielded: r.skjermet ?? false,
    period: r.periode,
    payouts: r.utbetaling ?? [],
  }),
);

/**
 * The declarative document readers by schema name, without the fast path: the reference the fast path is
 * checked against (fast-path.spec.ts). Not part of the public API.
 * @internal
 */
export const declarativeReaders = {
  AapneKrav: aapneKrav,
  AlleKrav: alleKrav,
  Innbetalinger: innbetalinger,
  Utbetalinger: utbetalinger,
} as const;

/**
 * Reads an already parsed `aapnekrav` body. Throws {@link PayloadValidationError} (schema `AapneKrav`)
 * listing every missing or wrong field by JSON path.
 * @publicApi
 */
export function readOpenClaimsFromJson(json: LosslessJson): OpenClaims {
  return readDocument('AapneKrav', json, aapneKrav, fastOpenClaims);
}

/** Reads an already parsed `krav` body (schema `AlleKrav`). @publicApi */
export function readClaimsFromJson(json: LosslessJson): ClaimsInPeriod {
  return readDocument('AlleKrav', json, alleKrav, fastClaims);
}

/** Reads an already parsed `innbetalinger` body (schema `Innbetalinger`). @publicApi */
export function readPaymentsFromJson(json: LosslessJson): PaymentsInPeriod {
  return readDocument('Innbetalinger', json, innbetalinger, fastPayments);
}

/** Reads an already parsed `utbetalinger` body (schema `Utbetalinger`). @publicApi */
export function readPayoutsFromJson(json: LosslessJson): PayoutsInPeriod {
  return readDocument('Utbetalinger', json, utbetalinger, fastPayouts);
}

/**
 * Reads a body's text. When every number in it is a plain amount, native JSON.parse builds the tree and the
 * fast path reads it (plain-number-json.ts says why that gives the same øre). Otherwise, and whenever the
 * fast path gives up, the body is parsed losslessly and read exactly as before, so the declarative reader
 * still owns every error and never sees a binary number.
 */
function readText<T>(schema: string, body: string, reader: Reader<T>, fast: FastReader<T>): T {
  const plain = parsePlainNumberJson(body);
  if (plain !== undefined) {
    try {
      return fast(plain);
    } catch (e) {
      if (!(e instanceof FastPathMiss)) throw e;
    }
  }
  // After a miss on the same tree the fast path would miss again: straight to the declarative reader.
  return readDocument(schema, parseLosslessJson(body), reader, plain === undefined ? fast : undefined);
}

/**
 * Reads the body of `GET …/aapnekrav` into {@link OpenClaims}: every API version since Dec 2022, amounts
 * exact in øre. Throws {@link MalformedJsonError} for text that is not JSON and
 * {@link PayloadValidationError} for JSON that does not match the schema.
 * @publicApi
 */
export function readOpenClaims(body: string): OpenClaims {
  return readText('AapneKrav', body, aapneKrav, fastOpenClaims);
}

/**
 * Reads the body of `GET …/krav` into {@link ClaimsInPeriod}; errors as {@link readOpenClaims}. @publicApi
 */
export function readClaims(body: string): ClaimsInPeriod {
  return readText('AlleKrav', body, alleKrav, fastClaims);
}

/**
 * Reads the body of `GET …/innbetalinger` into {@link PaymentsInPeriod}; errors as {@link readOpenClaims}.
 * @publicApi
 */
export function readPayments(body: string): PaymentsInPeriod {
  return readText('Innbetalinger', body, innbetalinger, fastPayments);
}

/**
 * Reads the body of `GET …/utbetalinger` into {@link PayoutsInPeriod}; errors as {@link readOpenClaims}.
 * @publicApi
 */
export function readPayouts(body: string): PayoutsInPeriod {
  return readText('Utbetalinger', body, utbetalinger, fastPayouts);
}
