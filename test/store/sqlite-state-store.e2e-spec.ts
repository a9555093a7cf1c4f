import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, SqliteStateStore } from '../../src/store/index.js';
import { describeStateStoreContract } from './state-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'kob-store-'));
let files = 0;

describeStateStoreContract('sqlite (file)', {
  durable: true,
  open: async ({ clock }) => {
    // A folder that does not exist yet: the store creates it.
    const path = join(dir, `db-${++files}`, 'state.sqlite');
    return {
      store: new SqliteStateStore({ path, clock }),
      reopen: async () => new SqliteStateStore({ path, clock }),
      writeFutureVersion: async () => {
        const db = new Database(path);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          LATEST_SCHEMA_VERSION + 1,
          'from-the-future',
          '2030-01-01T00:00:00.000Z',
        );
        db.close();
      },
    };
  },
  dispose: async () => rmSync(dir, { recursive: true, force: true }),
});

describeStateStoreContract('sqlite (:memory:)', {
  durable: false,
  open: async ({ clock }) => ({ store: new SqliteStateStore({ path: ':memory:', clock }) }),
});
