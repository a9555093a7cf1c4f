import { registerAs } from '@nestjs/config';
import type { KravOgBetalingerModuleInput } from './resolved-options.interface.js';
import { buildKobConfig } from './kob-env.factory.js';

/** Namespace of {@link kobConfig} in `ConfigService` (`config.get('kob')`). @publicApi */
export const KOB_CONFIG_NAMESPACE = 'kob';

/**
 * `@nestjs/config` namespace with the module options read from environment variables and the files in `config/`
 * (see {@link buildKobConfig} for the variables). The library never calls `ConfigModule.forRoot()`; loading `.env`
 * files stays with the host.
 *
 * ```ts
 * // journal from KOB_JOURNAL (memory | jsonl:<file> | hledger:<dir>)
 * KravOgBetalingerModule.forRootAsync(kobConfig.asProvider())
 * // or with the host's own adapter
 * KravOgBetalingerModule.forRootAsync({
 *   imports: [ConfigModule.forFeature(kobConfig)],
 *   inject: [kobConfig.KEY],
 *   useFactory: (c: ConfigType<typeof kobConfig>) => ({ ...c, journal: new MyLedgerAdapter() }),
 * })
 * ```
 * @publicApi
 */
export const kobConfig = registerAs(KOB_CONFIG_NAMESPACE, (): KravOgBetalingerModuleInput =>
  buildKobConfig(process.env),
);
