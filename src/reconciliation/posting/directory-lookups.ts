import type { Allocation } from '../matching/allocations.js';
import type { ClaimRef } from './claim-accounts.js';
import { indexSnapshot, type ReconciliationSnapshot } from './snapshot.js';

/**
 * The claims of earlier runs (`claimDirectory`, passed back as `knownClaims`) that the posting rules may consult
 * for one snapshot: the principals of its claims that it does not hold (`claimIds`), and the claims of the
 * instalments its set-offs and payouts name but it does not hold (`instalmentIds`). The principals of the claims
 * read for these are asked for in turn ({@link missingPrincipals}). A run reads only these from the store, not
 * the whole directory, and the posting rules give the same entries as with the whole directory, because these
 * are the only look-ups they make (`ClaimAccounts.principalOf`, `ClaimAccounts.knownClaimOfInstalment`).
 * @publicApi
 */
export interface DirectoryLookups {
  claimIds: Set<string>;
  instalmentIds: Set<string>;
}

/** What a snapshot's entries may look up in the claim directory (see {@link DirectoryLookups}). Pure. @publicApi */
export function directoryLookups(
  snapshot: ReconciliationSnapshot,
  allocations: readonly Allocation[],
): DirectoryLookups {
  const index = indexSnapshot(snapshot);
  const claimIds = missingPrincipals(snapshot.claims, (id) => index.claimsById.has(id));
  const instalmentIds = new Set<string>();
  const need = (id: string) => {
    if (!index.instalmentsById.has(id)) instalmentIds.add(id);
  };
  // The credit side of a set-off (setOffEntries) and the credits a payout pays out (payoutEntry).
  for (const a of allocations) if (a.kind === 'set-off') need(a.counterInstalmentId);
  for (const payout of snapshot.payouts) for (const credit of payout.credits) need(credit.instalmentId);
  return { claimIds, instalmentIds };
}

/**
 * The principals that `claims` name (`principalClaimId`, other than themselves) for which `held` is false. Over-
 * asks for a principal claim that names another (the rules only follow interest, fees and fines): harmless, it
 * is only read.
 * @publicApi
 */
export function missingPrincipals(
  claims: Iterable<ClaimRef>,
  held: (claimId: string) => boolean,
): Set<string> {
  const out = new Set<string>();
  for (const c of claims) {
    const id = c.principalClaimId;
    if (id !== undefined && id !== c.claimId && !held(id)) out.add(id);
  }
  return out;
}

/**
 * The instalment → claim rows of directory entries (`[instalmentId, claimId]`), for the index a run finds the
 * claims of {@link DirectoryLookups.instalmentIds} by. Later rows win, as later claims do in
 * `ClaimAccounts.knownClaimOfInstalment`.
 * @publicApi
 */
export function instalmentClaimRows(refs: Iterable<ClaimRef>): [instalmentId: string, claimId: string][] {
  const rows: [string, string][] = [];
  for (const ref of refs) {
    if (ref.claimId === undefined) continue;
    for (const id of ref.instalmentIds ?? []) rows.push([id, ref.claimId]);
  }
  return rows;
}
