import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import type { Payment } from '../../domain/payment.model.js';
import type { Payout } from '../../domain/payout.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../../domain/responses.model.js';
import type { CustomerRef } from '../../journal/journal-adapter.interface.js';

/**
 * Everything one run knows about a customer's tax account, normalised: each claim, payment and payout once
 * (the newest copy), in a deterministic order. Objects are shared with the responses it was built from.
 * @publicApi
 */
export interface ReconciliationSnapshot {
  customer: CustomerRef;
  /** The run's date. */
  asOf: IsoDate;
  /** Claims ordered by `partyId|claimId`. */
  claims: Claim[];
  /** Payments ordered by date, then id. */
  payments: Payment[];
  /** Payouts ordered by date, then id. */
  payouts: Payout[];
  /** The `aapnekrav` response as fetched (its totals are Skatteetaten's figures for the assertions). */
  openClaims?: OpenClaims;
}

/**
 * The responses of one run, in the order they were fetched (later copies of the same object win ties).
 * @publicApi
 */
export interface SnapshotSources {
  customer: CustomerRef;
  asOf: IsoDate;
  openClaims?: OpenClaims;
  claims?: readonly ClaimsInPeriod[];
  payments?: readonly PaymentsInPeriod[];
  payouts?: readonly PayoutsInPeriod[];
}

/**
 * Builds the snapshot from the four endpoints' responses. A claim (keyed by `partyId|claimId`) or payment seen
 * more than once keeps the copy with the latest activity (creation, placement, set-off or payout date); on a
 * tie the copy fetched later. The open claims and unplaced payments of `aapnekrav` are merged with the windowed
 * lists, so a payment still unplaced from before the windows is included. Pure.
 * @publicApi
 */
export function buildSnapshot(sources: SnapshotSources): ReconciliationSnapshot {
  const snapshot: ReconciliationSnapshot = {
    customer: sources.customer,
    asOf: sources.asOf,
    claims: latestClaims(sources),
    payments: latestPayments(sources),
    payouts: latestPayouts(sources),
  };
  if (sources.openClaims) snapshot.openClaims = sources.openClaims;
  return snapshot;
}

/**
 * The claims of all responses, one copy each, ordered by `partyId|claimId`. A stable sort of every copy by that
 * key puts the copies of one claim next to each other in the order they were fetched, so picking one is a walk
 * over neighbours: no map of keys and no key strings (most copies are already in order, which the sort finds).
 */
function latestClaims(sources: SnapshotSources): Claim[] {
  const all: Claim[] = [];
  if (sources.openClaims) for (const claim of sources.openClaims.claims) all.push(claim);
  for (const response of sources.claims ?? []) for (const claim of response.claims) all.push(claim);
  // Usually every claim is the customer's own: then the claim ids alone give the order of the keys.
  let oneParty = true;
  for (let i = 1; i < all.length && oneParty; i++) oneParty = all[i].partyId === all[0].partyId;
  const compare = oneParty ? compareClaimIds : compareClaimKeys;
  all.sort(compare);
  const out: Claim[] = [];
  for (let i = 0; i < all.length;) {
    let kept = all[i++];
    if (i < all.length && compare(kept, all[i]) === 0) {
      // The activity of a copy is only needed when another copy of the same claim turns up.
      let keptActivity = claimActivity(kept);
      for (; i < all.length && compare(kept, all[i]) === 0; i++) {
        const activity = claimActivity(all[i]);
        if (activity >= keptActivity) {
          kept = all[i];
          keptActivity = activity;
        }
      }
    }
    out.push(kept);
  }
  return out;
}

/** The order of `partyId|claimId` for claims of one party. */
function compareClaimIds(a: Claim, b: Claim): number {
  return compareText(a.claimId, b.claimId);
}

/** Code-unit order of `partyId|claimId` (the claims' key), without building the key. */
function compareClaimKeys(a: Claim, b: Claim): number {
  return compareJoined(a.partyId, a.claimId, b.partyId, b.claimId, PIPE);
}

const PIPE = 0x7c;

/**
 * The payments of all responses, one copy each (by id: copies of one payment may differ in date, so the date
 * order does not bring them together), ordered by date, then id. Copies are found through a hash of the id (a
 * small integer key: filling the map compares numbers, not the texts of earlier ids); ids are compared only
 * between payments of one hash.
 */
function latestPayments(sources: SnapshotSources): Payment[] {
  // One copy per id, in the order the ids were first seen (the order a map by id would list them in).
  const kept: Payment[] = [];
  const slots = new Map<number, number | number[]>();
  // Only the activities of payments seen more than once, computed when the second copy turns up.
  let activities: Map<number, string> | undefined;
  const add = (payment: Payment) => {
    const hash = textHash(payment.paymentId);
    const slot = slots.get(hash);
    let at = -1;
    if (typeof slot === 'number') {
      if (kept[slot].paymentId === payment.paymentId) at = slot;
    } else if (slot !== undefined) {
      for (const i of slot) if (kept[i].paymentId === payment.paymentId) at = i;
    }
    if (at < 0) {
      if (slot === undefined) slots.set(hash, kept.length);
      else if (typeof slot === 'number') slots.set(hash, [slot, kept.length]);
      else slot.push(kept.length);
      kept.push(payment);
      return;
    }
    activities ??= new Map();
    const seenActivity = activities.get(at) ?? paymentActivity(kept[at]);
    const activity = paymentActivity(payment);
    if (activity >= seenActivity) {
      kept[at] = payment;
      activities.set(at, activity);
    } else activities.set(at, seenActivity);
  };
  if (sources.openClaims) for (const payment of sources.openClaims.unplacedPayments) add(payment);
  for (const response of sources.payments ?? []) for (const payment of response.payments) add(payment);
  return kept.sort(comparePayments);
}

function comparePayments(a: Payment, b: Payment): number {
  return compareText(a.paymentDate, b.paymentDate) || compareText(a.paymentId, b.paymentId);
}

function latestPayouts(sources: SnapshotSources): Payout[] {
  const payouts = new Map<string, Payout>();
  for (const response of sources.payouts ?? [])
    for (const payout of response.payouts) payouts.set(payout.payoutId, payout);
  return Array.from(payouts.values()).sort(
    (a, b) => compareText(a.payoutDate, b.payoutDate) || compareText(a.payoutId, b.payoutId),
  );
}

function claimActivity(claim: Claim): string {
  let latest = claim.createdDate ?? '';
  for (const inst of claim.instalments) {
    for (const p of inst.placements)
      if (p.placedDate !== undefined && p.placedDate > latest) latest = p.placedDate;
    for (const p of inst.payouts) if (p.placedDate > latest) latest = p.placedDate;
  }
  return latest;
}

function paymentActivity(payment: Payment): string {
  let latest = payment.paymentDate;
  for (const p of payment.placements)
    if (p.placedDate !== undefined && p.placedDate > latest) latest = p.placedDate;
  for (const p of payment.payouts) if (p.payoutDate > latest) latest = p.payoutDate;
  return latest;
}

/** Plain code-unit order: the same on every machine and locale. @internal */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * {@link compareText} of `a1 + sep + a2` and `b1 + sep + b2` (`sep` one UTF-16 code unit) without building
 * either string: the heads decide unless one is a prefix of the other, then the separator and tails take part.
 * @internal
 */
export function compareJoined(a1: string, a2: string, b1: string, b2: string, sep: number): number {
  // Heads of one length are equal (the tails decide) or differ within both (they decide).
  if (a1.length === b1.length) return compareText(a1, b1) || compareText(a2, b2);
  if (!(a1.length < b1.length ? b1.startsWith(a1) : a1.startsWith(b1))) return compareText(a1, b1);
  const n1 = a1.length + 1 + a2.length;
  const n2 = b1.length + 1 + b2.length;
  for (let i = 0, n = Math.min(n1, n2); i < n; i++) {
    const x = codeAt(a1, a2, sep, i);
    const y = codeAt(b1, b2, sep, i);
    if (x !== y) return x < y ? -1 : 1;
  }
  return n1 < n2 ? -1 : n1 > n2 ? 1 : 0;
}

function codeAt(head: string, tail: string, sep: number, i: number): number {
  return i < head.length
    ? head.charCodeAt(i)
    : i === head.length
      ? sep
      : tail.charCodeAt(i - head.length - 1);
}

/**
 * FNV-1a of the UTF-16 code units, 30 bits: a small integer, a map key that compares without reading texts.
 * Equal texts, equal hashes (not the converse). @internal
 */
export function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/** Lookups over a snapshot, built once per snapshot object. @publicApi */
export interface SnapshotIndex {
  /** By `claimId` (claim ids are unique per party; the first claim wins if two parties share one). */
  claimsById: ReadonlyMap<string, Claim>;
  instalmentsById: ReadonlyMap<string, { claim: Claim; instalment: Instalment }>;
  paymentsById: ReadonlyMap<string, Payment>;
  payoutsById: ReadonlyMap<string, Payout>;
}

const indexes = new WeakMap<ReconciliationSnapshot, SnapshotIndex>();
/** Indexes whose `instalmentsById` holds every instalment of the snapshot's claims, in their order. */
const everyInstalment = new WeakSet<SnapshotIndex>();

/** The snapshot's index when one has been built (without building one). @internal */
export function builtIndex(snapshot: ReconciliationSnapshot): SnapshotIndex | undefined {
  return indexes.get(snapshot);
}

/**
 * True when the index's `instalmentsById` lists every instalment of the snapshot's claims in order (no id
 * repeats), so walking its values is walking the claims' instalments: a sequential walk over the index's own
 * small objects instead of every claim and its list. @internal
 */
export function indexesEveryInstalment(index: SnapshotIndex): boolean {
  return everyInstalment.has(index);
}

/** Indexes the snapshot's claims, instalments, payments and payouts by id (cached per snapshot object). @publicApi */
export function indexSnapshot(snapshot: ReconciliationSnapshot): SnapshotIndex {
  const cached = indexes.get(snapshot);
  if (cached) return cached;
  const claimsById = new Map<string, Claim>();
  const instalmentsById = new Map<string, { claim: Claim; instalment: Instalment }>();
  // The first of equal ids wins. Whether an instalment id repeats is noted for indexesEveryInstalment.
  let instalmentRepeated = false;
  for (const claim of snapshot.claims) {
    if (!claimsById.has(claim.claimId)) claimsById.set(claim.claimId, claim);
    for (const instalment of claim.instalments) {
      if (!instalmentsById.has(instalment.instalmentId))
        instalmentsById.set(instalment.instalmentId, { claim, instalment });
      else instalmentRepeated = true;
    }
  }
  // Filled in loops: a list of [id, object] pairs first would be as many short-lived arrays as objects.
  const paymentsById = new Map<string, Payment>();
  for (const p of snapshot.payments) paymentsById.set(p.paymentId, p);
  const payoutsById = new Map<string, Payout>();
  for (const p of snapshot.payouts) payoutsById.set(p.payoutId, p);
  const index: SnapshotIndex = { claimsById, instalmentsById, paymentsById, payoutsById };
  indexes.set(snapshot, index);
  if (!instalmentRepeated) everyInstalment.add(index);
  return index;
}
