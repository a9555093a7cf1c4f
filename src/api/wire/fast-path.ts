import type {
  Claim,
  CoveredClaim,
  ExternalSetOff,
  Instalment,
  InstalmentPayout,
  PaymentPlacement,
  Placement,
  SetOffPlacement,
} from '../../domain/claim.model.js';
import type {
  BankAccount,
  ClaimGroupTotals,
  ClaimPeriod,
  IsoDate,
  PaymentDetails,
  Period,
  Recipient,
  Totals,
} from '../../domain/common.model.js';
import { isIsoDate } from '../../domain/dates.js';
import type { Ore } from '../../domain/money.js';
import type { Payment, PaymentClaimPlacement, PaymentPayout } from '../../domain/payment.model.js';
import type { PaidOutCredit, Payout, RefundedPayment } from '../../domain/payout.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../../domain/responses.model.js';
import type { JsonDocument } from './lossless-json.js';
import { FastPathMiss, fastOre } from './wire-reader.js';

/*
 * The fast path of the response readers: hand-written readers that build the domain objects straight from
 * the parsed tree (lossless, or native JSON.parse when plain-number-json.ts's guard lets the body through;
 * amounts are read from the number's decimal text either way), with named property reads
 * (monomorphic in V8, where the declarative reader's keyed reads by a field table are megamorphic), no
 * intermediate records, no path bookkeeping and no closures.
 *
 * They only accept what is certainly valid: current and older field names (the same `a ?? b` precedence as
 * the declarative reader), plain `YYYY-MM-DD` dates, amounts in the plain `-?\d+(\.\d{1,2})?` form. On
 * anything else (a missing or wrong-typed field, a date-time, an unusual number) they give up with
 * {@link FastPathMiss} and readDocument runs the declarative reader (claim.mapper.ts and friends) over the
 * whole document, which stays the reference: it produces the typed errors with their paths, and for valid
 * input it yields exactly what these functions yield, properties in the same order (checked by
 * fast-path.spec.ts on every published example and on generated bodies).
 */

/** One shared instance, so leaving the fast path captures no stack. */
const MISS = new FastPathMiss('not on the fast path');

/** A document reader of the fast path. */
export type FastReader<T> = (json: JsonDocument) => T;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown): Record<string, unknown> {
  if (isObj(v)) return v;
  throw MISS;
}

function absent(v: unknown): v is undefined | null {
  return v === undefined || v === null;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  throw MISS;
}

function optStr(v: unknown): string | undefined {
  return absent(v) ? undefined : str(v);
}

function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw MISS;
}

function ore(j: JsonDocument, v: unknown): Ore {
  // The plain road gives øre straight from the double (same value, no text to write and read back).
  const o = j.numberOre !== undefined ? j.numberOre(v) : oreOfText(j.numberText(v));
  if (o === undefined) throw MISS;
  return o;
}

function oreOfText(text: string | undefined): Ore | undefined {
  return text === undefined ? undefined : fastOre(text);
}

function optOre(j: JsonDocument, v: unknown): Ore | undefined {
  return absent(v) ? undefined : ore(j, v);
}

function date(v: unknown): IsoDate {
  if (typeof v === 'string' && isIsoDate(v)) return v;
  throw MISS;
}

function optDate(v: unknown): IsoDate | undefined {
  return absent(v) ? undefined : date(v);
}

/** A list: absent gives [], anything but an array of objects misses. */
function list<T>(j: JsonDocument, v: unknown, item: (j: JsonDocument, o: Record<string, unknown>) => T): T[] {
  if (absent(v)) return [];
  if (!Array.isArray(v)) throw MISS;
  const n = v.length;
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = item(j, obj(v[i]));
  return out;
}

function magnitude(a: Ore): Ore {
  return a < 0 ? -a : a;
}

// ---------------------------------------------------------------------------------------------------------
// Shared value objects (common.mapper.ts)

/** `text`: a plain string, or a MultiSpraakTekst object (`nb`, else the first text, else undefined). */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const texts = obj(v).spraakTekst;
  if (absent(texts)) return undefined;
  if (!Array.isArray(texts)) throw MISS;
  let first: string | undefined;
  let nb: string | undefined;
  for (let i = 0; i < texts.length; i++) {
    const t = obj(texts[i]);
    const tekst = str(t.tekst);
    const spraak = str(t.spraak);
    if (i === 0) first = tekst;
    if (nb === undefined && spraak === 'nb') nb = tekst;
  }
  return nb ?? first;
}

function optText(v: unknown): string | undefined {
  return absent(v) ? undefined : text(v);
}

function claimPeriod(v: unknown): ClaimPeriod {
  if (typeof v === 'string') return { description: v };
  const o = obj(v);
  const p: ClaimPeriod = {};
  if (o.start !== undefined || o.slutt !== undefined) {
    const from = optDate(o.start);
    const to = optDate(o.slutt);
    if (from !== undefined) p.from = from;
    if (to !== undefined) p.to = to;
    return p;
  }
  const pb = o.periodeBeskrivelse;
  if (absent(pb)) throw MISS; // required
  const description = text(pb);
  const year = optStr(o.aar);
  const from = optDate(o.fraDato);
  const to = optDate(o.tilDato);
  const term = optStr(o.terminTekniskNavn);
  if (description !== undefined) p.description = description;
  if (year !== undefined) p.year = year;
  if (from !== undefined) p.from = from;
  if (to !== undefined) p.to = to;
  if (term !== undefined) p.term = term;
  return p;
}

function optClaimPeriod(v: unknown): ClaimPeriod | undefined {
  return absent(v) ? undefined : claimPeriod(v);
}

function period(v: unknown): Period {
  const o = obj(v);
  const from = date(o.fraOgMed ?? o.start);
  const to = optDate(o.tilOgMed ?? o.slutt);
  const p: Period = { from };
  if (to !== undefined) p.to = to;
  return p;
}

function bankAccount(v: unknown): BankAccount {
  const o = obj(v);
  const accountNumber = optStr(o.kontonummer);
  const iban = optStr(o.iban);
  const bic = optStr(o.swiftBIC);
  const ownerName = optStr(o.kontoeiersNavn);
  const bankInfo = optStr(o.bankinformasjon);
  const a: BankAccount = {};
  if (accountNumber !== undefined) a.accountNumber = accountNumber;
  if (iban !== undefined) a.iban = iban;
  if (bic !== undefined) a.bic = bic;
  if (ownerName !== undefined) a.ownerName = ownerName;
  if (bankInfo !== undefined) a.bankInfo = bankInfo;
  return a;
}

function optRecipient(v: unknown): Recipient | undefined {
  if (absent(v)) return undefined;
  const o = obj(v);
  const name = str(o.mottakersNavn);
  const address = obj(o.mottakersAddresse ?? o.mottakersAdresse);
  const lines = address.adressetekst;
  let addressLines: string[] = [];
  if (!absent(lines)) {
    if (!Array.isArray(lines)) throw MISS;
    addressLines = new Array<string>(lines.length);
    for (let i = 0; i < lines.length; i++) addressLines[i] = str(lines[i]);
  }
  const town = optStr(address.poststedsnavn);
  const postalCode = optStr(address.postnummer);
  const countryCode = optStr(address.landkode);
  const out: Recipient = { name, addressLines };
  if (postalCode !== undefined) out.postalCode = postalCode;
  if (town !== undefined) out.postalTown = town;
  if (countryCode !== undefined) out.countryCode = countryCode;
  return out;
}

function paymentDetails(v: unknown): PaymentDetails {
  const o = obj(v);
  const kid = optStr(o.kidnummer);
  const message = optStr(o.meldingSendtTilMottaker);
  const konto = o.konto;
  const account = absent(konto) ? undefined : bankAccount(konto);
  const currency = optStr(o.valutakode);
  const cheque = optRecipient(o.sjekkSendtTil);
  const card = optRecipient(o.utbetalingskortSendtTil);
  const d: PaymentDetails = {};
  if (kid !== undefined) d.kid = kid;
  if (message !== undefined) d.message = message;
  if (account !== undefined) d.account = account;
  if (currency !== undefined) d.currency = currency;
  if (cheque !== undefined) d.chequeSentTo = cheque;
  if (card !== undefined) d.paymentCardSentTo = card;
  return d;
}

function optPaymentDetails(v: unknown): PaymentDetails | undefined {
  return absent(v) ? undefined : paymentDetails(v);
}

function totals(j: JsonDocument, v: unknown): Totals {
  const o = obj(v);
  return {
    estimatedInterest: ore(j, o.sumStipulerteRenter),
    overdue: ore(j, o.sumForfalteKrav),
    notYetDue: ore(j, o.sumIkkeForfalteKrav),
    unplacedPayments: ore(j, o.sumUplasserteInnbetalinger),
    balance: ore(j, o.saldo),
  };
}

function groupTotals(j: JsonDocument, o: Record<string, unknown>): ClaimGroupTotals {
  return {
    group: str(o.kravgruppe),
    estimatedInterest: ore(j, o.sumStipulerteRenter),
    overdue: ore(j, o.sumForfalteKrav),
    notYetDue: ore(j, o.sumIkkeForfalteKrav),
    balance: ore(j, o.saldo),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Set-offs (set-off.mapper.ts)

function coveredClaim(j: JsonDocument, o: Record<string, unknown>): CoveredClaim {
  const amount = ore(j, o.motregnetBeloep);
  const description = requiredText(o.dekketKravBeskrivelse);
  const authority = requiredText(o.innkrevingsmyndighet);
  const creditor = requiredText(o.kreditorsnavn);
  const dueDate = date(o.forfallsdato);
  const lateInterest = ore(j, o.forsinkelsesrenter);
  const c: CoveredClaim = { amount: magnitude(amount) };
  if (description !== undefined) c.description = description;
  if (authority !== undefined) c.collectingAuthority = authority;
  if (creditor !== undefined) c.creditorName = creditor;
  c.dueDate = dueDate;
  c.lateInterest = magnitude(lateInterest);
  return c;
}

function requiredText(v: unknown): string | undefined {
  if (absent(v)) throw MISS;
  return text(v);
}

function paymentUsed(j: JsonDocument, o: Record<string, unknown>) {
  return {
    paymentId: str(o.innbetalingsidentifikator ?? o.innbetalingsIdentifikator),
    unplacedAmount: magnitude(ore(j, o.uplassertBeloep)),
  };
}

function creditUsed(j: JsonDocument, o: Record<string, unknown>): ExternalSetOff['creditsUsed'][number] {
  const instalmentId = str(o.kravforfallsIdentifikator);
  const remainingAmount = ore(j, o.gjenstaaendeBeloep);
  const description = requiredText(o.kravbeskrivelse);
  const period = optClaimPeriod(o.kravperiode);
  const c: ExternalSetOff['creditsUsed'][number] = { instalmentId, remainingAmount };
  if (description !== undefined) c.description = description;
  if (period !== undefined) c.period = period;
  return c;
}

function optExternalSetOff(j: JsonDocument, v: unknown): ExternalSetOff | undefined {
  if (absent(v)) return undefined;
  const o = obj(v);
  const setOffId = str(o.motregningsidentifikator);
  const authority = requiredText(o.innkrevingsmyndighet);
  const hk = o.hovedkrav;
  let paymentsUsed: ExternalSetOff['paymentsUsed'] = [];
  let creditsUsed: ExternalSetOff['creditsUsed'] = [];
  if (!absent(hk)) {
    const h = obj(hk);
    paymentsUsed = list(j, h.innbetalingBruktImotregning ?? h.innbetalingBruktIMotregning, paymentUsed);
    creditsUsed = list(j, h.kreditkravBruktIMotregning ?? h.kreditkravBruktImotregning, creditUsed);
  }
  const setOffDate = date(o.motregnetdato);
  const coveredClaims = list(j, o.dekketKrav ?? o.dekketkrav, coveredClaim);
  const s: ExternalSetOff = { setOffId, date: setOffDate, coveredClaims, paymentsUsed, creditsUsed };
  if (authority !== undefined) s.collectingAuthority = authority;
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Claims (claim.mapper.ts)

function paymentPlacement(j: JsonDocument, o: Record<string, unknown>): PaymentPlacement {
  const paymentId = str(o.innbetalingsIdentifikator ?? o.innbetalingsidentifikator);
  const amount = ore(j, o.plassertBeloep);
  const placedDate = optDate(o.plassertDato ?? o.plasseringsdato);
  const paymentDate = optDate(o.innbetalingsdato);
  const paymentAmount = optOre(j, o.innbetaltBeloep);
  const paidFrom = optPaymentDetails(o.innbetaltFra ?? o.betaltFra);
  const paymentType = optStr(o.innbetalingstype);
  const p: PaymentPlacement = { kind: 'payment', paymentId, instalmentId: '', amount: magnitude(amount) };
  if (placedDate !== undefined) p.placedDate = placedDate;
  if (paymentDate !== undefined) p.paymentDate = paymentDate;
  // As claim.mapper.ts: `innbetaltBeloep: 0.0` means "not given".
  if (paymentAmount !== undefined && paymentAmount !== 0) p.paymentAmount = magnitude(paymentAmount);
  if (paidFrom !== undefined) p.paidFrom = paidFrom;
  if (paymentType !== undefined) p.paymentType = paymentType;
  return p;
}

function setOffPlacement(j: JsonDocument, o: Record<string, unknown>): SetOffPlacement {
  const counterInstalmentId = str(
    o.kravforfallsIdentifikator ?? o.motkravForfallsIdentifikator ?? o.kravforfallIdentifikator,
  );
  const amount = ore(j, o.plassertBeloep);
  const placedDate = optDate(o.plassertDato ?? o.plasseringsdato);
  const description = optText(o.kravbeskrivelse ?? o.motkravBeskrivelse);
  const dueDate = optDate(o.forfallsdato ?? o.motkravForfallsdato);
  const period = optClaimPeriod(o.kravperiode);
  const claimType = optStr(o.kravtype);
  const p: SetOffPlacement = {
    kind: 'set-off',
    instalmentId: '',
    counterInstalmentId,
    amount: magnitude(amount),
  };
  if (claimType !== undefined) p.counterClaimType = claimType;
  if (placedDate !== undefined) p.placedDate = placedDate;
  if (description !== undefined) p.counterDescription = description;
  if (dueDate !== undefined) p.counterDueDate = dueDate;
  if (period !== undefined) p.counterPeriod = period;
  return p;
}

function instalmentPayout(j: JsonDocument, o: Record<string, unknown>): InstalmentPayout {
  const payoutId = str(o.utbetalingsidentifikator);
  const payoutAmount = ore(j, o.utbetaltBeloep);
  const payoutDate = date(o.utbetaltDato ?? o.utbetaltdato);
  const paidTo = paymentDetails(o.betaltTil);
  const amount = ore(j, o.plassertBeloep);
  const placedDate = date(o.plassertDato);
  return {
    payoutId,
    instalmentId: '',
    payoutAmount: magnitude(payoutAmount),
    payoutDate,
    paidTo,
    amount: magnitude(amount),
    placedDate,
  };
}

function instalment(j: JsonDocument, o: Record<string, unknown>): Instalment {
  const id = str(o.kravforfallsIdentifikator);
  const dueDate = optDate(o.forfallsdato);
  const originalAmount = ore(j, o.opprinneligBeloep);
  const remainingAmount = ore(j, o.gjenstaaendeBeloep);
  const details = paymentDetails(o.betalingsinformasjon);
  const payments = list(j, o.plassertInnbetaling, paymentPlacement);
  const setOffs = list(j, o.plassertMotkrav, setOffPlacement);
  const payouts = list(j, o.plassertUtbetaling, instalmentPayout);
  const postponed = absent(o.utsattIverksettelse) ? undefined : bool(o.utsattIverksettelse);
  const placements: Placement[] = setOffs.length === 0 ? payments : [...payments, ...setOffs];
  for (const p of placements) p.instalmentId = id;
  for (const p of payouts) p.instalmentId = id;
  const i: Instalment = {
    instalmentId: id,
    claimId: '',
    originalAmount,
    remainingAmount,
    paymentDetails: details,
    placements,
    payouts,
  };
  if (dueDate !== undefined) i.dueDate = dueDate;
  if (postponed !== undefined) i.postponed = postponed;
  return i;
}

function claim(j: JsonDocument, o: Record<string, unknown>): Claim {
  const partyId = optStr(o.partIdentifikator ?? o.part);
  const claimId = str(o.kravidentifikator);
  const claimType = str(o.kravtype);
  const originalAmount = ore(j, o.opprinneligBeloep);
  const remainingAmount = ore(j, o.gjenstaaendeBeloep);
  const estimatedInterest = optOre(j, o.stipulerteRenter);
  const instalments = list(j, o.kravforfall, instalment);
  const description = optText(o.kravbeskrivelse);
  const claimPeriodValue = optClaimPeriod(o.kravperiode);
  const createdDate = optDate(o.opprettelsesdatoForKrav);
  const claimGroup = optStr(o.kravgruppe);
  const principalClaimId = optStr(o.hovedstolKravidentifikator);
  const assessment = optStr(o.fastsettingsmaate);
  const setOff = optExternalSetOff(j, o.motregningAvKreditkrav);
  for (const i of instalments) i.claimId = claimId;
  const c: Claim = {
    partyId: partyId ?? '',
    claimId,
    claimType,
    originalAmount,
    remainingAmount,
    instalments,
  };
  if (claimGroup !== undefined) c.claimGroup = claimGroup;
  if (description !== undefined) c.description = description;
  if (claimPeriodValue !== undefined) c.period = claimPeriodValue;
  if (createdDate !== undefined) c.createdDate = createdDate;
  if (estimatedInterest !== undefined) c.estimatedInterest = estimatedInterest;
  if (principalClaimId !== undefined) c.principalClaimId = principalClaimId;
  if (assessment !== undefined) c.assessment = assessment as Claim['assessment'];
  if (setOff !== undefined) c.setOff = setOff;
  return c;
}

// ---------------------------------------------------------------------------------------------------------
// Payments (payment.mapper.ts)

function claimPlacement(j: JsonDocument, o: Record<string, unknown>): PaymentClaimPlacement {
  const instalmentId = str(o.kravforfallIdentifikator ?? o.kravforfallsIdentifikator);
  const amount = ore(j, o.plassertBeloep);
  const placedDate = optDate(o.plassertDato ?? o.plasseringsdato);
  const description = optText(o.kravbeskrivelse ?? o.dekketKrav);
  const dueDate = optDate(o.kravforfallsdato);
  const original = optOre(j, o.opprinneligKravforfallsbeloep);
  const remaining = optOre(j, o.gjenstaaendeKravforfallsbeloep);
  const p: PaymentClaimPlacement = { paymentId: '', instalmentId, amount: magnitude(amount) };
  if (placedDate !== undefined) p.placedDate = placedDate;
  if (description !== undefined) p.description = description;
  if (dueDate !== undefined) p.dueDate = dueDate;
  if (original !== undefined) p.instalmentOriginalAmount = original;
  if (remaining !== undefined) p.instalmentRemainingAmount = remaining;
  return p;
}

function paymentPayout(j: JsonDocument, o: Record<string, unknown>): PaymentPayout {
  const payoutId = str(o.utbetalingsidentifikator);
  const payoutDate = date(o.utbetaltdato ?? o.utbetaltDato);
  const amount = ore(j, o.utbetaltBeloep);
  const paidTo = paymentDetails(o.betaltTil);
  return { payoutId, payoutDate, amount: magnitude(amount), paidTo };
}

function payment(j: JsonDocument, o: Record<string, unknown>): Payment {
  const partyId = optStr(o.partIdentifikator);
  const paymentId = str(o.innbetalingsidentifikator ?? o.innbetalingsIdentifikator);
  const paymentDate = date(o.innbetalingsdato);
  const amount = ore(j, o.innbetaltBeloep);
  const placements = list(j, o.plassertKrav ?? o.plassertInnbetalingMotKrav, claimPlacement);
  const unplaced = optOre(j, o.uplassertBeloep);
  const accountValue = o.mottakersKontonummer ?? o.betaltTilKonto;
  const receivingAccount = absent(accountValue) ? undefined : bankAccount(accountValue);
  const paidFrom = optPaymentDetails(o.innbetaltFra ?? o.betaltFra);
  const paymentType = optStr(o.innbetalingstype);
  const payouts = list(j, o.plassertUtbetaling, paymentPayout);
  const setOff = optExternalSetOff(j, o.motregningAvInnbetaling);
  for (const p of placements) p.paymentId = paymentId;
  const p: Payment = {
    partyId: partyId ?? '',
    paymentId,
    paymentDate,
    amount: magnitude(amount),
    placements,
    payouts,
  };
  if (unplaced !== undefined) p.unplacedAmount = magnitude(unplaced);
  if (receivingAccount !== undefined) p.receivingAccount = receivingAccount;
  if (paidFrom !== undefined) p.paidFrom = paidFrom;
  if (paymentType !== undefined) p.paymentType = paymentType;
  if (setOff !== undefined) p.setOff = setOff;
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// Payouts (payout.mapper.ts)

function credit(j: JsonDocument, o: Record<string, unknown>, paidOutRequired: boolean): PaidOutCredit {
  const instalmentId = str(
    o.kravforfallidentifikator ??
      o.kravforfallsIdentifikator ??
      o.kravforfallIdentifikator ??
      o.kravIdentifikator,
  );
  const description = optText(o.kravbeskrivelse ?? o.dekketKrav);
  const claimType = optStr(o.kravtype);
  const claimPeriodValue = optClaimPeriod(o.kravperiode);
  const original = magnitude(ore(j, o.opprinneligBeloep));
  const remaining = magnitude(ore(j, o.gjenstaaendeBeloep));
  const paidOut = paidOutRequired ? ore(j, o.utbetaltBeloep) : optOre(j, o.utbetaltBeloep);
  const c: PaidOutCredit = {
    instalmentId,
    originalAmount: original,
    remainingAmount: remaining,
    paidOutAmount: paidOut === undefined ? original - remaining : magnitude(paidOut),
  };
  if (claimType !== undefined) c.claimType = claimType;
  if (description !== undefined) c.description = description;
  if (claimPeriodValue !== undefined) c.period = claimPeriodValue;
  return c;
}

const creditNow = (j: JsonDocument, o: Record<string, unknown>) => credit(j, o, true);
const credit2022 = (j: JsonDocument, o: Record<string, unknown>) => credit(j, o, false);

function refundedPayment(j: JsonDocument, o: Record<string, unknown>): RefundedPayment {
  const paymentId = str(o.innbetalingsIdentifikator ?? o.innbetalingsidentifikator);
  const paymentType = str(o.innbetalingstype);
  const paymentDate = date(o.innbetalingsdato);
  const paymentAmount = ore(j, o.innbetaltBeloep);
  const paidFrom = optPaymentDetails(o.innbetaltFra);
  const paidOut = optOre(j, o.utbetaltBeloep);
  const p: RefundedPayment = { paymentId, paymentAmount: magnitude(paymentAmount) };
  p.paymentType = paymentType;
  p.paymentDate = paymentDate;
  if (paidOut !== undefined) p.paidOutAmount = magnitude(paidOut);
  if (paidFrom !== undefined) p.paidFrom = paidFrom;
  return p;
}

function payout(j: JsonDocument, o: Record<string, unknown>): Payout {
  const partyId = str(o.partIdentifikator);
  const payoutId = str(o.utbetalingsidentifikator ?? o.utbetalingIdentifikator);
  const payoutDate = date(o.utbetaltdato ?? o.utbetaltDato);
  const amount = ore(j, o.utbetaltBeloep);
  const paidTo = paymentDetails(o.betaltTil);
  const basis = o.grunnlagForUtbetaling;
  let credits: PaidOutCredit[];
  let refundedPayments: RefundedPayment[] = [];
  if (Array.isArray(basis)) credits = list(j, basis, credit2022);
  else {
    const b = obj(basis);
    credits = list(j, b.kreditKrav, creditNow);
    refundedPayments = list(j, b.tilbakebetalingAv, refundedPayment);
  }
  const status = optStr(o.utbetalingstatus);
  const p: Payout = {
    partyId,
    payoutId,
    payoutDate,
    amount: magnitude(amount),
    paidTo,
    credits,
    refundedPayments,
  };
  if (status !== undefined) p.status = status as Payout['status'];
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// Documents (responses.mapper.ts)

function fillParty<T extends { partyId: string }>(items: T[], partyId: string): T[] {
  for (const item of items) if (item.partyId === '') item.partyId = partyId;
  return items;
}

function shielded(v: unknown): boolean {
  return absent(v) ? false : bool(v);
}

/** `aapnekrav` on the fast path. */
export const fastOpenClaims: FastReader<OpenClaims> = (j) => {
  const o = obj(j.value);
  const partyId = str(o.partIdentifikator ?? o.forespurtPart);
  const isShielded = shielded(o.skjermet);
  const claims = list(j, o.aapentKravMedGjenstaaendeBeloep, claim);
  const unplaced = list(j, o.innbetalingMedUplassertBeloep, payment);
  const totalsValue = absent(o.totalOversikt) ? undefined : totals(j, o.totalOversikt);
  const groups = list(j, o.oversiktPerKravgruppe, groupTotals);
  const out: OpenClaims = {
    partyId,
    shielded: isShielded,
    claims: fillParty(claims, partyId),
    unplacedPayments: fillParty(unplaced, partyId),
    groups,
  };
  if (totalsValue !== undefined) out.totals = totalsValue;
  return out;
};

/** `krav` on the fast path. */
export const fastClaims: FastReader<ClaimsInPeriod> = (j) => {
  const o = obj(j.value);
  const partyId = str(o.partIdentifikator ?? o.forespurtPart);
  const periodValue = period(o.periode);
  const isShielded = shielded(o.skjermet);
  const claims = list(j, o.krav, claim);
  return { partyId, shielded: isShielded, period: periodValue, claims: fillParty(claims, partyId) };
};

/** `innbetalinger` on the fast path. */
export const fastPayments: FastReader<PaymentsInPeriod> = (j) => {
  const o = obj(j.value);
  const partyId = str(o.partIdentifikator ?? o.forespurtPart);
  const periodValue = period(o.periode);
  const isShielded = shielded(o.skjermet);
  const payments = list(j, o.innbetaling, payment);
  return { partyId, shielded: isShielded, period: periodValue, payments: fillParty(payments, partyId) };
};

/** `utbetalinger` on the fast path. */
export const fastPayouts: FastReader<PayoutsInPeriod> = (j) => {
  const o = obj(j.value);
  const partyId = str(o.partIdentifikator ?? o.forespurtPart);
  const periodValue = period(o.periode);
  const isShielded = shielded(o.skjermet);
  const payouts = list(j, o.utbetaling, payout);
  return { partyId, shielded: isShielded, period: periodValue, payouts };
};
