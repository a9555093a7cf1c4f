import fc from 'fast-check';
import { readClaims, readOpenClaims, readPayments, readPayouts } from '../../../api/wire/index.js';
import type { Claim } from '../../../domain/claim.model.js';
import { parseOre } from '../../../domain/money.js';
import { writeJson } from '../http/json-writer.js';
import type { ClosedPeriod } from '../ledger/ledger-queries.js';
import { SandboxLedger } from '../ledger/sandbox-ledger.js';
import { claimsBody, openClaimsBody, paymentsBody, payoutsBody } from './wire-serialiser.js';
import type { WireOptions } from './wire-serialiser.js';
import { claimsBody2023, openClaimsBody2023, paymentsBody2023 } from './wire-serialiser-2023.js';

const NEW: WireOptions = { format: '1.1.1', paymentSign: 'positive' };
const NEGATIVE: WireOptions = { format: '1.1.1', paymentSign: 'negative' };

/** The reader lists payment placements before set-offs; the ledger keeps them in date order. */
function normalised(claims: readonly Claim[]): Claim[] {
  return claims.map((c) => ({
    ...c,
    instalments: c.instalments.map((i) => ({
      ...i,
      placements: [
        ...i.placements.filter((p) => p.kind === 'payment'),
        ...i.placements.filter((p) => p.kind === 'set-off'),
      ],
    })),
  }));
}

function lastYear(ledger: SandboxLedger): ClosedPeriod {
  const to = ledger.today;
  return { from: `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`, to };
}

describe('wire serialiser (spec 1.1.1)', () => {
  it('writes bodies the foundation readers read back into the same domain objects, for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), fc.boolean(), (seed, negative) => {
        const o = negative ? NEGATIVE : NEW;
        const ledger = SandboxLedger.documented({ seed });
        const window = lastYear(ledger);
        for (const { partyId } of ledger.profiles()) {
          const open = ledger.openClaims(partyId)!;
          const readOpen = readOpenClaims(writeJson(openClaimsBody(open, o)));
          expect(readOpen).toEqual({ ...open, claims: normalised(open.claims) });

          const claims = ledger.claims(partyId, window)!;
          expect(readClaims(writeJson(claimsBody(claims, o)))).toEqual({
            ...claims,
            claims: normalised(claims.claims),
          });
          const payments = ledger.payments(partyId, window)!;
          expect(readPayments(writeJson(paymentsBody(payments, o)))).toEqual(payments);
          const payouts = ledger.payouts(partyId, window)!;
          expect(readPayouts(writeJson(payoutsBody(payouts, o)))).toEqual(payouts);
        }
      }),
      { numRuns: 5 },
    );
  });

  it('writes amounts as exact two-decimal text, omits absent fields and keeps partIdentifikator and skjermet', () => {
    const ledger = SandboxLedger.documented();
    const text = writeJson(claimsBody(ledger.claims('311851381', lastYear(ledger))!, NEW));
    expect(text).not.toContain('null');
    expect(text.startsWith('{"partIdentifikator":"311851381","periode":')).toBe(true);
    expect(text).toContain('"skjermet":false');
    const amounts = [
      ...text.matchAll(
        /"(?:opprinneligBeloep|gjenstaaendeBeloep|plassertBeloep|innbetaltBeloep)":([^,}\]]+)/g,
      ),
    ];
    expect(amounts.length).toBeGreaterThan(50);
    for (const [, token] of amounts) expect(token).toMatch(/^-?\d+\.\d{2}$/);
  });

  it('signs debts positive, credits negative, payments positive (or negative on request), unplaced total negative', () => {
    const ledger = SandboxLedger.documented();
    const window = lastYear(ledger);
    const krav = JSON.parse(writeJson(claimsBody(ledger.claims('311851381', window)!, NEW))) as {
      krav: { opprinneligBeloep: number; kravtype: string }[];
    };
    expect(krav.krav.some((k) => k.opprinneligBeloep < 0)).toBe(true);
    expect(krav.krav.filter((k) => k.kravtype === 'ARBGAVG').every((k) => k.opprinneligBeloep > 0)).toBe(
      true,
    );

    const payments = ledger.payments('313367002', window)!;
    const positive = JSON.parse(writeJson(paymentsBody(payments, NEW))) as {
      innbetaling: { innbetaltBeloep: number }[];
    };
    const negative = JSON.parse(writeJson(paymentsBody(payments, NEGATIVE))) as {
      innbetaling: { innbetaltBeloep: number }[];
    };
    expect(positive.innbetaling.every((p) => p.innbetaltBeloep > 0)).toBe(true);
    expect(negative.innbetaling.every((p) => p.innbetaltBeloep < 0)).toBe(true);

    const open = writeJson(openClaimsBody(ledger.openClaims('313367002')!, NEW));
    const sums = Object.fromEntries(
      [...open.matchAll(/"(sum\w+|saldo)":(-?[\d.]+)/g)].slice(0, 5).map(([, k, v]) => [k, parseOre(v)]),
    );
    expect(sums.sumUplasserteInnbetalinger).toBeLessThan(0);
    expect(sums.saldo).toBe(
      sums.sumStipulerteRenter +
        sums.sumForfalteKrav +
        sums.sumIkkeForfalteKrav +
        sums.sumUplasserteInnbetalinger,
    );
  });
});

describe('wire serialiser (2023-03 shapes)', () => {
  const OLD: WireOptions = { format: '2023-03', paymentSign: 'positive' };
  const ledger = SandboxLedger.documented();

  it('uses the old names and string texts, without skjermet, and still reads back', () => {
    const open = ledger.openClaims('313367002')!;
    const text = writeJson(openClaimsBody2023(open, OLD));
    expect(text).not.toContain('skjermet');
    expect(text).toContain('"utsattIverksettelse":false');
    const body = JSON.parse(text) as { aapentKravMedGjenstaaendeBeloep: Record<string, unknown>[] };
    const first = body.aapentKravMedGjenstaaendeBeloep[0];
    expect(typeof first.kravbeskrivelse).toBe('string');
    expect(typeof first.kravperiode).toBe('string');
    expect(first.partIdentifikator).toBeUndefined();
    const read = readOpenClaims(text);
    expect(read.claims.map((c) => [c.claimId, c.originalAmount, c.remainingAmount])).toEqual(
      open.claims.map((c) => [c.claimId, c.originalAmount, c.remainingAmount]),
    );
    expect(read.totals).toEqual(open.totals);
  });

  it('writes payments with betaltFra, betaltTilKonto and plassertInnbetalingMotKrav', () => {
    const window = lastYear(ledger);
    const text = writeJson(paymentsBody2023(ledger.payments('313367002', window)!, OLD));
    for (const name of [
      'betaltFra',
      'betaltTilKonto',
      'plassertInnbetalingMotKrav',
      'plasseringsdato',
      'dekketKrav',
    ]) {
      expect(text).toContain(`"${name}"`);
    }
    expect(text).not.toContain('innbetaltFra');
    const read = readPayments(text);
    expect(read.payments.map((p) => [p.paymentId, p.amount, p.unplacedAmount])).toEqual(
      ledger.payments('313367002', window)!.payments.map((p) => [p.paymentId, p.amount, p.unplacedAmount]),
    );
    const krav = writeJson(claimsBody2023(ledger.claims('311851381', window)!, OLD));
    expect(krav).toContain('"motkravForfallsIdentifikator"');
    expect(readClaims(krav).claims.length).toBe(ledger.claims('311851381', window)!.claims.length);
  });
});
