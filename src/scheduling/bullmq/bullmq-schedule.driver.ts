import { Logger, type LoggerService } from '@nestjs/common';
import {
  DelayedError,
  Queue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
  type JobSchedulerJson,
  type JobSchedulerTemplateOptions,
} from 'bullmq';
import type { CustomerConfig } from '../../config/module-options.interface.js';
import { KobError } from '../../errors/kob.error.js';
import type { ReconciliationReport } from '../../reconciliation/reconciliation-report.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { RunnerShuttingDownError } from '../customer-runner.js';
import { listCustomers, type ScheduleDriver, type ScheduleDriverDeps } from '../schedule-driver.interface.js';
import { customerCron } from '../customer-cron.js';
import {
  BULLMQ_JOB_NAME,
  jitterOf,
  jobSchedulerId,
  resolveBullmqDriverOptions,
  scheduleFingerprint,
  tickMillisOf,
  type BullmqTickData,
  type BullmqTickResult,
  type ResolvedBullmqDriverOptions,
} from './bullmq-driver.options.js';

/** @publicApi */
export type BullmqScheduleDriverDeps = ScheduleDriverDeps;

/**
 * A tick whose reconciliation ended `failed`: thrown from the job so BullMQ retries it (and, after the last
 * attempt, keeps it in the failed set with this message as its `failedReason`).
 * @publicApi
 */
export class ReconciliationRunFailedError extends KobError {
  constructor(
    readonly customerId: string,
    readonly runId: string,
    reason: string | undefined,
  ) {
    super(`Reconciliation of ${customerId} failed (run ${runId}): ${clip(reason ?? 'no reason given')}`, {
      code: 'KOB_RUN_FAILED',
    });
  }
}

/** Scheduler states that mean its next tick is still to come. */
const PENDING_STATES = new Set(['delayed', 'waiting', 'prioritized', 'active', 'waiting-children']);
/** `SchedulerJobIdCollision` from BullMQ's `addJobScheduler` script: another process already queued the tick. */
const SCHEDULER_JOB_ID_COLLISION = -10;
/** Schedulers checked or written at once by `sync()`. */
const SYNC_BATCH = 25;

/**
 * Schedules customers on a BullMQ queue in Redis, for hosts that run several instances of the application:
 * one job scheduler per enabled customer (`kob:<customerId>`, the customer's cron or the default, in
 * `schedule.timezone`), and in every instance a `Worker` that takes ticks and hands them to the
 * {@link CustomerRunner} with `trigger: 'queue'`.
 *
 * - A tick is one job with a stable id, `repeat:kob:<customerId>:<tick millis>` ({@link tickJobId}); BullMQ runs a
 *   job in one worker at a time, so a tick runs once across instances. Two runs of a customer never overlap
 *   anyway: the reconciliation takes a lock in the state store.
 * - A `failed` report throws, so BullMQ retries with exponential backoff (`attempts`, `backoffMs`); after the
 *   last attempt the job stays in the failed set (`keepFailed`). `ok`, `blocked` and `skipped` complete, with a
 *   {@link BullmqTickResult} as the job's return value; completed jobs are trimmed.
 * - Jitter: job schedulers have no jitter for cron patterns (their `offset` applies to `every` only, and the
 *   template may not set `delay`), so a tick's first attempt moves its job to the delayed set until
 *   tick + {@link jitterOf} (in [0, jitterMs), the same in every instance), without holding a worker slot.
 * - Every instance upserts the schedulers at start; a scheduler whose cron, time zone and job options are
 *   unchanged and whose next tick is queued is left alone (rewriting it would replace a tick that is due but
 *   still waiting for a worker). All instances must therefore be configured with the same customers, crons and
 *   driver options: `sync()` removes schedulers of customers it does not know.
 * @publicApi
 */
export class BullmqScheduleDriver implements ScheduleDriver {
  private readonly logger?: LoggerService;
  private readonly clock: Clock;
  private readonly options: ResolvedBullmqDriverOptions;
  private queue?: Queue<BullmqTickData, BullmqTickResult>;
  private worker?: Worker<BullmqTickData, BullmqTickResult>;
  private started = false;
  private syncing: Promise<void> = Promise.resolve();
  private stopping?: Promise<void>;

  constructor(private readonly deps: BullmqScheduleDriverDeps) {
    this.logger = deps.logger === false ? undefined : (deps.logger ?? new Logger(BullmqScheduleDriver.name));
    this.clock = deps.clock ?? systemClock;
    this.options = resolveBullmqDriverOptions(deps.schedule);
  }

  /** The queue's name and Redis key prefix, for dashboards and tests. */
  get queueName(): string {
    return this.options.queueName;
  }

  get prefix(): string {
    return this.options.prefix;
  }

  /**
   * Writes the customers' job schedulers, then starts this instance's worker. If Redis cannot be reached the
   * call fails (after ioredis's retries) and nothing is left running.
   */
  async start(): Promise<void> {
    if (this.started) return;
    await this.stopping;
    this.started = true;
    const { queueName, prefix } = this.options;
    const queue = new Queue<BullmqTickData, BullmqTickResult>(queueName, {
      connection: this.connection(false),
      prefix,
    });
    queue.on('error', (error) => this.logger?.error?.(`BullMQ queue ${queueName}: ${messageOf(error)}`));
    this.queue = queue;
    try {
      await this.sync();
      if (!this.started) return;
      this.worker = this.createWorker();
      await this.worker.waitUntilReady();
    } catch (error) {
      await this.stop();
      throw error;
    }
    const count = (await queue.getJobSchedulers()).filter((s) => s.key.startsWith(jobSchedulerId(''))).length;
    this.logger?.log?.(
      `Scheduling ${count} customer(s) on BullMQ queue ${prefix}:${queueName} (${this.deps.schedule.timezone}), ` +
        `${this.deps.schedule.concurrency} at once in this process`,
    );
  }

  /**
   * Stops taking ticks and closes the worker, the queue and their Redis connections. BullMQ's `Worker.close()`
   * waits for the jobs this instance is running, so their outcome (completed, retry, failed) is written to Redis
   * and their locks are renewed meanwhile; the wait is bounded by `schedule.shutdownTimeoutMs`. After that the
   * connections are dropped and the runs are left to the runner's drain: a job whose outcome was not recorded is
   * taken again by another instance once its lock expires (the run is idempotent).
   */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.started = false;
    const stopping = this.stopNow().finally(() => {
      if (this.stopping === stopping) this.stopping = undefined;
    });
    this.stopping = stopping;
    return stopping;
  }

  /**
   * Re-reads the customers: upserts schedulers of new or changed ones, removes those of customers gone or disabled.
   * Calls never overlap.
   */
  sync(): Promise<void> {
    const next = this.syncing.catch(() => undefined).then(() => this.syncNow());
    this.syncing = next;
    return next;
  }

  /** The customers with a job scheduler in Redis (across all instances). */
  async scheduledCustomerIds(): Promise<string[]> {
    const queue = this.queue;
    if (!queue) return [];
    const prefix = jobSchedulerId('');
    return (await queue.getJobSchedulers())
      .filter((s) => s.key.startsWith(prefix))
      .map((s) => s.key.slice(prefix.length));
  }

  private async stopNow(): Promise<void> {
    await this.syncing.catch(() => undefined);
    const { worker, queue } = this;
    this.worker = undefined;
    this.queue = undefined;
    if (worker) await this.closeWorker(worker);
    if (queue) await queue.close().catch((error: unknown) => this.logger?.warn?.(messageOf(error)));
  }

  private async closeWorker(worker: Worker): Promise<void> {
    const closing = worker.close().catch((error: unknown) => this.logger?.warn?.(messageOf(error)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.deps.schedule.shutdownTimeoutMs);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.logger?.warn?.(
        `BullMQ jobs still running after ${this.deps.schedule.shutdownTimeoutMs} ms; closing their connections ` +
          '(another instance retakes them once their locks expire)',
      );
      await worker.disconnect().catch(() => undefined);
    }
  }

  private async syncNow(): Promise<void> {
    const queue = this.queue;
    if (!this.started || !queue) return;
    const wanted = new Map<string, string>();
    for (const customer of await listCustomers(this.deps.customers)) {
      const cron = this.cronOf(customer);
      if (cron !== undefined) wanted.set(customer.id, cron);
    }
    const idPrefix = jobSchedulerId('');
    const existing = new Map<string, JobSchedulerJson<BullmqTickData>>();
    for (const scheduler of await queue.getJobSchedulers()) {
      if (scheduler.key.startsWith(idPrefix)) existing.set(scheduler.key.slice(idPrefix.length), scheduler);
    }
    if (!this.started) return;
    const gone = [...existing.keys()].filter((customerId) => !wanted.has(customerId));
    await inBatches(gone, async (customerId) => {
      await queue.removeJobScheduler(jobSchedulerId(customerId));
      this.logger?.log?.(`Removed the schedule of ${customerId}`);
    });
    await inBatches([...wanted], async ([customerId, cron]) => {
      if (await this.isCurrent(queue, customerId, cron, existing.get(customerId))) return;
      await this.upsert(queue, customerId, cron);
    });
  }

  /** Whether the scheduler in Redis was written from the same settings and still has its next tick queued. */
  private async isCurrent(
    queue: Queue<BullmqTickData, BullmqTickResult>,
    customerId: string,
    cron: string,
    scheduler: JobSchedulerJson<BullmqTickData> | undefined,
  ): Promise<boolean> {
    if (!scheduler || scheduler.template?.data?.schedule !== this.fingerprint(cron)) return false;
    if (typeof scheduler.next !== 'number') return false;
    const state = await queue.getJobState(`repeat:${jobSchedulerId(customerId)}:${scheduler.next}`);
    return PENDING_STATES.has(state);
  }

  private async upsert(
    queue: Queue<BullmqTickData, BullmqTickResult>,
    customerId: string,
    cron: string,
  ): Promise<void> {
    const { attempts, backoffMs, keepFailed, keepCompleted, keepCompletedSeconds } = this.options;
    const opts: JobSchedulerTemplateOptions = {
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: { age: keepCompletedSeconds, count: keepCompleted },
      // A count, not `false`: failed runs stay visible, but a customer failing every tick cannot fill Redis.
      removeOnFail: keepFailed === 0 ? true : { count: keepFailed },
    };
    try {
      await queue.upsertJobScheduler(
        jobSchedulerId(customerId),
        { pattern: cron, tz: this.deps.schedule.timezone },
        { name: BULLMQ_JOB_NAME, data: { customerId, schedule: this.fingerprint(cron) }, opts },
      );
    } catch (error) {
      // Another instance (with a clock slightly ahead) already queued the tick this one computed.
      if ((error as { code?: unknown }).code === SCHEDULER_JOB_ID_COLLISION) {
        this.logger?.debug?.(`The next tick of ${customerId} is already queued`);
        return;
      }
      throw error;
    }
  }

  private fingerprint(cron: string): string {
    return scheduleFingerprint(cron, this.deps.schedule.timezone, this.options);
  }

  private cronOf(customer: CustomerConfig): string | undefined {
    return customerCron(customer, this.deps.schedule.cron, this.logger);
  }

  private createWorker(): Worker<BullmqTickData, BullmqTickResult> {
    const { queueName, prefix, attempts } = this.options;
    const worker = new Worker<BullmqTickData, BullmqTickResult>(
      queueName,
      (job, token) => this.process(job, token),
      { connection: this.connection(true), prefix, concurrency: this.deps.schedule.concurrency },
    );
    worker.on('error', (error) => this.logger?.error?.(`BullMQ worker ${queueName}: ${messageOf(error)}`));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? attempts);
      this.logger?.warn?.(
        `${final ? 'Scheduled run failed for good' : 'Scheduled run failed, will retry'} ` +
          `(${job.data.customerId}, attempt ${job.attemptsMade} of ${job.opts.attempts ?? attempts}): ` +
          messageOf(error),
      );
    });
    return worker;
  }

  /** Runs one tick: jitter first, then the runner; see the class comment for the outcomes. */
  private async process(
    job: Job<BullmqTickData, BullmqTickResult>,
    token?: string,
  ): Promise<BullmqTickResult> {
    const customerId = job.data?.customerId;
    if (typeof customerId !== 'string' || customerId === '') {
      throw new UnrecoverableError('The job names no customer');
    }
    if (token !== undefined && job.attemptsMade === 0 && (await this.jitter(job, token))) {
      throw new DelayedError();
    }
    let report: ReconciliationReport;
    try {
      report = await this.deps.runner.run(customerId, { trigger: 'queue' });
    } catch (error) {
      // The runner is draining: hand the tick back to the queue (no attempt used) for another instance.
      if (error instanceof RunnerShuttingDownError && token !== undefined) {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      throw error;
    }
    if (report.status === 'failed')
      throw new ReconciliationRunFailedError(customerId, report.runId, report.reason);
    // A blocked run completes the job (retrying cannot unblock it); the service has logged it.
    return summarize(customerId, report);
  }

  /** Moves the job to the delayed set until its jittered time; false when that time has come. */
  private async jitter(job: Job<BullmqTickData, BullmqTickResult>, token: string): Promise<boolean> {
    const { jitterMs } = this.deps.schedule;
    if (!(jitterMs > 0) || job.id === undefined) return false;
    const due = (tickMillisOf(job.id) ?? job.timestamp) + jitterOf(job.id, jitterMs);
    if (due <= this.clock.now()) return false;
    await job.moveToDelayed(due, token);
    return true;
  }

  /** A fresh copy of the connection options per BullMQ client (ioredis and BullMQ add to what they are given). */
  private connection(worker: boolean): ConnectionOptions {
    const options = { ...this.options.connection };
    // Workers block on Redis; BullMQ requires them not to give up on a command while reconnecting.
    return worker ? { ...options, maxRetriesPerRequest: null } : options;
  }
}

function summarize(customerId: string, report: ReconciliationReport): BullmqTickResult {
  const { counts, entries } = report;
  return {
    customerId,
    status: report.status as BullmqTickResult['status'],
    runId: report.runId,
    counts: {
      claims: counts.claims,
      payments: counts.payments,
      payouts: counts.payouts,
      unplacedPayments: counts.unplacedPayments,
    },
    entries: { posted: entries.posted, duplicate: entries.duplicate, failed: entries.failed },
    durationMs: report.durationMs,
  };
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += SYNC_BATCH) {
    await Promise.all(items.slice(i, i + SYNC_BATCH).map(work));
  }
}

function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
