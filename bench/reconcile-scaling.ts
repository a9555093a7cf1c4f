// The scaling ratio of table i from runs of two sizes made one after the other (small, big, small, big, ...,
// small): this machine's speed drifts by up to 1.5x within an hour, so a big run is compared with the small runs
// made just before and just after it, and the median of those ratios is the figure.

/** One run of a size, in the order the runs were made. */
export interface SizedRun {
  claims: number;
  /** Absent when the run crashed or was skipped. */
  wallMs?: number;
}

/** A big run against the small runs beside it. */
export interface AlternatingRatio {
  /** The big run's place in the runs given. */
  index: number;
  bigMs: number;
  /** The small runs' times: the one made just before the big run, and the one just after (when they exist). */
  smallMs: number[];
  /** bigMs / mean(smallMs). */
  ratio: number;
}

/**
 * The ratio of each `big` run to the mean of the nearest `small` run before and after it in `runs` (another big
 * run in between ends the search on that side); a big run with no such neighbour, or that did not finish, gives
 * none.
 */
export function alternatingRatios(runs: readonly SizedRun[], small: number, big: number): AlternatingRatio[] {
  const out: AlternatingRatio[] = [];
  const neighbour = (from: number, step: 1 | -1): number | undefined => {
    for (let i = from + step; i >= 0 && i < runs.length; i += step) {
      if (runs[i].claims === big) return undefined;
      if (runs[i].claims === small) return runs[i].wallMs;
    }
    return undefined;
  };
  runs.forEach((run, i) => {
    if (run.claims !== big || run.wallMs === undefined) return;
    const smallMs = [neighbour(i, -1), neighbour(i, 1)].filter((v): v is number => v !== undefined);
    if (smallMs.length === 0) return;
    const mean = smallMs.reduce((a, b) => a + b, 0) / smallMs.length;
    out.push({ index: i, bigMs: run.wallMs, smallMs, ratio: run.wallMs / mean });
  });
  return out;
}

/** The median (the mean of the middle two for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
