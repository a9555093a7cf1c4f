import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/cli/demo.command.js';
import { outPaths, type OutPaths } from '../../src/cli/host-app.js';
import { backfillCommand, reconcileCommand, statusCommand } from '../../src/cli/operator.commands.js';
import type { ProgressStream } from '../../src/cli/progress-bar.js';

// The main job as `npm start` runs it (in process): the sandbox, the module embedded through forRootAsync and
// @nestjs/config, posting into hledger journals and a JSON-lines file under out/, state in out/state.sqlite.
describe('kob demo and the operator commands', () => {
  let dir: string;
  let out: OutPaths;
  const quiet: ProgressStream = { write: () => true, isTTY: false };
  const collect = () => {
    const lines: string[] = [];
    return { lines, log: (line: string) => void lines.push(line) };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kob-cli-'));
    out = outPaths(join(dir, 'out'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('posts every customer into journals that pass hledger check, and a second run posts nothing', async () => {
    const first = collect();
    const one = await runDemo({ out, log: first.log, progress: quiet });
    expect(one.exitCode).toBe(0);
    expect(one.rows.length).toBeGreaterThan(0);
    expect(one.rows.every((r) => r.status === 'ok' && r.assertionsOk)).toBe(true);
    const postedFirst = one.rows.reduce((n, r) => n + r.entriesPosted, 0);
    expect(postedFirst).toBeGreaterThan(0);

    const journals = readdirSync(out.hledgerDir).filter((f) => f.endsWith('.journal'));
    expect(journals).toHaveLength(one.rows.length);
    for (const file of journals)
      execFileSync('hledger', ['-f', join(out.hledgerDir, file), 'check', '--strict']);
    const jsonlEntries = readFileSync(out.jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type?: string })
      .filter((r) => r.type === 'entry');
    expect(jsonlEntries).toHaveLength(postedFirst);
    const report = JSON.parse(readFileSync(out.report, 'utf8')) as { customers: unknown[] };
    expect(report.customers).toHaveLength(one.rows.length);
    expect(first.lines.join('\n')).toContain(`${postedFirst} entries posted`);

    const second = collect();
    const two = await runDemo({ out, log: second.log, progress: quiet });
    expect(two.exitCode).toBe(0);
    expect(two.rows.reduce((n, r) => n + r.entriesPosted, 0)).toBe(0);
    expect(second.lines.join('\n')).toContain('Nothing new to post: 0 entries posted');
  }, 60_000);

  it('runs one customer dry, backfills without posting twice, and shows status from the store', async () => {
    const dry = collect();
    const customerId = 'kunde-313367002';
    await expect(
      reconcileCommand({ sandbox: true, out, log: dry.log, progress: quiet, customerId, dryRun: true }),
    ).resolves.toBe(0);
    expect(dry.lines.join('\n')).toContain('Dry run: nothing was posted or stored.');

    const backfill = collect();
    await expect(
      backfillCommand({ sandbox: true, out, log: backfill.log, progress: quiet, from: '2020-01-01' }),
    ).resolves.toBe(0);
    expect(backfill.lines.join('\n')).toContain('Nothing new to post');

    const status = collect();
    await expect(statusCommand({ sandbox: true, out, log: status.log, json: true })).resolves.toBe(0);
    const rows = JSON.parse(status.lines.join('\n')) as {
      customerId: string;
      access: string;
      runs: { status: string; dryRun: boolean }[];
    }[];
    const row = rows.find((r) => r.customerId === customerId)!;
    expect(row.access).toBe('active');
    expect(row.runs[0]).toMatchObject({ status: 'ok', dryRun: false });
    expect(row.runs.some((r) => r.dryRun)).toBe(true);
  }, 60_000);

  it('rejects an unknown customer without echoing a person number', async () => {
    const log = collect();
    await expect(
      reconcileCommand({
        sandbox: true,
        out,
        log: log.log,
        progress: quiet,
        customerId: '01017012345',
        dryRun: true,
      }),
    ).rejects.toThrow(/No customer \*+12345/);
  }, 60_000);
});
