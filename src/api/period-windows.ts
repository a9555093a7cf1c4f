import { addDays, addYears, compareIsoDate } from '../domain/dates.js';
import type { IsoDate, Period } from '../domain/common.model.js';

/**
 * The last day a window starting on `from` may cover: the day before the same date one year later (a window of
 * "at most one year", inclusive bounds). From 29 February the next year's date is 28 February, so the window ends
 * on 27 February — never longer than a year in either reading.
 * @publicApi
 */
export function lastDayOfYearWindow(from: IsoDate): IsoDate {
  return addDays(addYears(from, 1), -1);
}

/** True when `[from, to]` (inclusive) is at most one year long. @publicApi */
export function isWithinOneYear(from: IsoDate, to: IsoDate): boolean {
  return compareIsoDate(from, to) <= 0 && compareIsoDate(to, lastDayOfYearWindow(from)) <= 0;
}

/**
 * Splits an inclusive period into consecutive windows of at most one year each, with no gap and no overlap.
 * A period of one year or less comes back as one window.
 * @publicApi
 */
export function splitIntoYearWindows(period: Required<Period>): Required<Period>[] {
  if (compareIsoDate(period.from, period.to) > 0) {
    throw new RangeError(`Period starts (${period.from}) after it ends (${period.to})`);
  }
  const windows: Required<Period>[] = [];
  let from = period.from;
  for (;;) {
    const last = lastDayOfYearWindow(from);
    if (compareIsoDate(last, period.to) >= 0) {
      windows.push({ from, to: period.to });
      return windows;
    }
    windows.push({ from, to: last });
    from = addDays(last, 1);
  }
}
