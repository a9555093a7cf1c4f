import type { BankAccount } from '../../../domain/common.model.js';

/**
 * The kinds of claim the sandbox ledger creates. Debts are positive, credits (`*-credit`, `tax-refund`)
 * negative. `interest` and `enforcement-fee` are linked to a principal claim through
 * `hovedstolKravidentifikator`.
 * @publicApi
 */
export type ClaimKind =
  | 'vat'
  | 'vat-credit'
  | 'employer-contribution'
  | 'employer-contribution-credit'
  | 'withholding'
  | 'advance-tax'
  | 'residual-tax'
  | 'tax-refund'
  | 'interest'
  | 'enforcement-fee'
  | 'coercive-fine';

/** Interest and costs are covered before the principal they belong to. */
export type ClaimRole = 'principal' | 'interest' | 'fee';

export interface ClaimKindInfo {
  /** `kravtype`: ledger codes or texts as the examples show them (they differ per back-end ledger). */
  claimType: string;
  /** `kravgruppe` display text; interest takes its principal's group. */
  group: string;
  role: ClaimRole;
  credit: boolean;
  /** `fastsettingsmaate`. */
  assessment: 'egenfastsatt' | 'myndighetsfastsatt' | 'blank';
  /** Skatteetaten account the claim is paid to. */
  account: 'tax' | 'vat';
  /**
   * Rank in the coverage order for payments without a usable KID and for set-offs (skattebetalingsforskriften
   * § 13-6-1, as summarised in accounting.md §1.4): 1 advance and residual tax, 2 withholding, 3 employer's
   * contribution, 4 interest on ranks 1-3, 5 VAT (with its interest and costs), 6 fines and other claims.
   */
  rank: number;
}

export const CLAIM_KINDS: Readonly<Record<ClaimKind, ClaimKindInfo>> = {
  vat: info('Mva-melding', 'Merverdiavgift', 'principal', false, 'egenfastsatt', 'vat', 5),
  'vat-credit': info('Mva-melding', 'Merverdiavgift', 'principal', true, 'egenfastsatt', 'vat', 5),
  'employer-contribution': info(
    'ARBGAVG',
    'Arbeidsgiveravgift',
    'principal',
    false,
    'egenfastsatt',
    'tax',
    3,
  ),
  'employer-contribution-credit': info(
    'AVVIK_ARBGAVG_KREDIT',
    'Arbeidsgiveravgift',
    'principal',
    true,
    'myndighetsfastsatt',
    'tax',
    3,
  ),
  withholding: info('FORSKTREKK', 'Forskuddstrekk', 'principal', false, 'egenfastsatt', 'tax', 2),
  'advance-tax': info('UTSKR_FORSKSKATT', 'Skatt', 'principal', false, 'myndighetsfastsatt', 'tax', 1),
  'residual-tax': info('RESTSKATT', 'Skatt', 'principal', false, 'myndighetsfastsatt', 'tax', 1),
  'tax-refund': info('RESTERENDE_SKT_TILB', 'Skatt', 'principal', true, 'myndighetsfastsatt', 'tax', 1),
  interest: info('Forsinkelsesrente', '', 'interest', false, 'blank', 'tax', 4),
  'enforcement-fee': info('UTLEGGSGEBYR', 'Andre krav', 'fee', false, 'blank', 'tax', 6),
  'coercive-fine': info('TVANGSMULKT', 'Andre krav', 'principal', false, 'myndighetsfastsatt', 'tax', 6),
};

function info(
  claimType: string,
  group: string,
  role: ClaimRole,
  credit: boolean,
  assessment: ClaimKindInfo['assessment'],
  account: ClaimKindInfo['account'],
  rank: number,
): ClaimKindInfo {
  return { claimType, group, role, credit, assessment, account, rank };
}

/** Order of roles inside one coverage rank: costs, then interest, then principal. */
export const ROLE_ORDER: Readonly<Record<ClaimRole, number>> = { fee: 0, interest: 1, principal: 2 };
export const RANK_COUNT = 6;

/**
 * Skatteetaten's accounts as the documentation gives them: one shared account for taxes, withholding,
 * employer's contribution, interest and fees (accounting.md §1.4), and the VAT account seen in the Aug 2023
 * examples (reference §4.4). Shared, read-only objects.
 */
export const SKATTEETATEN_ACCOUNTS: Readonly<Record<'tax' | 'vat', Readonly<BankAccount>>> = {
  tax: Object.freeze({
    ownerName: 'SKATTEETATEN - SKATTEINNKREVING',
    accountNumber: '76940524802',
    iban: 'NO42 7694 0524 802',
    bic: 'DNBANOKKXXX',
  }),
  vat: Object.freeze({
    ownerName: 'Skatteetaten',
    accountNumber: '76940518888',
    iban: 'NO5876940518888',
    bic: 'DNBANOKK',
  }),
};

/** Late-payment interest rate used for interest claims and `stipulerteRenter`, in basis points a year. */
export const LATE_INTEREST_RATE_BP = 1250;
/** Interest below this is not claimed (øre). */
export const MIN_INTEREST_CLAIM_ORE = 10_000;
/** Enforcement fee charged when a principal is still unpaid 60 days after its due date (øre). */
export const ENFORCEMENT_FEE_ORE = 140_500;
export const ENFORCEMENT_AFTER_DAYS = 60;

export const NB_MONTHS = [
  'januar',
  'februar',
  'mars',
  'april',
  'mai',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'desember',
] as const;
