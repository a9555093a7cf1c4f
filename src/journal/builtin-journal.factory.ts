import type { BuiltinJournalDescriptor } from '../config/module-options.interface.js';
import { ConfigurationError } from '../errors/kob.error.js';
import type { Clock } from '../time/clock.js';
import { HledgerJournalAdapter } from './hledger-journal.adapter.js';
import { JsonlJournalAdapter } from './jsonl-journal.adapter.js';
import type { JournalAdapter } from './journal-adapter.interface.js';
import { MemoryJournalAdapter } from './memory-journal.adapter.js';

/**
 * Builds the built-in journal adapter a {@link BuiltinJournalDescriptor} names (the `journalBuiltin` option,
 * `KOB_JOURNAL=memory | jsonl:<file> | hledger:<dir>`): a {@link MemoryJournalAdapter}, a
 * {@link JsonlJournalAdapter} writing one file, or an {@link HledgerJournalAdapter} writing one journal per
 * customer into a directory. Relative paths resolve against the working directory. Throws a
 * {@link ConfigurationError} when `jsonl` or `hledger` lacks its `path`.
 * @publicApi
 */
export function createBuiltinJournal(
  descriptor: BuiltinJournalDescriptor,
  options: { clock?: Clock } = {},
): JournalAdapter {
  const path = descriptor.path;
  switch (descriptor.builtin) {
    case 'memory':
      return new MemoryJournalAdapter();
    case 'jsonl':
      return new JsonlJournalAdapter({ path: requirePath(path, 'a file'), clock: options.clock });
    case 'hledger':
      return new HledgerJournalAdapter({ dir: requirePath(path, 'a directory') });
    default:
      throw new ConfigurationError(
        [{ path: 'journalBuiltin.builtin', message: 'must be one of memory, jsonl, hledger' }],
        'journal adapter',
      );
  }
}

function requirePath(path: string | undefined, what: string): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new ConfigurationError(
      [{ path: 'journalBuiltin.path', message: `is required (${what} to write to)` }],
      'journal adapter',
    );
  }
  return path;
}
