import { readClaims, readOpenClaims } from '../../src/api/wire/index.js';
import { MalformedJsonError, PayloadValidationError } from '../../src/errors/index.js';
import { KobSandbox } from '../../src/testing/index.js';
import type { SchemaViolation } from '../../src/testing/index.js';
import { SandboxClient } from './sandbox-client.js';

describe('KobSandbox faults', () => {
  let sandbox: KobSandbox;
  let client: SandboxClient;
  let token: string;
  const open = '/regnskapssystem/313367002/aapnekrav';

  beforeAll(async () => {
    sandbox = await KobSandbox.start({
      faults: [{ route: 'api.aapnekrav', kind: 'status', status: 502, times: 1 }],
    });
    client = new SandboxClient(sandbox);
    token = await client.systemUserToken('313367002');
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('applies faults given at start, then lets requests through', async () => {
    const first = await client.text(open, { token });
    expect([first.status, JSON.parse(first.body).kode]).toEqual([502, 'KB-002']);
    expect((await client.text(open, { token })).status).toBe(200);
    expect(sandbox.stats().faultsApplied['api.aapnekrav']).toBe(1);
    expect(sandbox.activeFaults()).toEqual([]);
  });

  it('changes faults at run time and clears them', async () => {
    sandbox.setFaults([{ route: 'api.*', kind: 'status', status: 500 }]);
    expect((await client.text(open, { token })).status).toBe(500);
    expect((await client.text(open, { token })).status).toBe(500);
    sandbox.clearFaults();
    expect((await client.text(open, { token })).status).toBe(200);
  });

  it('fails token requests when the token route is faulted', async () => {
    sandbox.setFaults([{ route: 'mp.token', kind: 'status', status: 503, times: 1, retryAfterSeconds: 1 }]);
    await expect(client.systemUserToken('313367002')).rejects.toThrow(/503/);
    await expect(client.systemUserToken('313367002')).resolves.toEqual(expect.any(String));
  });

  it('resets connections and holds responses', async () => {
    sandbox.setFaults([{ route: 'api.aapnekrav', kind: 'reset', times: 1 }]);
    await expect(client.get(open, { token })).rejects.toMatchObject({
      code: expect.stringMatching(/SOCKET|RESET/),
    });
    sandbox.setFaults([{ route: 'api.aapnekrav', kind: 'timeout', times: 1 }]);
    await expect(
      client.agent.request({
        origin: sandbox.urls.api,
        path: `/v1${open}`,
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
        headersTimeout: 50,
      }),
    ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect((await client.text(open, { token })).status).toBe(200);
  });

  it('sends malformed JSON that the reader rejects as such', async () => {
    sandbox.setFaults([{ route: 'api.aapnekrav', kind: 'malformed-json', times: 1 }]);
    const res = await client.text(open, { token });
    expect(res.status).toBe(200);
    expect(() => readOpenClaims(res.body)).toThrow(MalformedJsonError);
  });

  it.each<[SchemaViolation, RegExp]>([
    ['drop-partIdentifikator', /partIdentifikator/],
    ['string-amount', /Beloep/],
    ['three-decimals', /Beloep/],
    ['invalid-date', /dato|periode|fraOgMed/i],
  ])('sends bodies that break the schema: %s', async (violation, path) => {
    sandbox.setFaults([{ route: 'api.krav', kind: 'schema', violation, times: 1 }]);
    const res = await client.text('/regnskapssystem/313367002/krav?fraOgMed=2026-01-01', { token });
    expect(res.status).toBe(200);
    let thrown: unknown;
    try {
      readClaims(res.body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PayloadValidationError);
    expect((thrown as PayloadValidationError).issues.some((i) => path.test(i.path))).toBe(true);
  });

  it('draws rate faults from the seed: two sandboxes started alike fail the same calls', async () => {
    const statuses = async (): Promise<number[]> => {
      const s = await KobSandbox.start({
        seed: 11,
        latencyMs: 1,
        faults: [{ route: 'api.aapnekrav', kind: 'status', status: 500, rate: 0.5 }],
      });
      const c = new SandboxClient(s);
      try {
        const t = await c.systemUserToken('313367002');
        const out: number[] = [];
        for (let i = 0; i < 16; i++) out.push((await c.text(open, { token: t })).status);
        return out;
      } finally {
        await c.close();
        await s.close();
      }
    };
    const a = await statuses();
    expect(await statuses()).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });
});
