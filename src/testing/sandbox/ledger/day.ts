import type { IsoDate } from '../../../domain/common.model.js';

// The ledger engine works on UTC day numbers (days since 1970-01-01): integer arithmetic is much cheaper than
// going through validated `YYYY-MM-DD` strings for every event of a 100,000-claim ledger. Dates leave the
// engine as IsoDate strings. Conversions are cached because a ledger reuses the same few hundred days.

const MS_PER_DAY = 86_400_000;
const isoCache = new Map<number, IsoDate>();

/** A calendar day as a UTC day number: days since 1970-01-01 (`isoToDay('2026-01-01')` is 20454). @publicApi */
export type Day = number;

export function dayOf(year: number, month: number, day: number): Day {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** Day number of a `YYYY-MM-DD` date; the caller has validated it. @publicApi */
export function isoToDay(iso: IsoDate): Day {
  return dayOf(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

/** `YYYY-MM-DD` of a day number. @publicApi */
export function dayToIso(day: Day): IsoDate {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoCache.size > 20_000) isoCache.clear();
    isoCache.set(day, iso);
  }
  return iso;
}

/** Year and month (1-12) of a day. */
export function yearMonthOf(day: Day): { year: number; month: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

export function firstDayOfMonth(year: number, month: number): Day {
  return dayOf(year, month, 1);
}

export function daysInMonth(year: number, month: number): number {
  return dayOf(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - dayOf(year, month, 1);
}

/** Saturday or Sunday (public holidays are ignored: the sandbox is not a calendar authority). */
export function isWeekend(day: Day): boolean {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
  return weekday === 0 || weekday === 6;
}

/** The day itself, or the next Monday when it falls on a weekend (due dates move forward). */
export function nextBusinessDay(day: Day): Day {
  let d = day;
  while (isWeekend(d)) d++;
  return d;
}
