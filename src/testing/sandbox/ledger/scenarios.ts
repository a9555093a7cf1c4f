import { makeOrganisationNumber, makePersonNumber } from '../../../domain/identifiers.js';
import { isoToDay } from './day.js';
import type { CalendarSchedule, PartyProfile, PaymentBehaviour } from './ledger.types.js';
import { SeededRandom } from './prng.js';
import type { IsoDate } from '../../../domain/common.model.js';

/** How a party usually pays: mostly on time, with every other case present. */
export const TYPICAL_BEHAVIOUR: Readonly<PaymentBehaviour> = {
  onTime: 70,
  late: 8,
  partial: 7,
  over: 5,
  noKid: 5,
  unpaid: 5,
};

const CALENDAR: CalendarSchedule = {
  type: 'calendar',
  vat: true,
  vatCreditChance: 0.15,
  employer: true,
  payrollRunsPerMonth: 1,
  employerCreditChance: 0.1,
  advanceTax: true,
  residualTax: true,
  taxRefundChance: 0.3,
  fineChancePerMonth: 0.03,
};

/**
 * The test organisations Skatteetaten documents for Krav og betalinger (reference §7), each with a ledger of
 * its own character:
 * - 313367002: an AS with VAT, payroll (monthly) and the usual mix of payment habits; a payment without KID
 *   arrived yesterday and is still unplaced.
 * - 311851381: an AS that often gets VAT refunds and leaves debts unpaid: credits are set off, the rest paid out.
 * - 314961900: an AS in arrears: late and partial payments, interest claims, enforcement fees, weekly payroll
 *   (a withholding claim per payroll run from 2026).
 * - 314055403: a small, tidy employer without VAT, two payroll runs a month.
 * - 212201782: a sole trader (ENK): VAT on the organisation number, advance tax (4 instalments) and residual
 *   tax on the owner's person number, mixed into the same responses.
 * - 310478717: a small AS with VAT only (the org dropped from the documentation in 2024).
 */
export function documentedProfiles(seed: number): PartyProfile[] {
  const owner = ownerPersonNumber(seed);
  return [
    {
      partyId: '313367002',
      name: 'HEVNGJERRIG EKTE KATT KRYDDER AS',
      kind: 'company',
      ordinal: 1,
      schedule: { ...CALENDAR },
      behaviour: { ...TYPICAL_BEHAVIOUR },
      scale: 1,
      strayPaymentChancePerMonth: 0.1,
      recentStrayPaymentDaysAgo: [1],
    },
    {
      partyId: '311851381',
      name: 'SPESIELL SOLID TIGER AS',
      kind: 'company',
      ordinal: 2,
      schedule: { ...CALENDAR, vatCreditChance: 0.5, employerCreditChance: 0.3, taxRefundChance: 0.7 },
      behaviour: { onTime: 55, late: 8, partial: 7, over: 8, noKid: 7, unpaid: 15 },
      scale: 2,
      strayPaymentChancePerMonth: 0.05,
    },
    {
      partyId: '314961900',
      name: 'FORNØYD ROLIG ELG AS',
      kind: 'company',
      ordinal: 3,
      schedule: { ...CALENDAR, payrollRunsPerMonth: 4, fineChancePerMonth: 0.15, taxRefundChance: 0.1 },
      behaviour: { onTime: 35, late: 25, partial: 15, over: 5, noKid: 5, unpaid: 15 },
      scale: 1.5,
      strayPaymentChancePerMonth: 0.05,
    },
    {
      partyId: '314055403',
      name: 'MODIG LITEN MAUR AS',
      kind: 'company',
      ordinal: 4,
      schedule: { ...CALENDAR, vat: false, payrollRunsPerMonth: 2, fineChancePerMonth: 0 },
      behaviour: { onTime: 90, late: 0, partial: 0, over: 5, noKid: 5, unpaid: 0 },
      scale: 0.3,
      strayPaymentChancePerMonth: 0,
    },
    {
      partyId: '212201782',
      name: 'LYSTIG KLAM KATT TUSJ',
      kind: 'sole-trader',
      ownerPersonId: owner,
      ownerName: 'TUSJ LYSTIG KATT',
      ordinal: 5,
      schedule: { ...CALENDAR, employer: false, payrollRunsPerMonth: 0 },
      behaviour: { ...TYPICAL_BEHAVIOUR },
      scale: 0.8,
      strayPaymentChancePerMonth: 0.1,
      recentStrayPaymentDaysAgo: [2],
    },
    {
      partyId: '310478717',
      name: 'BERIKENDE EVIG KATT HANKATT AS',
      kind: 'company',
      ordinal: 6,
      schedule: {
        ...CALENDAR,
        employer: false,
        payrollRunsPerMonth: 0,
        advanceTax: false,
        fineChancePerMonth: 0,
      },
      behaviour: { onTime: 85, late: 5, partial: 0, over: 5, noKid: 5, unpaid: 0 },
      scale: 0.5,
      strayPaymentChancePerMonth: 0.05,
    },
  ];
}

/** A synthetic (Tenor-style, month + 80) fødselsnummer for the sole trader's owner, valid MOD11. */
function ownerPersonNumber(seed: number): string {
  const rng = SeededRandom.for(seed, 'owner-person-number');
  const birth = `19${rng.int(60, 95)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
  for (let i = rng.int(0, 400); ; i = (i + 1) % 500) {
    const id = makePersonNumber(birth, String(i).padStart(3, '0'), { synthetic: true });
    if (id !== undefined) return id;
  }
}

/** Options for benchmark ledgers (`SandboxLedger.generate`, scenario `generate`). @publicApi */
export interface GenerateOptions {
  customers: number;
  claimsPerCustomer: number;
  seed?: number;
}

const ADJECTIVES = [
  'GLAD',
  'ROLIG',
  'MODIG',
  'LYSTIG',
  'SPESIELL',
  'EKTE',
  'SOLID',
  'KLOK',
  'RASK',
  'STILLE',
];
const ANIMALS = ['TIGER', 'ELG', 'MAUR', 'KATT', 'REV', 'UGLE', 'HARE', 'GAUPE', 'ÅL', 'SEL'];

/**
 * Benchmark parties: `customers` companies with valid, distinct organisation numbers (none of the documented
 * ones), each with exactly `claimsPerCustomer` scheduled claims in the year up to `today` (evenly spaced, kinds
 * drawn at random) plus the interest and fee claims that late payers draw; the schedule continues after today.
 */
export function generatedProfiles(options: GenerateOptions, today: IsoDate): PartyProfile[] {
  const seed = options.seed ?? 1;
  const rng = SeededRandom.for(seed, 'generated-org-numbers');
  const taken = new Set(['313367002', '311851381', '314961900', '314055403', '212201782', '310478717']);
  const anchorDay = isoToDay(today) - 364;
  const profiles: PartyProfile[] = [];
  for (let i = 0; i < options.customers; i++) {
    let org: string | undefined;
    while (org === undefined || taken.has(org)) org = makeOrganisationNumber(`3${rng.digits(7)}`);
    taken.add(org);
    profiles.push({
      partyId: org,
      name: `${rng.pick(ADJECTIVES)} ${rng.pick(ANIMALS)} ${i + 1} AS`,
      kind: 'company',
      ordinal: i + 1,
      schedule: { type: 'slots', claimsPerYear: Math.max(1, options.claimsPerCustomer), anchorDay },
      behaviour: { ...TYPICAL_BEHAVIOUR },
      scale: 1,
      strayPaymentChancePerMonth: 0.05,
    });
  }
  return profiles;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
