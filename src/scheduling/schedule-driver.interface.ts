import type { LoggerService } from '@nestjs/common';
import type { CustomerConfig, CustomerSource } from '../config/module-options.interface.js';
import type { ResolvedScheduleOptions } from '../config/resolved-options.interface.js';
import type { Clock } from '../time/clock.js';
import type { CustomerRunner } from './customer-runner.js';

/**
 * Produces per-customer ticks and hands them to the {@link CustomerRunner}. `KobScheduler` starts the configured
 * driver at bootstrap and stops it on shutdown, before it drains the runner.
 * @publicApi
 */
export interface ScheduleDriver {
  /** Reads the customers and starts a schedule for each enabled one. */
  start(): Promise<void>;
  /**
   * Stops producing ticks (and cancels ticks still waiting out their jitter). A local driver returns at once
   * and leaves runs in progress to the runner's drain; a queue driver may wait, within
   * `schedule.shutdownTimeoutMs`, for its worker to record the results of the jobs it holds. The scheduler
   * then drains the runner with whatever time is left, so shutdown never takes longer than the timeout.
   */
  stop(): Promise<void>;
  /** Re-reads the customers: adds schedules for new ones, removes gone or disabled ones, updates changed crons. */
  sync?(): Promise<void>;
}

/** Customers as the module options hold them: a validated array or the host's source. @publicApi */
export type CustomerSourceLike = readonly CustomerConfig[] | CustomerSource;

/** What every driver is built with. @publicApi */
export interface ScheduleDriverDeps {
  runner: CustomerRunner;
  customers: CustomerSourceLike;
  schedule: ResolvedScheduleOptions;
  logger?: LoggerService | false;
  clock?: Clock;
}

/** A driver class as `KobScheduler` loads it (the BullMQ driver is imported only when configured). @internal */
export type ScheduleDriverClass = new (deps: ScheduleDriverDeps) => ScheduleDriver;

/** The customers of either form. @internal */
export async function listCustomers(customers: CustomerSourceLike): Promise<readonly CustomerConfig[]> {
  return Array.isArray(customers) ? customers : await (customers as CustomerSource).list();
}
