import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What `hledger check --strict` said about one journal; `unavailable` when hledger is not installed. @internal */
export type HledgerCheck =
  { file: string; result: 'ok' } | { file: string; result: 'failed'; message: string };

/** Runs `hledger check --strict` on each journal. Returns `unavailable` when hledger is not on the PATH. @internal */
export async function checkJournals(files: readonly string[]): Promise<HledgerCheck[] | 'unavailable'> {
  const checks: HledgerCheck[] = [];
  for (const file of files) {
    try {
      await run('hledger', ['-f', file, 'check', '--strict'], { timeout: 60_000 });
      checks.push({ file, result: 'ok' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'unavailable';
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      checks.push({ file, result: 'failed', message: stderr.trim().split('\n').slice(0, 5).join(' ') });
    }
  }
  return checks;
}
