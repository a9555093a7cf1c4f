import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { KravOgBetalingerClient } from './api/krav-og-betalinger.client.js';
import { AccessStatusService } from './auth/access/access-status.service.js';
import { AltinnClient } from './auth/access/altinn.client.js';
import { MaskinportenTokenProvider } from './auth/maskinporten-token.provider.js';
import { KOB_OPTIONS } from './krav-og-betalinger.constants.js';
import { KOB_CLIENT_PROVIDERS } from './krav-og-betalinger.providers.js';
import { ReconciliationService } from './reconciliation/reconciliation.service.js';
import { CustomerRunner } from './scheduling/customer-runner.js';
import { KobScheduler } from './scheduling/kob-scheduler.js';
import { KOB_SCHEDULING_PROVIDERS } from './scheduling/scheduling.providers.js';
import {
  ConfigurableModuleClass,
  KOB_RESOLVED_OPTIONS,
  resolvedOptionsProvider,
  type KravOgBetalingerModuleAsyncOptions,
  type KravOgBetalingerModuleOptionsWithExtras,
} from './krav-og-betalinger.module-definition.js';

/**
 * Providers of every module instance, in addition to the raw options provider the builder adds. Features append
 * their providers here (and their public tokens to {@link KOB_EXPORTS}).
 * @internal
 */
export const KOB_PROVIDERS: Provider[] = [
  resolvedOptionsProvider,
  { provide: KOB_OPTIONS, useExisting: KOB_RESOLVED_OPTIONS },
  ...KOB_CLIENT_PROVIDERS,
  ...KOB_SCHEDULING_PROVIDERS,
];

/** Tokens a host (or its other modules) may inject. @internal */
export const KOB_EXPORTS: NonNullable<DynamicModule['exports']> = [
  KOB_OPTIONS,
  MaskinportenTokenProvider,
  KravOgBetalingerClient,
  AltinnClient,
  AccessStatusService,
  ReconciliationService,
  CustomerRunner,
  KobScheduler,
];

/**
 * Keeps customers' ledgers in step with Skatteetaten's Krav og betalinger API.
 *
 * ```ts
 * KravOgBetalingerModule.forRoot({ environment: 'test', maskinporten, customers, journal })
 * KravOgBetalingerModule.forRootAsync({ imports: [ConfigModule.forFeature(kobConfig)], inject: [kobConfig.KEY],
 *   useFactory: (c: ConfigType<typeof kobConfig>) => ({ ...c, journal }) })
 * KravOgBetalingerModule.forRootAsync(kobConfig.asProvider())   // with KOB_JOURNAL set
 * ```
 * Options are validated at start-up: a bad option fails bootstrap with one `ConfigurationError` that lists every
 * bad field by path.
 *
 * With `schedule.enabled` each enabled customer is reconciled on its cron (the local driver registers a job
 * `kob:<customerId>` in the host's `SchedulerRegistry` when the host imports `ScheduleModule.forRoot()`). On
 * shutdown (`app.close()`, or a signal with `enableShutdownHooks()`) running reconciliations get up to
 * `schedule.shutdownTimeoutMs` to finish before the store closes.
 * @publicApi
 */
@Module({})
export class KravOgBetalingerModule extends ConfigurableModuleClass {
  static override forRoot(options: KravOgBetalingerModuleOptionsWithExtras): DynamicModule {
    return withKobProviders(super.forRoot(options));
  }

  static override forRootAsync(options: KravOgBetalingerModuleAsyncOptions): DynamicModule {
    return withKobProviders(super.forRootAsync(options));
  }
}

function withKobProviders(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    providers: [...(definition.providers ?? []), ...KOB_PROVIDERS],
    exports: [...(definition.exports ?? []), ...KOB_EXPORTS],
  };
}
