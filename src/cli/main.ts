#!/usr/bin/env node
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assertIsoDate } from '../domain/dates.js';
import { runDemo } from './demo.command.js';
import { outPaths } from './host-app.js';
import { backfillCommand, reconcileCommand, statusCommand } from './operator.commands.js';

// `kob`: the operator's command line. `npm start` runs `kob demo`.
const HELP = `Usage: kob <command> [options]

Commands:
  demo [--watch] [--cron EXPR]        start the sandbox and run one full cycle for the demo customers: access,
                                      fetch, match, post into out/hledger/*.journal and out/journal.jsonl,
                                      print the report (default command; what npm start runs). --watch keeps
                                      running on the schedule (default cron "*/5 * * * *").
  sandbox [sandbox options]           start the sandbox alone and print its endpoints (kob sandbox --help)
  reconcile --customer ID [--dry-run] [--as-of DATE]
                                      reconcile one customer now
  backfill --from DATE [--customer ID]
                                      re-read every (or one) customer from DATE and post what is missing
  status [--json]                     each customer's access and last runs
  help                                this text

Options of reconcile, backfill and status:
  --sandbox      use the embedded sandbox and the demo's state in --out (default: the environment configured
                 by KOB_* variables and config/, journal from KOB_JOURNAL)
  --out DIR      where the sandbox commands keep state and journals (default out)
  --verbose      the module's log lines`;

const log = (line: string): void => console.log(line);

async function main(argv: string[]): Promise<number> {
  const [command = 'demo', ...rest] = argv;
  if (command === 'sandbox') return runSandbox(rest);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      watch: { type: 'boolean' },
      cron: { type: 'string' },
      customer: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'as-of': { type: 'string' },
      from: { type: 'string' },
      json: { type: 'boolean' },
      sandbox: { type: 'boolean' },
      out: { type: 'string' },
      verbose: { type: 'boolean' },
    },
  });
  const out = outPaths(values.out ?? 'out');
  const common = { sandbox: values.sandbox === true, out, log, verbose: values.verbose === true };
  const asOf = values['as-of'] === undefined ? undefined : assertIsoDate(values['as-of'], '--as-of');
  switch (command) {
    case 'demo': {
      const watchCron = values.watch ? (values.cron ?? '*/5 * * * *') : undefined;
      const result = await runDemo({
        out,
        log,
        watchCron,
        stopSignal: watchCron ? untilSignal() : undefined,
      });
      return result.exitCode;
    }
    case 'reconcile':
      if (!values.customer) throw new UsageError('reconcile needs --customer ID');
      return reconcileCommand({
        ...common,
        customerId: values.customer,
        dryRun: values['dry-run'] === true,
        asOf,
      });
    case 'backfill':
      if (!values.from) throw new UsageError('backfill needs --from YYYY-MM-DD');
      return backfillCommand({
        ...common,
        from: assertIsoDate(values.from, '--from'),
        customerId: values.customer,
        asOf,
      });
    case 'status':
      return statusCommand({ ...common, json: values.json === true });
    case 'help':
    case '--help':
    case '-h':
      log(HELP);
      return 0;
    default:
      throw new UsageError(`Unknown command ${command}`);
  }
}

class UsageError extends Error {}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function runSandbox(args: string[]): Promise<number> {
  const script = fileURLToPath(new URL('../testing/sandbox/cli.js', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code) => resolve(code ?? 0));
  });
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage =
      error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    console.error(error instanceof Error ? `${usage ? '' : `${error.name}: `}${error.message}` : error);
    if (usage) console.error(`\n${HELP}`);
    process.exitCode = usage ? 2 : 1;
  },
);
