import type { PaidOutCredit, Payout, RefundedPayment } from '../../domain/payout.model.js';
import { claimPeriod, magnitude, paymentDetails, text } from './common.mapper.js';
import { amount, arr, date, map, obj, opt, req, str } from './wire-reader.js';
import type { Reader } from './wire-reader.js';

/*
 * `Utbetaling` -> Payout (utbetaling.wire.ts). All payout amounts are magnitudes (the credit's original
 * amount is sent negative). Required-ness follows 1.1.1. The 2022 schema's array form of
 * `grunnlagForUtbetaling` (no example was published) is read too; it had no `utbetaltBeloep` per credit, so
 * the paid-out amount is taken as the part of the credit no longer outstanding, |original| - |remaining| (an
 * inference).
 */

const creditFields = {
  kravforfallidentifikator: req(
    str,
    'kravforfallsIdentifikator',
    'kravforfallIdentifikator',
    'kravIdentifikator',
  ),
  kravbeskrivelse: opt(text, 'dekketKrav'),
  kravtype: opt(str),
  kravperiode: opt(claimPeriod),
  opprinneligBeloep: req(amount),
  gjenstaaendeBeloep: req(amount),
};

function toCredit(r: {
  kravforfallidentifikator: string;
  kravbeskrivelse?: string;
  kravtype?: string;
  kravperiode?: PaidOutCredit['period'];
  opprinneligBeloep: number;
  gjenstaaendeBeloep: number;
  utbetaltBeloep?: number;
}): PaidOutCredit {
  const original = magnitude(r.opprinneligBeloep);
  const remaining = magnitude(r.gjenstaaendeBeloep);
  const c: PaidOutCredit = {
    instalmentId: r.kravforfallidentifikator,
    originalAmount: original,
    remainingAmount: remaining,
    paidOutAmount: r.utbetaltBeloep === undefined ? original - remaining : magnitude(r.utbetaltBeloep),
  };
  if (r.kravtype !== undefined) c.claimType = r.kravtype;
  if (r.kravbeskrivelse !== undefined) c.description = r.kravbeskrivelse;
  if (r.kravperiode !== undefined) c.period = r.kravperiode;
  return c;
}

const credit = map(obj({ ...creditFields, utbetaltBeloep: req(amount) }), toCredit);
const credit2022 = map(obj({ ...creditFields, utbetaltBeloep: opt(amount) }), toCredit);

const refundedPayment = map(
  obj({
    innbetalingsIdentifikator: req(str, 'innbetalingsidentifikator'),
    innbetalingstype: req(str),
    innbetalingsdato: req(date),
    innbetaltBeloep: req(amount),
    innbetaltFra: opt(paymentDetails),
    utbetaltBeloep: opt(amount),
  }),
  (r): RefundedPayment => {
    const p: RefundedPayment = {
      paymentId: r.innbetalingsIdentifikator,
      paymentAmount: magnitude(r.innbetaltBeloep),
    };
    if (r.innbetalingstype !== undefined) p.paymentType = r.innbetalingstype;
    if (r.innbetalingsdato !== undefined) p.paymentDate = r.innbetalingsdato;
    if (r.utbetaltBeloep !== undefined) p.paidOutAmount = magnitude(r.utbetaltBeloep);
    if (r.innbetaltFra !== undefined) p.paidFrom = r.innbetaltFra;
    return p;
  },
);

interface Basis {
  credits: PaidOutCredit[];
  refundedPayments: RefundedPayment[];
}

const basisObject = map(
  obj({ kreditKrav: opt(arr(credit)), tilbakebetalingAv: opt(arr(refundedPayment)) }),
  (r): Basis => ({ credits: r.kreditKrav ?? [], refundedPayments: r.tilbakebetalingAv ?? [] }),
);
const basis2022 = map(arr(credit2022), (credits): Basis => ({ credits, refundedPayments: [] }));

/** `grunnlagForUtbetaling`: the 1.1.1 object, or the 2022 array of credits. */
const basis: Reader<Basis> = (v, ctx) => (Array.isArray(v) ? basis2022(v, ctx) : basisObject(v, ctx));

/** `Utbetaling` as a {@link Payout}. */
export const payout = map(
  obj({
    partIdentifikator: req(str),
    utbetalingsidentifikator: req(str, 'utbetalingIdentifikator'),
    utbetaltdato: req(date, 'utbetaltDato'),
    utbetaltBeloep: req(amount),
    betaltTil: req(paymentDetails),
    grunnlagForUtbetaling: req(basis),
    utbetalingstatus: opt(str),
  }),
  (r): Payout => {
    const p: Payout = {
      partyId: r.partIdentifikator,
      payoutId: r.utbetalingsidentifikator,
      payoutDate: r.utbetaltdato,
      amount: magnitude(r.utbetaltBeloep),
      paidTo: r.betaltTil,
      credits: r.grunnlagForUtbetaling?.credits ?? [],
      refundedPayments: r.grunnlagForUtbetaling?.refundedPayments ?? [],
    };
    if (r.utbetalingstatus !== undefined) p.status = r.utbetalingstatus;
    return p;
  },
);
