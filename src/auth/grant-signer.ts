import {
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { ConfigurationError } from '../errors/kob.error.js';
import type { MaskinportenKey, SigningAlgorithm } from '../config/module-options.interface.js';

/**
 * Signs Maskinporten grants (JWT assertions) with the client's key. Built once at start-up so that a bad key fails
 * bootstrap, not the first run.
 * @publicApi
 */
export interface GrantSigner {
  readonly alg: SigningAlgorithm;
  /** The `kid` sent in the header, when the key is registered by id. */
  readonly kid?: string;
  sign(claims: Record<string, unknown>): Promise<string>;
}

const ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'RS384', 'RS512'];

/**
 * Builds a {@link GrantSigner} from any of the four key shapes. Throws a {@link ConfigurationError} naming the
 * field when the key cannot be read, is not an RSA private key, its JWK `kid` contradicts the configured one, or
 * the certificate does not belong to the key. Key material never appears in the error.
 * @publicApi
 */
export async function createGrantSigner(
  key: MaskinportenKey,
  field = 'maskinporten.key',
): Promise<GrantSigner> {
  const alg = key.alg ?? 'RS256';
  if (!ALGORITHMS.includes(alg)) fail(`${field}.alg`, `must be one of ${ALGORITHMS.join(', ')}`);

  if ('sign' in key) {
    if (typeof key.sign !== 'function') fail(`${field}.sign`, 'must be a function');
    if (!key.kid) fail(`${field}.kid`, 'is required with an external signer');
    const external = key.sign;
    return {
      alg,
      kid: key.kid,
      sign: async (claims) => {
        const jws = await external({ alg, kid: key.kid, typ: 'JWT' }, claims);
        if (typeof jws !== 'string' || jws.split('.').length !== 3) {
          throw new ConfigurationError([{ path: `${field}.sign`, message: 'did not return a compact JWS' }]);
        }
        return jws;
      },
    };
  }

  if ('jwk' in key) {
    const jwk = key.jwk;
    if (typeof jwk !== 'object' || jwk === null) fail(`${field}.jwk`, 'must be a JWK object');
    if (jwk.kty !== 'RSA') fail(`${field}.jwk.kty`, 'must be RSA');
    if (typeof jwk.kid !== 'string' || jwk.kid === '')
      fail(`${field}.jwk.kid`, 'is required (Maskinporten finds the key by kid)');
    if (typeof jwk.d !== 'string') fail(`${field}.jwk`, 'is not a private key (no "d")');
    if (jwk.alg !== undefined && jwk.alg !== alg) {
      fail(`${field}.jwk.alg`, `is ${String(jwk.alg)} but ${alg} was configured`);
    }
    if (key.kid !== undefined && key.kid !== jwk.kid) {
      fail(`${field}.kid`, `is ${key.kid} but the JWK's kid is ${jwk.kid}`);
    }
    const privateKey = readKey(() => createPrivateKey({ key: jwk as never, format: 'jwk' }), `${field}.jwk`);
    assertKeyPair(privateKey, createPublicKeyFromJwk(jwk, `${field}.jwk`), `${field}.jwk`);
    return jwsSigner(privateKey, alg, { kid: jwk.kid });
  }

  if ('pem' in key && 'certificateChain' in key) {
    const privateKey = readKey(() => createPrivateKey(key.pem), `${field}.pem`);
    if (!Array.isArray(key.certificateChain) || key.certificateChain.length === 0) {
      fail(`${field}.certificateChain`, 'must list at least the leaf certificate');
    }
    const x5c = key.certificateChain.map((cert, i) =>
      certificateToX5c(cert, `${field}.certificateChain[${i}]`),
    );
    const leaf = new X509Certificate(Buffer.from(x5c[0], 'base64'));
    const publicOfKey = createPublicKey(privateKey).export({ format: 'jwk' });
    const publicOfLeaf = leaf.publicKey.export({ format: 'jwk' });
    if (publicOfKey.n !== publicOfLeaf.n || publicOfKey.e !== publicOfLeaf.e) {
      fail(`${field}.certificateChain[0]`, 'the leaf certificate does not belong to the private key');
    }
    return jwsSigner(privateKey, alg, { x5c });
  }

  if ('pem' in key) {
    if (!key.kid) fail(`${field}.kid`, 'is required with a PEM key (or give certificateChain)');
    const privateKey = readKey(() => createPrivateKey(key.pem), `${field}.pem`);
    return jwsSigner(privateKey, alg, { kid: key.kid });
  }

  return fail(field, 'must be { jwk }, { pem, kid }, { pem, certificateChain } or { kid, sign }');
}

function jwsSigner(
  privateKey: KeyObject,
  alg: SigningAlgorithm,
  id: { kid?: string; x5c?: string[] },
): GrantSigner {
  if (privateKey.asymmetricKeyType !== 'rsa') fail('maskinporten.key', 'must be an RSA private key');
  return {
    alg,
    kid: id.kid,
    sign: (claims) =>
      new SignJWT(claims as JWTPayload)
        .setProtectedHeader(id.kid ? { alg, kid: id.kid } : { alg, x5c: id.x5c })
        .sign(privateKey),
  };
}

function createPublicKeyFromJwk(jwk: Record<string, unknown>, path: string): KeyObject {
  return readKey(
    () => createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as never, format: 'jwk' }),
    path,
  );
}

// A JWK whose private part does not belong to its public part (n, e) signs grants Maskinporten can never verify
// against the key registered under that kid: catch it at start-up with a sign/verify round trip.
function assertKeyPair(privateKey: KeyObject, publicKey: KeyObject, path: string): void {
  const probe = Buffer.from('nestjs-krav-og-betalinger key check');
  let ok: boolean;
  try {
    ok = verify('sha256', probe, publicKey, sign('sha256', probe, privateKey));
  } catch {
    ok = false;
  }
  if (!ok) fail(path, 'the private key does not match the public key registered under its kid');
}

function readKey(read: () => KeyObject, path: string): KeyObject {
  try {
    return read();
  } catch {
    // The cause is dropped on purpose: crypto errors can quote parts of the key.
    return fail(path, 'could not be read as a private key');
  }
}

/** PEM certificate or base64 DER -> the base64 DER string `x5c` wants. */
function certificateToX5c(cert: string, path: string): string {
  const body = cert.includes('-----BEGIN CERTIFICATE-----')
    ? cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
    : cert.replace(/\s+/g, '');
  try {
    new X509Certificate(Buffer.from(body, 'base64'));
  } catch {
    fail(path, 'is not an X.509 certificate');
  }
  return body;
}

function fail(path: string, message: string): never {
  throw new ConfigurationError([{ path, message }], 'Maskinporten key');
}
