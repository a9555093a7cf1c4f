import { join } from 'node:path';
import { ConfigurationError, type ValidationIssue } from '../errors/kob.error.js';
import type { KobEnvironment, KobEnvironmentEndpoints } from './module-options.interface.js';
import type { ResolvedKobEnvironment } from './resolved-options.interface.js';
import { PACKAGE_CONFIG_DIR, readJsonFile } from './config-files.util.js';
import { EnvironmentEndpointsSchema } from './module-options.schema.js';
import { isPlainObject } from './options-view.util.js';
import { checkSchema } from './validation.util.js';

/** File name of the presets in a config folder. @internal */
export const ENVIRONMENTS_FILE = 'environments.json';

/** The named environments, `test` (Maskinporten test, Skatteetaten test, Altinn TT02) and `prod`. @publicApi */
export type KobEnvironmentPresets = Record<'test' | 'prod', KobEnvironmentEndpoints>;

const PRESET_NAMES = ['test', 'prod'] as const;
const cache = new Map<string, KobEnvironmentPresets>();

/**
 * Reads `environments.json` from `dir` (default: the package's own `config/`). Throws a
 * {@link ConfigurationError} when the file is unreadable or a preset is incomplete.
 * @internal
 */
export function loadEnvironmentPresets(dir: string = PACKAGE_CONFIG_DIR): KobEnvironmentPresets {
  const file = join(dir, ENVIRONMENTS_FILE);
  const cached = cache.get(file);
  if (cached) return cached;
  const read = readJsonFile(file);
  if (!read.ok) throw new ConfigurationError([{ path: file, message: read.problem }], 'environment presets');
  const value = read.value;
  const issues: ValidationIssue[] = isPlainObject(value)
    ? PRESET_NAMES.flatMap((name) => checkSchema(EnvironmentEndpointsSchema, value[name], `${file}#${name}`))
    : [{ path: file, message: 'must be an object with test and prod presets' }];
  if (issues.length > 0) throw new ConfigurationError(issues, 'environment presets');
  const presets = value as KobEnvironmentPresets;
  cache.set(file, presets);
  return presets;
}

/**
 * Expands a preset name into endpoints, or normalises an endpoints object: base URLs lose their trailing slash,
 * `altinn2BaseUrl` falls back to `altinnBaseUrl`, and the token endpoint is `{issuer}/token`. Expects a
 * validated environment.
 * @internal
 */
export function resolveEnvironment(
  environment: KobEnvironment,
  presets: KobEnvironmentPresets = loadEnvironmentPresets(),
): ResolvedKobEnvironment {
  const name = typeof environment === 'string' ? environment : 'custom';
  const endpoints = typeof environment === 'string' ? presets[environment] : environment;
  const altinnBaseUrl = trimSlash(endpoints.altinnBaseUrl);
  return Object.freeze({
    name,
    maskinportenIssuer: endpoints.maskinportenIssuer,
    tokenEndpoint: `${trimSlash(endpoints.maskinportenIssuer)}/token`,
    apiBaseUrl: trimSlash(endpoints.apiBaseUrl),
    altinnBaseUrl,
    altinn2BaseUrl: endpoints.altinn2BaseUrl ? trimSlash(endpoints.altinn2BaseUrl) : altinnBaseUrl,
  });
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
