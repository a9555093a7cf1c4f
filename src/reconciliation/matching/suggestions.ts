import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import type { Ore } from '../../domain/money.js';
import type { Payment } from '../../domain/payment.model.js';
import { normaliseClaimGroup } from '../posting/claim-accounts.js';
import type { ReconciliationSnapshot } from '../posting/snapshot.js';
import { builtIndex, compareText, indexesEveryInstalment, textHash } from '../posting/snapshot.js';
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
  account: string | undefined;
  kid: string | undefined;
  /** The order keys, read once: {@link dateKey} of the due date and the instalment id. */
  dueKey: number;
  id: string;
}

/** A list in oldest-due order, consumed from the front. */
interface Queue {
  readonly items: Open[];
  /** Every item before it is used up. */
  head: number;
}

/**
 * Suggests placements for every payment in the snapshot with an unplaced amount (in date order), over the open
 * debt instalments (remaining > 0). Each suggestion reduces what later suggestions can use, so together they
 * never suggest more than a payment's unplaced amount or an instalment's remaining amount. Pure.
 * @publicApi
 */
export function suggestPlacements(snapshot: ReconciliationSnapshot): Suggestion[] {
  const accounts = new AccountNormaliser();
  const open: Open[] = [];
  const groups = new GroupNormaliser();
  const addOpen = (claim: Claim, inst: Instalment) => {
    const details = inst.paymentDetails;
    const raw = details.account?.accountNumber;
    open.push({
      claim,
      inst,
      available: inst.remainingAmount,
      group: groups.normal(claim.claimGroup ?? ''),
      account: raw === undefined ? undefined : accounts.normal(raw),
      kid: details.kid,
      dueKey: dateKey(inst.dueDate),
      id: inst.instalmentId,
    });
  };
  // The instalments through the snapshot's index when one is built and lists them all (its entries are far
  // fewer objects to visit than every claim and its list), else claim by claim.
  const index = builtIndex(snapshot);
  if (index !== undefined && indexesEveryInstalment(index)) {
    for (const entry of index.instalmentsById.values())
      if (entry.instalment.remainingAmount > 0) addOpen(entry.claim, entry.instalment);
  } else {
    for (const claim of snapshot.claims)
      for (const inst of claim.instalments) if (inst.remainingAmount > 0) addOpen(claim, inst);
  }
  open.sort(byDueDate);
  const byKid = new KidIndex();
  const byAmount = new Map<Ore, Bucket>();
  const byGroup = new Map<string, Queue>();
  const byAccount = new Map<string, Queue>();
  for (const item of open) {
    if (item.kid !== undefined) byKid.add(item.kid, item);
    const bucket = byAmount.get(item.available);
    if (bucket) bucket.items.push(item);
    else byAmount.set(item.available, { items: [item], head: 0 });
    push(byGroup, item.group, item);
    if (item.account !== undefined) push(byAccount, item.account, item);
  }
  const whole: Queue = { items: open, head: 0 };

  const out: Suggestion[] = [];
  for (const payment of snapshot.payments) {
    const unplaced = payment.unplacedAmount ?? 0;
    if (unplaced <= 0) continue;
    let left = unplaced;
    const kid = payment.paidFrom?.kid;
    const byItsKid = kid === undefined ? undefined : byKid.get(kid);
    if (byItsKid && byItsKid.available > 0) {
      const amount = Math.min(left, byItsKid.available);
      out.push(suggestion(payment, byItsKid, amount, left, 'kid', kid, undefined, undefined));
      byItsKid.available -= amount;
      left -= amount;
      if (left > 0) fill(out, payment, byGroup.get(byItsKid.group)!, left, 'kid-claim-group', undefined);
      continue;
    }
    const account = payment.receivingAccount?.accountNumber;
    const accountKey = account === undefined ? undefined : accounts.normal(account);
    const scoped = accountKey === undefined ? undefined : byAccount.get(accountKey);
    // Within the claims paid to the payment's account when any are; else anywhere.
    const exact = exactMatch(byAmount.get(left), scoped ? accountKey : undefined);
    if (exact) {
      const receiving = exact.account === accountKey && accountKey !== undefined ? accountKey : undefined;
      out.push(suggestion(payment, exact, left, left, 'exact-amount', undefined, undefined, receiving));
      exact.available -= left;
      continue;
    }
    if (scoped) fill(out, payment, scoped, left, 'receiving-account', accountKey);
    else fill(out, payment, whole, left, 'whole-account', undefined);
  }
  return out;
}

/** Oldest due first (no due date before any), then by instalment id: code-unit order of the texts. */
function byDueDate(a: Open, b: Open): number {
  const due =
    a.dueKey >= 0 && b.dueKey >= 0
      ? a.dueKey - b.dueKey
      : compareText(a.inst.dueDate ?? '', b.inst.dueDate ?? '');
  return due < 0 ? -1 : due > 0 ? 1 : compareText(a.id, b.id);
}

/**
 * `YYYYMMDD` of a date written `YYYY-MM-DD` (digits and dashes exactly there): among such texts the number
 * orders as the text does. -1 for anything else (compared as text).
 */
function dateKey(date: IsoDate | undefined): number {
  if (date === undefined || date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45)
    return -1;
  let key = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const digit = date.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    key = key * 10 + digit;
  }
  return key;
}

/**
 * The first open instalment of each KID, found through a hash of the KID (a number: filling the map compares
 * numbers, not the texts of earlier KIDs); KIDs are compared only between instalments of one hash.
 */
class KidIndex {
  private readonly byHash = new Map<number, Open | Open[]>();

  add(kid: string, item: Open): void {
    const hash = textHash(kid);
    const seen = this.byHash.get(hash);
    if (seen === undefined) this.byHash.set(hash, item);
    else if (Array.isArray(seen)) {
      for (const other of seen) if (other.kid === kid) return;
      seen.push(item);
    } else if (seen.kid !== kid) this.byHash.set(hash, [seen, item]);
  }

  get(kid: string): Open | undefined {
    const seen = this.byHash.get(textHash(kid));
    if (seen === undefined || !Array.isArray(seen)) return seen?.kid === kid ? seen : undefined;
    for (const other of seen) if (other.kid === kid) return other;
    return undefined;
  }
}

/**
 * Normal forms of claim group names, normalised only for claims with an open instalment (few of all the claims
 * a run sees), each run of equal names once.
 */
class GroupNormaliser {
  private last: string | undefined;
  private lastNormal = '';

  normal(raw: string): string {
    if (raw !== this.last) {
      this.last = raw;
      this.lastNormal = normaliseClaimGroup(raw);
    }
    return this.lastNormal;
  }
}

/** Normal forms of account numbers, each distinct text normalised once (most name the same few accounts). */
class AccountNormaliser {
  private lastRaw: string | undefined;
  private lastNormal = '';
  private readonly seen = new Map<string, string>();

  normal(raw: string): string {
    if (raw === this.lastRaw) return this.lastNormal;
    let normal = this.seen.get(raw);
    if (normal === undefined) this.seen.set(raw, (normal = normaliseBankAccount(raw)));
    this.lastRaw = raw;
    this.lastNormal = normal;
    return normal;
  }
}

function push<K>(map: Map<K, Queue>, key: K, item: Open): void {
  const queue = map.get(key);
  if (queue) queue.items.push(item);
  else map.set(key, { items: [item], head: 0 });
}

/** Fills the queue's oldest open instalments with up to `left` (positive), as `oldest-due-in-group`. */
function fill(
  out: Suggestion[],
  payment: Payment,
  queue: Queue,
  left: Ore,
  scope: SuggestionScope,
  receivingAccount: string | undefined,
): void {
  const items = queue.items;
  while (queue.head < items.length && items[queue.head].available <= 0) queue.head++;
  for (let i = queue.head; i < items.length && left > 0; i++) {
    const item = items[i];
    if (item.available <= 0) continue;
    const amount = Math.min(left, item.available);
    out.push(
      suggestion(payment, item, amount, left, 'oldest-due-in-group', undefined, scope, receivingAccount),
    );
    item.available -= amount;
    left -= amount;
  }
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

/**
 * A suggestion of `amount` (before it is taken from `item`). Its evidence names the rule's facts in a fixed
 * order: the KID (rule `kid`), else the scope, then the receiving account, when they apply.
 */
function suggestion(
  payment: Payment,
  item: Open,
  amount: Ore,
  unplacedBefore: Ore,
  rule: SuggestionRule,
  kid: string | undefined,
  scope: SuggestionScope | undefined,
  receivingAccount: string | undefined,
): Suggestion {
  const evidence: SuggestionEvidence = {
    paymentAmount: payment.amount,
    unplacedBefore,
    remainingBefore: item.available,
    claimGroup: item.claim.claimGroup ?? '',
    claimType: item.claim.claimType,
  };
  if (kid !== undefined) evidence.kid = kid;
  if (scope !== undefined) evidence.scope = scope;
  if (receivingAccount !== undefined) evidence.receivingAccount = receivingAccount;
  if (item.inst.dueDate !== undefined) evidence.dueDate = item.inst.dueDate;
  return {
    paymentId: payment.paymentId,
    instalmentId: item.inst.instalmentId,
    claimId: item.claim.claimId,
    amount,
    rule,
    evidence,
  };
}
