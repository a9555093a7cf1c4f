/**
 * The schema version this code writes. Every dialect's migration list ends at it (checked by a unit test), so a
 * version number means the same tables everywhere.
 * @internal
 */
export const LATEST_SCHEMA_VERSION = 2;
