/**
 * Injection token of the validated module options with defaults applied (`ResolvedKobOptions`). Prefer the
 * `@InjectKobOptions()` decorator.
 * @publicApi
 */
export const KOB_OPTIONS = Symbol('kob:options');
