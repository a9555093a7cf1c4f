import { maskIdentifier } from '../../../domain/identifiers.js';

/** What identifies one cached token on the client side (DESIGN §4, reference §1.11). */
export interface TokenKeyParts {
  clientId: string;
  /** Space-separated; order does not matter. */
  scope: string;
  consumerOrg?: string;
  systemUser?: { org: string; externalRef: string };
  consent?: { id: string; from: string };
}

/**
 * The sandbox's token key: `client_id|scopes` plus `|consumer_org:<org>` when delegated, plus
 * `|systemuser:<org>:<externalRef>` or `|consent:<id>:<from>`. Person numbers in `from` are masked (the consent id
 * keeps the key unique), so keys can be printed in benchmark reports.
 * @publicApi
 */
export function tokenKey(parts: TokenKeyParts): string {
  const scopes = parts.scope.split(/\s+/).filter(Boolean).sort().join(' ');
  let key = `${parts.clientId}|${scopes}`;
  if (parts.consumerOrg) key += `|consumer_org:${parts.consumerOrg}`;
  if (parts.systemUser) key += `|systemuser:${parts.systemUser.org}:${parts.systemUser.externalRef}`;
  if (parts.consent) {
    const from = parts.consent.from.replace(/\d{11}/g, (digits) => maskIdentifier(digits));
    key += `|consent:${parts.consent.id}:${from}`;
  }
  return key;
}
