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

/**
 * {@link verifyAccessToken} that remembers the tokens it has accepted, by their exact text, so a resource
 * server that sees the same token on every call checks its RSA signature once. For a given text, key and
 * issuer (the issuer is part of what is remembered; the key is fixed per verifier), everything jose checks
 * gives the same answer every time except the two checks against the clock, `nbf` and `exp`, and those are
 * redone on every call exactly as jose does them (whole seconds, no leeway). Rejections are not remembered.
 */
export class AccessTokenVerifier {
  private readonly accepted = new Map<string, { issuer: string; claims: JWTPayload }>();

  /** `maxEntries`: tokens remembered at most; when full, the memory starts over. */
  constructor(
    private readonly key: SigningKey,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(token: string | undefined, issuer: string, nowMs: number): Promise<AccessTokenCheck> {
    const known = token ? this.accepted.get(token) : undefined;
    if (known !== undefined && known.issuer === issuer) return checkTimes(known.claims, nowMs);
    const check = await verifyAccessToken(token, this.key, issuer, nowMs);
    if (check.ok && token) {
      if (this.accepted.size >= this.maxEntries) this.accepted.clear();
      this.accepted.set(token, { issuer, claims: check.claims });
    }
    return check;
  }
}

/** jose's time checks, in its order, for claims whose signature, issuer and claim types it accepted before. */
function checkTimes(claims: JWTPayload, nowMs: number): AccessTokenCheck {
  const now = Math.floor(nowMs / 1000);
  // A not-yet-valid token is a claim validation failure other than `iss`: verifyAccessToken says 'malformed'.
  if (claims.nbf !== undefined && claims.nbf > now) return { ok: false, reason: 'malformed' };
  if (claims.exp !== undefined && claims.exp <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** The scopes of verified claims. */
export function tokenScopes(claims: JWTPayload): string[] {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
}
