import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ResolvedKobOptions } from '../config/resolved-options.interface.js';
import { KOB_RESOLVED_OPTIONS } from '../krav-og-betalinger.module-definition.js';
import { ReconciliationService } from '../reconciliation/reconciliation.service.js';
import { CustomerRunner } from './customer-runner.js';
import { KobScheduler } from './kob-scheduler.js';

/**
 * The runner (always, so hosts and the CLI run customers under the module's cap) and the scheduler, which starts
 * a driver only when `schedule.enabled`. Neither loads `@nestjs/schedule`, `cron` or `bullmq` unless a driver
 * starts.
 * @internal
 */
export const KOB_SCHEDULING_PROVIDERS: Provider[] = [
  {
    provide: CustomerRunner,
    inject: [KOB_RESOLVED_OPTIONS, ReconciliationService],
    useFactory: (options: ResolvedKobOptions, service: ReconciliationService) =>
      new CustomerRunner(service, {
        concurrency: options.schedule.concurrency,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
  },
  {
    provide: KobScheduler,
    inject: [KOB_RESOLVED_OPTIONS, CustomerRunner, ModuleRef],
    useFactory: (options: ResolvedKobOptions, runner: CustomerRunner, moduleRef: ModuleRef) =>
      new KobScheduler(options, runner, moduleRef),
  },
];
