import { normaliseAccountNumber } from '../../domain/identifiers.js';

/**
 * A bank account number in one comparable form: separators removed (`7694.05.24802`, `7694 05 24802`), and a
 * Norwegian IBAN (`NO42 7694 0524 802`) reduced to its 11-digit account number. Masked numbers stay masked.
 * @publicApi
 */
export function normaliseBankAccount(value: string): string {
  const compact = normaliseAccountNumber(value).replace(/-/g, '').toUpperCase();
  return /^NO\d{13}$/.test(compact) ? compact.slice(4) : compact;
}
