import { join } from 'node:path';
import { ConfigurationError } from '../errors/kob.error.js';
import { createBuiltinJournal } from './builtin-journal.factory.js';
import { HledgerJournalAdapter } from './hledger-journal.adapter.js';
import { JsonlJournalAdapter } from './jsonl-journal.adapter.js';
import { MemoryJournalAdapter } from './memory-journal.adapter.js';

describe('createBuiltinJournal', () => {
  it('builds the adapter each descriptor names', () => {
    expect(createBuiltinJournal({ builtin: 'memory' })).toBeInstanceOf(MemoryJournalAdapter);
    const jsonl = createBuiltinJournal({ builtin: 'jsonl', path: 'out/journal.jsonl' });
    expect(jsonl).toBeInstanceOf(JsonlJournalAdapter);
    expect((jsonl as JsonlJournalAdapter).fileFor('acme')).toBe(join(process.cwd(), 'out/journal.jsonl'));
    const hledger = createBuiltinJournal({ builtin: 'hledger', path: '/var/ledgers' });
    expect(hledger).toBeInstanceOf(HledgerJournalAdapter);
    expect((hledger as HledgerJournalAdapter).fileFor('acme')).toBe('/var/ledgers/acme.journal');
  });

  it('names the missing path or unknown kind in a configuration error', () => {
    expect(() => createBuiltinJournal({ builtin: 'hledger' })).toThrow(ConfigurationError);
    expect(() => createBuiltinJournal({ builtin: 'jsonl', path: ' ' })).toThrow(
      /journalBuiltin\.path: is required/,
    );
    expect(() => createBuiltinJournal({ builtin: 'csv' as never })).toThrow(/journalBuiltin\.builtin/);
  });
});
