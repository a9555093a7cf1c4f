import { AccessTokenVerifier, verifyAccessToken } from './access-token.verifier.js';
import { signAccessToken } from './access-token.issuer.js';
import { generateSigningKey, type SigningKey } from './key-material.js';

const ISSUER = 'http://maskinporten.sandbox.invalid/';
const T0 = 1_800_000_000_000; // ms

describe('AccessTokenVerifier', () => {
  let key: SigningKey;
  let otherKey: SigningKey;

  beforeAll(async () => {
    [key, otherKey] = await Promise.all([generateSigningKey(), generateSigningKey()]);
  });

  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    client_id: 'c',
    scope: 'skatteetaten:kravogbetalinger',
    iat: T0 / 1000,
    exp: T0 / 1000 + 120,
    ...extra,
  });

  it('answers a token it accepted before exactly as a fresh verification does, at every instant', async () => {
    const token = await signAccessToken(claims({ nbf: T0 / 1000 + 10 }), key);
    const verifier = new AccessTokenVerifier(key);
    // First accepted inside its window, then asked again before nbf, at the last valid second, at exp, after.
    const instants = [
      T0 + 10_000,
      T0 + 9_999,
      T0 + 10_000,
      T0 + 119_999,
      T0 + 120_000,
      T0 + 500_000,
      T0 + 60_000,
    ];
    for (const now of instants) {
      const fresh = await verifyAccessToken(token, key, ISSUER, now);
      expect(await verifier.verify(token, ISSUER, now)).toEqual(fresh);
    }
    expect(await verifier.verify(token, ISSUER, T0 + 9_999)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifier.verify(token, ISSUER, T0 + 120_000)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifier.verify(token, ISSUER, T0 + 60_000)).toMatchObject({ ok: true });
  });

  it('does not serve a remembered token for another issuer', async () => {
    const token = await signAccessToken(claims(), key);
    const verifier = new AccessTokenVerifier(key);
    expect(await verifier.verify(token, ISSUER, T0)).toMatchObject({ ok: true });
    expect(await verifier.verify(token, 'http://elsewhere.invalid/', T0)).toEqual({
      ok: false,
      reason: 'issuer',
    });
  });

  it('keeps rejecting what it rejected, and tells missing, malformed and foreign tokens apart', async () => {
    const foreign = await signAccessToken(claims(), otherKey);
    const verifier = new AccessTokenVerifier(key);
    for (let i = 0; i < 2; i++) {
      expect(await verifier.verify(foreign, ISSUER, T0)).toEqual({ ok: false, reason: 'signature' });
      expect(await verifier.verify(undefined, ISSUER, T0)).toEqual({ ok: false, reason: 'missing' });
      expect(await verifier.verify('a.b.c', ISSUER, T0)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('still verifies after its memory is full and starts over', async () => {
    const tokens = await Promise.all([1, 2, 3].map((n) => signAccessToken(claims({ n }), key)));
    const verifier = new AccessTokenVerifier(key, 2);
    for (const token of [...tokens, ...tokens]) {
      expect(await verifier.verify(token, ISSUER, T0)).toMatchObject({ ok: true, claims: { iss: ISSUER } });
    }
  });
});
