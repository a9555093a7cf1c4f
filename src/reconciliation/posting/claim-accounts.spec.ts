import type { Claim } from '../../domain/claim.model.js';
import { loadDefaultAccounts, mergeAccounts } from '../../config/account-mapping.js';
import { validateCustomerConfig } from '../../config/customer-config.validator.js';
import { ClaimAccounts, claimDirectory, normaliseClaimGroup, type ClaimRef } from './claim-accounts.js';
import { classifyClaim, lookupClaimType, natureFromText } from './claim-nature.js';

const ORG = '313367002';
const OWNER = '04827896468';
const defaults = loadDefaultAccounts();

function claim(claimType: string, claimGroup?: string, extra: Partial<Claim> = {}): Claim {
  return {
    partyId: ORG,
    claimId: `K-${claimType}-${claimGroup ?? ''}`,
    claimType,
    ...(claimGroup === undefined ? {} : { claimGroup }),
    originalAmount: 100,
    remainingAmount: 100,
    instalments: [],
    ...extra,
  };
}

function resolver(overrides = {}, claims: Claim[] = [], ownerPersonId?: string): ClaimAccounts {
  return new ClaimAccounts({
    accounts: mergeAccounts(defaults, overrides),
    organisasjonsnummer: ORG,
    claimsById: new Map(claims.map((c) => [c.claimId, c])),
    ...(ownerPersonId === undefined ? {} : { ownerPersonId }),
  });
}

describe('claim types', () => {
  it('knows the ledger codes the API sends, case-insensitively', () => {
    expect(lookupClaimType('RESTSKATT')).toMatchObject({
      group: 'Skatt',
      nature: 'principal',
      source: 'ledger-code',
    });
    expect(lookupClaimType('mva-melding')).toMatchObject({ group: 'Merverdiavgift', source: 'ledger-code' });
    expect(lookupClaimType('SJOK40')).toMatchObject({ group: 'Særavgift' });
    expect(lookupClaimType('Forsinkelsesrente')).toMatchObject({ nature: 'interest', source: 'ledger-code' });
    expect(lookupClaimType('UTLEGGSGEBYR')).toMatchObject({ nature: 'fee', group: 'Andre krav' });
    expect(lookupClaimType('TVANGSMULKT')).toMatchObject({ nature: 'fine' });
  });

  it("knows the 446 codes of Skatteetaten's kravtype list by technical name, with or without æøå", () => {
    expect(lookupClaimType('arbeidsgiveravgift')).toMatchObject({
      group: 'Arbeidsgiveravgift',
      source: 'code-list',
    });
    expect(lookupClaimType('administrativSanksjonLønnsstøtte')).toMatchObject({ group: 'Særavgift' });
    expect(lookupClaimType('administrativSanksjonLoennsstoette')).toMatchObject({ group: 'Særavgift' });
    expect(lookupClaimType('forsinkelsesrente111')).toMatchObject({ nature: 'interest', group: 'Særavgift' });
    expect(lookupClaimType('avsavnsrenter112')).toMatchObject({ nature: 'interest-non-deductible' });
    expect(lookupClaimType('tvangsmulktMva')).toMatchObject({ nature: 'fine', group: 'Merverdiavgift' });
    expect(lookupClaimType('kildeskattRenter')).toMatchObject({ nature: 'principal' });
    expect(lookupClaimType('BORTSKRV_DEBET')).toBeUndefined();
  });

  it('reads the nature of unknown types from their text, then from the head of the description', () => {
    expect(natureFromText('Tilleggsrente')).toBe('interest-non-deductible');
    expect(natureFromText('Renter etter § 11-5')).toBe('interest-non-deductible');
    expect(natureFromText('Renter ved restskatt')).toBe('interest-non-deductible');
    expect(natureFromText('Gebyr for sen levering')).toBe('fee');
    expect(natureFromText('Dagmulkt')).toBe('fine');
    expect(natureFromText('Kildeskatt på renter')).toBeUndefined();
    expect(natureFromText('Merverdiavgift')).toBeUndefined();
    expect(classifyClaim({ claimType: 'X1', description: 'Forsinkelsesrente - Restskatt 2025' })).toEqual({
      nature: 'interest',
      source: 'text',
    });
    expect(classifyClaim({ claimType: 'X1', description: 'Merverdiavgift - Forsinkelsesrente' }).nature).toBe(
      'principal',
    );
    expect(classifyClaim({ claimType: 'X1', principalClaimId: 'K' })).toEqual({
      nature: 'interest',
      source: 'derived',
    });
  });
});

describe('ClaimAccounts.liability', () => {
  it.each([
    ['Mva-melding', 'Merverdiavgift', '2740'],
    ['ARBGAVG', 'Arbeidsgiveravgift', '2770'],
    ['FORSKTREKK', 'Forskuddstrekk', '2600'],
    ['RESTSKATT', 'Skatt', '2500'],
    ['SJOK40', 'Særavgift', '2790'],
    ['X', 'Øvrige offentlige krav', '2790'],
    ['X', undefined, '2790'],
    // Without kravgruppe, the type's group from the ledger table or the code list.
    ['UTSKR_FORSKSKATT', undefined, '2500'],
    ['forskuddstrekk', undefined, '2600'],
    ['tvangsmulktMva', undefined, '2740'],
  ])('%s in %s goes to %s', (type, group, account) => {
    expect(resolver().liability(claim(type, group))).toMatchObject({ account, rule: 'group' });
  });

  it('tries overrides by claim type (exact, then case-insensitive) before overrides by group (case and plural)', () => {
    const r = resolver({
      byClaimType: { RESTSKATT: '2510', 'mva-MELDING': '2741' },
      byClaimGroup: { SKATTER: '2599', ' merverdiavgift ': '2749', Særavgifter: '2795' },
    });
    expect(r.liability(claim('RESTSKATT', 'Skatt'))).toMatchObject({
      account: '2510',
      rule: 'by-claim-type',
    });
    expect(r.liability(claim('Mva-melding', 'Merverdiavgift'))).toMatchObject({ account: '2741' });
    expect(r.liability(claim('UTSKR_FORSKSKATT', 'Skatt'))).toMatchObject({
      account: '2599',
      rule: 'by-claim-group',
    });
    expect(r.liability(claim('X', 'Merverdiavgift'))).toMatchObject({ account: '2749' });
    expect(r.liability(claim('SJOK40', 'Særavgift'))).toMatchObject({ account: '2795' });
    expect(normaliseClaimGroup('  Særavgifter ')).toBe('særavgift');
  });

  it("books interest and fees on their principal's account when the principal is known", () => {
    const principal = claim('RESTSKATT', 'Skatt', { claimId: 'P' });
    const interest = claim('Forsinkelsesrente', '', { claimId: 'R', principalClaimId: 'P' });
    const r = resolver({ byClaimType: { RESTSKATT: '2510' } }, [principal]);
    expect(r.liability(interest)).toMatchObject({ account: '2510', rule: 'principal', group: 'Skatt' });
    // Unknown principal: the interest claim's own group ("Andre krav" for this type).
    expect(resolver().liability(interest)).toMatchObject({ account: '2790', rule: 'group' });
    // A principal seen in an earlier run (claimDirectory) still counts.
    const known = new ClaimAccounts({
      accounts: mergeAccounts(defaults, { byClaimType: { RESTSKATT: '2510' } }),
      organisasjonsnummer: ORG,
      knownClaims: claimDirectory([principal]),
    });
    expect(known.liability(interest)).toMatchObject({ account: '2510', rule: 'principal' });
    // A principal-type claim never follows a principal link.
    const odd = claim('RESTSKATT', 'Skatt', { principalClaimId: 'X' });
    expect(
      resolver({}, [claim('Mva-melding', 'Merverdiavgift', { claimId: 'X' })]).liability(odd).account,
    ).toBe('2500');
  });

  it("sends the owner's claims to equity: by ownerPersonId, or any 11-digit party other than the org", () => {
    const personal = claim('RESTSKATT', 'Skatt', { partyId: OWNER });
    expect(resolver({}, [], OWNER).liability(personal)).toMatchObject({
      account: '2070',
      rule: 'sole-trader',
    });
    expect(resolver().liability(personal)).toMatchObject({ account: '2070' });
    expect(resolver().liability(claim('RESTSKATT', 'Skatt'))).toMatchObject({ account: '2500' });
    expect(resolver({ soleTraderPersonalTax: '2072' }).liability(personal).account).toBe('2072');
    const ref: ClaimRef = { partyId: OWNER, claimType: 'UTSKR_FORSKSKATT' };
    expect(resolver().liability(ref).account).toBe('2070');
  });
});

describe('claimDirectory', () => {
  it('keeps what the rules need of each claim, and finds a known claim by its instalment', () => {
    const c = claim('Mva-melding', 'Merverdiavgift', {
      claimId: 'V',
      principalClaimId: 'P',
      description: 'not kept',
      instalments: [
        {
          instalmentId: 'V-1',
          claimId: 'V',
          originalAmount: 1,
          remainingAmount: 1,
          paymentDetails: {},
          placements: [],
          payouts: [],
        },
      ],
    });
    const directory = claimDirectory([c]);
    expect(directory.get('V')).toEqual({
      partyId: ORG,
      claimId: 'V',
      claimType: 'Mva-melding',
      claimGroup: 'Merverdiavgift',
      principalClaimId: 'P',
      instalmentIds: ['V-1'],
    });
    const r = new ClaimAccounts({ accounts: defaults, organisasjonsnummer: ORG, knownClaims: directory });
    expect(r.knownClaimOfInstalment('V-1')).toBe(directory.get('V'));
    expect(r.knownClaimOfInstalment('nope')).toBeUndefined();
  });
});

describe('ClaimAccounts.recognition', () => {
  const r = resolver();
  it.each([
    ['Forsinkelsesrente', 'Merverdiavgift', 100, 'interest-and-fees', '8159', '2740'],
    ['Forsinkelsesrente', 'Merverdiavgift', -100, 'interest-and-fees', '8040', '2740'],
    ['avsavnsrenter112', 'Særavgift', 100, 'interest-and-fees', '8140', '2790'],
    ['UTLEGGSGEBYR', 'Andre krav', 100, 'interest-and-fees', '7799', '2790'],
    ['TVANGSMULKT', 'Andre krav', 100, 'interest-and-fees', '7799', '2790'],
    ['Mva-melding', 'Merverdiavgift', 100, 'all', '2700', '2740'],
    ['ARBGAVG', 'Arbeidsgiveravgift', 100, 'all', '5400', '2770'],
    ['FORSKTREKK', 'Forskuddstrekk', 100, 'all', '5000', '2600'],
    ['RESTSKATT', 'Skatt', 100, 'all', '8300', '2500'],
    ['SJOK40', 'Særavgift', 100, 'all', '7799', '2790'],
  ] as const)(
    '%s (%s, %i) with %s: contra %s, liability %s',
    (type, group, amount, mode, contra, liability) => {
      const rec = r.recognition(claim(type, group), mode, amount);
      expect(rec).toMatchObject({ contra, liability: { account: liability }, sameAccount: false });
    },
  );

  it('recognises no principal unless the mode is all, nothing with none, and never a zero amount', () => {
    expect(r.recognition(claim('Mva-melding', 'Merverdiavgift'), 'interest-and-fees', 100)).toBeUndefined();
    expect(r.recognition(claim('Forsinkelsesrente', 'Skatt'), 'none', 100)).toBeUndefined();
    expect(r.recognition(claim('Forsinkelsesrente', 'Skatt'), 'all', 0)).toBeUndefined();
  });

  it("books the owner's claims against equity, which is their liability account too", () => {
    const rec = r.recognition(
      claim('Forsinkelsesrente', 'Skatt', { partyId: OWNER }),
      'interest-and-fees',
      100,
    );
    expect(rec).toMatchObject({ contra: '2070', liability: { account: '2070' }, sameAccount: true });
  });
});

describe('account configuration', () => {
  it('ships defaults for the recognition contra accounts', () => {
    expect(defaults).toMatchObject({
      vatRecognitionContra: '2700',
      employerContributionExpense: '5400',
      withholdingRecognitionContra: '5000',
      taxExpense: '8300',
      otherPublicDutiesExpense: '7799',
    });
  });

  it('accepts the three recognition modes on a customer and names a bad one', () => {
    const customer = {
      id: 'c',
      organisasjonsnummer: ORG,
      rettighetspakke: 'regnskapssystem',
      access: { type: 'systembruker' },
      bookingStartDate: '2026-01-01',
    };
    for (const recognise of ['interest-and-fees', 'all', 'none', undefined])
      expect(validateCustomerConfig({ ...customer, recognise })).toEqual([]);
    expect(validateCustomerConfig({ ...customer, recognise: 'some' })).toEqual([
      { path: 'recognise', message: expect.stringContaining('interest-and-fees') },
    ]);
    expect(validateCustomerConfig({ ...customer, accounts: { taxExpense: '83' } })).toEqual([
      { path: 'accounts.taxExpense', message: expect.any(String) },
    ]);
  });
});
