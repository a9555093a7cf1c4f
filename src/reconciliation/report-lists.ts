import type { ReconciliationReport, ReportList } from './reconciliation-report.js';

/**
 * Adds items to a report's lists, each up to a limit; what does not fit is counted in `report.omitted`. A run of
 * a million claims would otherwise hold a million allocations and bank matches and two million posted keys in
 * its report, whatever else it lets go of.
 * @internal
 */
export class ReportLists {
  constructor(
    private readonly report: ReconciliationReport,
    private readonly limit: number,
  ) {}

  add(name: ReportList, item: unknown): void {
    const list = listOf(this.report, name);
    if (list.length < this.limit) {
      list.push(item);
      return;
    }
    const omitted = (this.report.omitted ??= {});
    omitted[name] = (omitted[name] ?? 0) + 1;
  }
}

/** Items in one of a report's lists, listed or left out (`report.omitted`). @internal */
export function itemCount(report: ReconciliationReport, name: ReportList): number {
  return listOf(report, name).length + (report.omitted?.[name] ?? 0);
}

function listOf(r: ReconciliationReport, name: ReportList): unknown[] {
  switch (name) {
    case 'unmatchedPaymentIds':
      return r.unmatched.paymentIds;
    case 'unmatchedBankTransactionIds':
      return r.unmatched.bankTransactionIds;
    case 'postedKeys':
      return r.entries.postedKeys;
    default:
      return r[name];
  }
}
