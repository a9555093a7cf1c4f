import type { Instalment, Placement } from '../../domain/claim.model.js';
import { instalmentArithmetic } from './instalment-arithmetic.js';

const payment = (amount: number): Placement => ({
  kind: 'payment',
  paymentId: 'p',
  instalmentId: 'i',
  amount,
});
const setOff = (amount: number): Placement => ({
  kind: 'set-off',
  instalmentId: 'i',
  counterInstalmentId: 'c',
  counterClaimType: 'X',
  amount,
});

function instalment(
  originalAmount: number,
  remainingAmount: number,
  placements: Placement[],
  payouts = 0,
): Instalment {
  return {
    instalmentId: 'i',
    claimId: 'k',
    dueDate: '2023-01-01',
    originalAmount,
    remainingAmount,
    paymentDetails: {},
    placements,
    payouts:
      payouts === 0
        ? []
        : [
            {
              payoutId: 'u',
              instalmentId: 'i',
              payoutAmount: payouts,
              payoutDate: '2023-02-01',
              paidTo: {},
              amount: payouts,
              placedDate: '2023-02-01',
            },
          ],
  };
}

describe('instalmentArithmetic', () => {
  it('subtracts payments and set-offs from a debt', () => {
    expect(instalmentArithmetic(instalment(10000, 2500, [payment(5000), setOff(2500)]))).toEqual({
      expectedRemaining: 2500,
      discrepancy: 0,
    });
  });

  it('counts placements on a credit toward zero, payouts included', () => {
    expect(instalmentArithmetic(instalment(-10000, -1000, [setOff(4000)], 5000))).toEqual({
      expectedRemaining: -1000,
      discrepancy: 0,
    });
  });

  it('reports how far the remaining amount is from what the placements imply', () => {
    // The published 2024 example: 10000.00 with two placements of 1000.00, yet 10000.00 remaining.
    expect(instalmentArithmetic(instalment(1000000, 1000000, [payment(100000), setOff(100000)]))).toEqual({
      expectedRemaining: 800000,
      discrepancy: 200000,
    });
    expect(instalmentArithmetic(instalment(-5000, -4000, [setOff(2000)]))).toEqual({
      expectedRemaining: -3000,
      discrepancy: -1000,
    });
  });

  it('handles an instalment with nothing placed', () => {
    expect(instalmentArithmetic(instalment(0, 0, []))).toEqual({ expectedRemaining: 0, discrepancy: 0 });
    expect(instalmentArithmetic(instalment(700, 700, []))).toEqual({
      expectedRemaining: 700,
      discrepancy: 0,
    });
  });
});
