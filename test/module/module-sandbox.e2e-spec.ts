import { Test, type TestingModule } from '@nestjs/testing';
import { KravOgBetalingerClient } from '../../src/api/krav-og-betalinger.client.js';
import { AccessStatusService } from '../../src/auth/access/access-status.service.js';
import type { AccessState } from '../../src/auth/access/access-state.model.js';
import { MaskinportenTokenProvider } from '../../src/auth/maskinporten-token.provider.js';
import { KravOgBetalingerModule } from '../../src/krav-og-betalinger.module.js';
import type { JournalAdapter } from '../../src/journal/journal-adapter.interface.js';
import { KobSandbox } from '../../src/testing/index.js';

// The module as a host embeds it, wired to the sandbox over real HTTP: tokens from the sandbox's Maskinporten,
// reads from its Krav og betalinger API, access from its Altinn.
describe('KravOgBetalingerModule against the sandbox', () => {
  let sandbox: KobSandbox;
  let moduleRef: TestingModule;
  const changes: [AccessState | undefined, AccessState][] = [];
  const journal: JournalAdapter = { postEntries: async () => [] };

  beforeAll(async () => {
    sandbox = await KobSandbox.start();
    moduleRef = await Test.createTestingModule({
      imports: [
        KravOgBetalingerModule.forRoot({
          environment: sandbox.environment,
          maskinporten: { clientId: sandbox.clientId, key: sandbox.key },
          customers: sandbox.customers,
          journal,
          store: { kind: 'memory' },
          clock: sandbox.clock,
          altinn: { systemId: sandbox.authority.systemId, redirectUrl: 'https://host.example/kob/access' },
          onAccessStateChange: (prev, next) => void changes.push([prev, next]),
          logger: false,
        }),
      ],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await sandbox?.close();
  });

  const customer = (org: string) => sandbox.customers.find((c) => c.organisasjonsnummer === org)!;
  const year = () => ({ from: '2025-10-16', to: sandbox.today });

  it('reads all four endpoints for a system-user customer, matching the sandbox ledger', async () => {
    const client = moduleRef.get(KravOgBetalingerClient);
    const c = customer('313367002');
    const [open, claims, payments, payouts] = await Promise.all([
      client.openClaims(c),
      client.claims(c, year()),
      client.payments(c, year()),
      client.payouts(c, year()),
    ]);
    expect(open.totals).toEqual(sandbox.ledger.openClaims('313367002')!.totals);
    expect(claims.claims.map((x) => x.claimId)).toEqual(
      sandbox.ledger.claims('313367002', year())!.claims.map((x) => x.claimId),
    );
    expect(payments.payments.length).toBe(sandbox.ledger.payments('313367002', year())!.payments.length);
    expect(payouts.payouts.length).toBe(sandbox.ledger.payouts('313367002', year())!.payouts.length);
  });

  it('reads for an Altinn 3 consent customer and a legacy Altinn 2 consent customer', async () => {
    const client = moduleRef.get(KravOgBetalingerClient);
    for (const org of ['314961900', '310478717']) {
      const open = await client.openClaims(customer(org));
      expect(open.totals).toEqual(sandbox.ledger.openClaims(org)!.totals);
    }
  });

  it('shares one token per customer between concurrent calls', async () => {
    const tokens = moduleRef.get(MaskinportenTokenProvider);
    const before = sandbox.stats().tokenRequests;
    const c = customer('311851381');
    const subject = {
      kind: 'systemuser' as const,
      organisasjonsnummer: c.organisasjonsnummer,
      externalRef: c.access.type === 'systembruker' ? c.access.externalRef : undefined,
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken(subject)));
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    const after = sandbox.stats().tokenRequests;
    const added = Object.keys(after).reduce((n, k) => n + (after[k] - (before[k] ?? 0)), 0);
    expect(added).toBe(1);
  });

  it('reports access per customer and tells the host when it changes', async () => {
    const access = moduleRef.get(AccessStatusService);
    const c = customer('314961900');
    expect(await access.checkAccess(c, { refresh: true })).toMatchObject({ ok: true });
    sandbox.authority.revokeConsent(c.access.type === 'consent' ? c.access.consentId : '');
    const check = await access.checkAccess(c, { refresh: true });
    expect(check).toMatchObject({ ok: false, status: 'revoked' });
    expect(changes.at(-1)?.[1]).toMatchObject({ customerId: c.id, status: 'revoked' });
  });
});
