import {
  Logger,
  type BeforeApplicationShutdown,
  type LoggerService,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { ResolvedKobOptions } from '../config/resolved-options.interface.js';
import { KobError } from '../errors/kob.error.js';
import type { CustomerRunner, DrainResult } from './customer-runner.js';
import type { ScheduleDriver, ScheduleDriverClass } from './schedule-driver.interface.js';

/**
 * The module's scheduler: starts the configured driver at bootstrap (when `schedule.enabled`) and, on shutdown,
 * stops it and then drains the {@link CustomerRunner} for at most `schedule.shutdownTimeoutMs`. The drain runs in
 * `beforeApplicationShutdown`; Nest calls that hook on every provider before any `onApplicationShutdown`, which
 * is where the state store and the HTTP agent close, so runs finish with their store and journal still open.
 * @publicApi
 */
export class KobScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger?: LoggerService;
  private driver?: ScheduleDriver;
  private drained?: DrainResult;

  constructor(
    private readonly options: ResolvedKobOptions,
    /** The runner every scheduled (and CLI) run goes through. */
    readonly runner: CustomerRunner,
    private readonly moduleRef: ModuleRef,
  ) {
    this.logger = options.logger === false ? undefined : (options.logger ?? new Logger(KobScheduler.name));
  }

  /** Whether a driver is producing ticks. */
  get started(): boolean {
    return this.driver !== undefined;
  }

  /** What the shutdown drain found, once it ran. */
  get lastDrain(): DrainResult | undefined {
    return this.drained;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.schedule.enabled) return;
    const driver = await this.createDriver();
    await driver.start();
    this.driver = driver;
  }

  /**
   * Re-reads the customers (after the host added, removed or changed one in its `CustomerSource`) so the
   * schedules follow. Does nothing when the scheduler is off or its driver cannot sync.
   */
  async sync(): Promise<void> {
    await this.driver?.sync?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const driver = this.driver;
    this.driver = undefined;
    const started = Date.now();
    if (driver) {
      await driver.stop().catch((error: unknown) => {
        this.logger?.error?.(`Stopping the schedule driver failed: ${messageOf(error)}`);
      });
    }
    const { shutdownTimeoutMs } = this.options.schedule;
    // One budget for both: a queue driver's stop may already have waited for its jobs.
    const remainingMs = Math.max(0, shutdownTimeoutMs - (Date.now() - started));
    const active = this.runner.active;
    if (active > 0) {
      this.logger?.log?.(`Waiting up to ${remainingMs} ms for ${active} reconciliation run(s) to finish`);
    }
    const result = await this.runner.drain(remainingMs);
    this.drained = result;
    if (result.abandoned > 0) {
      this.logger?.warn?.(
        `Shutting down with ${result.abandoned} run(s) unfinished after ${shutdownTimeoutMs} ms: ` +
          `${result.abandonedCustomerIds.join(', ')}. Their locks expire on their own and the next run ` +
          'delivers what they did not.',
      );
    }
  }

  private async createDriver(): Promise<ScheduleDriver> {
    const { schedule, customers, clock, logger } = this.options;
    const base = {
      runner: this.runner,
      customers,
      schedule,
      ...(logger !== undefined ? { logger } : {}),
      ...(clock !== undefined ? { clock } : {}),
    };
    if (schedule.driver === 'local') {
      // Loaded on demand: the cron package and @nestjs/schedule are only needed when scheduling locally.
      const [{ LocalScheduleDriver }, { resolveCronRegistry }] = await Promise.all([
        import('./local-schedule.driver.js'),
        import('./cron-registry.js'),
      ]);
      const { registry } = await resolveCronRegistry(this.moduleRef);
      return new LocalScheduleDriver({ ...base, registry });
    }
    const BullmqScheduleDriver = await loadBullmqDriver();
    return new BullmqScheduleDriver(base);
  }
}

/** Imports the BullMQ driver, which needs the optional peers `bullmq` and `ioredis`. */
async function loadBullmqDriver(): Promise<ScheduleDriverClass> {
  try {
    const { BullmqScheduleDriver } = await import('./bullmq/bullmq-schedule.driver.js');
    return BullmqScheduleDriver;
  } catch (error) {
    throw new KobError(
      'schedule.driver is bullmq, but the BullMQ driver could not be loaded: install the optional peers ' +
        `bullmq and ioredis (${messageOf(error)})`,
      { code: 'KOB_SCHEDULER_DRIVER_UNAVAILABLE', cause: error },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
