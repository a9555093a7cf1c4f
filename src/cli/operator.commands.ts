import type { CustomerConfig } from '../config/module-options.interface.js';
import { maskIdentifier } from '../domain/identifiers.js';
import type { IsoDate } from '../domain/common.model.js';
import { openHostApp, type OutPaths } from './host-app.js';
import type { ProgressStream } from './progress-bar.js';
import { runCustomers } from './run-customers.js';
import { formatRunTable, postingSummary } from './run-report.format.js';

/** @internal */
export interface OperatorOptions {
  /** Run against the embedded sandbox with the demo's state in `out/` instead of the configured environment. */
  sandbox: boolean;
  out: OutPaths;
  log: (line: string) => void;
  progress?: ProgressStream;
  verbose?: boolean;
}

/** `kob reconcile --customer ID [--dry-run] [--as-of DATE]`: one customer, now. @internal */
export async function reconcileCommand(
  options: OperatorOptions & { customerId: string; dryRun: boolean; asOf?: IsoDate },
): Promise<number> {
  const host = await openHostApp({ sandbox: options.sandbox, out: options.out, verbose: options.verbose });
  try {
    const customer = pick(host.customers, options.customerId);
    const rows = await runCustomers(host.runner, [customer], {
      trigger: 'manual',
      asOf: options.asOf ?? host.asOf,
      dryRun: options.dryRun,
      title: options.dryRun ? 'Dry run' : 'Reconciling',
      progress: options.progress,
    });
    for (const line of formatRunTable(rows)) options.log(line);
    options.log(options.dryRun ? 'Dry run: nothing was posted or stored.' : postingSummary(rows));
    return rows[0].status === 'failed' || rows[0].status === 'blocked' ? 1 : 0;
  } finally {
    await host.close();
  }
}

/** `kob backfill --from DATE [--customer ID]`: re-reads from a day for every (or one) customer. @internal */
export async function backfillCommand(
  options: OperatorOptions & { from: IsoDate; customerId?: string; asOf?: IsoDate },
): Promise<number> {
  const host = await openHostApp({ sandbox: options.sandbox, out: options.out, verbose: options.verbose });
  try {
    const customers = options.customerId
      ? [pick(host.customers, options.customerId)]
      : host.customers.filter((c) => c.enabled !== false);
    options.log(`Backfilling ${customers.length} customer(s) from ${options.from}`);
    const rows = await runCustomers(host.runner, customers, {
      trigger: 'backfill',
      from: options.from,
      asOf: options.asOf ?? host.asOf,
      title: 'Backfilling',
      progress: options.progress,
    });
    for (const line of formatRunTable(rows)) options.log(line);
    options.log(postingSummary(rows));
    return rows.some((r) => r.status === 'failed' || r.status === 'blocked') ? 1 : 0;
  } finally {
    await host.close();
  }
}

/** `kob status [--json]`: each customer's access and last runs, from the state store. @internal */
export async function statusCommand(options: OperatorOptions & { json: boolean }): Promise<number> {
  const host = await openHostApp({ sandbox: options.sandbox, out: options.out, verbose: options.verbose });
  try {
    const rows = [];
    for (const customer of host.customers) {
      const [access, runs, block] = await Promise.all([
        host.store.get(customer.id),
        host.store.listRuns(customer.id, 3),
        host.store.getBlock(customer.id),
      ]);
      rows.push({
        customerId: customer.id,
        organisasjonsnummer: customer.organisasjonsnummer,
        access: access?.status ?? 'unknown',
        accessCheckedAt: access?.checkedAt,
        accessReason: access?.reason,
        blocked: block?.reason,
        runs: runs.map((r) => ({
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
          status: r.status,
          dryRun: r.dryRun,
          posted: (r.summary?.entries as { posted?: number } | undefined)?.posted,
          reason: r.summary?.reason as string | undefined,
        })),
      });
    }
    if (options.json) {
      options.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    for (const row of rows) {
      const last = row.runs[0];
      const lastText = last
        ? `last run ${last.startedAt} ${last.status}${last.dryRun ? ' (dry run)' : ''}, posted ${last.posted ?? 0}`
        : 'never run';
      options.log(`${row.organisasjonsnummer}  access ${row.access}  ${lastText}`);
      if (row.accessReason) options.log(`  access: ${row.accessReason}`);
      if (row.blocked) options.log(`  BLOCKED: ${row.blocked}`);
      if (last?.reason) options.log(`  ${last.reason}`);
    }
    return 0;
  } finally {
    await host.close();
  }
}

function pick(customers: readonly CustomerConfig[], id: string): CustomerConfig {
  const found = customers.find((c) => c.id === id || c.organisasjonsnummer === id);
  if (!found) {
    const known = customers.map((c) => c.id).join(', ');
    throw new Error(`No customer ${maskIdentifier(id)}; configured: ${known || 'none'}`);
  }
  return found;
}
