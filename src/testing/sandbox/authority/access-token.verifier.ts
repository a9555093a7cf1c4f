import { jwtVerify, type JWTPayload } from 'jose';
import type { SigningKey } from './key-material.js';

export type AccessTokenFailure = 'missing' | 'malformed' | 'signature' | 'issuer' | 'expired';

export type AccessTokenCheck = { ok: true; claims: JWTPayload } | { ok: false; reason: AccessTokenFailure };

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(authorization: string | string[] | undefined): string | undefined {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match ? match[1] : undefined;
}

/**
 * Verifies a sandbox Maskinporten access token as a resource server does (DG-TOKEN): RS256 signature with the
 * sandbox key, `iss`, and `exp` against the sandbox clock (no leeway).
 */
export async function verifyAccessToken(
  token: string | undefined,
  key: SigningKey,
  issuer: string,
  nowMs: number,
): Promise<AccessTokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer,
      algorithms: ['RS256'],
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'client_id', 'scope'],
    });
    return { ok: true, claims: payload };
  } catch (error) {
    // jose's error codes rather than instanceof: robust across module realms (jest ESM).
    const { code, claim } = (error ?? {}) as { code?: string; claim?: string };
    if (code === 'ERR_JWT_EXPIRED') return { ok: false, reason: 'expired' };
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { ok: false, reason: 'signature' };
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss') return { ok: false, reason: 'issuer' };
    return { ok: false, reason: 'malformed' };
  }
}

/** The scopes of verified claims. */
export function tokenScopes(claims: JWTPayload): string[] {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
}
