// Plain-text tables for the reconciliation benchmark (no colours, so the output pastes into issues and notes).

/** A titled table: the first column left-aligned, the others right-aligned; a row of one cell is a sub-heading. */
export function grid(title: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => r.length > 1).map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`.trimEnd();
  const rule = `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`;
  return [title, line(header), rule, ...rows.map((r) => (r.length === 1 ? `  ${r[0]}` : line(r)))].join('\n');
}

export const ms = (v: number | undefined): string =>
  v === undefined ? '-' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;

export const mb = (bytes: number | undefined): string =>
  bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export const count = (n: number | undefined): string => (n === undefined ? '-' : n.toLocaleString('en-US'));

/** "12.34x", or "-" when either side is missing or tiny (ratios of sub-millisecond phases are noise). */
export function ratio(a: number | undefined, b: number | undefined, minDenominator = 1): string {
  if (a === undefined || b === undefined || b < minDenominator) return '-';
  return `${(a / b).toFixed(2)}x`;
}

/** 10^4 style label for powers of ten, else the number. */
export function sizeLabel(n: number): string {
  const e = Math.log10(n);
  return Number.isInteger(e) ? `10^${e}` : count(n);
}
