import type { Instalment } from '../../domain/claim.model.js';
import { subtractOre } from '../../domain/money.js';
import type { Ore } from '../../domain/money.js';

/**
 * Checks an instalment against its own arithmetic: the remaining amount should be the original amount minus
 * everything placed on it (payments, set-offs and payouts on a credit), counted in the instalment's direction
 * (toward 0: down for a debt, up for a credit). `discrepancy` = remaining - expected; 0 when the data adds
 * up. Published examples have non-zero discrepancies where a placement does not reduce the remaining amount.
 * @publicApi
 */
export function instalmentArithmetic(instalment: Instalment): { expectedRemaining: Ore; discrepancy: Ore } {
  let placed = 0;
  for (const p of instalment.placements) placed += p.amount;
  for (const p of instalment.payouts) placed += p.amount;
  const original = instalment.originalAmount;
  const direction = original < 0 || (original === 0 && instalment.remainingAmount < 0) ? -1 : 1;
  const expectedRemaining = subtractOre(original, direction * placed);
  return { expectedRemaining, discrepancy: subtractOre(instalment.remainingAmount, expectedRemaining) };
}
