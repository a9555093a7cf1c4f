import { entryEffects, entryParents } from '../reconciliation/posting/entry-effects.js';
import type { JournalEntry } from '../journal/journal-adapter.interface.js';
import type { OutboxStatus, PostedEffect } from './state-store.interface.js';
import { addEffects } from './store-values.js';

/** An outbox row written before schema version 2, which kept no effects, parents or totals. @internal */
export interface LegacyOutboxRow {
  customerId: string;
  key: string;
  baseKey: string;
  status: OutboxStatus;
  entry: JournalEntry;
}

/** What schema version 2 needs for rows written before it. @internal */
export interface OutboxBackfill {
  rows: { customerId: string; key: string; baseKey: string; effects: PostedEffect[]; parents: string[] }[];
  /** Per customer, the running totals of its posted rows. */
  totals: Map<string, Map<string, number>>;
}

/**
 * The effects, parents and running totals that rows written by schema version 1 would have been given by the
 * reconciliation (`entryEffects`, `entryParents`), computed from the stored entries when a store migrates to
 * version 2. A reversal's effects need the entry it reverses: it is looked up among the same customer's rows.
 * @internal
 */
export function backfillOutbox(rows: readonly LegacyOutboxRow[]): OutboxBackfill {
  const byKey = new Map<string, JournalEntry>();
  for (const row of rows) byKey.set(`${row.customerId}\u0000${row.key}`, row.entry);
  const out: OutboxBackfill = { rows: [], totals: new Map() };
  for (const row of rows) {
    const reverses = row.entry.reverses;
    const reversed = reverses === undefined ? undefined : byKey.get(`${row.customerId}\u0000${reverses}`);
    const effects = entryEffects(row.entry, reversed);
    const parents = reverses === undefined ? entryParents(row.baseKey) : [];
    out.rows.push({ customerId: row.customerId, key: row.key, baseKey: row.baseKey, effects, parents });
    if (row.status !== 'posted') continue;
    let totals = out.totals.get(row.customerId);
    if (!totals) out.totals.set(row.customerId, (totals = new Map()));
    addEffects(totals, effects);
  }
  return out;
}
