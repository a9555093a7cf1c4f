import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The CI server (trust auth on loopback); override with KOB_TEST_POSTGRES_URL. */
export const POSTGRES_URL = process.env.KOB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test run uses, so parallel jest workers never meet. */
export function uniqueSchema(): string {
  return `kob_test_${randomBytes(6).toString('hex')}`;
}

/** Runs admin statements on a short-lived client. */
export async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

export async function dropSchemas(schemas: Iterable<string>): Promise<void> {
  const list = [...schemas];
  if (list.length === 0) return;
  await adminQuery(list.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE;`).join('\n'));
}
