import type { Claim, Instalment } from '../../../domain/claim.model.js';
import { isIsoDate } from '../../../domain/dates.js';
import { isValidKid, isValidOrganisationNumber, isValidPersonNumber } from '../../../domain/identifiers.js';
import type { Payment } from '../../../domain/payment.model.js';
import { dayToIso } from './day.js';
import { computeTotals } from './ledger-queries.js';
import type { PartyBookView } from './party-book.js';

/**
 * Checks that a party's ledger is internally consistent, and returns what is wrong (empty when all holds):
 * - every instalment's remaining amount equals its original moved toward zero by exactly its placed payments,
 *   set-offs and payouts, never past zero; claims sum their instalments;
 * - each placement appears on both sides (instalment and payment; debt and credit for set-offs; credit or
 *   payment and payout), with the same amount and date;
 * - each payment is fully accounted for: placed + paid out + unplaced = paid;
 * - open claims and unplaced payments are exactly those with an amount left; the totals add up (reference §4.2);
 * - ids are unique, KIDs pass MOD10, dates are real and not after today, parties are the organisation or its
 *   owner, interest claims point at an existing principal.
 * @publicApi
 */
export function checkLedgerInvariants(book: PartyBookView, limit = 20): string[] {
  const problems: string[] = [];
  const fail = (message: string): void => {
    if (problems.length < limit) problems.push(message);
  };
  const today = dayToIso(book.today);
  const partyIds = new Set([book.profile.partyId]);
  if (book.profile.ownerPersonId !== undefined) partyIds.add(book.profile.ownerPersonId);
  for (const id of partyIds) {
    if (!isValidOrganisationNumber(id) && !isValidPersonNumber(id))
      fail(`party ${id} is not a valid identifier`);
  }
  const date = (d: string | undefined, what: string): void => {
    if (d === undefined || !isIsoDate(d) || d > today) fail(`${what}: bad date ${String(d)}`);
  };

  const claimIds = new Set<string>();
  const instalments = new Map<string, Instalment>();
  for (const claim of book.claims) {
    if (claimIds.has(claim.claimId)) fail(`duplicate claim ${claim.claimId}`);
    claimIds.add(claim.claimId);
    for (const inst of claim.instalments) {
      if (instalments.has(inst.instalmentId)) fail(`duplicate instalment ${inst.instalmentId}`);
      instalments.set(inst.instalmentId, inst);
    }
  }
  const payments = new Map<string, Payment>();
  for (const p of book.payments) {
    if (payments.has(p.paymentId)) fail(`duplicate payment ${p.paymentId}`);
    payments.set(p.paymentId, p);
  }

  for (const claim of book.claims) checkClaim(claim, fail, date, partyIds, claimIds, instalments, payments);

  for (const p of book.payments) {
    const where = `payment ${p.paymentId}`;
    if (!partyIds.has(p.partyId)) fail(`${where}: party ${p.partyId} is not the ledger's`);
    date(p.paymentDate, where);
    const unplaced = p.unplacedAmount ?? -1;
    if (!safePositive(p.amount) || !Number.isSafeInteger(unplaced) || unplaced < 0)
      fail(`${where}: bad amounts`);
    let placed = 0;
    for (const c of p.placements) {
      placed += c.amount;
      if (!safePositive(c.amount)) fail(`${where}: placement amount ${c.amount}`);
      if (c.placedDate === undefined || c.placedDate < p.paymentDate)
        fail(`${where}: placed before it was paid`);
      date(c.placedDate, where);
      const inst = instalments.get(c.instalmentId);
      const mirror = inst?.placements.filter(
        (x) =>
          x.kind === 'payment' &&
          x.paymentId === p.paymentId &&
          x.amount === c.amount &&
          x.placedDate === c.placedDate,
      );
      if (inst === undefined || mirror === undefined || mirror.length === 0) {
        fail(`${where}: placement on ${c.instalmentId} missing on the instalment`);
      } else if (
        c.instalmentRemainingAmount !== inst.remainingAmount ||
        c.instalmentOriginalAmount !== inst.originalAmount
      ) {
        fail(`${where}: stale instalment amounts for ${c.instalmentId}`);
      }
    }
    const paidOut = p.payouts.reduce((s, u) => s + u.amount, 0);
    if (placed + paidOut + unplaced !== p.amount) {
      fail(`${where}: placed ${placed} + paid out ${paidOut} + unplaced ${unplaced} != ${p.amount}`);
    }
    if (p.paidFrom?.kid !== undefined && !isValidKid(p.paidFrom.kid, 'mod10')) fail(`${where}: bad KID`);
  }

  for (const u of book.payouts) {
    const where = `payout ${u.payoutId}`;
    if (!partyIds.has(u.partyId)) fail(`${where}: party is not the ledger's`);
    date(u.payoutDate, where);
    let sum = 0;
    for (const c of u.credits) {
      sum += c.paidOutAmount;
      const inst = instalments.get(c.instalmentId);
      const mirror = inst?.payouts.find((x) => x.payoutId === u.payoutId && x.amount === c.paidOutAmount);
      if (mirror === undefined || inst === undefined || inst.originalAmount >= 0) {
        fail(`${where}: credit ${c.instalmentId} not paid out on a credit instalment`);
      }
    }
    for (const r of u.refundedPayments) {
      sum += r.paidOutAmount ?? 0;
      const mirror = payments.get(r.paymentId)?.payouts.find((x) => x.payoutId === u.payoutId);
      if (mirror === undefined || mirror.amount !== r.paidOutAmount)
        fail(`${where}: refund of ${r.paymentId} missing`);
    }
    if (sum !== u.amount || !safePositive(u.amount)) fail(`${where}: amount ${u.amount} != parts ${sum}`);
    if (u.status !== 'bekreftet' && u.status !== 'underUtbetaling')
      fail(`${where}: status ${String(u.status)}`);
  }

  const open = book.openClaims();
  const expectedOpen = book.claims.filter((c) => c.remainingAmount !== 0);
  if (open.length !== expectedOpen.length || open.some((c, i) => c !== expectedOpen[i])) {
    fail('open claims are not exactly the claims with a remaining amount');
  }
  const unplaced = book.unplacedPayments();
  const expectedUnplaced = book.payments.filter((p) => (p.unplacedAmount ?? 0) > 0);
  if (unplaced.length !== expectedUnplaced.length || unplaced.some((p, i) => p !== expectedUnplaced[i])) {
    fail('unplaced payments are not exactly the payments with an unplaced amount');
  }
  const { totals, groups } = computeTotals(open, unplaced, today);
  const formula =
    totals.estimatedInterest + totals.overdue + totals.notYetDue + (totals.unplacedPayments ?? 0);
  if (totals.balance !== formula) fail('saldo != renter + forfalte + ikke forfalte + uplasserte');
  const groupSum = groups.reduce((s, g) => s + g.balance, 0);
  if (groupSum + (totals.unplacedPayments ?? 0) !== totals.balance)
    fail('group balances do not add up to saldo');
  for (const g of groups) {
    if (g.balance !== g.estimatedInterest + g.overdue + g.notYetDue) fail(`group ${g.group}: saldo formula`);
  }
  return problems;
}

function checkClaim(
  claim: Claim,
  fail: (m: string) => void,
  date: (d: string | undefined, what: string) => void,
  partyIds: ReadonlySet<string>,
  claimIds: ReadonlySet<string>,
  instalments: ReadonlyMap<string, Instalment>,
  payments: ReadonlyMap<string, Payment>,
): void {
  const where = `claim ${claim.claimId}`;
  if (!partyIds.has(claim.partyId)) fail(`${where}: party is not the ledger's`);
  date(claim.createdDate, where);
  if (claim.principalClaimId !== undefined && !claimIds.has(claim.principalClaimId)) {
    fail(`${where}: principal ${claim.principalClaimId} does not exist`);
  }
  if (claim.claimType === 'Forsinkelsesrente' && claim.principalClaimId === undefined)
    fail(`${where}: no principal`);
  let original = 0;
  let remaining = 0;
  const sign = Math.sign(claim.originalAmount);
  if (sign === 0) fail(`${where}: zero amount`);
  for (const inst of claim.instalments) {
    const at = `${where} instalment ${inst.instalmentId}`;
    original += inst.originalAmount;
    remaining += inst.remainingAmount;
    if (Math.sign(inst.originalAmount) !== sign) fail(`${at}: sign differs from the claim`);
    if (inst.dueDate === undefined || !isIsoDate(inst.dueDate)) fail(`${at}: bad due date`);
    let moved = 0;
    for (const p of inst.placements) {
      moved += p.amount;
      if (!safePositive(p.amount)) fail(`${at}: placement amount ${p.amount}`);
      date(p.placedDate, at);
      if (p.kind === 'payment') {
        if (!payments.has(p.paymentId)) fail(`${at}: unknown payment ${p.paymentId}`);
      } else {
        const counter = instalments.get(p.counterInstalmentId);
        const mirror = counter?.placements.find(
          (x) =>
            x.kind === 'set-off' &&
            x.counterInstalmentId === inst.instalmentId &&
            x.amount === p.amount &&
            x.placedDate === p.placedDate,
        );
        if (counter === undefined || mirror === undefined)
          fail(`${at}: set-off with ${p.counterInstalmentId} one-sided`);
        else if (Math.sign(counter.originalAmount) === sign)
          fail(`${at}: set-off between two debts or two credits`);
      }
    }
    for (const u of inst.payouts) {
      moved += u.amount;
      date(u.placedDate, at);
      if (sign > 0) fail(`${at}: payout on a debt`);
    }
    // The remaining amount is the original moved toward zero by exactly what was placed, set off or paid out.
    if (inst.remainingAmount !== inst.originalAmount - sign * moved) {
      fail(`${at}: remaining ${inst.remainingAmount} != original ${inst.originalAmount} - ${sign * moved}`);
    }
    if (sign * inst.remainingAmount < 0 || sign * inst.remainingAmount > sign * inst.originalAmount) {
      fail(`${at}: remaining ${inst.remainingAmount} crossed zero or grew`);
    }
    if (
      sign > 0 &&
      (inst.paymentDetails.kid === undefined || !isValidKid(inst.paymentDetails.kid, 'mod10'))
    ) {
      fail(`${at}: debt without a valid MOD10 KID`);
    }
  }
  if (original !== claim.originalAmount || remaining !== claim.remainingAmount) {
    fail(`${where}: amounts are not the sum of its instalments`);
  }
  if (
    claim.estimatedInterest !== undefined &&
    (!safePositive(claim.estimatedInterest) || claim.remainingAmount === 0)
  ) {
    fail(`${where}: estimated interest on a settled claim or not positive`);
  }
}

function safePositive(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}
