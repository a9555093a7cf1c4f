import type { Ore } from '../../domain/money.js';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';

/**
 * What an entry does to Skatteetaten's objects, for the assertions: instalments whose remaining amount it moves
 * toward zero and payments whose money it uses up (placed or refunded), each with a positive amount.
 * @publicApi
 */
export interface EntryTouches {
  instalments: { instalmentId: string; amount: Ore }[];
  payments: { paymentId: string; amount: Ore }[];
}

/** Called once per touch {@link visitEntryTouches} finds. @internal */
export type TouchVisitor = (id: string, amount: Ore) => void;

/**
 * Reads the touches of an entry made by the posting rules, from its `source` and lines, so they can be
 * recomputed from stored entries as well as from fresh ones: a placement reduces its instalment and uses its
 * payment (`source.ids` = [payment, instalment]); a set-off reduces both instalments ([debt, credit]); a payout
 * reduces each credit it pays out (`source.ids` = [payout, credits...], their lines right after the bank line)
 * and uses each payment it refunds (the following lines that reference a payment rather than the payout).
 * Payments received, recognitions and reversals touch nothing (a reversal cancels the entry it `reverses`).
 * Calls `onInstalment` and `onPayment` (when given) per touch, in line order, without building lists.
 * @internal
 */
export function visitEntryTouches(
  entry: Pick<JournalEntry, 'source' | 'lines'>,
  onInstalment: TouchVisitor,
  onPayment?: TouchVisitor,
): void {
  const { kind, ids } = entry.source;
  const first = entry.lines[0];
  const amount = first?.debit ?? first?.credit ?? 0;
  switch (kind) {
    case 'placement':
      onInstalment(ids[1], amount);
      onPayment?.(ids[0], amount);
      return;
    case 'set-off':
      onInstalment(ids[0], amount);
      onInstalment(ids[1], amount);
      return;
    case 'payout': {
      const credits = ids.length - 1;
      for (let i = 1; i < ids.length; i++) onInstalment(ids[i], entry.lines[i]?.credit ?? 0);
      if (!onPayment) return;
      for (let i = 1 + credits; i < entry.lines.length; i++) {
        const line = entry.lines[i];
        if (line.reference === undefined || line.reference === ids[0] || line.credit === undefined) continue;
        onPayment(line.reference, line.credit);
      }
      return;
    }
    default:
      return;
  }
}

/** The touches of an entry as lists (see {@link visitEntryTouches} for the rules). @publicApi */
export function entryTouches(entry: Pick<JournalEntry, 'source' | 'lines'>): EntryTouches {
  const touches: EntryTouches = { instalments: [], payments: [] };
  visitEntryTouches(
    entry,
    (instalmentId, amount) => touches.instalments.push({ instalmentId, amount }),
    (paymentId, amount) => touches.payments.push({ paymentId, amount }),
  );
  return touches;
}

/** A visitor that adds each touch to running totals by id. @internal */
export function touchTotals(totals: Map<string, Ore>): TouchVisitor {
  return (id, amount) => totals.set(id, (totals.get(id) ?? 0) + amount);
}
