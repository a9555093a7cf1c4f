import { Test, type TestingModule } from '@nestjs/testing';
import { addDays } from '../../src/domain/dates.js';
import type { ReconciliationOptions } from '../../src/config/module-options.interface.js';
import { MemoryJournalAdapter } from '../../src/journal/memory-journal.adapter.js';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service.js';
import { KobSandbox } from '../../src/testing/index.js';
import { kobModuleFor } from '../scheduling/scheduling-helpers.js';

// The module's `reconciliation` options reach the service it builds: journal batches and the fetch overlap, as a
// host configures them, against the sandbox over real HTTP.
describe('KravOgBetalingerModule reconciliation options', () => {
  let sandbox: KobSandbox;
  const opened: TestingModule[] = [];

  beforeAll(async () => {
    sandbox = await KobSandbox.start();
  });

  afterAll(async () => {
    for (const moduleRef of opened) await moduleRef.close();
    await sandbox?.close();
  });

  async function serviceWith(
    journal: MemoryJournalAdapter,
    reconciliation?: ReconciliationOptions,
  ): Promise<ReconciliationService> {
    const moduleRef = await Test.createTestingModule({
      // The scheduler stays off: these runs are started by the test.
      imports: [kobModuleFor(sandbox, journal, { schedule: { enabled: false }, reconciliation })],
    }).compile();
    await moduleRef.init();
    opened.push(moduleRef);
    return moduleRef.get(ReconciliationService);
  }

  const customerId = () => sandbox.customers.find((c) => c.organisasjonsnummer === '313367002')!.id;

  it('delivers a run in journal batches of the configured size, the same entries as one call', async () => {
    const whole = new MemoryJournalAdapter();
    const one = await (await serviceWith(whole)).reconcile(customerId(), { asOf: sandbox.today });
    expect(one.status).toBe('ok');
    expect(one.entries.posted).toBeGreaterThan(5);
    expect(whole.postCalls().map((c) => c.keys.length)).toEqual([one.entries.posted]);

    const batched = new MemoryJournalAdapter();
    const service = await serviceWith(batched, { journalBatchSize: 5 });
    const report = await service.reconcile(customerId(), { asOf: sandbox.today });
    expect(report.status).toBe('ok');
    const sizes = batched.postCalls().map((c) => c.keys.length);
    expect(sizes.length).toBe(Math.ceil(one.entries.posted / 5));
    expect(sizes.every((n) => n <= 5)).toBe(true);
    expect(batched.entries(customerId())).toEqual(whole.entries(customerId()));
  });

  it('fetches from the last run day minus the configured overlap', async () => {
    const asOf = sandbox.today;
    for (const [overlapDays, from] of [
      [0, asOf],
      [30, addDays(asOf, -30)],
    ] as const) {
      const service = await serviceWith(new MemoryJournalAdapter(), { overlapDays });
      expect((await service.reconcile(customerId(), { asOf })).status).toBe('ok');
      const rerun = await service.reconcile(customerId(), { asOf });
      expect(rerun.window).toEqual({ from, to: asOf });
    }
  });
});
