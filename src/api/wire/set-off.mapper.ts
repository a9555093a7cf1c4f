import type { CoveredClaim, ExternalSetOff } from '../../domain/claim.model.js';
import { claimPeriod, magnitude, text } from './common.mapper.js';
import { amount, arr, date, map, obj, opt, req, str } from './wire-reader.js';

/*
 * `MotregningAvInnbetaling` / `MotregningAvKreditkrav` (motregning.wire.ts). No example exists; required-ness
 * follows the 1.1.1 models, except that lists are read as possibly empty (servers omit empty lists) and both
 * spellings of `dekketKrav`/`dekketkrav` and of the `…BruktIMotregning` lists are accepted in either object.
 * Covered amounts, interest and used payments are magnitudes; a used credit's remaining amount keeps its
 * sign.
 */

const coveredClaim = map(
  obj({
    motregnetBeloep: req(amount),
    dekketKravBeskrivelse: req(text),
    innkrevingsmyndighet: req(text),
    kreditorsnavn: req(text),
    forfallsdato: req(date),
    forsinkelsesrenter: req(amount),
  }),
  (r): CoveredClaim => {
    const c: CoveredClaim = { amount: magnitude(r.motregnetBeloep) };
    if (r.dekketKravBeskrivelse !== undefined) c.description = r.dekketKravBeskrivelse;
    if (r.innkrevingsmyndighet !== undefined) c.collectingAuthority = r.innkrevingsmyndighet;
    if (r.kreditorsnavn !== undefined) c.creditorName = r.kreditorsnavn;
    if (r.forfallsdato !== undefined) c.dueDate = r.forfallsdato;
    if (r.forsinkelsesrenter !== undefined) c.lateInterest = magnitude(r.forsinkelsesrenter);
    return c;
  },
);

const paymentUsed = map(
  obj({ innbetalingsidentifikator: req(str, 'innbetalingsIdentifikator'), uplassertBeloep: req(amount) }),
  (r) => ({ paymentId: r.innbetalingsidentifikator, unplacedAmount: magnitude(r.uplassertBeloep) }),
);

const creditUsed = map(
  obj({
    kravforfallsIdentifikator: req(str),
    gjenstaaendeBeloep: req(amount),
    kravbeskrivelse: req(text),
    kravperiode: opt(claimPeriod),
  }),
  (r): ExternalSetOff['creditsUsed'][number] => {
    const c: ExternalSetOff['creditsUsed'][number] = {
      instalmentId: r.kravforfallsIdentifikator,
      remainingAmount: r.gjenstaaendeBeloep,
    };
    if (r.kravbeskrivelse !== undefined) c.description = r.kravbeskrivelse;
    if (r.kravperiode !== undefined) c.period = r.kravperiode;
    return c;
  },
);

const hovedKrav = obj({
  innbetalingBruktImotregning: opt(arr(paymentUsed), 'innbetalingBruktIMotregning'),
  kreditkravBruktIMotregning: opt(arr(creditUsed), 'kreditkravBruktImotregning'),
});

/** Either set-off object as an {@link ExternalSetOff}. */
export const externalSetOff = map(
  obj({
    motregningsidentifikator: req(str),
    innkrevingsmyndighet: req(text),
    hovedkrav: opt(hovedKrav),
    motregnetdato: req(date),
    dekketKrav: opt(arr(coveredClaim), 'dekketkrav'),
  }),
  (r): ExternalSetOff => {
    const s: ExternalSetOff = {
      setOffId: r.motregningsidentifikator,
      date: r.motregnetdato,
      coveredClaims: r.dekketKrav ?? [],
      paymentsUsed: r.hovedkrav?.innbetalingBruktImotregning ?? [],
      creditsUsed: r.hovedkrav?.kreditkravBruktIMotregning ?? [],
    };
    if (r.innkrevingsmyndighet !== undefined) s.collectingAuthority = r.innkrevingsmyndighet;
    return s;
  },
);
