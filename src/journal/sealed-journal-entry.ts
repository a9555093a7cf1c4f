import type { JournalEntry, JournalLine } from './journal-adapter.interface.js';

/**
 * A journal entry the reconciliation planned and checked (balanced, safe-integer øre): frozen all the way down
 * when it is made, its lines holding only strings and numbers. A store or journal may keep it as it is, since
 * it cannot change and JSON gives it back unchanged, instead of copying it or walking it to find that out
 * (hundreds of thousands of entries per run). Only the reconciliation's planning makes these; to everyone else
 * it is a plain {@link JournalEntry}.
 * @internal
 */
export class SealedJournalEntry implements JournalEntry {
  readonly idempotencyKey: string;
  readonly date: string;
  readonly description: string;
  readonly lines: JournalLine[];
  readonly source: { kind: string; ids: string[] };
  // `declare`: no field initialiser, so the property exists only when set (see the constructor).
  declare readonly reverses?: string;

  /**
   * @param lines made by the posting rules or mirrored from a stored version: objects of strings and numbers
   *   only. They, the array and `source` are frozen here (a no-op for those already frozen).
   */
  constructor(
    idempotencyKey: string,
    date: string,
    description: string,
    lines: readonly JournalLine[],
    source: { kind: string; ids: readonly string[] },
    reverses?: string,
  ) {
    this.idempotencyKey = idempotencyKey;
    this.date = date;
    this.description = description;
    if (!Object.isFrozen(lines)) {
      for (let i = 0; i < lines.length; i++) Object.freeze(lines[i]);
      Object.freeze(lines);
    }
    this.lines = lines as JournalLine[];
    if (!Object.isFrozen(source)) {
      Object.freeze(source.ids);
      Object.freeze(source);
    }
    this.source = source as { kind: string; ids: string[] };
    // Only when set: an own `reverses: undefined` would show in `Object.keys` and `in`.
    if (reverses !== undefined) this.reverses = reverses;
    Object.freeze(this);
  }
}

/** True for an entry made as a {@link SealedJournalEntry}: deep-frozen, JSON-safe, kept as it is. @internal */
export function isSealedJournalEntry(value: unknown): value is SealedJournalEntry {
  return value instanceof SealedJournalEntry;
}
