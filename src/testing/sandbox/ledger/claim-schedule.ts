import { allocateOre } from '../../../domain/money.js';
import type { Ore } from '../../../domain/money.js';
import type { ClaimKind } from './claim-catalog.js';
import { NB_MONTHS } from './claim-catalog.js';
import { dayOf, dayToIso, daysInMonth, firstDayOfMonth, nextBusinessDay, yearMonthOf } from './day.js';
import type { Day } from './day.js';
import { SeededRandom } from './prng.js';
import type {
  CalendarSchedule,
  ClaimTemplate,
  PartyProfile,
  SlotSchedule,
  StrayPaymentTemplate,
} from './ledger.types.js';

// What each party is charged, month by month. Every draw comes from a stream keyed by (seed, party, what,
// period), so generating month M never depends on which months were generated before: a ledger built up to
// day T in one go equals one built up to T in steps.

/** Withholding moved from bi-monthly terms to one claim per payroll run on 1 January 2026 (accounting.md §1.4). */
const PER_PAYROLL_WITHHOLDING_FROM = dayOf(2026, 1, 1);

/** Claim templates created in the given month, in creation order. */
export function templatesForMonth(
  profile: PartyProfile,
  seed: number,
  year: number,
  month: number,
): ClaimTemplate[] {
  const list =
    profile.schedule.type === 'calendar'
      ? calendarTemplates(profile, profile.schedule, seed, year, month)
      : slotTemplates(profile, profile.schedule, seed, year, month);
  return list.sort((a, b) => a.createdDay - b.createdDay);
}

/** KID-less payments matching no claim, arriving in the given month. */
export function strayPaymentsForMonth(
  profile: PartyProfile,
  seed: number,
  year: number,
  month: number,
): StrayPaymentTemplate[] {
  const rng = SeededRandom.for(seed, profile.partyId, 'stray', year, month);
  if (!rng.chance(profile.strayPaymentChancePerMonth)) return [];
  const day = firstDayOfMonth(year, month) + rng.int(0, daysInMonth(year, month) - 1);
  return [{ day, amount: amount(rng, 500, 20_000, profile.scale) }];
}

/** A whole-krone amount most of the time, sometimes with øre, in [minKr, maxKr] x scale. */
function amount(rng: SeededRandom, minKr: number, maxKr: number, scale: number): Ore {
  const kroner = Math.max(1, Math.round(rng.int(minKr, maxKr) * scale));
  return kroner * 100 + (rng.chance(0.3) ? rng.int(1, 99) : 0);
}

function inMonth(day: Day, year: number, month: number): boolean {
  const first = firstDayOfMonth(year, month);
  return day >= first && day < first + daysInMonth(year, month);
}

// ---------------------------------------------------------------------------------------------------------
// Calendar schedule

function calendarTemplates(
  profile: PartyProfile,
  s: CalendarSchedule,
  seed: number,
  year: number,
  month: number,
): ClaimTemplate[] {
  const out: ClaimTemplate[] = [];
  const id = profile.partyId;
  const scale = profile.scale;
  // Terms whose claims may be created this month belong to this year or (term 6) the year before.
  for (const termYear of [year - 1, year]) {
    for (let term = 1; term <= 6; term++) {
      if (s.vat) {
        const t = vatTerm(id, seed, termYear, term, s, scale);
        if (inMonth(t.createdDay, year, month)) out.push(t);
      }
      if (s.employer) {
        for (const t of employerTerm(id, seed, termYear, term, s, scale)) {
          if (inMonth(t.createdDay, year, month)) out.push(t);
        }
      }
    }
  }
  if (s.employer) out.push(...payrollWithholding(id, seed, year, month, s, scale));
  if (s.advanceTax && month === 1) out.push(advanceTax(profile, seed, year));
  if (s.residualTax) {
    const t = residualTax(profile, seed, year, s);
    if (inMonth(t.createdDay, year, month)) out.push(t);
  }
  const fine = SeededRandom.for(seed, id, 'fine', year, month);
  if (s.fineChancePerMonth > 0 && fine.chance(s.fineChancePerMonth)) {
    const created = firstDayOfMonth(year, month) + fine.int(0, daysInMonth(year, month) - 1);
    out.push({
      kind: 'coercive-fine',
      createdDay: created,
      personal: false,
      period: { description: NB_MONTHS[month - 1], year: String(year), term: pad2(month) },
      label: `${year}/${pad2(month)}`,
      instalments: [{ dueDay: nextBusinessDay(created + 21), amount: amount(fine, 1_000, 5_000, 1) }],
    });
  }
  return out;
}

const VAT_DUE: readonly [number, number][] = [
  [4, 10],
  [6, 10],
  [8, 31],
  [10, 10],
  [12, 10],
  [2, 10],
];

function vatTerm(id: string, seed: number, year: number, term: number, s: CalendarSchedule, scale: number) {
  const rng = SeededRandom.for(seed, id, 'vat', year, term);
  const [dm, dd] = VAT_DUE[term - 1];
  const dueDay = nextBusinessDay(dayOf(term === 6 ? year + 1 : year, dm, dd));
  const createdDay = dueDay - rng.int(2, 12);
  const credit = rng.chance(s.vatCreditChance);
  const value = credit ? -amount(rng, 5_000, 60_000, scale) : amount(rng, 8_000, 150_000, scale);
  const template: ClaimTemplate = {
    kind: credit ? 'vat-credit' : 'vat',
    createdDay,
    personal: false,
    period: {
      description: `${NB_MONTHS[term * 2 - 2]} - ${NB_MONTHS[term * 2 - 1]}`,
      year: String(year),
      term: pad2(term),
    },
    label: `${year}/${term}`,
    instalments: [{ dueDay, amount: value }],
  };
  return template;
}

function employerTerm(
  id: string,
  seed: number,
  year: number,
  term: number,
  s: CalendarSchedule,
  scale: number,
): ClaimTemplate[] {
  const rng = SeededRandom.for(seed, id, 'aga', year, term);
  const dueMonth = term * 2 + 1;
  const dueDay = nextBusinessDay(dueMonth > 12 ? dayOf(year + 1, 1, 15) : dayOf(year, dueMonth, 15));
  const createdDay = dueDay - rng.int(5, 12);
  const period = { description: 'Termin', year: String(year), term: String(term) };
  const label = `${year}/${term}`;
  const out: ClaimTemplate[] = [
    {
      kind: 'employer-contribution',
      createdDay,
      personal: false,
      period,
      label,
      instalments: [{ dueDay, amount: amount(rng, 3_000, 60_000, scale) }],
    },
  ];
  // Withholding was reported and paid per bi-monthly term until the end of 2025.
  if (firstDayOfMonth(year, term * 2 - 1) < PER_PAYROLL_WITHHOLDING_FROM) {
    out.push({
      kind: 'withholding',
      createdDay,
      personal: false,
      period,
      label,
      instalments: [{ dueDay, amount: amount(rng, 5_000, 80_000, scale) }],
    });
  }
  if (rng.chance(s.employerCreditChance)) {
    const created = dueDay + rng.int(10, 40);
    out.push({
      kind: 'employer-contribution-credit',
      createdDay: created,
      personal: false,
      period,
      label,
      instalments: [{ dueDay: created, amount: -amount(rng, 100, 3_000, scale) }],
    });
  }
  return out;
}

/** From 2026 withholding is due the first business day after each payroll run. */
function payrollWithholding(
  id: string,
  seed: number,
  year: number,
  month: number,
  s: CalendarSchedule,
  scale: number,
): ClaimTemplate[] {
  const first = firstDayOfMonth(year, month);
  if (first < PER_PAYROLL_WITHHOLDING_FROM || s.payrollRunsPerMonth <= 0) return [];
  const rng = SeededRandom.for(seed, id, 'payroll', year, month);
  const runs = s.payrollRunsPerMonth;
  const days = daysInMonth(year, month);
  const out: ClaimTemplate[] = [];
  for (let r = 0; r < runs; r++) {
    // Runs spread over the month; a single monthly run on the 20th.
    const payday = runs === 1 ? first + 19 : first + Math.floor(((r + 0.5) * days) / runs);
    const iso = dayToIso(payday);
    out.push({
      kind: 'withholding',
      createdDay: payday,
      personal: false,
      period: { description: 'Lønnsutbetaling', from: iso, to: iso },
      label: iso,
      instalments: [
        { dueDay: nextBusinessDay(payday + 1), amount: amount(rng, 2_000, 40_000, scale / runs) },
      ],
    });
  }
  return out;
}

function advanceTax(profile: PartyProfile, seed: number, year: number): ClaimTemplate {
  const rng = SeededRandom.for(seed, profile.partyId, 'advance', year);
  const personal = profile.kind === 'sole-trader';
  // Persons pay advance tax in four instalments, companies in two (Skatteetaten's calendar).
  const dues = personal
    ? [dayOf(year, 3, 15), dayOf(year, 6, 15), dayOf(year, 9, 15), dayOf(year, 12, 15)]
    : [dayOf(year, 2, 15), dayOf(year, 4, 15)];
  const total = amount(rng, 20_000, 160_000, profile.scale);
  const parts = allocateOre(
    total,
    dues.map(() => 1),
  );
  return {
    kind: 'advance-tax',
    createdDay: dayOf(year, 1, personal ? 20 : 10),
    personal,
    period: { description: 'Inntektsår', year: String(year) },
    label: String(year),
    instalments: dues.map((d, i) => ({ dueDay: nextBusinessDay(d), amount: parts[i] })),
  };
}

function residualTax(profile: PartyProfile, seed: number, year: number, s: CalendarSchedule): ClaimTemplate {
  const rng = SeededRandom.for(seed, profile.partyId, 'residual', year);
  const personal = profile.kind === 'sole-trader';
  const createdDay = personal ? dayOf(year, rng.int(6, 9), rng.int(1, 28)) : dayOf(year, 10, rng.int(15, 25));
  const refund = rng.chance(s.taxRefundChance);
  const incomeYear = String(year - 1);
  return {
    kind: refund ? 'tax-refund' : 'residual-tax',
    createdDay,
    personal,
    period: { description: 'Inntektsår', year: incomeYear },
    label: incomeYear,
    instalments: [
      {
        dueDay: refund ? createdDay : nextBusinessDay(createdDay + (personal ? 35 : 21)),
        amount: refund
          ? -amount(rng, 2_000, 40_000, profile.scale)
          : amount(rng, 3_000, 90_000, profile.scale),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Slot schedule (benchmarks)

const SLOT_KINDS: Readonly<Record<Exclude<ClaimKind, 'interest' | 'enforcement-fee'>, number>> = {
  withholding: 40,
  vat: 16,
  'employer-contribution': 16,
  'advance-tax': 4,
  'residual-tax': 4,
  'coercive-fine': 4,
  'vat-credit': 8,
  'employer-contribution-credit': 4,
  'tax-refund': 4,
};

function slotTemplates(
  profile: PartyProfile,
  s: SlotSchedule,
  seed: number,
  year: number,
  month: number,
): ClaimTemplate[] {
  const first = firstDayOfMonth(year, month);
  const last = first + daysInMonth(year, month) - 1;
  if (last < s.anchorDay) return [];
  const n = s.claimsPerYear;
  const from = Math.max(0, firstSlotOnOrAfter(first - s.anchorDay, n));
  const to = firstSlotOnOrAfter(last + 1 - s.anchorDay, n);
  const out: ClaimTemplate[] = [];
  for (let i = from; i < to; i++) {
    out.push(slotTemplate(profile, seed, i, s.anchorDay + Math.floor((i * 365) / n)));
  }
  return out;
}

/** Smallest slot index whose day offset floor(i * 365 / n) is >= `offset`. */
function firstSlotOnOrAfter(offset: number, n: number): number {
  if (offset <= 0) return 0;
  let i = Math.ceil((offset * n) / 365);
  while (i > 0 && Math.floor(((i - 1) * 365) / n) >= offset) i--;
  while (Math.floor((i * 365) / n) < offset) i++;
  return i;
}

function slotTemplate(profile: PartyProfile, seed: number, slot: number, day: Day): ClaimTemplate {
  const rng = SeededRandom.for(seed, profile.partyId, 'slot', slot);
  const kind = rng.weighted(SLOT_KINDS);
  const { year, month } = yearMonthOf(day);
  const scale = profile.scale;
  const term = Math.ceil(month / 2);
  const termPeriod = { description: 'Termin', year: String(year), term: String(term) };
  const one = (dueDay: Day, value: Ore, period: ClaimTemplate['period'], label: string): ClaimTemplate => ({
    kind,
    createdDay: day,
    personal: false,
    period,
    label,
    instalments: [{ dueDay, amount: value }],
  });
  switch (kind) {
    case 'withholding': {
      const iso = dayToIso(day);
      return one(
        nextBusinessDay(day + 1),
        amount(rng, 2_000, 40_000, scale),
        { description: 'Lønnsutbetaling', from: iso, to: iso },
        iso,
      );
    }
    case 'vat':
    case 'vat-credit': {
      const value = kind === 'vat' ? amount(rng, 8_000, 150_000, scale) : -amount(rng, 5_000, 60_000, scale);
      const period = {
        description: `${NB_MONTHS[term * 2 - 2]} - ${NB_MONTHS[term * 2 - 1]}`,
        year: String(year),
        term: pad2(term),
      };
      return one(nextBusinessDay(day + 14), value, period, `${year}/${term}`);
    }
    case 'employer-contribution':
      return one(nextBusinessDay(day + 10), amount(rng, 3_000, 60_000, scale), termPeriod, `${year}/${term}`);
    case 'employer-contribution-credit':
      return one(day, -amount(rng, 100, 3_000, scale), termPeriod, `${year}/${term}`);
    case 'advance-tax': {
      const total = amount(rng, 20_000, 160_000, scale);
      const parts = allocateOre(total, [1, 1, 1, 1]);
      return {
        kind,
        createdDay: day,
        personal: false,
        period: { description: 'Inntektsår', year: String(year) },
        label: String(year),
        instalments: parts.map((p, i) => ({ dueDay: nextBusinessDay(day + 30 + i * 91), amount: p })),
      };
    }
    case 'residual-tax':
      return one(
        nextBusinessDay(day + 21),
        amount(rng, 3_000, 90_000, scale),
        { description: 'Inntektsår', year: String(year - 1) },
        String(year - 1),
      );
    case 'tax-refund':
      return one(
        day,
        -amount(rng, 2_000, 40_000, scale),
        { description: 'Inntektsår', year: String(year - 1) },
        String(year - 1),
      );
    case 'coercive-fine':
      return one(
        nextBusinessDay(day + 21),
        amount(rng, 1_000, 5_000, 1),
        { description: NB_MONTHS[month - 1], year: String(year), term: pad2(month) },
        `${year}/${pad2(month)}`,
      );
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
