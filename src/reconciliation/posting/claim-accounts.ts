import type { Claim } from '../../domain/claim.model.js';
import type { AccountMapping, RecognitionMode } from '../../config/module-options.interface.js';
import { classifyClaim, type ClaimNature, type ClaimTypeInfo } from './claim-nature.js';

/** The customer facts account resolution needs. @publicApi */
export interface ClaimAccountContext {
  /** The complete mapping: defaults, module-wide and customer overrides merged (`mergeAccounts`). */
  accounts: AccountMapping;
  organisasjonsnummer: string;
  /** The sole trader's own person number, whose claims are private (equity). */
  ownerPersonId?: string;
  /** Claims by `claimId`, so interest and fees can follow their principal (`principalClaimId`). */
  claimsById?: ReadonlyMap<string, ClaimRef>;
  /**
   * Claims seen in earlier runs (see `claimDirectory`), consulted when a principal is not in `claimsById`: a
   * principal that fell out of the fetch window then still decides its interest's account, so the entries'
   * content (and hash) does not change from run to run.
   */
  knownClaims?: ReadonlyMap<string, ClaimRef>;
}

/**
 * The parts of a claim account resolution looks at; a payout's credit gives only its type. Entries of a
 * `claimDirectory` also list the claim's instalment ids.
 * @publicApi
 */
export type ClaimRef = Pick<Claim, 'partyId' | 'claimType'> &
  Partial<Pick<Claim, 'claimId' | 'claimGroup' | 'description' | 'principalClaimId'>> & {
    instalmentIds?: readonly string[];
  };

/**
 * Which rule chose a liability account, in the order they are tried:
 * `by-claim-type` (`accounts.byClaimType`), `principal` (interest or a fee on a known principal takes the
 * principal's account), `sole-trader` (a claim on the owner's person number: `soleTraderPersonalTax`),
 * `by-claim-group` (`accounts.byClaimGroup`), `group` (the built-in account of the claim group).
 * @publicApi
 */
export type LiabilityRule = 'by-claim-type' | 'principal' | 'sole-trader' | 'by-claim-group' | 'group';

/** @publicApi */
export interface ResolvedLiability {
  account: string;
  rule: LiabilityRule;
  /** The claim group used (normalised to the API's display text where known), `''` when unknown. */
  group: string;
}

/** A claim the module books itself: debit `contra` and credit `liability` (the other way for credits). @publicApi */
export interface Recognition {
  contra: string;
  liability: ResolvedLiability;
  nature: ClaimNature;
  /** True when contra and liability are the same account (a sole trader's private claims): nothing to book. */
  sameAccount: boolean;
}

type GroupKey = 'merverdiavgift' | 'arbeidsgiveravgift' | 'forskuddstrekk' | 'skatt' | 'other';

const LIABILITY_ROLE: Record<GroupKey, keyof AccountMapping> = {
  merverdiavgift: 'vatPayable',
  arbeidsgiveravgift: 'employerContributionPayable',
  forskuddstrekk: 'withholdingPayable',
  skatt: 'taxPayable',
  other: 'otherPublicDuties',
};

const CONTRA_ROLE: Record<GroupKey, keyof AccountMapping> = {
  merverdiavgift: 'vatRecognitionContra',
  arbeidsgiveravgift: 'employerContributionExpense',
  forskuddstrekk: 'withholdingRecognitionContra',
  skatt: 'taxExpense',
  other: 'otherPublicDutiesExpense',
};

/**
 * Normalises a claim-group text for comparison: case, surrounding and repeated spaces, and a plural `-er`
 * (`Særavgifter` = `Særavgift`, `SKATTER` = `Skatt`).
 * @publicApi
 */
export function normaliseClaimGroup(group: string): string {
  const g = group.trim().toLowerCase().replace(/\s+/g, ' ');
  return g.length > 4 && g.endsWith('er') ? g.slice(0, -2) : g;
}

function groupKey(normalised: string): GroupKey {
  switch (normalised) {
    case 'merverdiavgift':
    case 'arbeidsgiveravgift':
    case 'forskuddstrekk':
    case 'skatt':
      return normalised;
    default:
      return 'other';
  }
}

/**
 * Resolves ledger accounts for claims, with per-claim caches (one instance per customer and run). Pure apart
 * from the caches: the same context gives the same answers.
 * @publicApi
 */
export class ClaimAccounts {
  private readonly byType: ReadonlyMap<string, string>;
  private readonly byTypeFolded: ReadonlyMap<string, string>;
  private readonly byGroup: ReadonlyMap<string, string>;
  // Maps, not WeakMaps: an instance lives for one run, and a weak map of 10^5 claims costs the GC far more.
  private readonly liabilityCache = new Map<ClaimRef, ResolvedLiability>();
  private readonly natureCache = new Map<ClaimRef, ClaimTypeInfo>();
  private knownByInstalment: Map<string, ClaimRef> | undefined;

  constructor(private readonly context: ClaimAccountContext) {
    const { byClaimType = {}, byClaimGroup = {} } = context.accounts;
    this.byType = new Map(Object.entries(byClaimType));
    this.byTypeFolded = new Map(Object.entries(byClaimType).map(([k, v]) => [k.trim().toLowerCase(), v]));
    this.byGroup = new Map(Object.entries(byClaimGroup).map(([k, v]) => [normaliseClaimGroup(k), v]));
  }

  /** A claim of `knownClaims` by one of its instalment ids. */
  knownClaimOfInstalment(instalmentId: string): ClaimRef | undefined {
    if (!this.knownByInstalment) {
      this.knownByInstalment = new Map();
      for (const ref of this.context.knownClaims?.values() ?? [])
        for (const id of ref.instalmentIds ?? []) this.knownByInstalment.set(id, ref);
    }
    return this.knownByInstalment.get(instalmentId);
  }

  /** The claim's type information (group and nature), cached per claim object. */
  classify(claim: ClaimRef): ClaimTypeInfo {
    let info = this.natureCache.get(claim);
    if (!info) {
      info = classifyClaim({ claimType: claim.claimType, ...optional(claim) });
      this.natureCache.set(claim, info);
    }
    return info;
  }

  /** The claim's group: the API's `kravgruppe` when sent, else the group of its known type, else `''`. */
  groupOf(claim: ClaimRef): string {
    const own = claim.claimGroup?.trim();
    if (own) return own;
    return this.classify(claim).group ?? '';
  }

  /** True for a claim on the sole trader's own person number (or any 11-digit party that is not the org). */
  isPrivate(partyId: string): boolean {
    if (partyId === this.context.organisasjonsnummer) return false;
    if (this.context.ownerPersonId !== undefined && partyId === this.context.ownerPersonId) return true;
    return /^\d{11}$/.test(partyId);
  }

  /** The liability account of a claim (see {@link LiabilityRule} for the order of the rules). */
  liability(claim: ClaimRef): ResolvedLiability {
    let resolved = this.liabilityCache.get(claim);
    if (!resolved) {
      resolved = this.resolveLiability(claim, 0);
      this.liabilityCache.set(claim, resolved);
    }
    return resolved;
  }

  private resolveLiability(claim: ClaimRef, depth: number): ResolvedLiability {
    const group = this.groupOf(claim);
    const typed =
      this.byType.get(claim.claimType) ?? this.byTypeFolded.get(claim.claimType.trim().toLowerCase());
    if (typed !== undefined) return { account: typed, rule: 'by-claim-type', group };
    const principal = this.principalOf(claim);
    if (principal && depth < 4) {
      const resolved = this.resolveLiability(principal, depth + 1);
      return { account: resolved.account, rule: 'principal', group: resolved.group };
    }
    const { accounts } = this.context;
    if (this.isPrivate(claim.partyId)) {
      return { account: accounts.soleTraderPersonalTax, rule: 'sole-trader', group };
    }
    const normalised = normaliseClaimGroup(group);
    const grouped = this.byGroup.get(normalised);
    if (grouped !== undefined) return { account: grouped, rule: 'by-claim-group', group };
    return { account: accounts[LIABILITY_ROLE[groupKey(normalised)]] as string, rule: 'group', group };
  }

  /** The principal of an interest, fee or fine claim, when it is in the snapshot. */
  private principalOf(claim: ClaimRef): ClaimRef | undefined {
    const id = claim.principalClaimId;
    if (id === undefined || id === claim.claimId) return undefined;
    if (this.classify(claim).nature === 'principal') return undefined;
    return this.context.claimsById?.get(id) ?? this.context.knownClaims?.get(id);
  }

  /**
   * Whether and how the module books the claim itself, for a recognition mode. `signedAmount` is the claim's
   * amount (debt > 0, credit < 0): debts debit the contra account, credits credit it. Interest credits go to
   * refund-interest income; a sole trader's private claims always use `soleTraderPersonalTax` as contra.
   * `undefined` when the mode does not recognise the claim or the amount is 0.
   */
  recognition(claim: ClaimRef, mode: RecognitionMode, signedAmount: number): Recognition | undefined {
    if (mode === 'none' || signedAmount === 0) return undefined;
    const { nature } = this.classify(claim);
    if (nature === 'principal' && mode !== 'all') return undefined;
    const liability = this.liability(claim);
    const { accounts } = this.context;
    let contra: string;
    if (this.isPrivate(claim.partyId)) contra = accounts.soleTraderPersonalTax;
    else if (nature === 'principal')
      contra = accounts[CONTRA_ROLE[groupKey(normaliseClaimGroup(liability.group))]] as string;
    else if (nature === 'fee' || nature === 'fine') contra = accounts.feeExpense;
    else if (signedAmount < 0) contra = accounts.refundInterestIncome;
    else if (nature === 'interest-non-deductible') contra = accounts.nonDeductibleInterestExpense;
    else contra = accounts.lateInterestExpense;
    return { contra, liability, nature, sameAccount: contra === liability.account };
  }
}

function optional(claim: ClaimRef): Partial<Pick<Claim, 'description' | 'principalClaimId'>> {
  const out: Partial<Pick<Claim, 'description' | 'principalClaimId'>> = {};
  if (claim.description !== undefined) out.description = claim.description;
  if (claim.principalClaimId !== undefined) out.principalClaimId = claim.principalClaimId;
  return out;
}

/**
 * What the account rules need to know of each claim in a snapshot, by `claimId` (type, group, principal and
 * instalment ids; no amounts, no texts). Keep it across runs and pass it back as `knownClaims`, so interest and
 * fees keep following a principal that is no longer fetched, and set-offs and payouts of a credit outside the
 * window keep its account: the entries' content, and so their hashes, stay the same from run to run.
 * @publicApi
 */
export function claimDirectory(claims: Iterable<Claim>): Map<string, ClaimRef> {
  const out = new Map<string, ClaimRef>();
  for (const c of claims) {
    const ref: ClaimRef = { partyId: c.partyId, claimId: c.claimId, claimType: c.claimType };
    if (c.claimGroup !== undefined) ref.claimGroup = c.claimGroup;
    if (c.principalClaimId !== undefined) ref.principalClaimId = c.principalClaimId;
    ref.instalmentIds = c.instalments.map((i) => i.instalmentId);
    out.set(c.claimId, ref);
  }
  return out;
}
