import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { Totals } from '../../domain/common.model.js';
import type { Ore } from '../../domain/money.js';
import { instalmentArithmetic } from './instalment-arithmetic.js';
import { parseLosslessJson } from './lossless-json.js';
import {
  readClaims,
  readOpenClaims,
  readOpenClaimsFromJson,
  readPayments,
  readPayouts,
} from './responses.mapper.js';

// Every response body Skatteetaten published (test/fixtures/examples, a verbatim copy of the shared
// examples), read through the matching reader and checked against the payload's own arithmetic.

const EXAMPLES = fileURLToPath(new URL('../../../test/fixtures/examples/', import.meta.url));
const SETS = ['2022-12', '2023-01', '2023-03', '2024-04'];
const READERS: Record<string, (body: string) => unknown> = {
  aapnekrav: readOpenClaims,
  krav: readClaims,
  innbetalinger: readPayments,
  utbetalinger: readPayouts,
};

function body(set: string, endpoint: string): string {
  return readFileSync(join(EXAMPLES, set, `${endpoint}.json`), 'utf8');
}

const responseFiles = SETS.flatMap((set) =>
  readdirSync(join(EXAMPLES, set))
    .filter((f) => f.endsWith('.json') && !f.endsWith('-request.json'))
    .map((f) => [set, f.replace(/\.json$/, '')] as const),
);

const sum = (xs: Ore[]): Ore => xs.reduce((a, b) => a + b, 0);
const allInstalments = (claims: Claim[]): Instalment[] => claims.flatMap((c) => c.instalments);

describe('published examples', () => {
  it('finds all 13 response files of the four documentation sets', () => {
    expect(responseFiles).toHaveLength(13);
    expect(new Set(responseFiles.map(([, e]) => e))).toEqual(new Set(Object.keys(READERS)));
  });

  it.each(responseFiles)('%s/%s.json is read without issues', (set, endpoint) => {
    expect(() => READERS[endpoint](body(set, endpoint))).not.toThrow();
  });

  describe('totals arithmetic (saldo = interest + overdue + not yet due + unplaced)', () => {
    const parts = (t: Totals): Ore =>
      t.estimatedInterest + t.overdue + t.notYetDue + (t.unplacedPayments ?? 0);

    it.each(['2023-01', '2023-03', '2024-04'])('%s totalOversikt adds up to the øre', (set) => {
      const { totals } = readOpenClaims(body(set, 'aapnekrav'));
      expect(totals).toBeDefined();
      expect(totals!.balance).toBe(parts(totals!));
    });

    it('2022-12 totalOversikt adds up to the krone: its saldo is rounded, the unplaced sum has øre', () => {
      const { totals } = readOpenClaims(body('2022-12', 'aapnekrav'));
      expect(totals).toEqual({
        estimatedInterest: 1856770000,
        overdue: -3146134800,
        notYetDue: 0,
        unplacedPayments: -3907666549,
        balance: -5197031300,
      });
      expect(parts(totals!)).toBe(-5197031349);
      expect(totals!.balance).toBe(Math.round(parts(totals!) / 100) * 100);
    });

    it.each(SETS)('%s: every oversiktPerKravgruppe adds up without unplaced payments', (set) => {
      const { groups } = readOpenClaims(body(set, 'aapnekrav'));
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups) {
        expect(g.unplacedPayments).toBeUndefined();
        expect(g.balance).toBe(parts(g));
      }
    });

    it.each(['2023-01', '2023-03', '2024-04'])('%s totals match the items they summarise', (set) => {
      const open = readOpenClaims(body(set, 'aapnekrav'));
      expect(sum(open.claims.map((c) => c.estimatedInterest ?? 0))).toBe(open.totals!.estimatedInterest);
      expect(sum(open.claims.map((c) => c.remainingAmount))).toBe(
        open.totals!.overdue + open.totals!.notYetDue,
      );
      expect(sum(open.unplacedPayments.map((p) => p.unplacedAmount ?? 0))).toBe(
        open.totals!.unplacedPayments,
      );
    });

    it('2022-12 unplaced payments sum exactly to sumUplasserteInnbetalinger (signs aside)', () => {
      const open = readOpenClaims(body('2022-12', 'aapnekrav'));
      expect(open.unplacedPayments).toHaveLength(19);
      expect(sum(open.unplacedPayments.map((p) => p.unplacedAmount ?? 0))).toBe(
        -open.totals!.unplacedPayments!,
      );
    });
  });

  describe('instalment arithmetic (remaining = original - placements, toward 0)', () => {
    // The same claim `krav-1234` appears in every set with a -1000 placement that leaves 1000 remaining.
    const ARTEFACT_IDS = new Set([
      '7d82a522-dd9c-423a-bf14-913fe4511248',
      '6bf527ce-432d-48fe-aba1-cfc2c2d266e5',
      '93d29b06-6cbd-4999-bd23-b0a13c47da51',
    ]);

    it('2022-12 data satisfies it on every instalment except the krav-1234 artefact', () => {
      const open = readOpenClaims(body('2022-12', 'aapnekrav'));
      const instalments = allInstalments(open.claims);
      expect(instalments).toHaveLength(27); // 19 claims, some listed under two claim groups
      const off = instalments.filter((i) => instalmentArithmetic(i).discrepancy !== 0);
      expect(off.map((i) => i.instalmentId)).toEqual(['7d82a522-dd9c-423a-bf14-913fe4511248']);
      // Credits count upward: -8432146.47 + 2899.2915k + 4835.6797k + 4509.4109k (set-offs) = -7207708.26.
      const credit = instalments.find((i) => i.instalmentId === 'f72433a7-455b-49d1-ac9f-847370a245de')!;
      expect(instalmentArithmetic(credit)).toEqual({ expectedRemaining: -720770826, discrepancy: 0 });
    });

    it('2022-12 claim amounts are the sums of their instalments', () => {
      for (const c of readOpenClaims(body('2022-12', 'aapnekrav')).claims) {
        expect(sum(c.instalments.map((i) => i.originalAmount))).toBe(c.originalAmount);
        expect(sum(c.instalments.map((i) => i.remainingAmount))).toBe(c.remainingAmount);
      }
    });

    it.each([
      ['2022-12', 'krav', 100000],
      ['2023-01', 'aapnekrav', 100000],
      ['2023-03', 'krav', 100000],
      ['2024-04', 'aapnekrav', 200000],
      ['2024-04', 'krav', 200000],
    ])(
      '%s/%s: placements that do not reduce the remaining amount are a discrepancy',
      (set, endpoint, gap) => {
        const claims =
          endpoint === 'krav'
            ? readClaims(body(set, endpoint)).claims
            : readOpenClaims(body(set, endpoint)).claims;
        const artefacts = allInstalments(claims).filter((i) => ARTEFACT_IDS.has(i.instalmentId));
        expect(artefacts.length).toBeGreaterThan(0);
        for (const i of artefacts) {
          expect(i.remainingAmount).toBe(i.originalAmount);
          expect(instalmentArithmetic(i)).toEqual({
            expectedRemaining: i.originalAmount - gap,
            discrepancy: gap,
          });
        }
      },
    );
  });

  describe('exact amounts', () => {
    it('reads 2022-12 amounts to the øre, credit signs kept on claims', () => {
      const open = readOpenClaims(body('2022-12', 'aapnekrav'));
      const credit = open.claims.find((c) => c.claimId === '2fe27d1b-f297-438b-af89-96d017924c0d')!;
      expect(credit.originalAmount).toBe(-459571175);
      expect(credit.remainingAmount).toBe(-459571175);
      expect(credit.estimatedInterest).toBe(-375351747);
      expect(credit.instalments[0].originalAmount).toBe(-459571175);
      const twoDecimals = open.claims.find((c) => c.claimId === '758d529a-25ac-4048-bfbc-79608c88d06a')!;
      expect(twoDecimals.remainingAmount).toBe(18491450); // 184914.50
    });

    it('makes payments and placements positive whatever sign the version used', () => {
      const open = readOpenClaims(body('2022-12', 'aapnekrav'));
      const payment = open.unplacedPayments.find(
        (p) => p.paymentId === 'aef92902-9851-4533-8800-1d06649945e4',
      )!;
      expect(payment.amount).toBe(671610825); // -6716108.25
      expect(payment.unplacedAmount).toBe(510455824); // -5104558.24
      expect(payment.placements).toEqual([
        {
          paymentId: 'aef92902-9851-4533-8800-1d06649945e4',
          instalmentId: '44c2da6e-e0dd-4a2a-95e2-6da504a220fd',
          amount: 161155001,
          placedDate: '2004-12-30',
          description: 'Sjokoladeavgift',
          dueDate: '2004-12-28',
          instalmentOriginalAmount: 161155001,
          instalmentRemainingAmount: 0,
        },
      ]);
      const placed = allInstalments(open.claims).find(
        (i) => i.instalmentId === 'c458e595-a4c9-4393-9771-91c7769e36bc',
      )!;
      expect(placed.placements[0]).toMatchObject({ kind: 'payment', amount: 250046784 }); // -2500467.84
    });

    it('reads 10000.0, 1000.00, 1000 and 0.0 alike', () => {
      const open = readOpenClaims(body('2024-04', 'aapnekrav'));
      expect(open.claims[0].originalAmount).toBe(1000000); // 10000.0
      expect(open.totals!.notYetDue).toBe(0); // 0.0
      const old = readClaims(body('2022-12', 'krav'));
      expect(old.claims[0].originalAmount).toBe(100000); // 1000
      expect(old.claims[0].instalments[0].originalAmount).toBe(100000); // 1000.00
      expect(old.claims[0].estimatedInterest).toBe(2000); // 20.00
    });

    it('reads payouts with the credit as positive magnitudes', () => {
      const { payouts, partyId, period } = readPayouts(body('2024-04', 'utbetalinger'));
      expect(partyId).toBe('312438623');
      expect(period).toEqual({ from: '2023-01-01', to: '2023-09-01' });
      expect(payouts).toHaveLength(3);
      expect(payouts[0]).toEqual({
        partyId: '312438623',
        payoutId: '147654',
        payoutDate: '2023-08-21',
        amount: 6237400,
        paidTo: {
          message: 'Tilgode skatt 2023',
          account: { ownerName: 'OVERFØLSOM GLAD TIGER AS', accountNumber: '627xxxxxx' },
          currency: 'NOK',
        },
        status: 'bekreftet',
        credits: [
          {
            instalmentId: '6412123',
            claimType: 'RESTERENDE_SKT_TILB',
            description: 'Tibakebetaling restskatt - 2023',
            period: { description: 'Inntektstår', year: '2023' },
            originalAmount: 6237400,
            remainingAmount: 0,
            paidOutAmount: 6237400,
          },
        ],
        refundedPayments: [],
      });
    });
  });

  describe('versions', () => {
    it('reads 2022 date-times as the calendar date written', () => {
      const claims = readClaims(body('2022-12', 'krav'));
      expect(claims.period).toEqual({ from: '2022-01-01', to: '2023-01-01' });
      expect(claims.claims[0].createdDate).toBe('2022-08-28');
      expect(claims.claims[0].instalments[0].dueDate).toBe('2022-09-28');
    });

    it('gives the same domain values for the Dec 2022 and Mar 2023 forms of the same bodies', () => {
      expect(readClaims(body('2022-12', 'krav'))).toStrictEqual(readClaims(body('2023-03', 'krav')));
      expect(readPayments(body('2022-12', 'innbetalinger'))).toStrictEqual(
        readPayments(body('2023-03', 'innbetalinger')),
      );
    });

    it('gives the same domain values for old and new field names', () => {
      const renamed = parseLosslessJson(body('2024-04', 'aapnekrav'));
      const doc = renamed.value as Record<string, unknown>;
      const rename = (o: Record<string, unknown>, from: string, to: string): void => {
        o[to] = o[from];
        delete o[from];
      };
      const oneLanguage = (o: Record<string, unknown>, key: string): void => {
        const t = o[key] as { spraakTekst: { tekst: string }[] };
        o[key] = t.spraakTekst[0].tekst;
      };
      rename(doc, 'partIdentifikator', 'forespurtPart');
      for (const k of doc.aapentKravMedGjenstaaendeBeloep as Record<string, unknown>[]) {
        rename(k, 'partIdentifikator', 'part');
        oneLanguage(k, 'kravbeskrivelse');
        oneLanguage(k.kravperiode as Record<string, unknown>, 'periodeBeskrivelse');
        for (const f of k.kravforfall as Record<string, unknown>[]) {
          for (const p of f.plassertInnbetaling as Record<string, unknown>[]) {
            rename(p, 'plassertDato', 'plasseringsdato');
            rename(p, 'innbetaltFra', 'betaltFra');
          }
          for (const m of f.plassertMotkrav as Record<string, unknown>[]) {
            rename(m, 'kravforfallsIdentifikator', 'motkravForfallsIdentifikator');
            rename(m, 'forfallsdato', 'motkravForfallsdato');
            rename(m, 'plassertDato', 'plasseringsdato');
            oneLanguage(m, 'kravbeskrivelse');
            rename(m, 'kravbeskrivelse', 'motkravBeskrivelse');
          }
        }
      }
      for (const p of doc.innbetalingMedUplassertBeloep as Record<string, unknown>[]) {
        rename(p, 'mottakersKontonummer', 'betaltTilKonto');
        rename(p, 'innbetaltFra', 'betaltFra');
      }
      expect(readOpenClaimsFromJson(renamed)).toStrictEqual(readOpenClaims(body('2024-04', 'aapnekrav')));
    });

    it('reads plain-string descriptions and periods of the older model', () => {
      const claim = readOpenClaims(body('2023-03', 'aapnekrav')).claims[0];
      expect(claim.description).toBe('Restskatt');
      expect(claim.period).toEqual({ description: '2022/09' });
      expect(claim.instalments[0].postponed).toBe(false);
    });

    it('reads the newer MultiSpraakTekst descriptions and Kravperiode objects', () => {
      const claim = readOpenClaims(body('2024-04', 'aapnekrav')).claims[0];
      expect(claim.description).toBe('Restskatt');
      expect(claim.period).toEqual({ description: '2023/02' });
      expect(claim.assessment).toBe('blank');
      expect(claim.instalments[0].postponed).toBeUndefined();
    });

    it('treats a missing skjermet (before Aug 2023) as not shielded', () => {
      expect(readOpenClaims(body('2023-03', 'aapnekrav')).shielded).toBe(false);
      expect(readOpenClaims(body('2024-04', 'aapnekrav')).shielded).toBe(false);
    });

    it('fills in the response party for claims that carried none (before Aug 2023)', () => {
      const open = readOpenClaims(body('2022-12', 'aapnekrav'));
      expect(new Set(open.claims.map((c) => c.partyId))).toEqual(new Set(['310478717']));
    });

    it('leaves out the due date where the Dec 2022 example has none', () => {
      const instalments = allInstalments(readOpenClaims(body('2022-12', 'aapnekrav')).claims);
      const undated = instalments.filter((i) => i.dueDate === undefined).map((i) => i.instalmentId);
      // Two instalments, each listed twice (their claims appear under two claim groups).
      expect(new Set(undated)).toEqual(
        new Set(['52b2bebf-a607-4eb9-a37b-a339f410a4c3', 'c3eb26c7-5543-4e1c-9bd0-bbbf18bcd89a']),
      );
      expect(undated).toHaveLength(4);
    });
  });

  describe('sole traders (ENK)', () => {
    const ORG = '212201782';
    const OWNER = '04827896468';

    it('keeps the organisation number and the owner person number apart on claims and payments', () => {
      const open = readOpenClaims(body('2024-04', 'aapnekrav'));
      expect(open.partyId).toBe(ORG);
      expect(open.claims.map((c) => c.partyId)).toEqual([ORG, OWNER]);
      expect(open.unplacedPayments.map((p) => p.partyId)).toEqual([ORG, OWNER]);
      expect(readClaims(body('2024-04', 'krav')).claims.map((c) => c.partyId)).toEqual([ORG, OWNER]);
      expect(readPayments(body('2024-04', 'innbetalinger')).payments.map((p) => p.partyId)).toEqual([
        ORG,
        OWNER,
      ]);
    });
  });

  describe('empty objects and empty or omitted lists', () => {
    it('maps {} accounts and payment details to empty objects', () => {
      const open = readOpenClaims(body('2024-04', 'aapnekrav'));
      const placement = open.claims[0].instalments[0].placements[0];
      expect(placement).toMatchObject({ kind: 'payment', paidFrom: { account: {} } });
      // innbetaltBeloep 0.0 on a placed payment means "not given"
      expect(placement).not.toHaveProperty('paymentAmount');
      const old = readClaims(body('2023-03', 'krav')).claims[0].instalments[0];
      expect(old.placements).toEqual([
        {
          kind: 'payment',
          paymentId: 'inn-123456',
          instalmentId: '7d82a522-dd9c-423a-bf14-913fe4511248',
          amount: 100000,
          placedDate: '2022-09-28',
          paidFrom: { account: {} },
        },
      ]);
    });

    it('reads [] and omitted lists as empty', () => {
      const omitted = readPayments(body('2024-04', 'innbetalinger')).payments[0];
      expect(omitted.placements).toEqual([]);
      expect(omitted.payouts).toEqual([]);
      const empty = readPayments(body('2023-03', 'innbetalinger')).payments[0];
      expect(empty.placements).toEqual([]);
      expect(empty).not.toHaveProperty('unplacedAmount');
      const bare = readOpenClaims('{"partIdentifikator": "212201782", "skjermet": false}');
      expect(bare).toStrictEqual({
        partyId: '212201782',
        shielded: false,
        claims: [],
        unplacedPayments: [],
        groups: [],
      });
    });

    it('reads the 2024-04 set-off placement with the counter-instalment and its type', () => {
      const setOff = readOpenClaims(body('2024-04', 'aapnekrav')).claims[0].instalments[0].placements[1];
      expect(setOff).toEqual({
        kind: 'set-off',
        instalmentId: '93d29b06-6cbd-4999-bd23-b0a13c47da51',
        counterInstalmentId: '93d29b06-6cbd-4999-bd23-b0a13c47da51',
        counterClaimType: 'RESTSKATT',
        amount: 100000,
        placedDate: '2023-02-05',
        counterDescription: 'Restskatt',
        counterDueDate: '2023-01-30',
        counterPeriod: { description: '2023/02' },
      });
    });
  });
});
