import type { ReconciliationReport } from './reconciliation-report.js';
import { itemCount, ReportLists } from './report-lists.js';

function emptyReport(): ReconciliationReport {
  return {
    allocations: [],
    suggestions: [],
    bankMatches: [],
    unmatched: { paymentIds: [], bankTransactionIds: [] },
    postingIssues: [],
    entries: { postedKeys: [] },
  } as unknown as ReconciliationReport;
}

describe('ReportLists', () => {
  it('lists items up to the limit and counts the rest in omitted, per list', () => {
    const report = emptyReport();
    const lists = new ReportLists(report, 2);
    for (const key of ['k1', 'k2', 'k3', 'k4']) lists.add('postedKeys', key);
    for (const id of ['p1', 'p2']) lists.add('unmatchedPaymentIds', id);
    lists.add('unmatchedBankTransactionIds', 'b1');
    expect(report.entries.postedKeys).toEqual(['k1', 'k2']);
    expect(report.unmatched).toEqual({ paymentIds: ['p1', 'p2'], bankTransactionIds: ['b1'] });
    expect(report.omitted).toEqual({ postedKeys: 2 });
    expect(itemCount(report, 'postedKeys')).toBe(4);
    expect(itemCount(report, 'unmatchedPaymentIds')).toBe(2);
    expect(itemCount(report, 'allocations')).toBe(0);
  });

  it('leaves omitted out while nothing was left out, and lists nothing at a limit of 0', () => {
    const whole = emptyReport();
    const unlimited = new ReportLists(whole, Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++)
      unlimited.add('postingIssues', { kind: 'no-effect', message: `${i}`, ids: [] });
    expect(whole.postingIssues).toHaveLength(1000);
    expect(whole.omitted).toBeUndefined();

    const none = emptyReport();
    const counting = new ReportLists(none, 0);
    counting.add('suggestions', {});
    counting.add('bankMatches', {});
    expect(none.suggestions).toEqual([]);
    expect(none.omitted).toEqual({ suggestions: 1, bankMatches: 1 });
  });
});
