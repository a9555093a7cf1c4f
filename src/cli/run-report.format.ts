import { formatOre } from '../domain/money.js';
import type { AssertionResult } from '../reconciliation/reconciliation-assertions.js';
import type { ReconciliationReport } from '../reconciliation/reconciliation-report.js';

/** One customer's run as the CLI shows it and writes to `out/`: counts and sums only, no personal data. @internal */
export interface RunSummary {
  customerId: string;
  organisasjonsnummer: string;
  status: ReconciliationReport['status'];
  reason?: string;
  window?: { from: string; to: string };
  claims: number;
  openClaims: number;
  payments: number;
  payouts: number;
  allocations: number;
  suggestions: number;
  bankMatches: number;
  unmatchedPayments: number;
  entriesPosted: number;
  entriesDuplicate: number;
  entriesUnchanged: number;
  entriesReversed: number;
  postingIssues: number;
  assertionsOk: boolean;
  assertionsChecked: number;
  assertionFailures: string[];
  openRemaining: string;
  unplaced: string;
  durationMs: number;
}

/** @internal */
export function summariseRun(report: ReconciliationReport, organisasjonsnummer: string): RunSummary {
  return {
    customerId: report.customerId,
    organisasjonsnummer,
    status: report.status,
    ...(report.reason !== undefined ? { reason: report.reason } : {}),
    ...(report.window ? { window: { from: report.window.from, to: report.window.to } } : {}),
    claims: report.counts.claims,
    openClaims: report.counts.openClaims,
    payments: report.counts.payments,
    payouts: report.counts.payouts,
    allocations: report.allocations.length,
    suggestions: report.suggestions.length,
    bankMatches: report.bankMatches.length,
    unmatchedPayments: report.unmatched.paymentIds.length,
    entriesPosted: report.entries.posted,
    entriesDuplicate: report.entries.duplicate,
    entriesUnchanged: report.entries.unchanged,
    entriesReversed: report.entries.reversed,
    postingIssues: report.postingIssues.length,
    assertionsOk: report.assertions.ok,
    assertionsChecked: report.assertions.checked,
    assertionFailures: report.assertions.failures.map((f) => describeFailure(f)),
    openRemaining: formatOre(report.sums.openRemaining),
    unplaced: formatOre(report.sums.unplaced),
    durationMs: report.durationMs,
  };
}

function describeFailure(f: AssertionResult): string {
  return `${f.name} ${f.subject}: expected ${formatOre(f.expected)}, mirrored ${formatOre(f.actual)}`;
}

/** The per-customer table the CLI prints. @internal */
export function formatRunTable(rows: readonly RunSummary[]): string[] {
  const header = [
    'customer',
    'status',
    'claims',
    'open',
    'payments',
    'payouts',
    'allocated',
    'suggested',
    'posted',
    'unchanged',
    'remaining',
    'assertions',
  ];
  const body = rows.map((r) => [
    r.organisasjonsnummer,
    r.status,
    String(r.claims),
    String(r.openClaims),
    String(r.payments),
    String(r.payouts),
    String(r.allocations),
    String(r.suggestions),
    String(r.entriesPosted),
    String(r.entriesUnchanged),
    r.status === 'skipped' ? '-' : r.openRemaining,
    r.status === 'skipped' ? '-' : r.assertionsOk ? `ok ${r.assertionsChecked}` : 'FAILED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of body) lines.push(line(row));
  for (const r of rows) {
    if (r.reason) lines.push(`  ${r.organisasjonsnummer} ${r.status}: ${r.reason}`);
    for (const failure of r.assertionFailures) lines.push(`  ${r.organisasjonsnummer} assertion: ${failure}`);
  }
  return lines;
}

/** One sentence on what the whole run posted; says so plainly when nothing was new. @internal */
export function postingSummary(rows: readonly RunSummary[]): string {
  const posted = rows.reduce((n, r) => n + r.entriesPosted, 0);
  const unchanged = rows.reduce((n, r) => n + r.entriesUnchanged, 0);
  const failed = rows.filter((r) => r.status === 'failed' || r.status === 'blocked').length;
  const skipped = rows.filter((r) => r.status === 'skipped').length;
  const parts = [
    posted === 0
      ? `Nothing new to post: 0 entries posted (the ${unchanged} entries these facts call for were posted before)`
      : `${posted} entries posted (${unchanged} were posted before)`,
  ];
  if (skipped > 0) parts.push(`${skipped} customer(s) skipped`);
  if (failed > 0) parts.push(`${failed} customer(s) failed or blocked`);
  return `${parts.join('; ')}.`;
}
