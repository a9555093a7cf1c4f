import type { Claim, Instalment, PaymentPlacement, SetOffPlacement } from '../../../domain/claim.model.js';
import type { ClaimPeriod, PaymentDetails } from '../../../domain/common.model.js';
import type { Payment } from '../../../domain/payment.model.js';
import type { Payout } from '../../../domain/payout.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../../../domain/responses.model.js';
import {
  amount,
  bankAccount,
  groupTotals,
  paymentDetails,
  period,
  signed,
  totals,
} from './wire-serialiser.js';
import type { WireOptions } from './wire-serialiser.js';

/*
 * Domain -> the shapes of the Dec 2022 to Mar 2023 documentation (examples `2023-03/*.json`): no `skjermet`,
 * claims without `partIdentifikator`, `kravbeskrivelse` and `kravperiode` as strings, `betaltFra`,
 * `plasseringsdato`, `motkrav…` names, `utsattIverksettelse`, `plassertInnbetalingMotKrav` with `dekketKrav`,
 * `betaltTilKonto`, and empty lists written as `[]`. Payments are positive (or negative with
 * `paymentSign: 'negative'`), placements on instalments negative, as in those examples.
 *
 * Payouts (the endpoint was "not yet available" then) use the 2022 beta schema of reference §9:
 * `utbetalingIdentifikator`, `utbetalingsbeskrivelse` and `grunnlagForUtbetaling` as an array of credits
 * (refunds of payments cannot be expressed in it and are left out of the list).
 */

type Tree = Record<string, unknown>;

/** `2022/09`-style text of a period: year/term, the date, or the year. */
function periodText(p: ClaimPeriod | undefined): string | undefined {
  if (p === undefined) return undefined;
  if (p.year !== undefined && p.term !== undefined) return `${p.year}/${p.term}`;
  if (p.from !== undefined) return p.from === p.to || p.to === undefined ? p.from : `${p.from} - ${p.to}`;
  return p.year ?? p.description;
}

function oldDetails(d: PaymentDetails | undefined): Tree {
  return paymentDetails(d) ?? {};
}

function instalment(i: Instalment): Tree {
  const payments = i.placements.filter((p): p is PaymentPlacement => p.kind === 'payment');
  const setOffs = i.placements.filter((p): p is SetOffPlacement => p.kind === 'set-off');
  return {
    forfallsdato: i.dueDate,
    opprinneligBeloep: amount(i.originalAmount),
    gjenstaaendeBeloep: amount(i.remainingAmount),
    plassertInnbetaling: payments.map((p) => ({
      betaltFra: { konto: bankAccount(p.paidFrom?.account) ?? {} },
      plassertBeloep: signed(p.amount, true),
      plasseringsdato: p.placedDate,
      innbetalingsIdentifikator: p.paymentId,
      innbetalingstype: p.paymentType,
    })),
    plassertMotkrav: setOffs.map((p) => ({
      motkravBeskrivelse: p.counterDescription,
      motkravForfallsIdentifikator: p.counterInstalmentId,
      motkravForfallsdato: p.counterDueDate,
      plassertBeloep: amount(p.amount),
      plasseringsdato: p.placedDate,
    })),
    kravforfallsIdentifikator: i.instalmentId,
    betalingsinformasjon: oldDetails(i.paymentDetails),
    utsattIverksettelse: i.postponed ?? false,
  };
}

function claim(c: Claim): Tree {
  return {
    kravidentifikator: c.claimId,
    kravbeskrivelse: c.description,
    opprettelsesdatoForKrav: c.createdDate,
    kravperiode: periodText(c.period),
    opprinneligBeloep: amount(c.originalAmount),
    kravforfall: c.instalments.map(instalment),
    gjenstaaendeBeloep: amount(c.remainingAmount),
    stipulerteRenter: c.estimatedInterest === undefined ? undefined : amount(c.estimatedInterest),
    kravtype: c.claimType,
    kravgruppe: c.claimGroup,
  };
}

function payment(p: Payment, o: WireOptions): Tree {
  const negative = o.paymentSign === 'negative';
  return {
    partIdentifikator: p.partyId,
    innbetalingsidentifikator: p.paymentId,
    innbetalingsdato: p.paymentDate,
    innbetaltBeloep: signed(p.amount, negative),
    plassertInnbetalingMotKrav: p.placements.map((c) => ({
      dekketKrav: c.description,
      kravforfallIdentifikator: c.instalmentId,
      kravforfallsdato: c.dueDate,
      plasseringsdato: c.placedDate,
      plassertBeloep: amount(c.amount),
      opprinneligKravforfallsbeloep:
        c.instalmentOriginalAmount === undefined ? undefined : amount(c.instalmentOriginalAmount),
      gjenstaaendeKravforfallsbeloep:
        c.instalmentRemainingAmount === undefined ? undefined : amount(c.instalmentRemainingAmount),
    })),
    uplassertBeloep: p.unplacedAmount === undefined ? undefined : signed(p.unplacedAmount, negative),
    betaltTilKonto: bankAccount(p.receivingAccount),
    betaltFra: oldDetails(p.paidFrom),
    innbetalingstype: p.paymentType,
  };
}

function payout(u: Payout): Tree {
  return {
    partIdentifikator: u.partyId,
    utbetalingIdentifikator: u.payoutId,
    utbetalingsbeskrivelse: u.paidTo.message,
    utbetaltdato: u.payoutDate,
    utbetaltBeloep: amount(u.amount),
    betaltTil: paymentDetails(u.paidTo),
    grunnlagForUtbetaling: u.credits.map((c) => ({
      dekketKrav: c.description,
      kravIdentifikator: c.instalmentId,
      kravtype: c.claimType,
      kravperiode: periodText(c.period),
      opprinneligBeloep: amount(-c.originalAmount),
      gjenstaaendeBeloep: amount(c.remainingAmount === 0 ? 0 : -c.remainingAmount),
    })),
  };
}

export function openClaimsBody2023(r: OpenClaims, o: WireOptions): Tree {
  return {
    partIdentifikator: r.partyId,
    aapentKravMedGjenstaaendeBeloep: r.claims.map((c) => claim(c)),
    innbetalingMedUplassertBeloep: r.unplacedPayments.map((p) => payment(p, o)),
    totalOversikt: r.totals === undefined ? undefined : totals(r.totals),
    oversiktPerKravgruppe: r.groups.map(groupTotals),
  };
}

export function claimsBody2023(r: ClaimsInPeriod, _o: WireOptions): Tree {
  return { partIdentifikator: r.partyId, periode: period(r.period), krav: r.claims.map((c) => claim(c)) };
}

export function paymentsBody2023(r: PaymentsInPeriod, o: WireOptions): Tree {
  return {
    partIdentifikator: r.partyId,
    periode: period(r.period),
    innbetaling: r.payments.map((p) => payment(p, o)),
  };
}

export function payoutsBody2023(r: PayoutsInPeriod): Tree {
  return { partIdentifikator: r.partyId, periode: period(r.period), utbetaling: r.payouts.map(payout) };
}
