import { LATEST_SCHEMA_VERSION, PostgresStateStore } from '../../src/store/index.js';
import { describeStateStoreContract } from './state-store.contract.js';
import { adminQuery, dropSchemas, POSTGRES_URL, uniqueSchema } from './postgres-test-db.js';

const schemas: string[] = [];

describeStateStoreContract('postgres', {
  durable: true,
  open: async ({ clock }) => {
    const schema = uniqueSchema();
    schemas.push(schema);
    const connect = () => PostgresStateStore.connect({ connectionString: POSTGRES_URL, schema, clock });
    return {
      store: await connect(),
      reopen: connect,
      writeFutureVersion: async () => {
        await adminQuery(
          `INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
          [LATEST_SCHEMA_VERSION + 1, 'from-the-future', '2030-01-01T00:00:00.000Z'],
        );
      },
    };
  },
  dispose: () => dropSchemas(schemas),
});
