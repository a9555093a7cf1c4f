#!/usr/bin/env node
import 'reflect-metadata';
import { resolve } from 'node:path';
import { runDemo } from './demo.command.js';

// `kob` command line. `kob demo` (the default, and what `npm start` runs) reads the sandbox's demo customers
// through the module and prints a report.
const HELP = `Usage: kob <command>
  demo       start the sandbox and read every demo customer through the module (default)
  help       this text`;

async function main(argv: string[]): Promise<number> {
  const [command = 'demo'] = argv;
  switch (command) {
    case 'demo': {
      const reports = await runDemo({ outDir: resolve('out'), log: (line) => console.log(line) });
      const mismatches = reports.filter((r) => r.saldoAddsUp === false).length;
      return mismatches === 0 ? 0 : 1;
    }
    case 'help':
    case '--help':
      console.log(HELP);
      return 0;
    default:
      console.error(`Unknown command ${command}\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  },
);
