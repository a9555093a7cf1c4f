import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { HledgerJournalAdapter } from '../journal/hledger-journal.adapter.js';
import { checkJournals } from './hledger-check.js';
import { openHostApp, type OutPaths } from './host-app.js';
import type { ProgressStream } from './progress-bar.js';
import { runCustomers } from './run-customers.js';
import { formatRunTable, postingSummary, type RunSummary } from './run-report.format.js';

/** @internal */
export interface DemoOptions {
  out: OutPaths;
  log: (line: string) => void;
  progress?: ProgressStream;
  /** Keep running on this schedule after the first cycle, until SIGINT/SIGTERM. */
  watchCron?: string;
  /** Resolves when a `--watch` run should stop (the CLI passes a signal listener). */
  stopSignal?: Promise<void>;
}

/** @internal */
export interface DemoResult {
  rows: RunSummary[];
  /** `hledger check --strict` passed for every journal (true when hledger is not installed: not checked). */
  journalsOk: boolean;
  exitCode: number;
}

/**
 * `kob demo` (what `npm start` runs): starts the sandbox, boots a host application that embeds the module
 * through `forRootAsync` and `@nestjs/config`, and runs one full cycle for every demo customer: access check,
 * fetch, match, post into an hledger journal per customer and a JSON-lines file, assertions. Prints a report per
 * customer, checks the journals with `hledger check`, writes everything under `out/`. State lives in
 * `out/state.sqlite`, so a second run posts nothing new and says so. With `watchCron` it then stays up and
 * reconciles on that schedule through the module's scheduler.
 * @internal
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { out, log } = options;
  const host = await openHostApp({ sandbox: true, out, watchCron: options.watchCron });
  try {
    const api = host.sandbox!.environment.apiBaseUrl;
    log(`Sandbox: Krav og betalinger at ${api}, ledgers up to ${host.asOf}`);
    log(`Reconciling ${host.customers.length} customers; state in ${display(out.state)}\n`);
    const rows = await runCustomers(host.runner, host.customers, {
      trigger: 'manual',
      asOf: host.asOf,
      title: 'Reconciling',
      progress: options.progress,
    });
    log('');
    for (const line of formatRunTable(rows)) log(line);
    log('');
    log(postingSummary(rows));

    const hledger = new HledgerJournalAdapter({ dir: out.hledgerDir });
    const files = host.customers.map((c) => hledger.fileFor(c.id)).filter((f) => existsSync(f));
    const checks = await checkJournals(files);
    let journalsOk = true;
    if (checks === 'unavailable') {
      log('hledger is not installed: journals not checked (apt-get install hledger).');
    } else {
      const failed = checks.filter((c) => c.result === 'failed');
      journalsOk = failed.length === 0;
      log(
        journalsOk
          ? `hledger check --strict: ${checks.length} journals ok (${display(out.hledgerDir)})`
          : `hledger check --strict FAILED for ${failed.length} of ${checks.length} journals`,
      );
      for (const f of failed) if (f.result === 'failed') log(`  ${display(f.file)}: ${f.message}`);
    }
    log(`JSON lines: ${display(out.jsonl)}`);
    writeFileSync(
      out.report,
      JSON.stringify({ asOf: host.asOf, customers: rows, journals: checks }, null, 2) + '\n',
    );
    log(`Report: ${display(out.report)}`);

    const problems = rows.filter((r) => r.status === 'failed' || r.status === 'blocked').length;
    const exitCode = problems === 0 && journalsOk ? 0 : 1;
    if (options.watchCron) {
      log(`\nWatching: reconciling every customer on "${options.watchCron}" (Ctrl-C to stop).`);
      const orgOf = new Map(host.customers.map((c) => [c.id, c.organisasjonsnummer]));
      const unsubscribe = host.runner.onRunFinished((status, report) => {
        const org = orgOf.get(status.customerId) ?? status.customerId;
        const what = report
          ? `${report.status}, ${report.entries.posted} posted${report.reason ? ` (${report.reason})` : ''}`
          : `error (${status.lastReason ?? 'unknown'})`;
        log(`${status.lastFinishedAt ?? ''} ${org} ${what}`);
      });
      await (options.stopSignal ?? new Promise<void>(() => undefined));
      unsubscribe();
      log('Stopping: letting running reconciliations finish.');
    }
    return { rows, journalsOk, exitCode };
  } finally {
    await host.close();
  }
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
