import type { ModuleRef } from '@nestjs/core';
import type { CronJob } from 'cron';

/**
 * The part of `@nestjs/schedule`'s `SchedulerRegistry` the local driver uses. The host's registry is preferred so
 * its tooling (and `ScheduleModule`'s shutdown) sees the module's jobs.
 * @publicApi
 */
export interface CronJobRegistry {
  doesExist(type: 'cron', name: string): boolean;
  getCronJob(name: string): CronJob<null, null>;
  addCronJob(name: string, job: CronJob): void;
  deleteCronJob(name: string): void;
}

/** Where the registry came from: the host's `ScheduleModule`, a private `SchedulerRegistry`, or a plain map. */
export type CronRegistrySource = 'host' | 'private' | 'internal';

/**
 * The host's `SchedulerRegistry` when it imported `ScheduleModule.forRoot()`, else a private one. `@nestjs/schedule`
 * is an optional peer, so it is imported here, on demand; without it a plain map of jobs does the same work (the
 * `cron` package itself is a dependency).
 * @internal
 */
export async function resolveCronRegistry(
  moduleRef: ModuleRef,
): Promise<{ registry: CronJobRegistry; source: CronRegistrySource }> {
  let schedule: typeof import('@nestjs/schedule');
  try {
    schedule = await import('@nestjs/schedule');
  } catch {
    return { registry: new MapCronRegistry(), source: 'internal' };
  }
  try {
    return { registry: moduleRef.get(schedule.SchedulerRegistry, { strict: false }), source: 'host' };
  } catch {
    return { registry: new schedule.SchedulerRegistry(), source: 'private' };
  }
}

/** A registry for hosts without `@nestjs/schedule`. @internal */
export class MapCronRegistry implements CronJobRegistry {
  private readonly jobs = new Map<string, CronJob>();

  doesExist(_type: 'cron', name: string): boolean {
    return this.jobs.has(name);
  }

  getCronJob(name: string): CronJob<null, null> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No cron job named ${name}`);
    return job as CronJob<null, null>;
  }

  addCronJob(name: string, job: CronJob): void {
    if (this.jobs.has(name)) throw new Error(`A cron job named ${name} already exists`);
    this.jobs.set(name, job);
  }

  deleteCronJob(name: string): void {
    const job = this.getCronJob(name);
    void job.stop();
    this.jobs.delete(name);
  }
}
