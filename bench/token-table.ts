/** One line of a report table: what was measured, the figure, and what the design expects (if anything). */
export interface ReportRow {
  metric: string;
  value: string;
  target?: string;
}

/** A titled three-column table as plain text (no colours, so it pastes into issues). */
export function formatTable(title: string, rows: readonly ReportRow[]): string {
  const header: ReportRow = { metric: 'metric', value: 'value', target: 'target' };
  const all = [header, ...rows];
  const w1 = Math.max(...all.map((r) => r.metric.length));
  const w2 = Math.max(...all.map((r) => r.value.length));
  const w3 = Math.max(...all.map((r) => (r.target ?? '').length));
  const line = (r: ReportRow) =>
    `  ${r.metric.padEnd(w1)}  ${r.value.padStart(w2)}  ${(r.target ?? '').padEnd(w3)}`.trimEnd();
  const rule = `  ${'-'.repeat(w1)}  ${'-'.repeat(w2)}  ${'-'.repeat(w3)}`;
  return [title, line(header), rule, ...rows.map(line)].join('\n');
}

/** 1234 -> "1,234". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Milliseconds with one decimal. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** A ratio as "1.00x" ("n/a" when the denominator is 0). */
export function ratio(numerator: number, denominator: number): string {
  return denominator === 0 ? 'n/a' : `${(numerator / denominator).toFixed(2)}x`;
}
