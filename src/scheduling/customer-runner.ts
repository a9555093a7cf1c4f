import { KobError } from '../errors/kob.error.js';
import { Semaphore } from '../concurrency/semaphore.js';
import type { IsoDate } from '../domain/common.model.js';
import type { ReconciliationReport } from '../reconciliation/reconciliation-report.js';
import { systemClock, type Clock } from '../time/clock.js';

/** What started a run. @publicApi */
export type RunTrigger = 'schedule' | 'queue' | 'manual' | 'backfill';

/** The one thing a runner needs from the reconciliation service. @publicApi */
export interface Reconciler {
  reconcile(
    customerId: string,
    options?: { asOf?: IsoDate; dryRun?: boolean; from?: IsoDate },
  ): Promise<ReconciliationReport>;
}

/** @publicApi */
export interface CustomerRunOptions {
  trigger?: RunTrigger;
  asOf?: IsoDate;
  from?: IsoDate;
  dryRun?: boolean;
}

/** The last run of one customer as the scheduler saw it (for health checks and `kob status`). @publicApi */
export interface CustomerRunStatus {
  customerId: string;
  running: boolean;
  lastTrigger?: RunTrigger;
  lastStartedAt?: string;
  lastFinishedAt?: string;
  /** The report's status, or `error` when the run threw (e.g. the store was unreachable). */
  lastStatus?: ReconciliationReport['status'] | 'error';
  lastReason?: string;
  lastSuccessAt?: string;
  /** Runs in a row that ended `failed`, `blocked` or `error`; reset by an `ok` run. */
  consecutiveFailures: number;
  runs: number;
}

/** Told after every run; see {@link CustomerRunner.onRunFinished}. @publicApi */
export type RunListener = (status: CustomerRunStatus, report?: ReconciliationReport) => void;

/** The runner is shutting down and takes no new runs. @publicApi */
export class RunnerShuttingDownError extends KobError {
  constructor(readonly customerId: string) {
    super(`Not starting a run of ${customerId}: the scheduler is shutting down`, {
      code: 'KOB_SCHEDULER_SHUTTING_DOWN',
    });
  }
}

/** @publicApi */
export interface DrainResult {
  /** Runs that finished while draining. */
  finished: number;
  /**
   * Runs still going when the timeout passed (their customer's store lock expires on its own), plus runs that
   * were still waiting for a slot (those never start).
   */
  abandoned: number;
  /** The customers of the abandoned runs, for the shutdown log. */
  abandonedCustomerIds: string[];
}

/**
 * Runs customers' reconciliations for the scheduling drivers: at most `concurrency` at once across all
 * customers of this process, one status per customer, and a drain for graceful shutdown. Two runs of one
 * customer never overlap: the reconciliation service takes a lock in the state store, which also holds across
 * processes that share a store.
 * @publicApi
 */
export class CustomerRunner {
  private readonly slots: Semaphore;
  private readonly clock: Clock;
  private readonly statusById = new Map<string, CustomerRunStatus>();
  /** Accepted runs (queued or running) and their customer. */
  private readonly inFlight = new Map<Promise<unknown>, string>();
  private readonly inFlightById = new Map<string, number>();
  private readonly listeners = new Set<RunListener>();
  private closing = false;
  /** Set when a drain timed out: runs still waiting for a slot give up instead of starting. */
  private abandoning = false;

  constructor(
    private readonly reconciler: Reconciler,
    options: { concurrency: number; clock?: Clock },
  ) {
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError('concurrency must be a whole number of at least 1');
    }
    this.slots = new Semaphore(options.concurrency);
    this.clock = options.clock ?? systemClock;
  }

  /** Runs in progress or waiting for a slot. */
  get active(): number {
    return this.inFlight.size;
  }

  /** True once {@link drain} began: no new runs are taken. */
  get shuttingDown(): boolean {
    return this.closing;
  }

  /** Whether a run of this customer was accepted and has not finished yet (queued for a slot or running). */
  isActive(customerId: string): boolean {
    return (this.inFlightById.get(customerId) ?? 0) > 0;
  }

  /**
   * Reconciles one customer once a slot is free. Resolves with the report (which says `skipped` when another
   * run of the customer holds its lock); rejects with {@link RunnerShuttingDownError} after {@link drain}
   * began, and with whatever the service threw when the run could not even start (the status records it).
   */
  run(customerId: string, options: CustomerRunOptions = {}): Promise<ReconciliationReport> {
    if (this.closing) return Promise.reject(new RunnerShuttingDownError(customerId));
    const task = this.slots.run(() => {
      if (this.abandoning) return Promise.reject(new RunnerShuttingDownError(customerId));
      return this.runNow(customerId, options);
    });
    this.inFlight.set(task, customerId);
    this.inFlightById.set(customerId, (this.inFlightById.get(customerId) ?? 0) + 1);
    const forget = () => {
      this.inFlight.delete(task);
      const left = (this.inFlightById.get(customerId) ?? 1) - 1;
      if (left > 0) this.inFlightById.set(customerId, left);
      else this.inFlightById.delete(customerId);
    };
    task.then(forget, forget);
    return task;
  }

  /** Every customer that has run (or is running) in this process, by id. */
  statuses(): CustomerRunStatus[] {
    return [...this.statusById.values()].map((s) => ({ ...s }));
  }

  status(customerId: string): CustomerRunStatus | undefined {
    const s = this.statusById.get(customerId);
    return s ? { ...s } : undefined;
  }

  /**
   * Stops taking runs and waits for those in progress (and those already queued for a slot) to finish, at most
   * `timeoutMs`. Never rejects.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    this.closing = true;
    const pending = [...this.inFlight];
    if (pending.length === 0) return { finished: 0, abandoned: 0, abandonedCustomerIds: [] };
    const settled = new Set<Promise<unknown>>();
    const all = Promise.all(
      pending.map(([p]) =>
        p.then(
          () => void settled.add(p),
          () => void settled.add(p),
        ),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, timeoutMs));
      // A drain must not be what keeps the process alive.
      timer.unref?.();
    });
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    const abandonedCustomerIds = pending.filter(([p]) => !settled.has(p)).map(([, id]) => id);
    if (abandonedCustomerIds.length > 0) this.abandoning = true;
    return { finished: settled.size, abandoned: abandonedCustomerIds.length, abandonedCustomerIds };
  }

  /**
   * Calls `listener` after every run (scheduled or not) with the customer's status and the report (absent when
   * the run threw). A listener that throws is ignored. Returns the function that unsubscribes it.
   */
  onRunFinished(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private notify(status: CustomerRunStatus, report?: ReconciliationReport): void {
    for (const listener of this.listeners) {
      try {
        listener({ ...status }, report);
      } catch {
        // A listener is an observer: it never changes the run's outcome.
      }
    }
  }

  private async runNow(customerId: string, options: CustomerRunOptions): Promise<ReconciliationReport> {
    const status = this.statusById.get(customerId) ?? {
      customerId,
      running: false,
      consecutiveFailures: 0,
      runs: 0,
    };
    this.statusById.set(customerId, status);
    status.running = true;
    status.lastTrigger = options.trigger ?? 'manual';
    status.lastStartedAt = new Date(this.clock.now()).toISOString();
    try {
      const { trigger: _trigger, ...reconcileOptions } = options;
      const report = await this.reconciler.reconcile(customerId, reconcileOptions);
      this.record(status, report.status, report.reason);
      status.running = false;
      this.notify(status, report);
      return report;
    } catch (error) {
      this.record(status, 'error', error instanceof Error ? error.message : 'unknown error');
      status.running = false;
      this.notify(status);
      throw error;
    }
  }

  private record(status: CustomerRunStatus, outcome: CustomerRunStatus['lastStatus'], reason?: string): void {
    const now = new Date(this.clock.now()).toISOString();
    status.runs++;
    status.lastFinishedAt = now;
    status.lastStatus = outcome;
    if (reason === undefined) delete status.lastReason;
    else status.lastReason = reason;
    if (outcome === 'ok') {
      status.lastSuccessAt = now;
      status.consecutiveFailures = 0;
    } else if (outcome !== 'skipped') {
      status.consecutiveFailures++;
    }
  }
}
