import { randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, SignJWT, type CryptoKey, type JWK } from 'jose';
import { JWT_BEARER_GRANT_TYPE } from './authority.constants.js';

/**
 * Input of {@link signTestGrant}. FOR TESTS ONLY: the module's real grant signer lives in `src/auth`.
 * @publicApi
 */
export interface TestGrantInput {
  /** A private JWK (its `kid` goes in the header), or a PKCS#8 PEM key with the `x5c` header value to send. */
  key: { jwk: JWK } | { pem: string; x5c: unknown };
  clientId: string;
  /** The grant's `aud`: the sandbox issuer. */
  audience: string;
  /** Default `skatteetaten:kravogbetalinger`. */
  scope?: string;
  /** `iat` in seconds. */
  iatSeconds: number;
  /** `exp - iat`. Default 60. */
  lifetimeSeconds?: number;
  /** Default: a random UUID. */
  jti?: string;
  authorizationDetails?: unknown[];
  /** Added to (or overriding) the claims; an `undefined` value removes the claim. */
  claims?: Record<string, unknown>;
  /** Default RS256. */
  alg?: 'RS256' | 'RS384' | 'RS512';
  /** Added to (or overriding) the protected header; an `undefined` value removes the member. */
  header?: Record<string, unknown>;
}

/**
 * Signs a Maskinporten grant for the sandbox's tests and demos, including deliberately broken ones (extra
 * claims, wrong header). Not a production signer: no key checks, no retries, no clock handling.
 * @publicApi
 */
export async function signTestGrant(input: TestGrantInput): Promise<string> {
  const alg = input.alg ?? 'RS256';
  const claims: Record<string, unknown> = {
    aud: input.audience,
    iss: input.clientId,
    scope: input.scope ?? 'skatteetaten:kravogbetalinger',
    iat: input.iatSeconds,
    exp: input.iatSeconds + (input.lifetimeSeconds ?? 60),
    jti: input.jti ?? randomUUID(),
    ...(input.authorizationDetails ? { authorization_details: input.authorizationDetails } : {}),
    ...input.claims,
  };
  let key: CryptoKey;
  const header: Record<string, unknown> = { alg, typ: 'JWT' };
  if ('jwk' in input.key) {
    key = (await importJWK({ ...input.key.jwk, alg }, alg)) as CryptoKey;
    header.kid = input.key.jwk.kid;
  } else {
    key = await importPKCS8(input.key.pem, alg);
    header.x5c = input.key.x5c;
  }
  Object.assign(header, input.header);
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  for (const name of Object.keys(header)) if (header[name] === undefined) delete header[name];
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

/** The form body of a token request carrying `assertion`. @publicApi */
export function tokenRequestBody(assertion: string): string {
  return new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }).toString();
}
