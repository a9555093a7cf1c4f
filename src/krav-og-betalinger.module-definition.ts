import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import type { KravOgBetalingerModuleInput } from './config/resolved-options.interface.js';
import { resolveModuleOptions } from './config/resolve-module-options.js';

/**
 * Resolved options (validated, defaults applied) for the module's own providers. Hosts use `KOB_OPTIONS`.
 * @internal
 */
export const KOB_RESOLVED_OPTIONS = Symbol('kob:resolved-options');

/** @internal */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: KOB_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<KravOgBetalingerModuleInput>({ moduleName: 'KravOgBetalinger' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/**
 * What `KravOgBetalingerModule.forRoot` accepts: the options plus `isGlobal`.
 * @publicApi
 */
export type KravOgBetalingerModuleOptionsWithExtras = typeof OPTIONS_TYPE;

/**
 * What `KravOgBetalingerModule.forRootAsync` accepts: `imports`, `inject`, `useFactory` (or `useClass` /
 * `useExisting`), plus `isGlobal`.
 * @publicApi
 */
export type KravOgBetalingerModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/**
 * Validates the raw options once per module instance; a bad option fails bootstrap with one ConfigurationError.
 * @internal
 */
export const resolvedOptionsProvider: Provider = {
  provide: KOB_RESOLVED_OPTIONS,
  inject: [KOB_MODULE_OPTIONS],
  useFactory: resolveModuleOptions,
};
