import { loadDefaultAccounts } from '../config/account-mapping.js';
import { MemoryJournalAdapter } from '../journal/memory-journal.adapter.js';
import { MemoryStateStore } from '../store/memory/memory-state.store.js';
import type { FactSource } from './fact-source.js';
import { ReconciliationService, type ReconciliationServiceOptions } from './reconciliation.service.js';

const noFacts = {} as FactSource;

function options(extra: Partial<ReconciliationServiceOptions>): ReconciliationServiceOptions {
  return {
    facts: noFacts,
    // Only the constructor runs here.
    access: { checkAccess: () => Promise.reject(new Error('not called')) },
    store: new MemoryStateStore(),
    journal: new MemoryJournalAdapter(),
    customers: [],
    accounts: loadDefaultAccounts(),
    logger: false,
    ...extra,
  };
}

describe('ReconciliationService options', () => {
  it('refuses an overlap that is not a whole number of days from 0 to 3660, naming it', () => {
    for (const overlapDays of [-1, 1.5, 3661, Number.NaN]) {
      expect(() => new ReconciliationService(options({ overlapDays }))).toThrow(/overlapDays/);
    }
    expect(() => new ReconciliationService(options({ overlapDays: 0 }))).not.toThrow();
  });

  it('refuses an outbox chunk size that is not a whole number of entries, naming it', () => {
    for (const outboxChunkSize of [0, -5, 2.5, Number.POSITIVE_INFINITY]) {
      expect(() => new ReconciliationService(options({ outboxChunkSize }))).toThrow(/outboxChunkSize/);
    }
    expect(() => new ReconciliationService(options({ outboxChunkSize: 1 }))).not.toThrow();
  });

  it('refuses a journal batch size that is not a whole number of entries, naming it', () => {
    for (const journalBatchSize of [0, -1, 0.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(() => new ReconciliationService(options({ journalBatchSize }))).toThrow(/journalBatchSize/);
    }
    // Infinity is what leaving it out means: one call per run.
    for (const journalBatchSize of [1, 10_000, Number.POSITIVE_INFINITY]) {
      expect(() => new ReconciliationService(options({ journalBatchSize }))).not.toThrow();
    }
  });

  it('refuses fact windows that are not a whole number of days from 1 to 366, naming it', () => {
    for (const factWindowDays of [0, 367, 7.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ReconciliationService(options({ factWindowDays }))).toThrow(/factWindowDays/);
    }
    for (const factWindowDays of [1, 31, 366]) {
      expect(() => new ReconciliationService(options({ factWindowDays }))).not.toThrow();
    }
  });

  it('refuses a report item limit that is not a whole number of items, naming it', () => {
    for (const reportItemLimit of [-1, 2.5, Number.NaN]) {
      expect(() => new ReconciliationService(options({ reportItemLimit }))).toThrow(/reportItemLimit/);
    }
    for (const reportItemLimit of [0, 100, Number.POSITIVE_INFINITY]) {
      expect(() => new ReconciliationService(options({ reportItemLimit }))).not.toThrow();
    }
  });
});
