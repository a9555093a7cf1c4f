import { createHash } from 'node:crypto';
import type { BullmqDriverOptions } from '../../config/module-options.interface.js';
import type { ResolvedScheduleOptions } from '../../config/resolved-options.interface.js';
import { KobError } from '../../errors/kob.error.js';

/**
 * The BullMQ driver's settings after its defaults (`schedule.driver.bullmq` leaves them to the driver).
 * @publicApi
 */
export interface ResolvedBullmqDriverOptions {
  /** ioredis options as given; a copy is handed to each BullMQ connection. */
  connection: BullmqDriverOptions['connection'];
  /** Redis key prefix. Default `bull`, BullMQ's own, so dashboards find the queue. */
  prefix: string;
  /** Default `kob-reconciliation`. */
  queueName: string;
  /** Attempts per tick, the first included. Default 3. */
  attempts: number;
  /** First retry delay; each later one doubles it (BullMQ's `exponential` backoff). Default 30 000. */
  backoffMs: number;
  /** Failed jobs kept for inspection (the newest ones). Default 1 000. */
  keepFailed: number;
  /** Completed jobs kept (the newest ones); older ones are trimmed as new ones complete. */
  keepCompleted: number;
  /** Seconds a completed job is kept at most. */
  keepCompletedSeconds: number;
}

/** @publicApi */
export const BULLMQ_DRIVER_DEFAULTS = Object.freeze({
  prefix: 'bull',
  queueName: 'kob-reconciliation',
  attempts: 3,
  backoffMs: 30_000,
  keepFailed: 1_000,
  keepCompleted: 1_000,
  keepCompletedSeconds: 24 * 60 * 60,
});

/** Name of the jobs the schedulers create (BullMQ job name, not an id). @publicApi */
export const BULLMQ_JOB_NAME = 'kob:reconcile';

/** What a scheduled job carries: the customer id and the fingerprint of the schedule that made it. @publicApi */
export interface BullmqTickData {
  customerId: string;
  /** {@link scheduleFingerprint} of the scheduler; lets `sync()` leave unchanged schedulers alone. */
  schedule: string;
}

/**
 * A completed job's return value, as BullMQ stores it: the outcome and counts, never the report's details
 * (amounts, reasons, identifiers), which stay in the module's store under `runId`.
 * @publicApi
 */
export interface BullmqTickResult {
  customerId: string;
  status: 'ok' | 'blocked' | 'skipped';
  runId: string;
  counts: { claims: number; payments: number; payouts: number; unplacedPayments: number };
  entries: { posted: number; duplicate: number; failed: number };
  durationMs: number;
}

/** The BullMQ job scheduler of a customer. @publicApi */
export const jobSchedulerId = (customerId: string): string => `kob:${customerId}`;

/**
 * The id BullMQ gives the job of one tick of a scheduler: `repeat:<schedulerId>:<tick millis>`
 * (`JobScheduler.getSchedulerNextJobId` and the `addJobScheduler`/`updateJobScheduler` scripts). Job ids are
 * unique in a queue, so every process that upserts the scheduler or advances it to its next tick names the same
 * job, and the tick runs once whichever process takes it.
 * @publicApi
 */
export const tickJobId = (customerId: string, tickMillis: number): string =>
  `repeat:${jobSchedulerId(customerId)}:${tickMillis}`;

/** The tick time encoded in a scheduler job's id, or undefined for another id. @internal */
export function tickMillisOf(jobId: string | undefined): number | undefined {
  if (jobId === undefined || !jobId.startsWith('repeat:')) return undefined;
  const millis = Number(jobId.slice(jobId.lastIndexOf(':') + 1));
  return Number.isSafeInteger(millis) && millis > 0 ? millis : undefined;
}

/**
 * The jitter of one tick, in [0, jitterMs): derived from the job id so every process (and a redelivery of the
 * job after a crash) picks the same delay, while customers sharing a cron spread out.
 * @internal
 */
export function jitterOf(jobId: string, jitterMs: number): number {
  if (!(jitterMs > 0)) return 0;
  // FNV-1a, 32 bits: cheap and well spread for short strings.
  let hash = 0x811c9dc5;
  for (let i = 0; i < jobId.length; i++) {
    hash ^= jobId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor((hash / 0x1_0000_0000) * jitterMs);
}

/**
 * Identifies everything a scheduler's jobs are made from, so a process only rewrites a scheduler whose cron,
 * time zone or job options changed (rewriting replaces its waiting job, which would drop a due tick).
 * @internal
 */
export function scheduleFingerprint(
  pattern: string,
  timezone: string,
  options: Pick<
    ResolvedBullmqDriverOptions,
    'attempts' | 'backoffMs' | 'keepFailed' | 'keepCompleted' | 'keepCompletedSeconds'
  >,
): string {
  const text = JSON.stringify([
    1,
    pattern,
    timezone,
    options.attempts,
    options.backoffMs,
    options.keepFailed,
    options.keepCompleted,
    options.keepCompletedSeconds,
  ]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/**
 * The BullMQ options of `schedule.driver` with the driver's defaults. Throws when the driver is not BullMQ (the
 * module validates the fields themselves).
 * @publicApi
 */
export function resolveBullmqDriverOptions(schedule: ResolvedScheduleOptions): ResolvedBullmqDriverOptions {
  const driver = schedule.driver;
  if (typeof driver !== 'object' || driver === null || typeof driver.bullmq !== 'object') {
    throw new KobError('schedule.driver: the BullMQ driver needs { bullmq: { connection } }', {
      code: 'KOB_CONFIG_INVALID',
    });
  }
  const options = driver.bullmq;
  if (typeof options.connection !== 'object' || options.connection === null) {
    throw new KobError('schedule.driver.bullmq.connection: must be an object', {
      code: 'KOB_CONFIG_INVALID',
    });
  }
  return {
    connection: options.connection,
    prefix: options.prefix ?? BULLMQ_DRIVER_DEFAULTS.prefix,
    queueName: options.queueName ?? BULLMQ_DRIVER_DEFAULTS.queueName,
    attempts: options.attempts ?? BULLMQ_DRIVER_DEFAULTS.attempts,
    backoffMs: options.backoffMs ?? BULLMQ_DRIVER_DEFAULTS.backoffMs,
    keepFailed: options.keepFailed ?? BULLMQ_DRIVER_DEFAULTS.keepFailed,
    keepCompleted: BULLMQ_DRIVER_DEFAULTS.keepCompleted,
    keepCompletedSeconds: BULLMQ_DRIVER_DEFAULTS.keepCompletedSeconds,
  };
}
