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
   *   only. Kept as they are when the array and every line are frozen already (as the posting rules make them);
   *   otherwise frozen copies are kept, so the caller's objects are never frozen behind its back.
   * @param source kept when it and its `ids` are frozen, else a frozen copy.
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
    this.lines = sealedLines(lines);
    this.source =
      Object.isFrozen(source) && Object.isFrozen(source.ids)
        ? (source as { kind: string; ids: string[] })
        : Object.freeze({ kind: source.kind, ids: Object.freeze([...source.ids]) as string[] });
    // Only when set: an own `reverses: undefined` would show in `Object.keys` and `in`.
    if (reverses !== undefined) this.reverses = reverses;
    Object.freeze(this);
  }
}

function sealedLines(lines: readonly JournalLine[]): JournalLine[] {
  let frozen = Object.isFrozen(lines);
  for (let i = 0; frozen && i < lines.length; i++) frozen = Object.isFrozen(lines[i]);
  if (frozen) return lines as JournalLine[];
  return Object.freeze(lines.map(copyLine)) as JournalLine[];
}

/** A frozen copy of the line fields only, so the sealed entry holds strings and numbers only. */
function copyLine(line: JournalLine): JournalLine {
  const out: JournalLine = { account: line.account };
  if (line.debit !== undefined) out.debit = line.debit;
  if (line.credit !== undefined) out.credit = line.credit;
  if (line.description !== undefined) out.description = line.description;
  if (line.kid !== undefined) out.kid = line.kid;
  if (line.reference !== undefined) out.reference = line.reference;
  return Object.freeze(out);
}

/** True for an entry made as a {@link SealedJournalEntry}: deep-frozen, JSON-safe, kept as it is. @internal */
export function isSealedJournalEntry(value: unknown): value is SealedJournalEntry {
  return value instanceof SealedJournalEntry;
}
