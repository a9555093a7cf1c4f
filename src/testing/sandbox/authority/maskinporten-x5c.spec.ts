import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { SandboxResponse } from '../http/http.types.js';
import { SandboxAuthority } from './sandbox-authority.js';
import { signTestGrant, tokenRequestBody } from './test-grant.signer.js';

/** Creating X.509 certificates needs openssl; without it these cases are skipped (and reported as skipped). */
function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface TestCertificate {
  keyPem: string;
  certPem: string;
  /** Base64 DER, as in `x5c`. */
  der: string;
  notBefore: number;
  notAfter: number;
}

function makeCertificate(dir: string, name: string, org: string): TestCertificate {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '30',
      '-subj',
      `/CN=Sandbox ${name}/O=Test AS/serialNumber=${org}`,
    ],
    { stdio: 'ignore' },
  );
  const certPem = readFileSync(certPath, 'utf8');
  const cert = new X509Certificate(certPem);
  return {
    keyPem: readFileSync(keyPath, 'utf8'),
    certPem,
    der: cert.raw.toString('base64'),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
  };
}

const ORG = '311851381';
const describeWithOpenssl = hasOpenssl() ? describe : describe.skip;

describeWithOpenssl('POST /token with an x5c certificate grant', () => {
  let dir: string;
  let registered: TestCertificate;
  let other: TestCertificate;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kob-sandbox-x5c-'));
    registered = makeCertificate(dir, 'registered', ORG);
    other = makeCertificate(dir, 'other', ORG);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    let now = registered.notBefore + 3_600_000;
    const clock = { now: () => now };
    const authority = await SandboxAuthority.create({
      clock,
      baseUrls: { maskinporten: 'http://mp.test', altinn: 'http://altinn.test' },
    });
    const client = authority.registerClient({
      org: ORG,
      scopes: ['skatteetaten:kravogbetalinger'],
      certificates: [registered.certPem],
    });
    const token = async (pem: string, x5c: unknown): Promise<SandboxResponse> => {
      const assertion = await signTestGrant({
        key: { pem, x5c },
        clientId: client.clientId,
        audience: authority.issuer,
        iatSeconds: Math.floor(now / 1000),
      });
      const route = authority.maskinportenRoutes().find((r) => r.name === 'mp.token')!;
      return route.handler({
        method: 'POST',
        url: new URL('http://mp.test/token'),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenRequestBody(assertion),
        params: {},
      });
    };
    return { authority, token, setNow: (ms: number) => (now = ms), now: () => now };
  }

  const errorOf = (res: SandboxResponse) => res.body as { error: string; error_description: string };

  it('accepts a grant whose x5c leaf matches a registered certificate', async () => {
    const { authority, token, now } = await setup();
    const res = await token(registered.keyPem, [registered.der]);
    expect(res.status).toBe(200);
    const { access_token } = res.body as { access_token: string };
    const { payload } = await jwtVerify(access_token, createLocalJWKSet(authority.maskinportenJwks()), {
      currentDate: new Date(now()),
    });
    expect(payload.client_amr).toBe('virksomhetssertifikat');
    expect(payload.consumer).toEqual({ authority: 'iso6523-actorid-upis', ID: `0192:${ORG}` });
  });

  it('rejects x5c that is not an array of base64 certificates (MP-123)', async () => {
    const { token } = await setup();
    const asString = await token(registered.keyPem, registered.der);
    expect(asString.status).toBe(400);
    expect(errorOf(asString).error_description).toContain('(MP-123)');
    const garbage = await token(registered.keyPem, ['bm90IGEgY2VydGlmaWNhdGU=']);
    expect(errorOf(garbage).error_description).toContain('(MP-123)');
  });

  it('rejects a certificate that is not registered on the client (MP-120)', async () => {
    const { token } = await setup();
    const res = await token(other.keyPem, [other.der]);
    expect({ status: res.status, error: errorOf(res).error }).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect(errorOf(res).error_description).toContain('(MP-120)');
  });

  it('rejects a registered certificate outside its validity period (MP-120)', async () => {
    const { token, setNow } = await setup();
    setNow(registered.notAfter + 60_000);
    expect(errorOf(await token(registered.keyPem, [registered.der])).error_description).toContain('(MP-120)');
  });

  it('rejects a grant signed by another key than the certificate holds (MP-124)', async () => {
    const { token } = await setup();
    expect(errorOf(await token(other.keyPem, [registered.der])).error_description).toContain('(MP-124)');
  });
});
