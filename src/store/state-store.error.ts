import { KobError } from '../errors/kob.error.js';

/**
 * A state store refused an operation: bad input (an amount that is not a safe integer, a malformed key), an unknown
 * or finished run, a store used after `close()`, or a value read back that cannot be represented exactly.
 * Codes: `KOB_STORE_INVALID_INPUT`, `KOB_STORE_UNKNOWN_RUN`, `KOB_STORE_RUN_EXISTS`, `KOB_STORE_RUN_FINISHED`,
 * `KOB_STORE_CLOSED`, `KOB_STORE_CORRUPT`, `KOB_STORE_NOT_MIGRATED`.
 * @publicApi
 */
export class StateStoreError extends KobError {
  constructor(message: string, code: string, cause?: unknown) {
    super(message, { code, cause });
  }
}

/**
 * The database's schema was written by a newer version of this module than the one running: the code refuses to
 * use it rather than misread it. Upgrade the module (or point it at another database).
 * @publicApi
 */
export class SchemaVersionError extends KobError {
  readonly databaseVersion: number;
  readonly codeVersion: number;

  constructor(databaseVersion: number, codeVersion: number) {
    super(
      `State store schema version ${databaseVersion} is newer than this version of nestjs-krav-og-betalinger ` +
        `supports (${codeVersion}); upgrade the module or use another database`,
      { code: 'KOB_STORE_SCHEMA_TOO_NEW' },
    );
    this.databaseVersion = databaseVersion;
    this.codeVersion = codeVersion;
  }
}

/** @internal */
export function notMigrated(): StateStoreError {
  return new StateStoreError(
    'The state store is not migrated yet: call migrate() first',
    'KOB_STORE_NOT_MIGRATED',
  );
}

/** @internal */
export function storeClosed(): StateStoreError {
  return new StateStoreError('The state store is closed', 'KOB_STORE_CLOSED');
}
