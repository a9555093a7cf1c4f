import type { Claim, Instalment } from '../../domain/claim.model.js';
import type { IsoDate } from '../../domain/common.model.js';
import { maskPersonNumbersInText } from '../../domain/identifiers.js';
import { sumOre, type Ore } from '../../domain/money.js';
import type { Payment } from '../../domain/payment.model.js';
import type { Payout } from '../../domain/payout.model.js';
import type { AccountMapping, CustomerConfig } from '../../config/module-options.interface.js';
import type { JournalEntry, JournalLine } from '../../journal/journal-adapter.interface.js';
import {
  allocationsFromSnapshot,
  type Allocation,
  type PaymentAllocation,
  type SetOffAllocation,
} from '../matching/allocations.js';
import { assertBalanced } from './balance.js';
import { ClaimAccounts, type ClaimRef } from './claim-accounts.js';
import { entryContentHash } from './content-hash.js';
import { escapeKeySegment, keyPrefix } from './entry-keys.js';
import { compareText, indexSnapshot, type ReconciliationSnapshot, type SnapshotIndex } from './snapshot.js';

/** The customer settings the posting rules read. @publicApi */
export type PostingCustomer = Pick<
  CustomerConfig,
  'id' | 'organisasjonsnummer' | 'bookingStartDate' | 'hostBooksBankLines' | 'ownerPersonId' | 'recognise'
>;

/** The fact an entry books (issue 6, posting model rows 1-5). @publicApi */
export type EntryFact = 'payment-received' | 'placement' | 'set-off' | 'payout' | 'recognition';

/** @publicApi */
export type EntryFlag = 'payout-remainder-to-clearing' | 'date-derived';

/**
 * An entry the snapshot calls for. `idempotencyKey` is the fact's base key (version 1); `planPostings` decides
 * whether it is posted as it is, as a new version, or not at all.
 * @publicApi
 */
export interface DesiredEntry extends JournalEntry {
  fact: EntryFact;
  /**
   * Hash of the canonical date, description and lines (`entryContentHash`). On the entries `entriesForSnapshot`
   * makes it is a getter that hashes when first read (planning reads it only for entries it posts), so it is not
   * an own enumerable property: spreading such an entry or writing it as JSON leaves it out.
   */
  contentHash: string;
  /** The date that decides the scope: payment date for payments and placements, else the entry's date. */
  factDate: IsoDate;
  /** False before the customer's `bookingStartDate`: never posted, but counted by the assertions. */
  inScope: boolean;
  flags: readonly EntryFlag[];
}

/** @publicApi */
export type PostingIssueKind =
  | 'unknown-instalment'
  | 'unknown-credit-type'
  | 'external-set-off'
  | 'no-effect'
  | 'payout-remainder'
  | 'pre-start-refund'
  | 'date-derived';

/** Something the rules could not book as Skatteetaten describes it, or booked with a fallback. @publicApi */
export interface PostingIssue {
  kind: PostingIssueKind;
  message: string;
  /** Skatteetaten ids concerned (never person numbers). */
  ids: string[];
}

/** @publicApi */
export interface PostingRulesResult {
  entries: DesiredEntry[];
  issues: PostingIssue[];
  /**
   * Base keys of facts the snapshot shows but the rules could not book for lack of data (an instalment outside
   * the snapshot; see `issues`). They still exist: pass them to `planPostings` (`options.unbooked`) so an
   * entry posted for them earlier is not reversed.
   */
  unbooked: string[];
}

/**
 * The objects a snapshot fully describes, so that a fact missing from it was undone: every instalment of its
 * claims (each lists all placements and set-offs on it), and every payment whose amount equals its placements
 * plus refunds plus unplaced amount (an API version that leaves `plassertKrav` out does not count, so its
 * silence never reverses anything).
 * @publicApi
 */
export interface SnapshotParents {
  instalments: ReadonlySet<string>;
  payments: ReadonlySet<string>;
}

/** See {@link SnapshotParents}. @publicApi */
export function snapshotParents(snapshot: ReconciliationSnapshot): SnapshotParents {
  const instalments = new Set<string>();
  for (const claim of snapshot.claims) {
    for (const inst of claim.instalments) instalments.add(inst.instalmentId);
  }
  const payments = new Set<string>();
  for (const payment of snapshot.payments) {
    if (paymentIsComplete(payment)) payments.add(payment.paymentId);
  }
  return { instalments, payments };
}

function paymentIsComplete(payment: Payment): boolean {
  if (payment.unplacedAmount === undefined || payment.setOff !== undefined) return false;
  let used = payment.unplacedAmount;
  for (const p of payment.placements) used += p.amount;
  for (const p of payment.payouts) used += p.amount;
  return used === payment.amount;
}

/** @publicApi */
export interface PostingRulesOptions {
  /** `allocationsFromSnapshot(snapshot)`, when already computed. */
  allocations?: readonly Allocation[];
  /** Claims from earlier runs (`claimDirectory`), for principals outside this snapshot. */
  knownClaims?: ReadonlyMap<string, ClaimRef>;
}

/**
 * Turns a snapshot into the entries it calls for (issue 6 posting model): payments received (unless the host
 * books bank lines), placements, set-offs, payouts and recognitions of claims the host does not book itself.
 * Every entry is balanced (checked), keyed by its fact and hashed; entries before the booking start are
 * included with `inScope: false`. Entries come by fact (payments, placements, set-offs, payouts,
 * recognitions), each in snapshot order. Their lines and sources are frozen (stores and journals may keep them
 * without copying). Pure.
 * @publicApi
 */
export function entriesForSnapshot(
  snapshot: ReconciliationSnapshot,
  customer: PostingCustomer,
  accounts: AccountMapping,
  optionsOrAllocations: PostingRulesOptions | readonly Allocation[] = {},
): PostingRulesResult {
  // An allocations array in place of the options is accepted too (the first form of this function).
  const options: PostingRulesOptions = isAllocations(optionsOrAllocations)
    ? { allocations: optionsOrAllocations }
    : optionsOrAllocations;
  const allocations = options.allocations ?? allocationsFromSnapshot(snapshot);
  const index = indexSnapshot(snapshot);
  const ctx: Context = {
    snapshot,
    customer,
    accounts,
    index,
    claimAccounts: new ClaimAccounts({
      accounts,
      organisasjonsnummer: customer.organisasjonsnummer,
      claimsById: index.claimsById,
      ...(options.knownClaims === undefined ? {} : { knownClaims: options.knownClaims }),
      ...(customer.ownerPersonId === undefined ? {} : { ownerPersonId: customer.ownerPersonId }),
    }),
    prefix: keyPrefix(customer.id),
    labels: new Map(),
    entries: [],
    issues: [],
    unbooked: [],
  };
  if (!customer.hostBooksBankLines) for (const payment of snapshot.payments) paymentReceived(ctx, payment);
  const placements: PaymentAllocation[] = [];
  const setOffs: SetOffAllocation[] = [];
  for (const a of allocations) {
    if (a.kind === 'payment') placements.push(a);
    else if (a.kind === 'set-off') setOffs.push(a);
  }
  forEachPair(
    placements,
    (a, b) => a.paymentId === b.paymentId && a.instalmentId === b.instalmentId,
    (group) => placementEntries(ctx, group),
  );
  forEachPair(
    setOffs,
    (a, b) => a.instalmentId === b.instalmentId && a.counterInstalmentId === b.counterInstalmentId,
    (group) => setOffEntries(ctx, group),
  );
  for (const payout of snapshot.payouts) payoutEntry(ctx, payout);
  const mode = customer.recognise ?? 'interest-and-fees';
  if (mode !== 'none') for (const claim of snapshot.claims) recognitionEntry(ctx, claim, mode);
  externalSetOffIssues(ctx);
  return { entries: ctx.entries, issues: ctx.issues, unbooked: ctx.unbooked };
}

function isAllocations(value: PostingRulesOptions | readonly Allocation[]): value is readonly Allocation[] {
  return Array.isArray(value);
}

interface Context {
  snapshot: ReconciliationSnapshot;
  customer: PostingCustomer;
  accounts: AccountMapping;
  index: SnapshotIndex;
  claimAccounts: ClaimAccounts;
  /** `kob:{customer}:` */
  prefix: string;
  /** Claim labels by claim, for this run (see claimLabel). */
  labels: Map<Claim, string>;
  entries: DesiredEntry[];
  issues: PostingIssue[];
  unbooked: string[];
}

interface Draft {
  fact: EntryFact;
  key: string;
  date: IsoDate;
  factDate: IsoDate;
  description: string;
  lines: JournalLine[];
  source: JournalEntry['source'];
  flags?: readonly EntryFlag[];
}

const NONE: readonly never[] = Object.freeze([]);
const DATE_DERIVED: readonly EntryFlag[] = Object.freeze(['date-derived'] as const);

function emit(ctx: Context, draft: Draft): void {
  // Frozen: planPostings then shares the lines and source with the entries it plans instead of copying them.
  for (const l of draft.lines) Object.freeze(l);
  Object.freeze(draft.lines);
  Object.freeze(draft.source.ids);
  Object.freeze(draft.source);
  ctx.entries.push(
    assertBalanced(new PlannedDesiredEntry(draft, draft.factDate >= ctx.customer.bookingStartDate)),
  );
}

/**
 * A {@link DesiredEntry} whose `contentHash` is computed when first read, then kept. Planning reads it only for
 * an entry it posts: on a rerun most desired entries are unchanged (compared field by field with the stored
 * version), and hashing each of them (sha-256 of its canonical text, about 2.5 µs) was a tenth of the rerun.
 * Its lines and source are frozen (see {@link emit}); the rest is set once here.
 */
class PlannedDesiredEntry implements DesiredEntry {
  idempotencyKey: string;
  date: IsoDate;
  description: string;
  lines: JournalLine[];
  source: JournalEntry['source'];
  fact: EntryFact;
  factDate: IsoDate;
  inScope: boolean;
  flags: readonly EntryFlag[];
  #contentHash: string | undefined;

  constructor(draft: Draft, inScope: boolean) {
    this.idempotencyKey = draft.key;
    this.date = draft.date;
    this.description = draft.description;
    this.lines = draft.lines;
    this.source = draft.source;
    this.fact = draft.fact;
    this.factDate = draft.factDate;
    this.inScope = inScope;
    this.flags = draft.flags ?? NONE;
  }

  get contentHash(): string {
    return (this.#contentHash ??= entryContentHash(this));
  }
}

/** The facts an `unknown-instalment` issue left unbooked (see {@link unbookedFactsOf}). */
const unbookedFacts = new WeakMap<PostingIssue, UnbookedFacts>();

/**
 * The facts a posting issue says could not be booked (their other side was not in the snapshot): their base
 * keys, and their dates (`derived` when one was not Skatteetaten's). Undefined for other issues. A run that
 * posts in windows leaves out the issue when another window of it books them.
 * @internal
 */
export interface UnbookedFacts {
  keys: readonly string[];
  dates: readonly IsoDate[];
  derived: boolean;
}

/** See {@link UnbookedFacts}. @internal */
export function unbookedFactsOf(issue: PostingIssue): UnbookedFacts | undefined {
  return unbookedFacts.get(issue);
}

/** Records facts that exist but cannot be booked now, with the reason. */
function unbooked(
  ctx: Context,
  dates: { key: string; item: { date: IsoDate; evidence: Allocation['evidence'] } }[],
  issue: PostingIssue,
): void {
  const keys = dates.map((d) => d.key);
  for (const key of keys) ctx.unbooked.push(key);
  unbookedFacts.set(issue, {
    keys,
    dates: dates.map((d) => d.item.date),
    derived: dates.some((d) => d.item.evidence.dateFrom !== undefined),
  });
  ctx.issues.push(issue);
}

/**
 * Runs of allocations of one pair, in order, each handed to `visit` as soon as it ends (no list of all runs is
 * kept). `allocationsFromSnapshot` lists each pair's allocations together; a pair that recurs later would give
 * two entries one key, which `planPostings` refuses.
 */
function forEachPair<T>(
  items: readonly T[],
  samePair: (a: T, b: T) => boolean,
  visit: (run: T[]) => void,
): void {
  let run: T[] | undefined;
  for (const item of items) {
    if (run && samePair(run[0], item)) run.push(item);
    else {
      if (run) visit(run);
      run = [item];
    }
  }
  if (run) visit(run);
}

/**
 * A pair's allocations by date, each with its key: the bare pair key for the earliest date, the pair key and
 * `:{date}` for later ones (so the first key never changes when a later placement of the pair arrives).
 */
function dated<T extends { date: IsoDate }>(group: T[], pairKey: string): { item: T; key: string }[] {
  if (group.length === 1) return [{ item: group[0], key: pairKey }];
  const sorted = [...group].sort((a, b) => compareText(a.date, b.date));
  return sorted.map((item, i) => ({
    item,
    key: i === 0 ? pairKey : `${pairKey}:${escapeKeySegment(item.date)}`,
  }));
}

/** One journal line; optional parts are only set when present (they are part of the content hash). */
function line(
  account: string,
  side: 'debit' | 'credit',
  amount: Ore,
  reference?: string,
  kid?: string,
  description?: string,
): JournalLine {
  const l: JournalLine = side === 'debit' ? { account, debit: amount } : { account, credit: amount };
  if (description !== undefined) l.description = description;
  if (kid !== undefined) l.kid = kid;
  if (reference !== undefined) l.reference = reference;
  return l;
}

// ----------------------------------------------------------------------------------------------------------
// 1. Payment received: D clearing, C bank.

function paymentReceived(ctx: Context, payment: Payment): void {
  if (payment.amount <= 0) return;
  const kid = payment.paidFrom?.kid;
  const id = payment.paymentId;
  emit(ctx, {
    fact: 'payment-received',
    key: `${ctx.prefix}payment:${escapeKeySegment(id)}`,
    date: payment.paymentDate,
    factDate: payment.paymentDate,
    description: `Innbetaling til Skatteetaten ${payment.paymentDate} (${payment.paymentId})`,
    lines: [
      line(ctx.accounts.taxAccountClearing, 'debit', payment.amount, id, kid),
      line(ctx.accounts.bank, 'credit', payment.amount, id, kid),
    ],
    source: { kind: 'payment', ids: [payment.paymentId] },
  });
}

// ----------------------------------------------------------------------------------------------------------
// 2. Placement: D liability of the instalment's claim, C clearing.

function placementEntries(ctx: Context, group: PaymentAllocation[]): void {
  const { paymentId, instalmentId } = group[0];
  const pairKey = `${ctx.prefix}placement:${escapeKeySegment(paymentId)}:${escapeKeySegment(instalmentId)}`;
  const dates = dated(group, pairKey);
  const target = ctx.index.instalmentsById.get(instalmentId);
  if (!target) {
    unbooked(ctx, dates, {
      kind: 'unknown-instalment',
      message: `Payment ${paymentId} is placed on instalment ${instalmentId}, whose claim is not in the snapshot: not booked`,
      ids: [paymentId, instalmentId],
    });
    return;
  }
  const { claim, instalment } = target;
  const liability = ctx.claimAccounts.liability(claim).account;
  const kid = instalment.paymentDetails.kid;
  // The content uses only what is known whenever the placement is: the instalment, its claim, the allocation.
  // Anything read from the payment would change the hash when the payment falls outside a later window.
  const description =
    `Innbetaling ${paymentId} plassert på ${claimLabel(ctx, claim)}` +
    (instalment.dueDate === undefined ? '' : `, forfall ${instalment.dueDate}`);
  for (const { item, key } of dates) {
    emit(ctx, {
      fact: 'placement',
      key,
      date: item.date,
      factDate: item.paymentDate ?? item.date,
      description,
      lines: [
        line(liability, 'debit', item.amount, instalmentId, kid),
        line(ctx.accounts.taxAccountClearing, 'credit', item.amount, paymentId),
      ],
      source: { kind: 'placement', ids: [paymentId, instalmentId] },
      flags: item.evidence.dateFrom === undefined ? NONE : DATE_DERIVED,
    });
  }
}

// ----------------------------------------------------------------------------------------------------------
// 3. Set-off: D liability of the debt, C liability of the credit.

function setOffEntries(ctx: Context, group: SetOffAllocation[]): void {
  const { instalmentId: debtId, counterInstalmentId: creditId, counterClaimType } = group[0];
  const debt = ctx.index.instalmentsById.get(debtId);
  const credit = ctx.index.instalmentsById.get(creditId);
  // A credit outside the snapshot: as an earlier run saw it, else by the type the debt side names (on the
  // organisation: credits are refunds and returns the business is owed).
  const creditRef: ClaimRef | undefined =
    credit?.claim ??
    ctx.claimAccounts.knownClaimOfInstalment(creditId) ??
    (counterClaimType !== undefined
      ? { partyId: ctx.customer.organisasjonsnummer, claimType: counterClaimType }
      : undefined);
  const pairKey = `${ctx.prefix}setoff:${escapeKeySegment(debtId)}:${escapeKeySegment(creditId)}`;
  const dates = dated(group, pairKey);
  if (!debt || !creditRef) {
    unbooked(ctx, dates, {
      kind: 'unknown-instalment',
      message: `Set-off of ${creditId} against ${debtId}: the ${debt ? 'credit' : 'debt'} is not in the snapshot: not booked`,
      ids: [debtId, creditId],
    });
    return;
  }
  const debtAccount = ctx.claimAccounts.liability(debt.claim).account;
  const creditAccount = ctx.claimAccounts.liability(creditRef).account;
  const debtKid = debt.instalment.paymentDetails.kid;
  // Named by the debt (always in the snapshot when this is booked) and the credit's id, for a stable hash.
  const description = `Motregning av ${creditId} mot ${claimLabel(ctx, debt.claim)}`;
  for (const { item, key } of dates) {
    emit(ctx, {
      fact: 'set-off',
      key,
      date: item.date,
      factDate: item.date,
      description,
      lines: [
        line(debtAccount, 'debit', item.amount, debtId, debtKid),
        line(creditAccount, 'credit', item.amount, creditId),
      ],
      source: { kind: 'set-off', ids: [debtId, creditId] },
      flags: item.evidence.dateFrom === undefined ? NONE : DATE_DERIVED,
    });
  }
}

// ----------------------------------------------------------------------------------------------------------
// 4. Payout: D bank; C liability per credit paid out, C clearing per refunded payment; a remainder to clearing.

function payoutEntry(ctx: Context, payout: Payout): void {
  if (payout.amount <= 0) return;
  // A refund of a payment made before the booking start returns money these books never took in (its payment
  // was not posted, like its placements): it is left out of the entry, bank side included, and reported.
  let preStart = 0;
  for (const refund of payout.refundedPayments) {
    const amount = refund.paidOutAmount ?? 0;
    const paid = refund.paymentDate ?? ctx.index.paymentsById.get(refund.paymentId)?.paymentDate;
    if (amount <= 0 || paid === undefined || paid >= ctx.customer.bookingStartDate) continue;
    preStart += amount;
    ctx.issues.push({
      kind: 'pre-start-refund',
      message: `Payout ${payout.payoutId} refunds payment ${refund.paymentId} from before the booking start: not booked`,
      ids: [payout.payoutId, refund.paymentId],
    });
  }
  const bankAmount = payout.amount - preStart;
  if (bankAmount <= 0) return;
  const lines: JournalLine[] = [line(ctx.accounts.bank, 'debit', bankAmount, payout.payoutId)];
  const paidOut: string[] = [];
  for (const credit of payout.credits) {
    if (credit.paidOutAmount <= 0) continue;
    const known =
      ctx.index.instalmentsById.get(credit.instalmentId)?.claim ??
      ctx.claimAccounts.knownClaimOfInstalment(credit.instalmentId);
    if (!known && credit.claimType === undefined) {
      ctx.issues.push({
        kind: 'unknown-credit-type',
        message: `Payout ${payout.payoutId} pays out ${credit.instalmentId}, whose claim and type are unknown: booked by the default group`,
        ids: [payout.payoutId, credit.instalmentId],
      });
    }
    const claim: ClaimRef = known ?? { partyId: payout.partyId, claimType: credit.claimType ?? '' };
    lines.push(
      line(
        ctx.claimAccounts.liability(claim).account,
        'credit',
        credit.paidOutAmount,
        credit.instalmentId,
        undefined,
        credit.description === undefined ? undefined : mask(credit.description),
      ),
    );
    paidOut.push(credit.instalmentId);
  }
  for (const refund of payout.refundedPayments) {
    const amount = refund.paidOutAmount ?? 0;
    if (amount <= 0) continue;
    const paid = refund.paymentDate ?? ctx.index.paymentsById.get(refund.paymentId)?.paymentDate;
    if (paid !== undefined && paid < ctx.customer.bookingStartDate) continue;
    lines.push(line(ctx.accounts.taxAccountClearing, 'credit', amount, refund.paymentId));
  }
  const remainder = bankAmount - sumOre(lines.slice(1).map((l) => l.credit ?? 0));
  const flags: EntryFlag[] = [];
  if (remainder !== 0) {
    flags.push('payout-remainder-to-clearing');
    lines.push(
      line(
        ctx.accounts.taxAccountClearing,
        remainder > 0 ? 'credit' : 'debit',
        Math.abs(remainder),
        payout.payoutId,
        undefined,
        'Differanse mot grunnlaget for utbetalingen',
      ),
    );
    ctx.issues.push({
      kind: 'payout-remainder',
      message: `Payout ${payout.payoutId}: ${remainder} øre not explained by its credits and refunds, booked to clearing`,
      ids: [payout.payoutId],
    });
  }
  const message = payout.paidTo.message;
  emit(ctx, {
    fact: 'payout',
    key: `${ctx.prefix}payout:${escapeKeySegment(payout.payoutId)}`,
    date: payout.payoutDate,
    factDate: payout.payoutDate,
    description: `Utbetaling fra Skatteetaten ${payout.payoutDate} (${payout.payoutId})${message ? `: ${mask(message)}` : ''}`,
    lines,
    // The credits paid out follow the payout id, in the order of their lines (see entryTouches).
    source: { kind: 'payout', ids: [payout.payoutId, ...paidOut] },
    flags,
  });
}

// ----------------------------------------------------------------------------------------------------------
// 5. Recognition: D contra (expense, income or equity), C liability per instalment; credits the other way.

function recognitionEntry(ctx: Context, claim: Claim, mode: NonNullable<PostingCustomer['recognise']>): void {
  const parts = claim.instalments.filter((i) => i.originalAmount !== 0);
  const signed = parts.length > 0 ? sumOre(parts.map((i) => i.originalAmount)) : claim.originalAmount;
  // Direction for choosing the contra account; instalments of both signs that cancel out use the first one's.
  const direction = signed !== 0 ? signed : (parts[0]?.originalAmount ?? 0);
  const recognition = ctx.claimAccounts.recognition(claim, mode, direction);
  if (!recognition) return;
  if (recognition.sameAccount) {
    ctx.issues.push({
      kind: 'no-effect',
      message: `Claim ${claim.claimId} would be booked against its own account ${recognition.contra}: not booked`,
      ids: [claim.claimId],
    });
    return;
  }
  const lines: JournalLine[] = [];
  const liability = recognition.liability.account;
  if (parts.length > 0) {
    for (const inst of parts) lines.push(liabilityLine(liability, inst));
  } else {
    lines.push(
      line(
        liability,
        claim.originalAmount > 0 ? 'credit' : 'debit',
        Math.abs(claim.originalAmount),
        claim.claimId,
      ),
    );
  }
  if (signed !== 0)
    lines.unshift(line(recognition.contra, signed > 0 ? 'debit' : 'credit', Math.abs(signed), claim.claimId));
  const { date, derived } = recognitionDate(ctx, claim);
  emit(ctx, {
    fact: 'recognition',
    key: `${ctx.prefix}claim:${escapeKeySegment(claim.claimId)}`,
    date,
    factDate: date,
    description: `Krav: ${claimLabel(ctx, claim)}`,
    lines,
    source: { kind: 'claim', ids: [claim.claimId] },
    flags: derived ? DATE_DERIVED : NONE,
  });
}

function liabilityLine(account: string, inst: Instalment): JournalLine {
  const kid = inst.paymentDetails.kid;
  const side = inst.originalAmount > 0 ? 'credit' : 'debit';
  return line(account, side, Math.abs(inst.originalAmount), inst.instalmentId, kid);
}

function recognitionDate(ctx: Context, claim: Claim): { date: IsoDate; derived: boolean } {
  if (claim.createdDate !== undefined) return { date: claim.createdDate, derived: false };
  let first: IsoDate | undefined;
  for (const inst of claim.instalments)
    if (inst.dueDate !== undefined && (first === undefined || inst.dueDate < first)) first = inst.dueDate;
  if (first !== undefined) return { date: first, derived: false };
  ctx.issues.push({
    kind: 'date-derived',
    message: `Claim ${claim.claimId} has neither a creation date nor due dates: dated ${ctx.snapshot.asOf}`,
    ids: [claim.claimId],
  });
  return { date: ctx.snapshot.asOf, derived: true };
}

// ----------------------------------------------------------------------------------------------------------

/** Set-offs against other public creditors move money the posting model does not book: reported. */
function externalSetOffIssues(ctx: Context): void {
  for (const payment of ctx.snapshot.payments) {
    if (payment.setOff) {
      ctx.issues.push({
        kind: 'external-set-off',
        message: `Payment ${payment.paymentId} was set off against another creditor's claim (${payment.setOff.setOffId}): not booked`,
        ids: [payment.paymentId, payment.setOff.setOffId],
      });
    }
  }
  for (const claim of ctx.snapshot.claims) {
    if (claim.setOff) {
      ctx.issues.push({
        kind: 'external-set-off',
        message: `Credit ${claim.claimId} was set off against another creditor's claim (${claim.setOff.setOffId}): not booked`,
        ids: [claim.claimId, claim.setOff.setOffId],
      });
    }
  }
}

/** The claim as people know it: its description, else its type's text and period; person numbers masked. */
function claimLabel(ctx: Context, claim: Claim): string {
  let label = ctx.labels.get(claim);
  if (label === undefined) {
    const described = claim.description?.trim();
    if (described) label = described;
    else {
      const type = ctx.claimAccounts.classify(claim).text ?? claim.claimType;
      const p = claim.period;
      const period =
        p?.description ?? (p?.term !== undefined && p.year !== undefined ? `${p.year}/${p.term}` : p?.year);
      label = period === undefined ? type : `${type} ${period}`;
    }
    label = mask(label);
    ctx.labels.set(claim, label);
  }
  return label;
}

function mask(text: string): string {
  return /\d{6} ?\d{5}/.test(text) ? maskPersonNumbersInText(text) : text;
}
