import type {
  BankAccount,
  ClaimGroupTotals,
  ClaimPeriod,
  Period,
  PaymentDetails,
  Recipient,
  Totals,
} from '../../domain/common.model.js';
import type { Ore } from '../../domain/money.js';
import { amount, arr, date, isJsonObject, map, obj, opt, req, str } from './wire-reader.js';
import type { Reader } from './wire-reader.js';

/*
 * Readers for the shared value objects (common.wire.ts) and their domain mapping. Optional domain fields are
 * left out rather than set to undefined, so domain objects compare equal whichever API version they came
 * from.
 */

/**
 * |a| as øre, never -0. Placements, payments and payouts are magnitudes: direction comes from the container.
 */
export function magnitude(a: Ore): Ore {
  return a < 0 ? -a : a;
}

const spraakTekst = obj({ tekst: req(str), spraak: req(str) });

/**
 * `MultiSpraakTekst` as one string: the `nb` text, else the first. `spraakTekst` is required in 1.1.1 but is
 * read as possibly empty (servers omit empty lists), giving undefined.
 */
const multiSpraakTekst = map(obj({ spraakTekst: opt(arr(spraakTekst)) }), (r) => {
  const texts = r.spraakTekst;
  if (texts === undefined || texts.length === 0) return undefined;
  for (const t of texts) if (t.spraak === 'nb') return t.tekst;
  return texts[0].tekst;
});

/** A description: a `MultiSpraakTekst` object (Apr 2023 on) or a plain string (before). */
export const text: Reader<string | undefined> = (v, ctx) =>
  typeof v === 'string' ? v : multiSpraakTekst(v, ctx);

const kravperiode = map(
  obj({
    periodeBeskrivelse: req(text),
    aar: opt(str),
    fraDato: opt(date),
    tilDato: opt(date),
    terminTekniskNavn: opt(str),
  }),
  (r): ClaimPeriod => {
    const p: ClaimPeriod = {};
    if (r.periodeBeskrivelse !== undefined) p.description = r.periodeBeskrivelse;
    if (r.aar !== undefined) p.year = r.aar;
    if (r.fraDato !== undefined) p.from = r.fraDato;
    if (r.tilDato !== undefined) p.to = r.tilDato;
    if (r.terminTekniskNavn !== undefined) p.term = r.terminTekniskNavn;
    return p;
  },
);

const kravperiodeIntervall2022 = map(obj({ start: opt(date), slutt: opt(date) }), (r): ClaimPeriod => {
  const p: ClaimPeriod = {};
  if (r.start !== undefined) p.from = r.start;
  if (r.slutt !== undefined) p.to = r.slutt;
  return p;
});

/**
 * `kravperiode` in any of its forms: the `Kravperiode` object (its `periodeBeskrivelse` required), a plain
 * string such as `2022/09` (kept as the description), or the 2022 `{start, slutt}` interval.
 */
export const claimPeriod: Reader<ClaimPeriod> = (v, ctx) => {
  if (typeof v === 'string') return { description: v };
  if (isJsonObject(v) && (v.start !== undefined || v.slutt !== undefined))
    return kravperiodeIntervall2022(v, ctx);
  return kravperiode(v, ctx);
};

/** `periode` as `{fraOgMed, tilOgMed}` or the 2022 `{start, slutt}` (date-times reduced to dates). */
export const period = map(
  obj({ fraOgMed: req(date, 'start'), tilOgMed: opt(date, 'slutt') }),
  (r): Period => {
    const p: Period = { from: r.fraOgMed };
    if (r.tilOgMed !== undefined) p.to = r.tilOgMed;
    return p;
  },
);

/** `Bankkonto`; `{}` gives `{}`. */
export const bankAccount = map(
  obj({
    kontonummer: opt(str),
    iban: opt(str),
    swiftBIC: opt(str),
    kontoeiersNavn: opt(str),
    bankinformasjon: opt(str),
  }),
  (r): BankAccount => {
    const a: BankAccount = {};
    if (r.kontonummer !== undefined) a.accountNumber = r.kontonummer;
    if (r.iban !== undefined) a.iban = r.iban;
    if (r.swiftBIC !== undefined) a.bic = r.swiftBIC;
    if (r.kontoeiersNavn !== undefined) a.ownerName = r.kontoeiersNavn;
    if (r.bankinformasjon !== undefined) a.bankInfo = r.bankinformasjon;
    return a;
  },
);

const adresse = obj({
  adressetekst: opt(arr(str)),
  poststedsnavn: opt(str),
  postnummer: opt(str),
  landkode: opt(str),
});

/** `Mottaker`. `mottakersAdresse` (single `d`) is accepted too, in case the spelling is ever corrected. */
export const recipient = map(
  obj({ mottakersNavn: req(str), mottakersAddresse: req(adresse, 'mottakersAdresse') }),
  (r): Recipient => {
    const address = r.mottakersAddresse;
    const out: Recipient = { name: r.mottakersNavn, addressLines: address?.adressetekst ?? [] };
    if (address?.postnummer !== undefined) out.postalCode = address.postnummer;
    if (address?.poststedsnavn !== undefined) out.postalTown = address.poststedsnavn;
    if (address?.landkode !== undefined) out.countryCode = address.landkode;
    return out;
  },
);

/** `Betalingsinformasjon`; every part optional, `{}` gives `{}`. */
export const paymentDetails = map(
  obj({
    kidnummer: opt(str),
    meldingSendtTilMottaker: opt(str),
    konto: opt(bankAccount),
    valutakode: opt(str),
    sjekkSendtTil: opt(recipient),
    utbetalingskortSendtTil: opt(recipient),
  }),
  (r): PaymentDetails => {
    const d: PaymentDetails = {};
    if (r.kidnummer !== undefined) d.kid = r.kidnummer;
    if (r.meldingSendtTilMottaker !== undefined) d.message = r.meldingSendtTilMottaker;
    if (r.konto !== undefined) d.account = r.konto;
    if (r.valutakode !== undefined) d.currency = r.valutakode;
    if (r.sjekkSendtTil !== undefined) d.chequeSentTo = r.sjekkSendtTil;
    if (r.utbetalingskortSendtTil !== undefined) d.paymentCardSentTo = r.utbetalingskortSendtTil;
    return d;
  },
);

/** `TotalOversikt`, all sums required, signed as sent. */
export const totals = map(
  obj({
    sumStipulerteRenter: req(amount),
    sumForfalteKrav: req(amount),
    sumIkkeForfalteKrav: req(amount),
    sumUplasserteInnbetalinger: req(amount),
    saldo: req(amount),
  }),
  (r): Totals => ({
    estimatedInterest: r.sumStipulerteRenter,
    overdue: r.sumForfalteKrav,
    notYetDue: r.sumIkkeForfalteKrav,
    unplacedPayments: r.sumUplasserteInnbetalinger,
    balance: r.saldo,
  }),
);

/** `OversiktPerKravgruppe`, all fields required, signed as sent. */
export const groupTotals = map(
  obj({
    kravgruppe: req(str),
    sumStipulerteRenter: req(amount),
    sumForfalteKrav: req(amount),
    sumIkkeForfalteKrav: req(amount),
    saldo: req(amount),
  }),
  (r): ClaimGroupTotals => ({
    group: r.kravgruppe,
    estimatedInterest: r.sumStipulerteRenter,
    overdue: r.sumForfalteKrav,
    notYetDue: r.sumIkkeForfalteKrav,
    balance: r.saldo,
  }),
);
