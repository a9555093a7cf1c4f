import type { Ore } from '../domain/money.js';
import {
  instalmentActiveAfter,
  isPaymentHome,
  paymentActiveAfter,
  type WindowPosition,
} from './fact-windows.js';
import { totalSubject } from './posting/entry-effects.js';
import {
  result,
  visitMirrorChecks,
  type AssertionResult,
  type MirrorInput,
  type PostedTotals,
} from './reconciliation-assertions.js';

/**
 * A run's mirror checks (`checkMirror`), made window by window, each window once its entries are posted, keeping
 * only the failures and what a later check needs. Each instalment is checked in its claim's home window, each
 * payment in its own window (and in the last if it is still unplaced), the last check standing. A window books
 * every entry on its claims, but a set-off or payout dated later may be booked by a later window, and a payment's
 * placements by its claims' home windows: an instalment or payment with such a fact dated after its window is
 * checked again at the end, from what the check found then and what has been posted since. With one window these
 * are `checkMirror`'s checks, counted, with its failures in its order; the passing ones need no objects (a run
 * checks hundreds of thousands of instalments).
 * @internal
 */
export class RunChecks {
  checked = 0;
  /** The clearing account's check (the run's last window has the open claims it needs). */
  clearing?: AssertionResult;
  private readonly failures = new Map<string, AssertionResult>();
  /** Checks to make again at the end: by total subject, the check as made and the total it read. */
  private readonly again = new Map<string, Recheck>();

  /** Checks a window against the posted totals, `input.posted`. */
  add(input: MirrorInput, at: WindowPosition): void {
    const { snapshot, customer } = input;
    const totals = (input.posted as PostedTotals).totals;
    const windowed = at.run !== at.window;
    // What may still change after this window: by id, the direction a posted reduction moves the actual figure.
    const later = new Map<string, Sign>();
    for (const claim of snapshot.claims) {
      this.checked += claim.instalments.length;
      if (!windowed) continue;
      for (const inst of claim.instalments) {
        if (instalmentActiveAfter(inst, at)) later.set(inst.instalmentId, inst.originalAmount < 0 ? 1 : -1);
      }
    }
    const laterPayments = new Set<string>();
    for (const p of snapshot.payments) {
      if (p.unplacedAmount === undefined || p.paymentDate < customer.bookingStartDate) continue;
      if (isPaymentHome(p, at)) this.checked++;
      if (windowed && paymentActiveAfter(p, at)) laterPayments.add(p.paymentId);
    }
    visitMirrorChecks(input, (name, subject, expected, actual) => {
      if (name === 'clearing-balance') {
        this.clearing = result(name, subject, expected, actual);
        this.checked++;
        return;
      }
      this.settle(name, subject, expected, actual);
      const instalment = name === 'instalment-remaining';
      const sign = instalment ? later.get(subject) : laterPayments.has(subject) ? -1 : undefined;
      const total = instalment ? totalSubject.instalment(subject) : totalSubject.payment(subject);
      if (sign !== undefined) {
        this.again.set(total, { name, subject, expected, actual, posted: totals.get(total) ?? 0, sign });
      } else this.again.delete(total);
    });
  }

  /** The total subjects of the checks to make again. */
  againSubjects(): string[] {
    return [...this.again.keys()];
  }

  /** Makes those checks again, against the totals after the run's last window. */
  checkAgain(totals: ReadonlyMap<string, number>): void {
    for (const [total, c] of this.again) {
      const actual = c.actual + c.sign * ((totals.get(total) ?? 0) - c.posted);
      this.settle(c.name, c.subject, c.expected, actual);
    }
    this.again.clear();
  }

  /** The failures, in check order, the clearing check's last. */
  results(): { ok: boolean; checked: number; failures: AssertionResult[] } {
    const failures = [...this.failures.values()];
    if (this.clearing && !this.clearing.ok) failures.push(this.clearing);
    return { ok: failures.length === 0, checked: this.checked, failures };
  }

  private settle(name: AssertionResult['name'], subject: string, expected: Ore, actual: Ore): void {
    const key = `${name}|${subject}`;
    if (actual - expected === 0) this.failures.delete(key);
    else this.failures.set(key, result(name, subject, expected, actual));
  }
}

/** +1 when a posted reduction raises the actual figure (a credit instalment), -1 when it lowers it. */
type Sign = 1 | -1;

interface Recheck {
  name: AssertionResult['name'];
  subject: string;
  expected: Ore;
  /** The actual figure the check found, and the subject's posted total it read. */
  actual: Ore;
  posted: number;
  sign: Sign;
}
