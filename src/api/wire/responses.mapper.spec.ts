import fc from 'fast-check';
import { formatOre } from '../../domain/money.js';
import { MalformedJsonError, PayloadValidationError } from '../../errors/kob.error.js';
import type { ValidationIssue } from '../../errors/kob.error.js';
import { parseLosslessJson } from './lossless-json.js';
import {
  readClaims,
  readOpenClaims,
  readOpenClaimsFromJson,
  readPayments,
  readPayouts,
} from './responses.mapper.js';

// Rejections: every problem is a typed error whose issues name the exact JSON path. Bodies are built as text
// so that amounts stay as written.

const instalment = (over = ''): string =>
  `{"kravforfallsIdentifikator": "f-1", "forfallsdato": "2023-02-21", "opprinneligBeloep": 100.00,
    "gjenstaaendeBeloep": 100.00, "betalingsinformasjon": {}${over}}`;

const claim = (over = '', instalments = instalment()): string =>
  `{"partIdentifikator": "212201782", "kravidentifikator": "k-1", "kravtype": "RESTSKATT",
    "opprinneligBeloep": 100.00, "gjenstaaendeBeloep": 100.00, "kravforfall": [${instalments}]${over}}`;

const openClaims = (claims: string[], over = ''): string =>
  `{"partIdentifikator": "212201782", "skjermet": false, "aapentKravMedGjenstaaendeBeloep": [${claims.join(',')}]${over}}`;

function issuesOf(read: () => unknown): { schema: string; issues: readonly ValidationIssue[] } {
  try {
    read();
  } catch (e) {
    if (e instanceof PayloadValidationError) return { schema: e.schema, issues: e.issues };
    throw e;
  }
  throw new Error('expected a PayloadValidationError');
}

describe('rejecting bad bodies', () => {
  it('accepts the minimal valid body the negative cases start from', () => {
    const open = readOpenClaims(openClaims([claim(), claim()]));
    expect(open.claims).toHaveLength(2);
    expect(open.claims[1].instalments[0].originalAmount).toBe(10000);
  });

  it('names a missing required field', () => {
    const body = openClaims([claim(), claim('', instalment().replace('"opprinneligBeloep": 100.00,', ''))]);
    expect(issuesOf(() => readOpenClaims(body))).toEqual({
      schema: 'AapneKrav',
      issues: [
        {
          path: '$.aapentKravMedGjenstaaendeBeloep[1].kravforfall[0].opprinneligBeloep',
          message: 'is required',
        },
      ],
    });
  });

  it('treats null as absent, so a null required field is missing', () => {
    const body = openClaims([claim().replace('"kravtype": "RESTSKATT"', '"kravtype": null')]);
    expect(issuesOf(() => readOpenClaims(body)).issues).toEqual([
      { path: '$.aapentKravMedGjenstaaendeBeloep[0].kravtype', message: 'is required' },
    ]);
  });

  it('names wrong types without quoting the value', () => {
    const body = openClaims(
      [claim().replace('"kravidentifikator": "k-1"', '"kravidentifikator": 4827896468')],
      '',
    ).replace('"skjermet": false', '"skjermet": "04827896468"');
    const { issues } = issuesOf(() => readOpenClaims(body));
    expect(issues).toEqual([
      { path: '$.skjermet', message: 'expected a boolean, got a string' },
      {
        path: '$.aapentKravMedGjenstaaendeBeloep[0].kravidentifikator',
        message: 'expected a string, got a number',
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('4827896468');
  });

  it('rejects an amount with three decimals', () => {
    const body = openClaims([
      claim('', instalment().replace('"opprinneligBeloep": 100.00', '"opprinneligBeloep": 100.005')),
    ]);
    expect(issuesOf(() => readOpenClaims(body)).issues).toEqual([
      {
        path: '$.aapentKravMedGjenstaaendeBeloep[0].kravforfall[0].opprinneligBeloep',
        message: '"100.005" has more than two decimals',
      },
    ]);
  });

  it('rejects an amount with an exponent', () => {
    const body = openClaims([claim().replace('"gjenstaaendeBeloep": 100.00', '"gjenstaaendeBeloep": 1e2')]);
    expect(issuesOf(() => readOpenClaims(body)).issues).toEqual([
      {
        path: '$.aapentKravMedGjenstaaendeBeloep[0].gjenstaaendeBeloep',
        message: '"1e2" uses an exponent; amounts must be plain decimals',
      },
    ]);
  });

  it('rejects an amount written as a string', () => {
    const body = openClaims([
      claim().replace('"opprinneligBeloep": 100.00', '"opprinneligBeloep": "100.00"'),
    ]);
    expect(issuesOf(() => readOpenClaims(body)).issues).toEqual([
      {
        path: '$.aapentKravMedGjenstaaendeBeloep[0].opprinneligBeloep',
        message: 'expected a number, got a string',
      },
    ]);
  });

  it('rejects an amount beyond the safe range of øre and accepts the largest one', () => {
    const at = (a: string): string => openClaims([claim(`, "stipulerteRenter": ${a}`)]);
    expect(readOpenClaims(at('90071992547409.91')).claims[0].estimatedInterest).toBe(Number.MAX_SAFE_INTEGER);
    expect(readOpenClaims(at('-9999999999999.99')).claims[0].estimatedInterest).toBe(-999999999999999);
    expect(issuesOf(() => readOpenClaims(at('90071992547409.92'))).issues).toEqual([
      {
        path: '$.aapentKravMedGjenstaaendeBeloep[0].stipulerteRenter',
        message: 'is beyond the safe integer range of øre',
      },
    ]);
  });

  it('rejects a date that is not a calendar date', () => {
    const body = openClaims([claim('', instalment().replace('"2023-02-21"', '"2023-02-30"'))]);
    const { issues } = issuesOf(() => readOpenClaims(body));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('$.aapentKravMedGjenstaaendeBeloep[0].kravforfall[0].forfallsdato');
    expect(issues[0].message).toMatch(/"2023-02-30" is neither a date/);
  });

  it('rejects malformed JSON with a MalformedJsonError naming the position', () => {
    expect(() => readOpenClaims('{"partIdentifikator": "212201782",')).toThrow(MalformedJsonError);
    expect(() => readPayouts('{"partIdentifikator": 1.0.0}')).toThrow(
      'Malformed JSON: invalid number at position 25',
    );
  });

  it('collects every issue in one error, in document order', () => {
    const body = openClaims([
      claim('', instalment().replace('"forfallsdato": "2023-02-21"', '"forfallsdato": 20230221')),
      claim()
        .replace('"kravidentifikator": "k-1",', '')
        .replace(/"kravforfall": \[.*\]/s, '"kravforfall": {}'),
    ]);
    expect(issuesOf(() => readOpenClaims(body)).issues.map((i) => i.path)).toEqual([
      '$.aapentKravMedGjenstaaendeBeloep[0].kravforfall[0].forfallsdato',
      '$.aapentKravMedGjenstaaendeBeloep[1].kravidentifikator',
      '$.aapentKravMedGjenstaaendeBeloep[1].kravforfall',
    ]);
    expect(issuesOf(() => readOpenClaims(body)).issues[2].message).toBe('expected an array, got an object');
  });

  it('rejects a top level that is not an object, and each endpoint names its schema', () => {
    expect(issuesOf(() => readOpenClaims('[]'))).toEqual({
      schema: 'AapneKrav',
      issues: [{ path: '$', message: 'expected an object, got an array' }],
    });
    expect(issuesOf(() => readClaims('null')).schema).toBe('AlleKrav');
    expect(issuesOf(() => readPayments('{}'))).toEqual({
      schema: 'Innbetalinger',
      issues: [
        { path: '$.partIdentifikator', message: 'is required' },
        { path: '$.periode', message: 'is required' },
      ],
    });
    expect(issuesOf(() => readPayouts('{"partIdentifikator": "1", "periode": {}}'))).toEqual({
      schema: 'Utbetalinger',
      issues: [{ path: '$.periode.fraOgMed', message: 'is required' }],
    });
  });

  it('names null items of a list', () => {
    expect(issuesOf(() => readOpenClaims(openClaims(['null']))).issues).toEqual([
      { path: '$.aapentKravMedGjenstaaendeBeloep[0]', message: 'expected an item, got null' },
    ]);
  });

  it('ignores unknown fields, whatever they hold', () => {
    const body = openClaims(
      [claim(', "nyttFelt": {"tall": 1e400, "liste": [1.23456]}', instalment(', "ukjent": "x"'))],
      ', "framtidig": true',
    );
    const [read] = readOpenClaims(body).claims;
    expect(read.claimId).toBe('k-1');
    expect(read.originalAmount).toBe(10000); // exact path: the odd numbers force the lossless rewrite
  });
});

describe('payments and payouts in detail', () => {
  it('reads the 1.1.1 payment with placements, payouts and a set-off', () => {
    const body = `{"partIdentifikator": "871978433", "periode": {"fraOgMed": "2023-01-01", "tilOgMed": "2023-09-01"},
      "skjermet": true, "innbetaling": [{
        "partIdentifikator": "13114614453", "innbetalingsidentifikator": "p-1", "innbetalingsdato": "2023-03-01",
        "innbetaltBeloep": -35000.0, "uplassertBeloep": -100.5,
        "plassertKrav": [{"kravforfallIdentifikator": "FORF-1", "plassertBeloep": 34899.5, "plassertDato": "2023-03-02",
          "kravbeskrivelse": {"spraakTekst": [{"tekst": "VAT", "spraak": "en"}, {"tekst": "Mva", "spraak": "nb"}]},
          "kravforfallsdato": "2023-02-10", "opprinneligKravforfallsbeloep": 34899.5, "gjenstaaendeKravforfallsbeloep": 0.0}],
        "plassertUtbetaling": [{"utbetalingsidentifikator": "u-1", "utbetaltdato": "2023-04-01", "utbetaltBeloep": 100.5,
          "betaltTil": {"sjekkSendtTil": {"mottakersNavn": "Kari", "mottakersAddresse": {"adressetekst": ["Gate 1"], "postnummer": "0150", "poststedsnavn": "OSLO"}}}}],
        "motregningAvInnbetaling": {"motregningsidentifikator": "m-1", "motregnetdato": "2023-05-01",
          "innkrevingsmyndighet": {"spraakTekst": [{"tekst": "NAV", "spraak": "nb"}]},
          "hovedkrav": {"innbetalingBruktImotregning": [{"innbetalingsidentifikator": "p-1", "uplassertBeloep": -100.5}]},
          "dekketKrav": [{"motregnetBeloep": 100.5, "dekketKravBeskrivelse": {"spraakTekst": [{"tekst": "Bidrag", "spraak": "nb"}]},
            "innkrevingsmyndighet": {"spraakTekst": [{"tekst": "NAV", "spraak": "nb"}]},
            "kreditorsnavn": {"spraakTekst": [{"tekst": "Ola", "spraak": "nb"}]}, "forfallsdato": "2023-01-01", "forsinkelsesrenter": 1.25}]}
      }]}`;
    const { payments, shielded } = readPayments(body);
    expect(shielded).toBe(true);
    expect(payments).toStrictEqual([
      {
        partyId: '13114614453',
        paymentId: 'p-1',
        paymentDate: '2023-03-01',
        amount: 3500000,
        unplacedAmount: 10050,
        placements: [
          {
            paymentId: 'p-1',
            instalmentId: 'FORF-1',
            amount: 3489950,
            placedDate: '2023-03-02',
            description: 'Mva',
            dueDate: '2023-02-10',
            instalmentOriginalAmount: 3489950,
            instalmentRemainingAmount: 0,
          },
        ],
        payouts: [
          {
            payoutId: 'u-1',
            payoutDate: '2023-04-01',
            amount: 10050,
            paidTo: {
              chequeSentTo: {
                name: 'Kari',
                addressLines: ['Gate 1'],
                postalCode: '0150',
                postalTown: 'OSLO',
              },
            },
          },
        ],
        setOff: {
          setOffId: 'm-1',
          collectingAuthority: 'NAV',
          date: '2023-05-01',
          coveredClaims: [
            {
              amount: 10050,
              description: 'Bidrag',
              collectingAuthority: 'NAV',
              creditorName: 'Ola',
              dueDate: '2023-01-01',
              lateInterest: 125,
            },
          ],
          paymentsUsed: [{ paymentId: 'p-1', unplacedAmount: 10050 }],
          creditsUsed: [],
        },
      },
    ]);
  });

  it('reads payouts placed on a credit instalment and the credit set-off of a claim', () => {
    const credit = `{"partIdentifikator": "871978433", "kravidentifikator": "KRAV-1", "kravtype": "KRAV_UTBET_KRED",
      "opprinneligBeloep": -18335.0, "gjenstaaendeBeloep": 0.0, "hovedstolKravidentifikator": "KRAV-0",
      "kravperiode": {"periodeBeskrivelse": {"spraakTekst": [{"tekst": "Termin", "spraak": "nb"}]}, "aar": "2022",
        "fraDato": "2022-01-01", "tilDato": "2022-02-28", "terminTekniskNavn": "01"},
      "kravforfall": [{"kravforfallsIdentifikator": "FORF-9", "forfallsdato": "2022-04-10", "opprinneligBeloep": -18335.0,
        "gjenstaaendeBeloep": 0.0, "betalingsinformasjon": {},
        "plassertUtbetaling": [{"utbetalingsidentifikator": "u-9", "utbetaltBeloep": 18335.0, "utbetaltDato": "2022-04-20",
          "betaltTil": {"meldingSendtTilMottaker": "For mye betalt 17.01.22"}, "plassertBeloep": 18335.0, "plassertDato": "2022-04-19"}]}],
      "motregningAvKreditkrav": {"motregningsidentifikator": "m-2", "motregnetdato": "2022-04-18",
        "innkrevingsmyndighet": {"spraakTekst": [{"tekst": "Statens innkrevingssentral", "spraak": "nb"}]},
        "hovedkrav": {"kreditkravBruktIMotregning": [{"kravforfallsIdentifikator": "FORF-9", "gjenstaaendeBeloep": -10.0,
          "kravbeskrivelse": {"spraakTekst": [{"tekst": "Kreditt", "spraak": "nb"}]}}]},
        "dekketkrav": []}}`;
    const [claim] = readOpenClaims(openClaims([credit])).claims;
    expect(claim.principalClaimId).toBe('KRAV-0');
    expect(claim.period).toEqual({
      description: 'Termin',
      year: '2022',
      from: '2022-01-01',
      to: '2022-02-28',
      term: '01',
    });
    expect(claim.instalments[0].payouts).toEqual([
      {
        payoutId: 'u-9',
        instalmentId: 'FORF-9',
        payoutAmount: 1833500,
        payoutDate: '2022-04-20',
        paidTo: { message: 'For mye betalt 17.01.22' },
        amount: 1833500,
        placedDate: '2022-04-19',
      },
    ]);
    expect(claim.setOff).toEqual({
      setOffId: 'm-2',
      collectingAuthority: 'Statens innkrevingssentral',
      date: '2022-04-18',
      coveredClaims: [],
      paymentsUsed: [],
      creditsUsed: [{ instalmentId: 'FORF-9', remainingAmount: -1000, description: 'Kreditt' }],
    });
  });

  it('reads the 2022 array form of grunnlagForUtbetaling and refunded payments of 1.1.1', () => {
    const payout = (basis: string): string =>
      `{"partIdentifikator": "1", "periode": {"start": "2022-01-01T00:00:00.000+01:00"}, "utbetaling": [{
        "partIdentifikator": "1", "utbetalingIdentifikator": "u-1", "utbetaltDato": "2022-11-02T09:44:14.307Z",
        "utbetaltBeloep": 50.0, "betaltTil": {}, "utbetalingsbeskrivelse": "Tilbakebetaling", "grunnlagForUtbetaling": ${basis}}]}`;
    const old = readPayouts(
      payout(`[{"dekketKrav": "Restskatt", "kravIdentifikator": "k-1", "kravtype": "RESTSKATT", "kravperiode": "2021",
        "opprinneligBeloep": -80.0, "gjenstaaendeBeloep": -30.0}]`),
    );
    expect(old.period).toEqual({ from: '2022-01-01' });
    expect(old.payouts[0]).toMatchObject({ payoutId: 'u-1', payoutDate: '2022-11-02', amount: 5000 });
    expect(old.payouts[0].credits).toEqual([
      {
        instalmentId: 'k-1',
        claimType: 'RESTSKATT',
        description: 'Restskatt',
        period: { description: '2021' },
        originalAmount: 8000,
        remainingAmount: 3000,
        paidOutAmount: 5000,
      },
    ]);
    const refund = readPayouts(
      payout(`{"tilbakebetalingAv": [{"innbetalingsIdentifikator": "p-1", "innbetalingstype": "Innbetalt OCR",
        "innbetalingsdato": "2022-10-01", "innbetaltBeloep": -50.0, "utbetaltBeloep": 50.0}]}`),
    );
    expect(refund.payouts[0].credits).toEqual([]);
    expect(refund.payouts[0].refundedPayments).toEqual([
      {
        paymentId: 'p-1',
        paymentType: 'Innbetalt OCR',
        paymentDate: '2022-10-01',
        paymentAmount: 5000,
        paidOutAmount: 5000,
      },
    ]);
    expect(issuesOf(() => readPayouts(payout('"x"'))).issues).toEqual([
      { path: '$.utbetaling[0].grunnlagForUtbetaling', message: 'expected an object, got a string' },
    ]);
  });
});

describe('round trip of generated amounts', () => {
  // Amounts as an API version might write them: integer kroner, one or two decimals, trailing zeros, any
  // sign.
  const written = fc
    .tuple(
      fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([kroner, cents, style]) => {
      const ore = kroner * 100 + (kroner < 0 ? -cents : cents);
      const plain = formatOre(ore, 'plain'); // always two decimals
      const text =
        style === 0 && cents === 0
          ? plain.slice(0, -3)
          : style === 1 && cents % 10 === 0
            ? plain.slice(0, -1)
            : style === 2 && cents === 0
              ? `${plain.slice(0, -3)}.0`
              : plain;
      return { ore, text };
    });

  it('reads every amount written with 0 to 2 decimals exactly, on both parse paths', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(written, written, written), { minLength: 1, maxLength: 5 }), (claims) => {
        const body = openClaims(
          claims.map(([original, remaining, interest]) =>
            claim(
              `, "stipulerteRenter": ${interest.text}`,
              instalment().replace('100.00', original.text).replace('100.00', remaining.text),
            )
              .replace('100.00', original.text)
              .replace('100.00', remaining.text),
          ),
        );
        for (const open of [readOpenClaims(body), readOpenClaimsFromJson(parseLosslessJson(body))]) {
          expect(
            open.claims.map((c) => [
              c.originalAmount,
              c.remainingAmount,
              c.estimatedInterest,
              c.instalments[0].originalAmount,
            ]),
          ).toEqual(claims.map(([o, r, i]) => [o.ore, r.ore, i.ore, o.ore]));
          for (const c of open.claims) expect(Number.isSafeInteger(c.originalAmount)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
