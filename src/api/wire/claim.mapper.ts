import type {
  Claim,
  Instalment,
  InstalmentPayout,
  PaymentPlacement,
  Placement,
  SetOffPlacement,
} from '../../domain/claim.model.js';
import { claimPeriod, magnitude, paymentDetails, text } from './common.mapper.js';
import { externalSetOff } from './set-off.mapper.js';
import { amount, arr, bool, date, map, obj, opt, req, str } from './wire-reader.js';

/*
 * `Krav` -> Claim (krav.wire.ts). Claim and instalment amounts keep the API's sign (credit negative); placed
 * amounts become magnitudes. Required-ness follows 1.1.1 except where published examples omit a field:
 *  - `Krav.partIdentifikator`: absent up to Mar 2023; the response's party is filled in by the response
 *    reader.
 *  - `Kravforfall.forfallsdato`: absent on two instalments of the Dec 2022 example; left out (see below).
 *  - `KravPlassertMotKrav.kravtype`: absent before Apr 2023; left out.
 *  - `kravforfall` (a required list): read as possibly omitted, like every list, giving [] (servers omit
 *    empty lists since Aug 2023).
 * Ids of the containing instalment and claim are filled in after the children are read.
 */

const paymentPlacement = map(
  obj({
    innbetalingsIdentifikator: req(str, 'innbetalingsidentifikator'),
    plassertBeloep: req(amount),
    plassertDato: opt(date, 'plasseringsdato'),
    innbetalingsdato: opt(date),
    innbetaltBeloep: opt(amount),
    innbetaltFra: opt(paymentDetails, 'betaltFra'),
    innbetalingstype: opt(str),
  }),
  (r): PaymentPlacement => {
    const p: PaymentPlacement = {
      kind: 'payment',
      paymentId: r.innbetalingsIdentifikator,
      instalmentId: '',
      amount: magnitude(r.plassertBeloep),
    };
    if (r.plassertDato !== undefined) p.placedDate = r.plassertDato;
    if (r.innbetalingsdato !== undefined) p.paymentDate = r.innbetalingsdato;
    // The Apr 2024 example sends `innbetaltBeloep: 0.0` for a placed payment: 0 means "not given" here.
    if (r.innbetaltBeloep !== undefined && r.innbetaltBeloep !== 0)
      p.paymentAmount = magnitude(r.innbetaltBeloep);
    if (r.innbetaltFra !== undefined) p.paidFrom = r.innbetaltFra;
    if (r.innbetalingstype !== undefined) p.paymentType = r.innbetalingstype;
    return p;
  },
);

const setOffPlacement = map(
  obj({
    kravforfallsIdentifikator: req(str, 'motkravForfallsIdentifikator', 'kravforfallIdentifikator'),
    plassertBeloep: req(amount),
    plassertDato: opt(date, 'plasseringsdato'),
    kravbeskrivelse: opt(text, 'motkravBeskrivelse'),
    forfallsdato: opt(date, 'motkravForfallsdato'),
    kravperiode: opt(claimPeriod),
    kravtype: opt(str),
  }),
  (r): SetOffPlacement => {
    const p: SetOffPlacement = {
      kind: 'set-off',
      instalmentId: '',
      counterInstalmentId: r.kravforfallsIdentifikator,
      amount: magnitude(r.plassertBeloep),
    };
    if (r.kravtype !== undefined) p.counterClaimType = r.kravtype;
    if (r.plassertDato !== undefined) p.placedDate = r.plassertDato;
    if (r.kravbeskrivelse !== undefined) p.counterDescription = r.kravbeskrivelse;
    if (r.forfallsdato !== undefined) p.counterDueDate = r.forfallsdato;
    if (r.kravperiode !== undefined) p.counterPeriod = r.kravperiode;
    return p;
  },
);

const instalmentPayout = map(
  obj({
    utbetalingsidentifikator: req(str),
    utbetaltBeloep: req(amount),
    utbetaltDato: req(date, 'utbetaltdato'),
    betaltTil: req(paymentDetails),
    plassertBeloep: req(amount),
    plassertDato: req(date),
  }),
  (r): InstalmentPayout => ({
    payoutId: r.utbetalingsidentifikator,
    instalmentId: '',
    payoutAmount: magnitude(r.utbetaltBeloep),
    payoutDate: r.utbetaltDato,
    paidTo: r.betaltTil,
    amount: magnitude(r.plassertBeloep),
    placedDate: r.plassertDato,
  }),
);

const instalment = map(
  obj({
    kravforfallsIdentifikator: req(str),
    forfallsdato: opt(date),
    opprinneligBeloep: req(amount),
    gjenstaaendeBeloep: req(amount),
    betalingsinformasjon: req(paymentDetails),
    plassertInnbetaling: opt(arr(paymentPlacement)),
    plassertMotkrav: opt(arr(setOffPlacement)),
    plassertUtbetaling: opt(arr(instalmentPayout)),
    utsattIverksettelse: opt(bool),
  }),
  (r): Instalment => {
    const id = r.kravforfallsIdentifikator;
    const payments = r.plassertInnbetaling ?? [];
    const setOffs = r.plassertMotkrav ?? [];
    const placements: Placement[] = setOffs.length === 0 ? payments : [...payments, ...setOffs];
    for (const p of placements) if (p !== undefined) p.instalmentId = id;
    const payouts = r.plassertUtbetaling ?? [];
    for (const p of payouts) if (p !== undefined) p.instalmentId = id;
    const i: Instalment = {
      instalmentId: id,
      claimId: '',
      originalAmount: r.opprinneligBeloep,
      remainingAmount: r.gjenstaaendeBeloep,
      paymentDetails: r.betalingsinformasjon,
      placements,
      payouts,
    };
    if (r.forfallsdato !== undefined) i.dueDate = r.forfallsdato;
    if (r.utsattIverksettelse !== undefined) i.postponed = r.utsattIverksettelse;
    return i;
  },
);

/**
 * `Krav` as a {@link Claim}. `partyId` is `''` when the claim has no `partIdentifikator` (before Aug 2023);
 * the response reader then fills in the response's party.
 */
export const claim = map(
  obj({
    partIdentifikator: opt(str, 'part'),
    kravidentifikator: req(str),
    kravtype: req(str),
    opprinneligBeloep: req(amount),
    gjenstaaendeBeloep: req(amount),
    stipulerteRenter: opt(amount),
    kravforfall: opt(arr(instalment)),
    kravbeskrivelse: opt(text),
    kravperiode: opt(claimPeriod),
    opprettelsesdatoForKrav: opt(date),
    kravgruppe: opt(str),
    hovedstolKravidentifikator: opt(str),
    fastsettingsmaate: opt(str),
    motregningAvKreditkrav: opt(externalSetOff),
  }),
  (r): Claim => {
    const instalments = r.kravforfall ?? [];
    for (const i of instalments) if (i !== undefined) i.claimId = r.kravidentifikator;
    const c: Claim = {
      partyId: r.partIdentifikator ?? '',
      claimId: r.kravidentifikator,
      claimType: r.kravtype,
      originalAmount: r.opprinneligBeloep,
      remainingAmount: r.gjenstaaendeBeloep,
      instalments,
    };
    if (r.kravgruppe !== undefined) c.claimGroup = r.kravgruppe;
    if (r.kravbeskrivelse !== undefined) c.description = r.kravbeskrivelse;
    if (r.kravperiode !== undefined) c.period = r.kravperiode;
    if (r.opprettelsesdatoForKrav !== undefined) c.createdDate = r.opprettelsesdatoForKrav;
    if (r.stipulerteRenter !== undefined) c.estimatedInterest = r.stipulerteRenter;
    if (r.hovedstolKravidentifikator !== undefined) c.principalClaimId = r.hovedstolKravidentifikator;
    if (r.fastsettingsmaate !== undefined) c.assessment = r.fastsettingsmaate;
    if (r.motregningAvKreditkrav !== undefined) c.setOff = r.motregningAvKreditkrav;
    return c;
  },
);
