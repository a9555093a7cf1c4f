import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { CONSENT_DETAIL_TYPE, SYSTEMUSER_DETAIL_TYPE } from './authority.constants.js';
import type { GrantDetail, ValidGrant } from './grant.validator.js';
import type { SigningKey } from './key-material.js';
import { iso6523, isoOffset } from './party.util.js';

export interface AccessTokenSettings {
  issuer: string;
  nowMs: number;
  lifetimeSeconds: number;
  audienceWhenNoResource: 'unspecified' | 'absent';
  /** `delegation_source` of delegated tokens (Altinn's URL, `https://tt02.altinn.no/` in test). */
  delegationSource: string;
}

/** The `authorization_details` Maskinporten echoes into the access token, enriched from Altinn. */
export function accessTokenDetail(detail: GrantDetail): Record<string, unknown> {
  if (detail.kind === 'systemuser') {
    return {
      type: SYSTEMUSER_DETAIL_TYPE,
      systemuser_org: iso6523(detail.org),
      systemuser_id: [detail.user.id],
      system_id: detail.user.systemId,
    };
  }
  const consent = detail.consent;
  return {
    type: CONSENT_DETAIL_TYPE,
    id: consent.id,
    from: detail.fromUrn,
    to: iso6523(consent.to),
    consented: isoOffset(consent.consentedAt ?? 0),
    validTo: isoOffset(consent.validTo),
    consentRights: consent.consentRights,
  };
}

/** The claims of a self-contained Maskinporten access token (reference §1.7, §2.7, §3a). */
export function accessTokenClaims(grant: ValidGrant, settings: AccessTokenSettings): Record<string, unknown> {
  const iat = Math.floor(settings.nowMs / 1000);
  const aud =
    grant.resource !== undefined
      ? { aud: grant.resource }
      : settings.audienceWhenNoResource === 'unspecified'
        ? { aud: 'unspecified' }
        : {};
  const detail =
    grant.detail === undefined ? {} : { authorization_details: [accessTokenDetail(grant.detail)] };
  return {
    iss: settings.issuer,
    client_amr: grant.clientAmr,
    token_type: 'Bearer',
    client_id: grant.client.clientId,
    scope: grant.scope,
    iat,
    exp: iat + settings.lifetimeSeconds,
    jti: randomBytes(32).toString('base64url'),
    consumer: iso6523(grant.consumerOrg),
    ...(grant.supplierOrg
      ? { supplier: iso6523(grant.supplierOrg), delegation_source: settings.delegationSource }
      : {}),
    ...aud,
    ...(grant.pid !== undefined ? { pid: grant.pid } : {}),
    ...detail,
  };
}

/** Signs access-token claims with the sandbox Maskinporten key (RS256, `kid` from the JWKS). */
export async function signAccessToken(claims: Record<string, unknown>, key: SigningKey): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}
