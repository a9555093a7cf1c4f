import type { CustomerConfig } from '../config/module-options.interface.js';
import type { IsoDate } from '../domain/common.model.js';
import type { CustomerRunner, RunTrigger } from '../scheduling/customer-runner.js';
import { ProgressBar, type ProgressStream } from './progress-bar.js';
import { summariseRun, type RunSummary } from './run-report.format.js';

/**
 * Runs customers through the module's {@link CustomerRunner} (so the module's concurrency cap holds), ticking a
 * progress bar as each finishes, and returns their summaries in the customers' order.
 * @internal
 */
export async function runCustomers(
  runner: CustomerRunner,
  customers: readonly CustomerConfig[],
  options: {
    trigger: RunTrigger;
    asOf?: IsoDate;
    from?: IsoDate;
    dryRun?: boolean;
    title: string;
    progress?: ProgressStream;
  },
): Promise<RunSummary[]> {
  const bar = new ProgressBar(customers.length, options.progress, options.title);
  const rows = await Promise.all(
    customers.map(async (customer) => {
      const report = await runner.run(customer.id, {
        trigger: options.trigger,
        ...(options.asOf ? { asOf: options.asOf } : {}),
        ...(options.from ? { from: options.from } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      });
      const row = summariseRun(report, customer.organisasjonsnummer);
      bar.tick(`${customer.organisasjonsnummer} ${row.status}, ${row.entriesPosted} posted`);
      return row;
    }),
  );
  bar.finish();
  return rows;
}
