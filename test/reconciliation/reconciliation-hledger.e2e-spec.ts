import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { negateOre, parseOre, sumOre } from '../../src/domain/money.js';
import { HledgerJournalAdapter } from '../../src/journal/hledger-journal.adapter.js';
import { KravOgBetalingerModule } from '../../src/krav-og-betalinger.module.js';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service.js';
import { KobSandbox } from '../../src/testing/index.js';

// The whole chain over real HTTP: the module embedded in a Nest app reads the sandbox's documented test
// organisations, posts into hledger journals, and the journals pass `hledger check` with balances equal to
// Skatteetaten's totals, run after run while the sandbox's clock moves on.
const LIABILITIES = ['2500', '2600', '2740', '2770', '2790'];

function hledgerBalances(file: string): Map<string, number> {
  const csv = execFileSync('hledger', ['-f', file, 'balance', '--flat', '-N', '-O', 'csv'], {
    encoding: 'utf8',
  });
  const balances = new Map<string, number>();
  for (const line of csv.trim().split('\n').slice(1)) {
    const [account, amount] = line.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
    balances.set(
      account,
      amount === '0' ? 0 : parseOre(amount.replace(/\s*NOK$/, '').replace(/^NOK\s*/, '')),
    );
  }
  return balances;
}

// Once with each run in one window, once in fact windows of 30 days (`reconciliation.factWindowDays`).
describe.each([
  { windows: 'one window per run', reconciliation: {} },
  { windows: 'fact windows of 30 days', reconciliation: { factWindowDays: 30 } },
])('reconciliation into hledger against the sandbox ($windows)', ({ reconciliation }) => {
  let sandbox: KobSandbox;
  let moduleRef: TestingModule;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kob-hledger-'));
    sandbox = await KobSandbox.start();
    moduleRef = await Test.createTestingModule({
      imports: [
        KravOgBetalingerModule.forRoot({
          environment: sandbox.environment,
          maskinporten: { clientId: sandbox.clientId, key: sandbox.key },
          // A full mirror: every claim recognised, payments booked by us, so the journal alone shows the account.
          customers: sandbox.customers.map((c) => ({
            ...c,
            recognise: 'all' as const,
            hostBooksBankLines: false,
          })),
          journal: new HledgerJournalAdapter({ dir }),
          store: { kind: 'memory' },
          clock: sandbox.clock,
          reconciliation,
          altinn: { systemId: sandbox.authority.systemId },
          logger: false,
        }),
      ],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every journal valid and equal to Skatteetaten’s totals over several runs', async () => {
    const service = moduleRef.get(ReconciliationService);
    for (let round = 0; round < 3; round++) {
      for (const customer of sandbox.customers) {
        const report = await service.reconcile(customer.id, { asOf: sandbox.today });
        expect({ customer: customer.id, round, status: report.status, reason: report.reason }).toEqual({
          customer: customer.id,
          round,
          status: 'ok',
          reason: undefined,
        });
        const file = join(dir, `${customer.id}.journal`);
        execFileSync('hledger', ['-f', file, 'check', '--strict']);

        const totals = sandbox.ledger.openClaims(customer.organisasjonsnummer)!.totals!;
        const balances = hledgerBalances(file);
        // The clearing account holds what Skatteetaten has not placed; the liabilities what is still owed.
        expect(balances.get('1579') ?? 0).toBe(negateOre(totals.unplacedPayments ?? 0));
        const owed = sumOre(LIABILITIES.map((a) => balances.get(a) ?? 0));
        // A sole trader's own tax (claims on the owner's person number) is private: paying it from the business
        // is a withdrawal from equity (2070), never a business liability. Skatteetaten's totals include it.
        const open = sandbox.ledger.openClaims(customer.organisasjonsnummer)!.claims;
        const privateRemaining = sumOre(
          open.filter((c) => c.partyId !== customer.organisasjonsnummer).map((c) => c.remainingAmount),
        );
        expect(negateOre(owed)).toBe(totals.overdue + totals.notYetDue - privateRemaining);
      }
      const again = await service.reconcile(sandbox.customers[0].id, { asOf: sandbox.today });
      expect(again.entries.posted).toBe(0);
      sandbox.advanceClock(30);
    }
    // 36 runs of the hledger binary (about 0.1 s each): more than jest's default 5 s on a busy machine.
  }, 30_000);
});
