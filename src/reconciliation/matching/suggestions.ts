import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import type { Ore } from '../../domain/money.js';
import type { Payment } from '../../domain/payment.model.js';
import { normaliseClaimGroup } from '../posting/claim-accounts.js';
import type { ReconciliationSnapshot } from '../posting/snapshot.js';
import { compareText } from '../posting/snapshot.js';
import { normaliseBankAccount } from './bank-accounts.js';

// Suggestions for the unplaced part of payments: where Skatteetaten will probably place it. Reported with
// their evidence for a person to look at; never posted (Skatteetaten's own placement is the only ground truth).

/**
 * - `kid`: the payment's KID (`innbetaltFra.kid`) is an open instalment's KID.
 * - `exact-amount`: an open instalment's remaining amount equals the unplaced amount (the oldest due first;
 *   only among instalments paid to the account the payment went to, when there are any).
 * - `oldest-due-in-group`: the oldest due instalments first, within the claim group of the payment's KID
 *   (for what is left after the KID's instalment), else within the claims paid to the account the payment
 *   went to, else across the whole account.
 * @publicApi
 */
export type SuggestionRule = 'kid' | 'exact-amount' | 'oldest-due-in-group';

/** Where an `oldest-due-in-group` suggestion looked. @publicApi */
export type SuggestionScope = 'kid-claim-group' | 'receiving-account' | 'whole-account';

/** @publicApi */
export interface SuggestionEvidence {
  paymentAmount: Ore;
  /** The payment's unplaced amount before this suggestion. */
  unplacedBefore: Ore;
  /** The instalment's remaining amount before this suggestion (after earlier suggestions). */
  remainingBefore: Ore;
  kid?: string;
  dueDate?: IsoDate;
  claimGroup: string;
  claimType: string;
  scope?: SuggestionScope;
  /** The receiving account both the payment and the instalment name (normalised), when that set the scope. */
  receivingAccount?: string;
}

/** A possible placement of (part of) an unplaced payment on an open instalment. @publicApi */
export interface Suggestion {
  paymentId: string;
  instalmentId: string;
  claimId: string;
  /** Positive øre. */
  amount: Ore;
  rule: SuggestionRule;
  evidence: SuggestionEvidence;
}

interface Open {
  claim: Claim;
  inst: Instalment;
  /** What is still free after earlier suggestions. */
  available: Ore;
  group: string;
  account?: string;
}

/** A list in oldest-due order, consumed from the front. */
class Queue {
  private head = 0;
  constructor(readonly items: Open[]) {}
  *open(): Generator<Open> {
    while (this.head < this.items.length && this.items[this.head].available <= 0) this.head++;
    for (let i = this.head; i < this.items.length; i++) if (this.items[i].available > 0) yield this.items[i];
  }
}

/**
 * Suggests placements for every payment in the snapshot with an unplaced amount (in date order), over the open
 * debt instalments (remaining > 0). Each suggestion reduces what later suggestions can use, so together they
 * never suggest more than a payment's unplaced amount or an instalment's remaining amount. Pure.
 * @publicApi
 */
export function suggestPlacements(snapshot: ReconciliationSnapshot): Suggestion[] {
  const open: Open[] = [];
  for (const claim of snapshot.claims) {
    // Normalised only for claims with an open instalment (few of all the claims a run sees).
    let group: string | undefined;
    for (const inst of claim.instalments) {
      if (inst.remainingAmount <= 0) continue;
      group ??= normaliseClaimGroup(claim.claimGroup ?? '');
      const raw = inst.paymentDetails.account?.accountNumber;
      const item: Open = { claim, inst, available: inst.remainingAmount, group };
      if (raw !== undefined) item.account = normaliseBankAccount(raw);
      open.push(item);
    }
  }
  open.sort(
    (a, b) =>
      compareText(a.inst.dueDate ?? '', b.inst.dueDate ?? '') ||
      compareText(a.inst.instalmentId, b.inst.instalmentId),
  );
  const byKid = new Map<string, Open>();
  const byAmount = new Map<Ore, Bucket>();
  const byGroup = new Map<string, Open[]>();
  const byAccount = new Map<string, Open[]>();
  for (const item of open) {
    const kid = item.inst.paymentDetails.kid;
    if (kid !== undefined && !byKid.has(kid)) byKid.set(kid, item);
    const bucket = byAmount.get(item.available);
    if (bucket) bucket.items.push(item);
    else byAmount.set(item.available, { items: [item], head: 0 });
    push(byGroup, item.group, item);
    if (item.account !== undefined) push(byAccount, item.account, item);
  }
  const whole = new Queue(open);
  const groupQueues = queues(byGroup);
  const accountQueues = queues(byAccount);

  const out: Suggestion[] = [];
  for (const payment of snapshot.payments) {
    const unplaced = payment.unplacedAmount ?? 0;
    if (unplaced <= 0) continue;
    const suggest = (
      item: Open,
      amount: Ore,
      unplacedBefore: Ore,
      rule: SuggestionRule,
      extra: Partial<SuggestionEvidence>,
    ) => {
      out.push({
        paymentId: payment.paymentId,
        instalmentId: item.inst.instalmentId,
        claimId: item.claim.claimId,
        amount,
        rule,
        evidence: evidenceFor(payment, item, unplacedBefore, extra),
      });
      item.available -= amount;
    };
    let left = unplaced;
    const kid = payment.paidFrom?.kid;
    const byItsKid = kid === undefined ? undefined : byKid.get(kid);
    if (byItsKid && byItsKid.available > 0) {
      const amount = Math.min(left, byItsKid.available);
      suggest(byItsKid, amount, left, 'kid', { kid: kid! });
      left -= amount;
      if (left > 0)
        fill(groupQueues.get(byItsKid.group)!, left, (item, amount, before) =>
          suggest(item, amount, before, 'oldest-due-in-group', { scope: 'kid-claim-group' }),
        );
      continue;
    }
    const account = payment.receivingAccount?.accountNumber;
    const accountKey = account === undefined ? undefined : normaliseBankAccount(account);
    const scoped = accountKey === undefined ? undefined : accountQueues.get(accountKey);
    // Within the claims paid to the payment's account when any are; else anywhere.
    const exact = exactMatch(byAmount.get(left), scoped ? accountKey : undefined);
    if (exact) {
      suggest(
        exact,
        left,
        left,
        'exact-amount',
        exact.account === accountKey && accountKey !== undefined ? { receivingAccount: accountKey } : {},
      );
      continue;
    }
    const [queue, scope]: [Queue, SuggestionScope] = scoped
      ? [scoped, 'receiving-account']
      : [whole, 'whole-account'];
    fill(queue, left, (item, amount, before) =>
      suggest(
        item,
        amount,
        before,
        'oldest-due-in-group',
        scope === 'receiving-account' ? { scope, receivingAccount: accountKey! } : { scope },
      ),
    );
  }
  return out;
}

function push<K>(map: Map<K, Open[]>, key: K, item: Open): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function queues(map: Map<string, Open[]>): Map<string, Queue> {
  return new Map(Array.from(map, ([k, items]) => [k, new Queue(items)]));
}

/** Fills the queue's oldest open instalments with up to `left`; returns what is left. */
function fill(queue: Queue, left: Ore, take: (item: Open, amount: Ore, before: Ore) => void): Ore {
  for (const item of queue.open()) {
    if (left <= 0) break;
    const amount = Math.min(left, item.available);
    take(item, amount, left);
    left -= amount;
  }
  return left;
}

/**
 * The oldest instalment whose free amount is the bucket's amount, paid to `account` when one is given.
 * Instalments partly taken by earlier suggestions no longer match their original amount and are skipped.
 */
function exactMatch(bucket: Bucket | undefined, account: string | undefined): Open | undefined {
  if (!bucket) return undefined;
  const { items } = bucket;
  while (
    bucket.head < items.length &&
    items[bucket.head].available !== items[bucket.head].inst.remainingAmount
  )
    bucket.head++;
  for (let i = bucket.head; i < items.length; i++) {
    const item = items[i];
    if (item.available !== item.inst.remainingAmount) continue;
    if (account === undefined || item.account === account) return item;
  }
  return undefined;
}

interface Bucket {
  items: Open[];
  head: number;
}

function evidenceFor(
  payment: Payment,
  item: Open,
  unplacedBefore: Ore,
  extra: Partial<SuggestionEvidence>,
): SuggestionEvidence {
  const evidence: SuggestionEvidence = {
    paymentAmount: payment.amount,
    unplacedBefore,
    remainingBefore: item.available,
    claimGroup: item.claim.claimGroup ?? '',
    claimType: item.claim.claimType,
    ...extra,
  };
  if (item.inst.dueDate !== undefined) evidence.dueDate = item.inst.dueDate;
  return evidence;
}
