import { Logger, type LoggerService } from '@nestjs/common';
import { CronJob } from 'cron';
import type { CustomerConfig } from '../config/module-options.interface.js';
import type { ResolvedScheduleOptions } from '../config/resolved-options.interface.js';
import { RunnerShuttingDownError, type CustomerRunner } from './customer-runner.js';
import type { CronJobRegistry } from './cron-registry.js';
import { listCustomers, type CustomerSourceLike, type ScheduleDriver } from './schedule-driver.interface.js';
import { customerCron } from './customer-cron.js';

/** Timer functions for the jitter wait; tests pass fakes so no test sleeps. @publicApi */
export interface JitterTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** @publicApi */
export interface LocalScheduleDriverDeps {
  runner: CustomerRunner;
  customers: CustomerSourceLike;
  schedule: ResolvedScheduleOptions;
  /** The host's `SchedulerRegistry` (or a private one); see `resolveCronRegistry`. */
  registry: CronJobRegistry;
  logger?: LoggerService | false;
  /** Uniform in [0, 1); default `Math.random`. */
  random?: () => number;
  timers?: JitterTimers;
}

/** Name of a customer's job in the `SchedulerRegistry`. @publicApi */
export const cronJobName = (customerId: string): string => `kob:${customerId}`;

interface Scheduled {
  job: CronJob;
  cron: string;
}

interface JitterWait {
  handle: unknown;
  resolve(go: boolean): void;
}

/**
 * Schedules customers in this process: one `CronJob` per enabled customer, named `kob:<customerId>`, registered in
 * the `SchedulerRegistry` (dynamically: the crons come from options and customers). A tick waits a random jitter
 * in [0, jitterMs), then asks the runner for a run. A tick while the customer's previous run is still going (or
 * waiting out its jitter) is skipped; across processes the store lock keeps runs apart anyway.
 * @publicApi
 */
export class LocalScheduleDriver implements ScheduleDriver {
  private readonly logger?: LoggerService;
  private readonly random: () => number;
  private readonly timers: JitterTimers;
  private readonly scheduled = new Map<string, Scheduled>();
  /** Customers whose tick is waiting out its jitter or running. */
  private readonly ticking = new Set<string>();
  private readonly waits = new Set<JitterWait>();
  private started = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LocalScheduleDriverDeps) {
    this.logger = deps.logger === false ? undefined : (deps.logger ?? new Logger(LocalScheduleDriver.name));
    this.random = deps.random ?? Math.random;
    this.timers = deps.timers ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.sync();
    this.logger?.log?.(`Scheduled ${this.scheduled.size} customer(s) (${this.deps.schedule.timezone})`);
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.syncing.catch(() => undefined);
    for (const customerId of [...this.scheduled.keys()]) this.unschedule(customerId);
    for (const wait of this.waits) {
      this.timers.clearTimeout(wait.handle);
      wait.resolve(false);
    }
    this.waits.clear();
  }

  /** Re-reads the customers and adds, removes or reschedules their jobs. Calls never overlap. */
  sync(): Promise<void> {
    const next = this.syncing.catch(() => undefined).then(() => this.syncNow());
    this.syncing = next;
    return next;
  }

  /** Ids of the customers with a job, for tests and status pages. */
  scheduledCustomerIds(): string[] {
    return [...this.scheduled.keys()];
  }

  private async syncNow(): Promise<void> {
    if (!this.started) return;
    const wanted = new Map<string, string>();
    for (const customer of await listCustomers(this.deps.customers)) {
      const cron = this.cronOf(customer);
      if (cron !== undefined) wanted.set(customer.id, cron);
    }
    if (!this.started) return;
    for (const [customerId, current] of [...this.scheduled]) {
      if (wanted.get(customerId) !== current.cron) this.unschedule(customerId);
    }
    for (const [customerId, cron] of wanted) {
      if (!this.scheduled.has(customerId)) this.schedule(customerId, cron);
    }
  }

  private cronOf(customer: CustomerConfig): string | undefined {
    return customerCron(customer, this.deps.schedule.cron, this.logger);
  }

  private schedule(customerId: string, cron: string): void {
    const name = cronJobName(customerId);
    const job = CronJob.from({
      cronTime: cron,
      timeZone: this.deps.schedule.timezone,
      onTick: () => this.tick(customerId),
      start: false,
      // A tick of this job while its previous one still runs is dropped by the cron package itself.
      waitForCompletion: true,
      name,
    });
    const { registry } = this.deps;
    // A job left under our name (a module instance that did not shut down) is replaced, loudly.
    if (registry.doesExist('cron', name)) {
      this.logger?.warn?.(`Replacing the cron job ${name} already in the SchedulerRegistry`);
      registry.deleteCronJob(name);
    }
    registry.addCronJob(name, job);
    job.start();
    this.scheduled.set(customerId, { job, cron });
  }

  private unschedule(customerId: string): void {
    const entry = this.scheduled.get(customerId);
    if (!entry) return;
    this.scheduled.delete(customerId);
    const { registry } = this.deps;
    const name = cronJobName(customerId);
    // ScheduleModule may have removed it already (its own shutdown deletes every registered job).
    if (registry.doesExist('cron', name) && registry.getCronJob(name) === (entry.job as unknown)) {
      registry.deleteCronJob(name);
    } else {
      void entry.job.stop();
    }
  }

  private async tick(customerId: string): Promise<void> {
    if (!this.started || this.ticking.has(customerId) || this.deps.runner.isActive(customerId)) {
      this.logger?.debug?.(`Tick for ${customerId} skipped: its previous run is still going`);
      return;
    }
    this.ticking.add(customerId);
    try {
      if (!(await this.jitter())) return;
      // A failed or blocked run is logged by the reconciliation service itself.
      await this.deps.runner.run(customerId, { trigger: 'schedule' });
    } catch (error) {
      if (error instanceof RunnerShuttingDownError) return;
      const message = error instanceof Error ? error.message : 'unknown error';
      this.logger?.error?.(`Scheduled run of ${customerId} could not run: ${message}`);
    } finally {
      this.ticking.delete(customerId);
    }
  }

  /** Waits a random delay in [0, jitterMs); false when the driver stopped meanwhile. */
  private jitter(): Promise<boolean> {
    const ms = Math.floor(this.random() * this.deps.schedule.jitterMs);
    if (ms <= 0) return Promise.resolve(this.started);
    return new Promise<boolean>((resolve) => {
      const wait: JitterWait = {
        handle: undefined,
        resolve: (go) => {
          this.waits.delete(wait);
          resolve(go && this.started);
        },
      };
      wait.handle = this.timers.setTimeout(() => wait.resolve(true), ms);
      this.waits.add(wait);
    });
  }
}
