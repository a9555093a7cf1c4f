import type { Payment, PaymentClaimPlacement, PaymentPayout } from '../../domain/payment.model.js';
import { bankAccount, magnitude, paymentDetails, text } from './common.mapper.js';
import { externalSetOff } from './set-off.mapper.js';
import { amount, arr, date, map, obj, opt, req, str } from './wire-reader.js';

/*
 * `Innbetaling` -> Payment (innbetaling.wire.ts). Payment, unplaced and placed amounts are magnitudes: their
 * sign differs between documentation versions. The covered instalment's own amounts keep their sign.
 * Required-ness is unpublished for `Innbetaling`: id, date and amount are required (every example has them
 * and the domain needs them); `partIdentifikator` falls back to the response's party.
 */

const claimPlacement = map(
  obj({
    kravforfallIdentifikator: req(str, 'kravforfallsIdentifikator'),
    plassertBeloep: req(amount),
    plassertDato: opt(date, 'plasseringsdato'),
    kravbeskrivelse: opt(text, 'dekketKrav'),
    kravforfallsdato: opt(date),
    opprinneligKravforfallsbeloep: opt(amount),
    gjenstaaendeKravforfallsbeloep: opt(amount),
  }),
  (r): PaymentClaimPlacement => {
    const p: PaymentClaimPlacement = {
      paymentId: '',
      instalmentId: r.kravforfallIdentifikator,
      amount: magnitude(r.plassertBeloep),
    };
    if (r.plassertDato !== undefined) p.placedDate = r.plassertDato;
    if (r.kravbeskrivelse !== undefined) p.description = r.kravbeskrivelse;
    if (r.kravforfallsdato !== undefined) p.dueDate = r.kravforfallsdato;
    if (r.opprinneligKravforfallsbeloep !== undefined)
      p.instalmentOriginalAmount = r.opprinneligKravforfallsbeloep;
    if (r.gjenstaaendeKravforfallsbeloep !== undefined) {
      p.instalmentRemainingAmount = r.gjenstaaendeKravforfallsbeloep;
    }
    return p;
  },
);

const paymentPayout = map(
  obj({
    utbetalingsidentifikator: req(str),
    utbetaltdato: req(date, 'utbetaltDato'),
    utbetaltBeloep: req(amount),
    betaltTil: req(paymentDetails),
  }),
  (r): PaymentPayout => ({
    payoutId: r.utbetalingsidentifikator,
    payoutDate: r.utbetaltdato,
    amount: magnitude(r.utbetaltBeloep),
    paidTo: r.betaltTil,
  }),
);

/**
 * `Innbetaling` as a {@link Payment}. `partyId` is `''` when the item has no `partIdentifikator`; the
 * response reader fills in the response's party.
 */
export const payment = map(
  obj({
    partIdentifikator: opt(str),
    innbetalingsidentifikator: req(str, 'innbetalingsIdentifikator'),
    innbetalingsdato: req(date),
    innbetaltBeloep: req(amount),
    plassertKrav: opt(arr(claimPlacement), 'plassertInnbetalingMotKrav'),
    uplassertBeloep: opt(amount),
    mottakersKontonummer: opt(bankAccount, 'betaltTilKonto'),
    innbetaltFra: opt(paymentDetails, 'betaltFra'),
    innbetalingstype: opt(str),
    plassertUtbetaling: opt(arr(paymentPayout)),
    motregningAvInnbetaling: opt(externalSetOff),
  }),
  (r): Payment => {
    const placements = r.plassertKrav ?? [];
    for (const p of placements) if (p !== undefined) p.paymentId = r.innbetalingsidentifikator;
    const p: Payment = {
      partyId: r.partIdentifikator ?? '',
      paymentId: r.innbetalingsidentifikator,
      paymentDate: r.innbetalingsdato,
      amount: magnitude(r.innbetaltBeloep),
      placements,
      payouts: r.plassertUtbetaling ?? [],
    };
    if (r.uplassertBeloep !== undefined) p.unplacedAmount = magnitude(r.uplassertBeloep);
    if (r.mottakersKontonummer !== undefined) p.receivingAccount = r.mottakersKontonummer;
    if (r.innbetaltFra !== undefined) p.paidFrom = r.innbetaltFra;
    if (r.innbetalingstype !== undefined) p.paymentType = r.innbetalingstype;
    if (r.motregningAvInnbetaling !== undefined) p.setOff = r.motregningAvInnbetaling;
    return p;
  },
);
