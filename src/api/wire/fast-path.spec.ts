import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PayloadValidationError } from '../../errors/kob.error.js';
import {
  claimsBody,
  openClaimsBody,
  paymentsBody,
  payoutsBody,
  type WireOptions,
} from '../../testing/sandbox/api/wire-serialiser.js';
import {
  claimsBody2023,
  openClaimsBody2023,
  paymentsBody2023,
  payoutsBody2023,
} from '../../testing/sandbox/api/wire-serialiser-2023.js';
import { writeJson } from '../../testing/sandbox/http/json-writer.js';
import { SandboxLedger } from '../../testing/sandbox/ledger/sandbox-ledger.js';
import { fastClaims, fastOpenClaims, fastPayments, fastPayouts, type FastReader } from './fast-path.js';
import { parseLosslessJson, type JsonDocument } from './lossless-json.js';
import { parsePlainNumberJson } from './plain-number-json.js';
import {
  declarativeReaders,
  readClaims,
  readOpenClaims,
  readPayments,
  readPayouts,
} from './responses.mapper.js';
import { FastPathMiss, readDocument, type Reader } from './wire-reader.js';

// The fast path must give exactly what the declarative reader gives (same values, same property order) or
// leave the road with FastPathMiss. Checked on every published example and on sandbox bodies in both wire
// formats and both payment signs.

type Schema = keyof typeof declarativeReaders;

const FAST: Record<Schema, FastReader<unknown>> = {
  AapneKrav: fastOpenClaims,
  AlleKrav: fastClaims,
  Innbetalinger: fastPayments,
  Utbetalinger: fastPayouts,
};

const SCHEMA_OF: Record<string, Schema> = {
  aapnekrav: 'AapneKrav',
  krav: 'AlleKrav',
  innbetalinger: 'Innbetalinger',
  utbetalinger: 'Utbetalinger',
};

const READ_TEXT: Record<Schema, (body: string) => unknown> = {
  AapneKrav: readOpenClaims,
  AlleKrav: readClaims,
  Innbetalinger: readPayments,
  Utbetalinger: readPayouts,
};

/** The fast reader's result on `json`, or 'miss'. */
function fastOn(schema: Schema, json: JsonDocument): unknown {
  try {
    return FAST[schema](json);
  } catch (e) {
    if (e instanceof FastPathMiss) return 'miss';
    throw e;
  }
}

/**
 * 'fast' (on the plain-number tree when the body has only plain amounts, else on the lossless tree) or
 * 'miss'; throws if the fast path disagrees with the declarative reader, if the plain-number tree and the
 * lossless tree disagree, or if the public reader gives anything else.
 */
function compare(schema: Schema, text: string): 'fast' | 'fast-plain' | 'miss' {
  const json = parseLosslessJson(text);
  const slow = readDocument(schema, json, declarativeReaders[schema] as Reader<unknown>);
  const viaText = READ_TEXT[schema](text);
  expect(viaText).toStrictEqual(slow);
  expect(JSON.stringify(viaText)).toBe(JSON.stringify(slow)); // property order too
  const fast = fastOn(schema, json);
  const plain = parsePlainNumberJson(text);
  // On the plain-number tree the fast path leaves the road exactly where it does on the lossless tree.
  if (plain !== undefined) expect(fastOn(schema, plain)).toStrictEqual(fast);
  if (fast === 'miss') return 'miss';
  expect(fast).toStrictEqual(slow);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
  return plain === undefined ? 'fast' : 'fast-plain';
}

const EXAMPLES = fileURLToPath(new URL('../../../test/fixtures/examples/', import.meta.url));
const SETS = ['2022-12', '2023-01', '2023-03', '2024-04'];
const examples = SETS.flatMap((set) =>
  readdirSync(join(EXAMPLES, set))
    .filter((f) => f.endsWith('.json') && !f.endsWith('-request.json'))
    .map((f) => [set, f.replace(/\.json$/, '')] as const),
);

describe('fast path', () => {
  it.each(examples)('agrees with the declarative reader on %s/%s.json', (set, endpoint) => {
    const outcome = compare(
      SCHEMA_OF[endpoint],
      readFileSync(join(EXAMPLES, set, `${endpoint}.json`), 'utf8'),
    );
    // The 1.1.1 examples (plain dates, current names, amounts with at most two decimals) take the fast path
    // on the plain-number tree.
    if (set === '2024-04') expect(outcome).toBe('fast-plain');
  });

  const wires: WireOptions[] = [
    { format: '1.1.1', paymentSign: 'positive' },
    { format: '1.1.1', paymentSign: 'negative' },
    { format: '2023-03', paymentSign: 'positive' },
  ];

  it.each(wires)('agrees with the declarative reader on sandbox bodies (%o)', (wire) => {
    const ledgers = [
      SandboxLedger.documented(),
      SandboxLedger.generate({ customers: 3, claimsPerCustomer: 40 }),
    ];
    const outcomes: string[] = [];
    for (const ledger of ledgers) {
      const period = { from: ledger.startDate, to: ledger.today };
      const old = wire.format === '2023-03';
      for (const profile of ledger.profiles()) {
        const party = profile.partyId;
        const open = ledger.openClaims(party)!;
        const claims = ledger.claims(party, period)!;
        const payments = ledger.payments(party, period)!;
        const payouts = ledger.payouts(party, period)!;
        outcomes.push(
          compare('AapneKrav', writeJson(old ? openClaimsBody2023(open, wire) : openClaimsBody(open, wire))),
          compare('AlleKrav', writeJson(old ? claimsBody2023(claims, wire) : claimsBody(claims, wire))),
          compare(
            'Innbetalinger',
            writeJson(old ? paymentsBody2023(payments, wire) : paymentsBody(payments, wire)),
          ),
          compare('Utbetalinger', writeJson(old ? payoutsBody2023(payouts) : payoutsBody(payouts, wire))),
        );
      }
    }
    expect(outcomes.length).toBeGreaterThan(0);
    if (wire.format === '1.1.1') expect(outcomes.every((o) => o === 'fast-plain')).toBe(true);
  });

  it('leaves the road on a wrong field, and the declarative reader names it', () => {
    const text =
      '{"partIdentifikator":"1","periode":{"fraOgMed":"2024-01-01"},"krav":[{"kravidentifikator":7}]}';
    const json = parseLosslessJson(text);
    expect(() => fastClaims(json)).toThrow(FastPathMiss);
    expect(() => readDocument('AlleKrav', json, declarativeReaders.AlleKrav, fastClaims)).toThrow(
      PayloadValidationError,
    );
    try {
      readDocument('AlleKrav', json, declarativeReaders.AlleKrav, fastClaims);
    } catch (e) {
      expect((e as PayloadValidationError).issues).toEqual(
        expect.arrayContaining([
          { path: '$.krav[0].kravidentifikator', message: 'expected a string, got a number' },
        ]),
      );
    }
  });

  it('leaves the road on amounts it does not read itself, with the same result', () => {
    const text =
      '{"partIdentifikator":"1","periode":{"fraOgMed":"2024-01-01"},"krav":[{"kravidentifikator":"K",' +
      '"kravtype":"T","opprinneligBeloep":12345678901234.5,"gjenstaaendeBeloep":0}]}';
    expect(compare('AlleKrav', text)).toBe('miss');
  });
});
