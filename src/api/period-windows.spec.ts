import fc from 'fast-check';
import { addDays, compareIsoDate, daysBetween } from '../domain/dates.js';
import { isWithinOneYear, lastDayOfYearWindow, splitIntoYearWindows } from './period-windows.js';

describe('year windows', () => {
  it('keeps a period of exactly one year whole', () => {
    expect(splitIntoYearWindows({ from: '2023-01-01', to: '2023-12-31' })).toEqual([
      { from: '2023-01-01', to: '2023-12-31' },
    ]);
  });

  it('splits one day past a year into two windows', () => {
    expect(splitIntoYearWindows({ from: '2023-01-01', to: '2024-01-01' })).toEqual([
      { from: '2023-01-01', to: '2023-12-31' },
      { from: '2024-01-01', to: '2024-01-01' },
    ]);
  });

  it('handles windows across and from a leap day', () => {
    expect(lastDayOfYearWindow('2023-03-01')).toBe('2024-02-29');
    expect(lastDayOfYearWindow('2024-02-29')).toBe('2025-02-27');
    expect(lastDayOfYearWindow('2024-03-01')).toBe('2025-02-28');
    expect(splitIntoYearWindows({ from: '2024-02-29', to: '2026-03-01' })).toEqual([
      { from: '2024-02-29', to: '2025-02-27' },
      { from: '2025-02-28', to: '2026-02-27' },
      { from: '2026-02-28', to: '2026-03-01' },
    ]);
  });

  it('returns a single day as one window and rejects a reversed period', () => {
    expect(splitIntoYearWindows({ from: '2025-06-01', to: '2025-06-01' })).toEqual([
      { from: '2025-06-01', to: '2025-06-01' },
    ]);
    expect(() => splitIntoYearWindows({ from: '2025-06-02', to: '2025-06-01' })).toThrow(RangeError);
  });

  it('covers any period exactly, without gaps or overlaps, each window at most a year', () => {
    const day = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays('2000-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 365 * 8 }), (from, length) => {
        const to = addDays(from, length);
        const windows = splitIntoYearWindows({ from, to });
        expect(windows[0].from).toBe(from);
        expect(windows[windows.length - 1].to).toBe(to);
        for (const [i, w] of windows.entries()) {
          expect(isWithinOneYear(w.from, w.to)).toBe(true);
          if (i > 0) expect(daysBetween(windows[i - 1].to, w.from)).toBe(1);
          if (i < windows.length - 1) expect(w.to).toBe(lastDayOfYearWindow(w.from));
        }
        expect(windows.every((w) => compareIsoDate(w.from, w.to) <= 0)).toBe(true);
      }),
    );
  });
});
