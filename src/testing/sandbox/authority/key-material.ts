import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** An RSA signing key of the sandbox (Maskinporten's or Altinn's): the private key and its public JWK. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWK with `kid`, `alg: RS256`, `use: sig`. */
  publicJwk: JWK;
}

/** Generates an RS256 key pair whose `kid` is its JWK thumbprint (unique, like Maskinporten's rule for kids). */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** A fresh client key pair: the PRIVATE JWK (with `kid`, `alg`) for signing grants, and its public half. */
export async function generateClientKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    privateJwk: { ...privateJwk, kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
  };
}

/** The public members of an RSA JWK (drops `d`, `p`, `q`, `dp`, `dq`, `qi`). */
export function publicRsaJwk(jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, ...(kid ? { kid } : {}), ...(alg ? { alg } : {}), ...(use ? { use } : {}) };
}
