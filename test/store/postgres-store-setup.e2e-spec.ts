import pg from 'pg';
import {
  createStateStore,
  LATEST_SCHEMA_VERSION,
  PostgresStateStore,
  StateStoreError,
} from '../../src/store/index.js';
import {
  applyPostgresMigrations,
  postgresSchemaVersion,
} from '../../src/store/postgres/postgres-state.store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/postgres.migrations.js';
import type { Migration } from '../../src/store/migrations/migration.js';
import { versionOnePlacement, versionOneReversal } from '../fixtures/version-one-outbox.js';
import { outboxItem } from './state-store.contract.js';
import { adminQuery, dropSchemas, POSTGRES_URL, uniqueSchema } from './postgres-test-db.js';

const AT = '2025-03-01T08:00:00.000Z';
const schemas: string[] = [];
const newSchema = () => {
  const s = uniqueSchema();
  schemas.push(s);
  return s;
};

afterAll(() => dropSchemas(schemas));

describe('PostgreSQL store set-up', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 4 });
  });
  afterAll(() => pool.end());

  it('createStateStore connects, creates the schema and migrates it', async () => {
    const schema = newSchema();
    const store = await createStateStore({ kind: 'postgres', connectionString: POSTGRES_URL, schema });
    expect(store).toBeInstanceOf(PostgresStateStore);
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const res = await adminQuery(
      'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    expect(res.rows[0].n).toBe(12); // eleven tables + schema_migrations
    await store.close();
  });

  it('lets several processes migrate one new schema at the same time', async () => {
    const schema = newSchema();
    const stores = await Promise.all(
      [1, 2, 3].map(() => PostgresStateStore.connect({ connectionString: POSTGRES_URL, schema })),
    );
    await Promise.all(stores.map((s) => s.migrate()));
    const rows = await adminQuery(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(rows.rows.map((r) => r.version)).toEqual([1, 2]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('applies synthetic steps in order, once, and rolls back a failing call entirely', async () => {
    const schema = newSchema();
    const steps: Migration[] = [
      { version: 1, name: 'a', statements: ['CREATE TABLE {{schema}}.a (x integer)'] },
      { version: 2, name: 'b', statements: ['INSERT INTO {{schema}}.a VALUES (7)'] },
    ];
    expect(await applyPostgresMigrations(pool, schema, steps.slice(0, 1), AT)).toEqual([1]);
    expect(await applyPostgresMigrations(pool, schema, steps, AT)).toEqual([2]);
    expect(await applyPostgresMigrations(pool, schema, steps, AT)).toEqual([]);
    const broken: Migration[] = [
      ...steps,
      { version: 3, name: 'c', statements: ['CREATE TABLE {{schema}}.c (y integer)'] },
      { version: 4, name: 'd', statements: ['SELECT * FROM {{schema}}.missing'] },
    ];
    await expect(applyPostgresMigrations(pool, schema, broken, AT)).rejects.toThrow(/missing/);
    expect(await postgresSchemaVersion(pool, schema)).toBe(2);
    const c = await adminQuery('SELECT to_regclass($1) AS t', [`"${schema}".c`]);
    expect(c.rows[0].t).toBeNull();
    expect((await adminQuery(`SELECT x FROM "${schema}".a`)).rows).toEqual([{ x: 7 }]);
  });

  it('gives outbox rows written by version 1 their effects, parents and totals when migrating to version 2', async () => {
    const schema = newSchema();
    expect(await applyPostgresMigrations(pool, schema, POSTGRES_MIGRATIONS.slice(0, 1), AT)).toEqual([1]);
    const placement = versionOnePlacement('c1', 'P1', 'I1', 500);
    const placementKey = placement.idempotencyKey;
    const reversalKey = `kob:c1:reversal:${placementKey}#1`;
    const reversal = versionOneReversal(placement, reversalKey);
    const paymentKey = 'kob:c1:payment:P2';
    const payment = {
      idempotencyKey: paymentKey,
      date: '2025-01-04',
      description: 'payment',
      lines: [
        { account: '1920', debit: 300, reference: 'P2' },
        { account: '1579', credit: 300, reference: 'P2' },
      ],
      source: { kind: 'payment', ids: ['P2'] },
    };
    const rows: [string, string, string | null, string, object][] = [
      [placementKey, placementKey, null, 'posted', placement],
      [reversalKey, placementKey, placementKey, 'posted', reversal],
      [paymentKey, paymentKey, null, 'pending', payment],
    ];
    for (const [key, baseKey, reverses, status, entry] of rows) {
      await adminQuery(
        `INSERT INTO "${schema}".outbox (customer_id, key, base_key, version, reverses, content_hash, entry, ` +
          "status, created_at, posted_at) VALUES ('c1', $1, $2, 1, $3, 'h', $4::json, $5, $6, $7)",
        [key, baseKey, reverses, JSON.stringify(entry), status, AT, status === 'posted' ? AT : null],
      );
    }

    const store = new PostgresStateStore({ pool, schema });
    await store.migrate();
    expect(await store.schemaVersion()).toBe(2);
    const effects = await adminQuery(`SELECT key, effects FROM "${schema}".outbox ORDER BY seq`);
    expect(effects.rows.slice(0, 2)).toEqual([
      {
        key: placementKey,
        effects: [
          ['a:2600', 500],
          ['a:1579', -500],
          ['i:I1', 500],
          ['p:P1', 500],
        ],
      },
      {
        key: reversalKey,
        effects: [
          ['a:2600', -500],
          ['a:1579', 500],
          ['i:I1', -500],
          ['p:P1', -500],
        ],
      },
    ]);
    // Both posted: every subject they name is back at zero; the pending payment adds nothing yet.
    expect(await store.postedTotals('c1')).toEqual(
      new Map([
        ['a:1579', 0],
        ['a:2600', 0],
        ['i:I1', 0],
        ['p:P1', 0],
      ]),
    );
    const byParent = await store.latestVersionsFor('c1', { parents: ['p:P1'] });
    expect([...byParent.keys()]).toEqual([placementKey]);
    expect(byParent.get(placementKey)).toEqual({
      key: placementKey,
      version: 1,
      contentHash: 'h',
      status: 'posted',
      reversed: true,
      reversalKey,
      reversalStatus: 'posted',
      entry: placement,
    });
    expect([...(await store.latestVersionsFor('c1', { parents: ['i:I1'] })).keys()]).toEqual([placementKey]);
    const parents = await adminQuery(
      `SELECT parent, base_key FROM "${schema}".outbox_parents ORDER BY parent`,
    );
    expect(parents.rows.filter((r) => r.base_key === placementKey).map((r) => r.parent)).toEqual([
      'i:I1',
      'p:P1',
    ]);

    // The pending payment adds its backfilled effects when it is posted, once.
    expect(await store.markPosted('c1', [{ key: paymentKey }])).toEqual({ updated: 1, unchanged: [] });
    expect(await store.markPosted('c1', [{ key: paymentKey }])).toEqual({
      updated: 0,
      unchanged: [paymentKey],
    });
    const afterPayment = await store.postedTotals('c1', ['a:1920', 'a:1579']);
    expect(afterPayment.get('a:1920')).toBe(300);
    expect(afterPayment.get('a:1579')).toBe(-300);

    // Migrating again changes nothing.
    await store.migrate();
    expect((await store.postedTotals('c1')).get('a:1920')).toBe(300);
    await store.close();
  });

  it('rolls the upgrade back entirely when the backfill fails', async () => {
    const schema = newSchema();
    await applyPostgresMigrations(pool, schema, POSTGRES_MIGRATIONS.slice(0, 1), AT);
    await adminQuery(
      `INSERT INTO "${schema}".outbox (customer_id, key, base_key, version, content_hash, entry, status, created_at) ` +
        "VALUES ('c1', 'k1', 'k1', 1, 'h', $1::json, 'posted', $2)",
      [JSON.stringify({ idempotencyKey: 'k1', lines: null }), AT],
    );
    const store = new PostgresStateStore({ pool, schema });
    await expect(store.migrate()).rejects.toThrow();
    expect(await postgresSchemaVersion(pool, schema)).toBe(1);
    const totals = await adminQuery('SELECT to_regclass($1) AS t', [`"${schema}".posted_totals`]);
    expect(totals.rows[0].t).toBeNull();
    await store.close();
  });

  it('backfills nothing on a new database', async () => {
    const schema = newSchema();
    const store = new PostgresStateStore({ pool, schema });
    await store.migrate();
    expect(await store.postedTotals('c1')).toEqual(new Map());
    const counts = await adminQuery(
      `SELECT (SELECT count(*)::int FROM "${schema}".outbox_parents) AS parents, ` +
        `(SELECT count(*)::int FROM "${schema}".posted_totals) AS totals`,
    );
    expect(counts.rows[0]).toEqual({ parents: 0, totals: 0 });
    await store.close();
  });

  it('uses a pool the host owns without ending it', async () => {
    const schema = newSchema();
    const store = new PostgresStateStore({ pool, schema });
    await store.migrate();
    await store.setWatermark('c1', 'krav', '2025-02-01');
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await expect(store.getWatermark('c1', 'krav')).rejects.toMatchObject({ code: 'KOB_STORE_CLOSED' });
  });

  it('refreshes a table’s planner statistics before a keyed read once it has written analyzeAfterRows rows to it', async () => {
    const schema = newSchema();
    const lastAnalyze = async (table: string): Promise<Date | null> =>
      (
        await adminQuery(
          'SELECT last_analyze FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2',
          [schema, table],
        )
      ).rows[0].last_analyze as Date | null;
    const store = new PostgresStateStore({ pool, schema, analyzeAfterRows: 50 });
    await store.migrate();
    const items = Array.from({ length: 60 }, (_, i) => ({ ...outboxItem(`k${i}`), parents: [`p:${i}`] }));
    await store.applyBatch('c1', {
      outbox: items,
      factHashes: [{ kind: 'claims', hashes: items.map((_, i) => [`K${i}`, 'h']) }],
    });
    expect(await lastAnalyze('outbox')).toBeNull();

    await store.latestVersionsFor('c1', { baseKeys: ['k1'], parents: ['p:2'] });
    const outboxAnalyzed = await lastAnalyze('outbox');
    expect(outboxAnalyzed).not.toBeNull();
    expect(await lastAnalyze('outbox_parents')).not.toBeNull();
    expect(await lastAnalyze('fact_hashes')).toBeNull(); // not read yet
    await store.latestVersionsFor('c1', { baseKeys: ['k1'] });
    expect(await lastAnalyze('outbox')).toEqual(outboxAnalyzed); // nothing written since

    await store.getFactHashes('c1', 'claims', ['K1']);
    expect(await lastAnalyze('fact_hashes')).not.toBeNull();
    expect(await lastAnalyze('posted_totals')).toBeNull();
    await store.markPosted(
      'c1',
      items.map((e) => ({ key: e.entry.idempotencyKey })),
    );
    await store.postedTotals('c1', ['a:2740']);
    expect(await lastAnalyze('posted_totals')).not.toBeNull();

    // Below the default (10,000 rows) nothing is analyzed.
    const quiet = newSchema();
    const small = new PostgresStateStore({ pool, schema: quiet });
    await small.migrate();
    await small.applyBatch('c1', { outbox: items });
    await small.latestVersionsFor('c1', { baseKeys: ['k1'] });
    const stats = await adminQuery('SELECT last_analyze FROM pg_stat_user_tables WHERE schemaname = $1', [
      quiet,
    ]);
    expect(stats.rows.every((r) => r.last_analyze === null)).toBe(true);
    expect(() => new PostgresStateStore({ pool, schema: quiet, analyzeAfterRows: 0 })).toThrow(
      /analyzeAfterRows/,
    );
    await Promise.all([store.close(), small.close()]);
  });

  it('refuses a schema name that is not a plain identifier before connecting', async () => {
    await expect(
      PostgresStateStore.connect({ connectionString: POSTGRES_URL, schema: 'kob"; DROP TABLE x; --' }),
    ).rejects.toThrow(StateStoreError);
    expect(() => new PostgresStateStore({ pool, schema: 'with space' })).toThrow(/plain identifier/);
  });

  it('compares lock expiries beyond 32 bits exactly (int8 columns)', async () => {
    const schema = newSchema();
    const store = new PostgresStateStore({ pool, schema });
    await store.migrate();
    const far = 8_000_000_000_000; // an expiry beyond 2^32 ms, stored as int8
    expect(await store.tryLock('run:c1', 'w1', 1_000, far)).toBe(true);
    expect(await store.tryLock('run:c1', 'w2', 1_000, far + 999)).toBe(false);
    expect(await store.tryLock('run:c1', 'w2', 1_000, far + 1_000)).toBe(true);
    const raw = await pool.query(`SELECT expires_at FROM "${schema}".locks`);
    expect(raw.rows[0].expires_at).toBe(String(far + 2_000)); // pg returns int8 as text
    await store.close();
  });
});
