import type { Claim } from '../domain/claim.model.js';
import type { Payment } from '../domain/payment.model.js';
import { addDays } from '../domain/dates.js';
import type { Allocation, SetOffAllocation } from './matching/allocations.js';
import type { DesiredEntry } from './posting/posting-rules.js';
import {
  bookedInRun,
  claimFirstActiveDay,
  countsEntry,
  factWindows,
  instalmentActiveAfter,
  isClaimHome,
  isPaymentHome,
  paymentActiveAfter,
  placeAllocation,
  type WindowPosition,
} from './fact-windows.js';

const RUN = { from: '2025-01-01', to: '2025-12-31' };

/** The run's windows of `days` as positions, the last one marked. */
function positions(days: number): WindowPosition[] {
  const windows = factWindows(RUN, days);
  return windows.map((window, i) => ({ window, run: RUN, last: i === windows.length - 1 }));
}

function claim(createdDate: string | undefined, placed: string[] = [], paidOut: string[] = []): Claim {
  return {
    claimId: 'K1',
    ...(createdDate === undefined ? {} : { createdDate }),
    instalments: [
      {
        instalmentId: 'F1',
        placements: placed.map((placedDate) => ({ placedDate })),
        payouts: paidOut.map((placedDate) => ({ placedDate })),
      },
    ],
  } as unknown as Claim;
}

describe('factWindows', () => {
  it('covers the period with consecutive windows of at most the given days, without gap or overlap', () => {
    for (const days of [1, 7, 31, 92, 365, 366]) {
      const windows = factWindows(RUN, days);
      expect(windows[0].from).toBe(RUN.from);
      expect(windows[windows.length - 1].to).toBe(RUN.to);
      for (let i = 1; i < windows.length; i++) expect(windows[i].from).toBe(addDays(windows[i - 1].to, 1));
      for (const w of windows.slice(0, -1)) expect(addDays(w.from, days - 1)).toBe(w.to);
      expect(windows).toHaveLength(Math.ceil(365 / days));
    }
  });

  it('keeps the period whole without a size, and for a one-day period', () => {
    expect(factWindows(RUN, undefined)).toEqual([RUN]);
    expect(factWindows({ from: '2025-03-01', to: '2025-03-01' }, 7)).toEqual([
      { from: '2025-03-01', to: '2025-03-01' },
    ]);
  });
});

describe('home windows', () => {
  it('books a claim in exactly one window: the first with its creation or any activity in the run', () => {
    const claims = [
      claim('2025-02-10'),
      claim('2024-06-01', ['2025-05-03', '2025-03-30']),
      claim('2024-06-01', [], ['2025-11-11']),
      // Active only before the run: only the open claims bring it, in the last window.
      claim('2024-06-01', ['2024-07-01']),
      claim(undefined),
    ];
    expect(claims.map((c) => claimFirstActiveDay(c, RUN))).toEqual([
      '2025-02-10',
      '2025-03-30',
      '2025-11-11',
      undefined,
      undefined,
    ]);
    for (const days of [1, 30, 100]) {
      const at = positions(days);
      for (const c of claims) {
        const homes = at.filter((p) => isClaimHome(c, p));
        expect(homes).toHaveLength(1);
        const first = claimFirstActiveDay(c, RUN);
        if (first === undefined) expect(homes[0].last).toBe(true);
        else expect(first >= homes[0].window.from && first <= homes[0].window.to).toBe(true);
      }
    }
  });

  it('counts a payment in the window of its date, or in the last when it is from before the run', () => {
    const at = positions(30);
    const inRun = { paymentDate: '2025-04-15' } as Payment;
    const before = { paymentDate: '2024-12-31' } as Payment;
    expect(at.filter((p) => isPaymentHome(inRun, p)).map((p) => p.window.from)).toEqual(['2025-04-01']);
    expect(at.filter((p) => isPaymentHome(before, p))).toEqual([at[at.length - 1]]);
  });

  it('treats a run in one window as home to everything', () => {
    const whole: WindowPosition = { window: RUN, run: RUN, last: true };
    expect(isClaimHome(claim('2020-01-01'), whole)).toBe(true);
    expect(isPaymentHome({ paymentDate: '2030-01-01' } as Payment, whole)).toBe(true);
  });
});

describe('placeAllocation', () => {
  const setOff = (date: string, listedOn: 'debt' | 'credit', dateFrom?: 'due-date'): SetOffAllocation => ({
    kind: 'set-off',
    rule: 'skatteetaten-set-off',
    instalmentId: 'F1',
    counterInstalmentId: 'F2',
    amount: 100,
    date,
    evidence: { listedOn, parts: 1, ...(dateFrom === undefined ? {} : { dateFrom }) },
  });

  it('reports an allocation from the side one window reads it from, in the window that lists that side', () => {
    const outside = new Map<string, Allocation>();
    const [first, second] = positions(30);
    expect(placeAllocation(setOff('2025-06-10', 'debt'), first, outside)).toBe('now');
    // The debt's home window lists it too, and reports it from there.
    expect(placeAllocation(setOff('2025-06-10', 'credit'), second, outside)).toBe('never');
    expect(outside.size).toBe(0);
  });

  it('keeps one copy of an allocation dated before the run (or derived), from the debt’s side when both list it', () => {
    const outside = new Map<string, Allocation>();
    const [first, second, third] = positions(30);
    expect(placeAllocation(setOff('2024-11-01', 'credit'), first, outside)).toBe('later');
    expect(placeAllocation(setOff('2024-11-01', 'debt'), second, outside)).toBe('later');
    expect(placeAllocation(setOff('2024-11-01', 'credit'), third, outside)).toBe('later');
    expect(placeAllocation(setOff('2025-02-01', 'credit', 'due-date'), third, outside)).toBe('later');
    expect([...outside.values()].map((a) => [a.date, a.evidence.listedOn])).toEqual([
      ['2024-11-01', 'debt'],
      ['2025-02-01', 'credit'],
    ]);
  });

  it('reports everything in a run of one window', () => {
    const whole: WindowPosition = { window: RUN, run: RUN, last: true };
    expect(placeAllocation(setOff('2025-06-10', 'credit'), whole, new Map())).toBe('now');
  });
});

describe('countsEntry', () => {
  const entry = (fact: DesiredEntry['fact'], id: string): DesiredEntry =>
    ({
      idempotencyKey: `kob:c:${fact}:${id}`,
      fact,
      source: { kind: fact, ids: [id] },
    }) as unknown as DesiredEntry;

  it('counts a payment received in the payment’s home window only, every other entry where it is called for', () => {
    const at = positions(30);
    const last = at[at.length - 1];
    const old = { paymentId: 'P0', paymentDate: '2024-12-20' } as Payment;
    const recent = { paymentId: 'P1', paymentDate: '2025-01-10' } as Payment;
    const byId = new Map([
      ['P0', old],
      ['P1', recent],
    ]);
    // The last window sees both again among the unplaced payments.
    expect(countsEntry(entry('payment-received', 'P1'), last, byId)).toBe(false);
    expect(countsEntry(entry('payment-received', 'P1'), at[0], byId)).toBe(true);
    expect(countsEntry(entry('payment-received', 'P0'), last, byId)).toBe(true);
    expect(countsEntry(entry('placement', 'P1'), last, byId)).toBe(true);
  });
});

describe('what may be booked after a window', () => {
  const [first] = positions(30);
  it('flags an instalment with a set-off or payout dated after the window, not a payment placement', () => {
    const inst = (placements: object[], payouts: object[] = []) => ({ placements, payouts }) as never;
    expect(instalmentActiveAfter(inst([{ kind: 'payment', placedDate: '2025-05-01' }]), first)).toBe(false);
    expect(instalmentActiveAfter(inst([{ kind: 'set-off', placedDate: '2025-05-01' }]), first)).toBe(true);
    expect(instalmentActiveAfter(inst([{ kind: 'set-off', placedDate: '2025-01-05' }]), first)).toBe(false);
    expect(instalmentActiveAfter(inst([], [{ placedDate: '2025-03-01' }]), first)).toBe(true);
  });

  it('flags a payment placed or refunded after the window, or placed without a date', () => {
    const pay = (placements: object[], payouts: object[] = []) =>
      ({ placements, payouts }) as unknown as Payment;
    expect(paymentActiveAfter(pay([{ placedDate: '2025-01-20' }]), first)).toBe(false);
    expect(paymentActiveAfter(pay([{ placedDate: '2025-02-20' }]), first)).toBe(true);
    expect(paymentActiveAfter(pay([{}]), first)).toBe(true);
    expect(paymentActiveAfter(pay([], [{ payoutDate: '2025-04-01' }]), first)).toBe(true);
  });
});

describe('bookedInRun', () => {
  it('is true only for facts Skatteetaten dated within the run', () => {
    const [at] = positions(30);
    expect(bookedInRun({ keys: ['k'], dates: ['2025-03-01'], derived: false }, at)).toBe(true);
    expect(bookedInRun({ keys: ['k'], dates: ['2024-03-01'], derived: false }, at)).toBe(false);
    expect(bookedInRun({ keys: ['k'], dates: ['2025-03-01'], derived: true }, at)).toBe(false);
  });
});
