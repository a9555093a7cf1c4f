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
import type { Migration } from '../../src/store/migrations/migration.js';
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
    expect(res.rows[0].n).toBe(10); // nine tables + schema_migrations
    await store.close();
  });

  it('lets several processes migrate one new schema at the same time', async () => {
    const schema = newSchema();
    const stores = await Promise.all(
      [1, 2, 3].map(() => PostgresStateStore.connect({ connectionString: POSTGRES_URL, schema })),
    );
    await Promise.all(stores.map((s) => s.migrate()));
    const rows = await adminQuery(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(rows.rows.map((r) => r.version)).toEqual([1]);
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

  it('uses a pool the host owns without ending it', async () => {
    const schema = newSchema();
    const store = new PostgresStateStore({ pool, schema });
    await store.migrate();
    await store.setWatermark('c1', 'krav', '2025-02-01');
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await expect(store.getWatermark('c1', 'krav')).rejects.toMatchObject({ code: 'KOB_STORE_CLOSED' });
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
