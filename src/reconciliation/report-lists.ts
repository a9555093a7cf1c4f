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
    const list = this.list(name);
    if (list.length < this.limit) {
      list.push(item);
      return;
    }
    const omitted = (this.report.omitted ??= {});
    omitted[name] = (omitted[name] ?? 0) + 1;
  }

  /** Items in the list, listed or left out. */
  count(name: ReportList): number {
    return this.list(name).length + (this.report.omitted?.[name] ?? 0);
  }

  private list(name: ReportList): unknown[] {
    const r = this.report;
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
}
