/**
 * What a reconciliation uses when its options leave a setting out: the service's own defaults, and the module's
 * (`KOB_DEFAULTS.reconciliation`), one set for both.
 * @internal
 */
export const RECONCILIATION_DEFAULTS = Object.freeze({
  /** Days re-fetched before the watermark: placements and set-offs change after the fact. */
  overlapDays: 60,
  /** How long a run may hold its customer's lock. */
  lockTtlMs: 15 * 60_000,
  /** Entries per outbox write. */
  outboxChunkSize: 10_000,
});
