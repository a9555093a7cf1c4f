import type { PostedEffect } from '../../store/state-store.interface.js';
import type { JournalEntry } from '../../journal/journal-adapter.interface.js';
import { parentIds } from './entry-keys.js';
import { visitEntryTouches } from './entry-touches.js';

/**
 * Subjects of the store's running totals (`StateStore.postedTotals`) the reconciliation keeps: the debit-positive
 * balance of each account, and per instalment and payment the amount its effective entries moved (the touches of
 * `visitEntryTouches`).
 * @publicApi
 */
export const totalSubject = {
  account: (account: string): string => `a:${account}`,
  instalment: (instalmentId: string): string => `i:${instalmentId}`,
  payment: (paymentId: string): string => `p:${paymentId}`,
} as const;

/**
 * What posting `entry` adds to the running totals: each line's debit minus credit on its account, and the
 * entry's touches. A reversal (`reverses` set) takes back the touches of the entry it reverses, `reversed`;
 * its mirrored lines take back the account amounts by themselves. So the totals over all posted entries equal
 * those over the effective ones (posted, not reversed) without reading them.
 * @publicApi
 */
export function entryEffects(
  entry: Pick<JournalEntry, 'lines' | 'source' | 'reverses'>,
  reversed?: Pick<JournalEntry, 'lines' | 'source'>,
): PostedEffect[] {
  // Written for a run's hundreds of thousands of entries: no map per entry (an entry has a few lines) and account
  // subjects built once per account.
  const effects: PostedEffect[] = [];
  const { lines } = entry;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let amount = (line.debit ?? 0) - (line.credit ?? 0);
    let seen = false;
    for (let j = 0; j < i; j++) {
      if (lines[j].account === line.account) seen = true;
    }
    if (seen) continue; // added with the first line on its account
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].account === line.account) amount += (lines[j].debit ?? 0) - (lines[j].credit ?? 0);
    }
    if (amount !== 0) effects.push([accountSubject(line.account), amount] as const);
  }
  const touched = entry.reverses === undefined ? entry : reversed;
  if (touched) {
    const sign = entry.reverses === undefined ? 1 : -1;
    visitEntryTouches(
      touched,
      (id, amount) => {
        if (amount !== 0) effects.push([totalSubject.instalment(id), sign * amount] as const);
      },
      (id, amount) => {
        if (amount !== 0) effects.push([totalSubject.payment(id), sign * amount] as const);
      },
    );
  }
  return effects;
}

/** Account subjects by account: a chart has a few dozen accounts, a run hundreds of thousands of lines. */
const accountSubjects = new Map<string, string>();

function accountSubject(account: string): string {
  let subject = accountSubjects.get(account);
  if (subject === undefined) {
    subject = totalSubject.account(account);
    if (accountSubjects.size < 10_000) accountSubjects.set(account, subject);
  }
  return subject;
}

/**
 * The parents of a fact by its base key (`parentsOfKey`) as subjects, for `NewOutboxEntry.parents`: planning
 * looks up the stored facts of the instalments and complete payments in its snapshot by them.
 * @publicApi
 */
export function entryParents(baseKey: string): string[] {
  const p = parentIds(baseKey);
  if (!p) return [];
  // A placement's key names its payment, then its instalment; a set-off's its two instalments.
  return p.placement
    ? [totalSubject.instalment(p.b), totalSubject.payment(p.a)]
    : [totalSubject.instalment(p.a), totalSubject.instalment(p.b)];
}
