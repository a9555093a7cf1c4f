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

/**
 * Reads the touches of an entry made by the posting rules, from its `source` and lines, so they can be
 * recomputed from stored entries as well as from fresh ones: a placement reduces its instalment and uses its
 * payment (`source.ids` = [payment, instalment]); a set-off reduces both instalments ([debt, credit]); a payout
 * reduces each credit it pays out (`source.ids` = [payout, credits...], their lines right after the bank line)
 * and uses each payment it refunds (the following lines that reference a payment rather than the payout).
 * Payments received, recognitions and reversals touch nothing (a reversal cancels the entry it `reverses`).
 * @publicApi
 */
export function entryTouches(entry: Pick<JournalEntry, 'source' | 'lines'>): EntryTouches {
  const { kind, ids } = entry.source;
  const first = entry.lines[0];
  const amount = first?.debit ?? first?.credit ?? 0;
  switch (kind) {
    case 'placement':
      return { instalments: [{ instalmentId: ids[1], amount }], payments: [{ paymentId: ids[0], amount }] };
    case 'set-off':
      return {
        instalments: [
          { instalmentId: ids[0], amount },
          { instalmentId: ids[1], amount },
        ],
        payments: [],
      };
    case 'payout': {
      const credits = ids.length - 1;
      const instalments = ids.slice(1).map((instalmentId, i) => ({
        instalmentId,
        amount: entry.lines[i + 1]?.credit ?? 0,
      }));
      const payments: EntryTouches['payments'] = [];
      for (let i = 1 + credits; i < entry.lines.length; i++) {
        const line = entry.lines[i];
        if (line.reference === undefined || line.reference === ids[0] || line.credit === undefined) continue;
        payments.push({ paymentId: line.reference, amount: line.credit });
      }
      return { instalments, payments };
    }
    default:
      return { instalments: [], payments: [] };
  }
}

/**
 * Adds what {@link entryTouches} reports for `entry` to running totals by id, without building its lists (the
 * assertions sum the touches of hundreds of thousands of entries). `payments` may be left out.
 * @internal
 */
export function addEntryTouches(
  entry: Pick<JournalEntry, 'source' | 'lines'>,
  instalments: Map<string, Ore>,
  payments?: Map<string, Ore>,
): void {
  const { kind, ids } = entry.source;
  const first = entry.lines[0];
  const amount = first?.debit ?? first?.credit ?? 0;
  switch (kind) {
    case 'placement':
      add(instalments, ids[1], amount);
      if (payments) add(payments, ids[0], amount);
      return;
    case 'set-off':
      add(instalments, ids[0], amount);
      add(instalments, ids[1], amount);
      return;
    case 'payout': {
      const credits = ids.length - 1;
      for (let i = 1; i < ids.length; i++) add(instalments, ids[i], entry.lines[i]?.credit ?? 0);
      if (!payments) return;
      for (let i = 1 + credits; i < entry.lines.length; i++) {
        const line = entry.lines[i];
        if (line.reference === undefined || line.reference === ids[0] || line.credit === undefined) continue;
        add(payments, line.reference, line.credit);
      }
      return;
    }
    default:
      return;
  }
}

function add(totals: Map<string, Ore>, id: string, amount: Ore): void {
  totals.set(id, (totals.get(id) ?? 0) + amount);
}
