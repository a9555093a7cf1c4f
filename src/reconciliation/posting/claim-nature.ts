import type { Claim } from '../../domain/claim.model.js';
import { KRAVTYPE_CODES, KRAVTYPE_GROUPS } from './kravtype-codelist.js';

/**
 * What a claim is, for posting: a principal (tax, duty, fine-free debt), interest (deductible late-payment
 * interest by default), interest that is not deductible (interest surcharges and interest on reassessments,
 * sktbl. §§ 11-2 and 11-5), a fee (enforcement, court and other fees) or a fine (tvangsmulkt, dagmulkt).
 * @publicApi
 */
export type ClaimNature = 'principal' | 'interest' | 'interest-non-deductible' | 'fee' | 'fine';

/** Where a claim type's group and nature came from. @publicApi */
export type ClaimTypeSource = 'ledger-code' | 'code-list' | 'text' | 'derived' | 'default';

/** A claim type as the posting rules understand it. @publicApi */
export interface ClaimTypeInfo {
  /** `kravgruppe` display text the type belongs to, when the type is known. */
  group?: string;
  nature: ClaimNature;
  /** Display text of the type, when known. */
  text?: string;
  source: ClaimTypeSource;
}

/**
 * Ledger codes and texts the API sends as `kravtype` that are not technical names of the `kravtype` code list
 * (reference §3.2 and the published examples). Checked before the code list.
 * @internal
 */
export const LEDGER_CLAIM_TYPES: Readonly<Record<string, Omit<ClaimTypeInfo, 'source'>>> = {
  RESTSKATT: { group: 'Skatt', nature: 'principal', text: 'Restskatt' },
  UTSKR_FORSKSKATT: { group: 'Skatt', nature: 'principal', text: 'Utskrevet forskuddsskatt' },
  RESTERENDE_SKT_TILB: { group: 'Skatt', nature: 'principal', text: 'Tilbakebetaling av skatt' },
  ARBGAVG: { group: 'Arbeidsgiveravgift', nature: 'principal', text: 'Arbeidsgiveravgift' },
  AVVIK_ARBGAVG_KREDIT: {
    group: 'Arbeidsgiveravgift',
    nature: 'principal',
    text: 'Avvik arbeidsgiveravgift, kreditt',
  },
  FORSKTREKK: { group: 'Forskuddstrekk', nature: 'principal', text: 'Forskuddstrekk' },
  'Mva-melding': { group: 'Merverdiavgift', nature: 'principal', text: 'Merverdiavgift' },
  SJOK40: { group: 'Særavgift', nature: 'principal', text: 'Særavgift' },
  Forsinkelsesrente: { group: 'Andre krav', nature: 'interest', text: 'Forsinkelsesrente' },
  'Fors.rente kredit': { group: 'Andre krav', nature: 'interest', text: 'Forsinkelsesrente, kreditt' },
  UTLEGGSGEBYR: { group: 'Andre krav', nature: 'fee', text: 'Utleggsgebyr' },
  TVANGSMULKT: { group: 'Andre krav', nature: 'fine', text: 'Tvangsmulkt' },
};

let typeTable: Map<string, ClaimTypeInfo> | undefined;

/** Ledger codes, then the code list, keyed case-insensitively (technical name with and without æøå). */
function types(): Map<string, ClaimTypeInfo> {
  if (typeTable) return typeTable;
  const table = new Map<string, ClaimTypeInfo>();
  for (const [name, plain, group, text, nature] of KRAVTYPE_CODES) {
    const info: ClaimTypeInfo = {
      group: KRAVTYPE_GROUPS[group],
      nature: nature ?? 'principal',
      text,
      source: 'code-list',
    };
    table.set(name.toLowerCase(), info);
    if (plain !== '') table.set(plain.toLowerCase(), info);
  }
  // Ledger codes win over code-list names that differ only in case (`Forsinkelsesrente`).
  for (const [code, info] of Object.entries(LEDGER_CLAIM_TYPES)) {
    table.set(code.toLowerCase(), { ...info, source: 'ledger-code' });
  }
  typeTable = table;
  return table;
}

/**
 * The known group and nature of a `kravtype`: the explicit ledger-code table first, then Skatteetaten's code
 * list (case-insensitive). `undefined` for a type neither knows.
 * @publicApi
 */
export function lookupClaimType(claimType: string): ClaimTypeInfo | undefined {
  return types().get(claimType.trim().toLowerCase());
}

const NON_DEDUCTIBLE =
  /tilleggsrente|rentetillegg|renter? ved restskatt|fastsettingsrente|avsavnsrente|§\s*11-[25]\b/;

/**
 * The nature a free text (a claim type or description) suggests: "rente" interest (non-deductible for
 * interest surcharges, reassessment interest and §§ 11-2/11-5), "mulkt" a fine, "gebyr" a fee; `undefined`
 * when it suggests nothing. "Kildeskatt på renter" is a tax, not interest.
 * @publicApi
 */
export function natureFromText(text: string): ClaimNature | undefined {
  const t = text.toLowerCase();
  if (t.includes('kildeskatt')) return undefined;
  if (NON_DEDUCTIBLE.test(t)) return 'interest-non-deductible';
  if (t.includes('rente')) return 'interest';
  if (t.includes('mulkt')) return 'fine';
  if (t.includes('gebyr')) return 'fee';
  return undefined;
}

/**
 * Classifies a claim: by its type when the type is known; else by the text of the type, then by the head of
 * its description (`Forsinkelsesrente - Merverdiavgift 2026/1` is interest); else a claim that derives from a
 * principal (`principalClaimId`) is interest; else a principal.
 * @publicApi
 */
export function classifyClaim(
  claim: Pick<Claim, 'claimType' | 'description' | 'principalClaimId'>,
): ClaimTypeInfo {
  const known = lookupClaimType(claim.claimType);
  if (known) return known;
  const byType = natureFromText(claim.claimType);
  if (byType) return { nature: byType, source: 'text' };
  const head = claim.description?.split(' - ')[0];
  const byDescription = head === undefined ? undefined : natureFromText(head);
  if (byDescription) return { nature: byDescription, source: 'text' };
  if (claim.principalClaimId !== undefined) return { nature: 'interest', source: 'derived' };
  return { nature: 'principal', source: 'default' };
}
