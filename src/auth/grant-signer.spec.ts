import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, exportJWK, importX509 } from 'jose';
import { ConfigurationError } from '../errors/kob.error.js';
import { createGrantSigner } from './grant-signer.js';

const claims = { iss: 'client', aud: 'https://test.maskinporten.no/', scope: 's', iat: 1, exp: 61, jti: 'j' };

async function rsaJwk() {
  // node:crypto KeyObjects are not bound to one hash, so one public key verifies RS256, RS384 and RS512.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { jwk: { ...(await exportJWK(privateKey)), kty: 'RSA', kid: 'k1' }, publicKey };
}

describe('createGrantSigner', () => {
  it('signs with a JWK, sending its kid, in each RS algorithm', async () => {
    const { jwk, publicKey } = await rsaJwk();
    for (const alg of ['RS256', 'RS384', 'RS512'] as const) {
      const jws = await (await createGrantSigner({ jwk, alg })).sign(claims);
      expect(decodeProtectedHeader(jws)).toEqual({ alg, kid: 'k1' });
      await expect(compactVerify(jws, publicKey)).resolves.toBeDefined();
    }
  });

  it('signs with a PKCS#8 or PKCS#1 PEM key and the configured kid', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      const pem = pair.privateKey.export({ type, format: 'pem' }).toString();
      const jws = await (await createGrantSigner({ pem, kid: 'pem-kid' })).sign(claims);
      expect(decodeProtectedHeader(jws)).toEqual({ alg: 'RS256', kid: 'pem-kid' });
      await expect(compactVerify(jws, pair.publicKey)).resolves.toBeDefined();
    }
  });

  it('signs with a certificate chain, sending x5c leaf first and no kid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kob-cert-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/O=Test/serialNumber=313367002',
        ],
        { stdio: 'ignore' },
      );
      const pem = readFileSync(join(dir, 'key.pem'), 'utf8');
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const jws = await (await createGrantSigner({ pem, certificateChain: [cert] })).sign(claims);
      const header = decodeProtectedHeader(jws);
      expect(header.kid).toBeUndefined();
      expect(header.x5c).toHaveLength(1);
      await expect(compactVerify(jws, await importX509(cert, 'RS256'))).resolves.toBeDefined();

      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      });
      await expect(
        createGrantSigner({ pem: other.toString(), certificateChain: [cert] }),
      ).rejects.toMatchObject({
        issues: [
          {
            path: 'maskinporten.key.certificateChain[0]',
            message: expect.stringContaining('does not belong'),
          },
        ],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands header and claims to an external signer (KMS/HSM)', async () => {
    const seen: unknown[] = [];
    const signer = await createGrantSigner({
      kid: 'kms-key',
      alg: 'RS512',
      sign: async (header, payload) => {
        seen.push(header, payload);
        return 'aGVhZGVy.cGF5bG9hZA.c2ln';
      },
    });
    await expect(signer.sign(claims)).resolves.toBe('aGVhZGVy.cGF5bG9hZA.c2ln');
    expect(seen).toEqual([{ alg: 'RS512', kid: 'kms-key', typ: 'JWT' }, claims]);
  });

  it('fails with the field named, and no key material, for an unreadable PEM', async () => {
    const secret = '-----BEGIN PRIVATE KEY-----\nTOPSECRETBYTES\n-----END PRIVATE KEY-----';
    const error = await createGrantSigner({ pem: secret, kid: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.issues).toEqual([
      { path: 'maskinporten.key.pem', message: 'could not be read as a private key' },
    ]);
    expect(error.message).not.toContain('TOPSECRET');
    expect(error.cause).toBeUndefined();
  });

  it('rejects a JWK whose private part does not match its public key', async () => {
    const a = await rsaJwk();
    const b = await rsaJwk();
    const mixed = { ...a.jwk, n: b.jwk.n };
    await expect(createGrantSigner({ jwk: mixed })).rejects.toMatchObject({
      issues: [{ path: 'maskinporten.key.jwk', message: expect.stringContaining('does not match') }],
    });
  });

  it('rejects a configured kid that differs from the JWK kid, a public-only JWK and a non-RSA key', async () => {
    const { jwk } = await rsaJwk();
    await expect(createGrantSigner({ jwk, kid: 'other' })).rejects.toMatchObject({
      issues: [{ path: 'maskinporten.key.kid' }],
    });
    const { d: _d, ...publicOnly } = jwk;
    await expect(createGrantSigner({ jwk: publicOnly })).rejects.toMatchObject({
      issues: [{ path: 'maskinporten.key.jwk' }],
    });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await expect(createGrantSigner({ pem: ec.toString(), kid: 'ec' })).rejects.toMatchObject({
      issues: [{ path: 'maskinporten.key', message: 'must be an RSA private key' }],
    });
  });

  it('rejects an algorithm Maskinporten does not accept', async () => {
    const { jwk } = await rsaJwk();
    await expect(createGrantSigner({ jwk, alg: 'ES256' as never })).rejects.toMatchObject({
      issues: [{ path: 'maskinporten.key.alg' }],
    });
  });
});
