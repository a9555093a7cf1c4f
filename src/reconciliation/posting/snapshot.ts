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
  // The activity of a copy is only needed when another copy of the same object turns up: computed then, and
  // kept for the copy that stays (most objects come once, and scanning their placements would be wasted).
  const claims = new Map<string, Claim>();
  const claimActivities = new Map<string, string>();
  const addClaim = (claim: Claim) => {
    const key = `${claim.partyId}|${claim.claimId}`;
    const seen = claims.get(key);
    if (!seen) {
      claims.set(key, claim);
      return;
    }
    const seenActivity = claimActivities.get(key) ?? claimActivity(seen);
    const activity = claimActivity(claim);
    if (activity >= seenActivity) {
      claims.set(key, claim);
      claimActivities.set(key, activity);
    } else claimActivities.set(key, seenActivity);
  };
  const payments = new Map<string, Payment>();
  const paymentActivities = new Map<string, string>();
  const addPayment = (payment: Payment) => {
    const key = payment.paymentId;
    const seen = payments.get(key);
    if (!seen) {
      payments.set(key, payment);
      return;
    }
    const seenActivity = paymentActivities.get(key) ?? paymentActivity(seen);
    const activity = paymentActivity(payment);
    if (activity >= seenActivity) {
      payments.set(key, payment);
      paymentActivities.set(key, activity);
    } else paymentActivities.set(key, seenActivity);
  };
  const payouts = new Map<string, Payout>();

  if (sources.openClaims) {
    for (const claim of sources.openClaims.claims) addClaim(claim);
    for (const payment of sources.openClaims.unplacedPayments) addPayment(payment);
  }
  for (const response of sources.claims ?? []) for (const claim of response.claims) addClaim(claim);
  for (const response of sources.payments ?? []) for (const payment of response.payments) addPayment(payment);
  for (const response of sources.payouts ?? [])
    for (const payout of response.payouts) payouts.set(payout.payoutId, payout);

  const snapshot: ReconciliationSnapshot = {
    customer: sources.customer,
    asOf: sources.asOf,
    // The default sort compares strings by UTF-16 code units, like compareText, without a JS callback.
    claims: Array.from(claims.keys())
      .sort()
      .map((key) => claims.get(key)!),
    payments: Array.from(payments.values()).sort(
      (a, b) => compareText(a.paymentDate, b.paymentDate) || compareText(a.paymentId, b.paymentId),
    ),
    payouts: Array.from(payouts.values()).sort(
      (a, b) => compareText(a.payoutDate, b.payoutDate) || compareText(a.payoutId, b.payoutId),
    ),
  };
  if (sources.openClaims) snapshot.openClaims = sources.openClaims;
  return snapshot;
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

/** Lookups over a snapshot, built once per snapshot object. @publicApi */
export interface SnapshotIndex {
  /** By `claimId` (claim ids are unique per party; the first claim wins if two parties share one). */
  claimsById: ReadonlyMap<string, Claim>;
  instalmentsById: ReadonlyMap<string, { claim: Claim; instalment: Instalment }>;
  paymentsById: ReadonlyMap<string, Payment>;
  payoutsById: ReadonlyMap<string, Payout>;
}

const indexes = new WeakMap<ReconciliationSnapshot, SnapshotIndex>();

/** Indexes the snapshot's claims, instalments, payments and payouts by id (cached per snapshot object). @publicApi */
export function indexSnapshot(snapshot: ReconciliationSnapshot): SnapshotIndex {
  const cached = indexes.get(snapshot);
  if (cached) return cached;
  const claimsById = new Map<string, Claim>();
  const instalmentsById = new Map<string, { claim: Claim; instalment: Instalment }>();
  for (const claim of snapshot.claims) {
    if (!claimsById.has(claim.claimId)) claimsById.set(claim.claimId, claim);
    for (const instalment of claim.instalments) {
      if (!instalmentsById.has(instalment.instalmentId))
        instalmentsById.set(instalment.instalmentId, { claim, instalment });
    }
  }
  // Filled in loops: a list of [id, object] pairs first would be as many short-lived arrays as objects.
  const paymentsById = new Map<string, Payment>();
  for (const p of snapshot.payments) paymentsById.set(p.paymentId, p);
  const payoutsById = new Map<string, Payout>();
  for (const p of snapshot.payouts) payoutsById.set(p.payoutId, p);
  const index: SnapshotIndex = { claimsById, instalmentsById, paymentsById, payoutsById };
  indexes.set(snapshot, index);
  return index;
}
