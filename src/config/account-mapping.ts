import { join } from 'node:path';
import { ConfigurationError, type ValidationIssue } from '../errors/kob.error.js';
import type { AccountMapping } from './module-options.interface.js';
import { PACKAGE_CONFIG_DIR, readJsonFile } from './config-files.util.js';
import { ACCOUNT_ROLES, AccountMappingSchema } from './module-options.schema.js';
import { isPlainObject } from './options-view.util.js';
import { checkSchema, joinPath, requireObject } from './validation.util.js';

/** File name of the default chart in a config folder. @internal */
export const DEFAULT_ACCOUNTS_FILE = 'default-accounts.json';

/**
 * Issues for a (partial) account mapping: every role a 4+ digit account, no unknown roles (a typo such as `bnak`
 * would otherwise silently post to the default account).
 * @internal
 */
export function accountMappingIssues(view: unknown, path: string): ValidationIssue[] {
  const shape = requireObject(view, path);
  if (shape.length > 0) return shape;
  const known = new Set<string>([...ACCOUNT_ROLES, 'byClaimType', 'byClaimGroup']);
  const unknown = Object.keys(view as object)
    .filter((key) => !known.has(key))
    .map((key) => ({
      path: joinPath(path, key),
      message: `is not an account role; use one of ${ACCOUNT_ROLES.join(', ')}`,
    }));
  return [...checkSchema(AccountMappingSchema, view, path), ...unknown];
}

const cache = new Map<string, AccountMapping>();

/**
 * Reads the complete default chart from `default-accounts.json` in `dir` (default: the package's own file).
 * Throws a {@link ConfigurationError} when the file is missing a role or holds a bad account.
 * @internal
 */
export function loadDefaultAccounts(dir: string = PACKAGE_CONFIG_DIR): AccountMapping {
  const file = join(dir, DEFAULT_ACCOUNTS_FILE);
  const cached = cache.get(file);
  if (cached) return cached;
  const read = readJsonFile(file);
  if (!read.ok)
    throw new ConfigurationError([{ path: file, message: read.problem }], 'default account mapping');
  const issues = accountMappingIssues(read.value, file);
  const value = read.value as Record<string, unknown>;
  for (const role of ACCOUNT_ROLES) {
    if (isPlainObject(value) && value[role] === undefined)
      issues.push({ path: joinPath(file, role), message: 'is required' });
  }
  if (issues.length > 0) throw new ConfigurationError(issues, 'default account mapping');
  const mapping = Object.freeze({ ...(value as unknown as AccountMapping) });
  cache.set(file, mapping);
  return mapping;
}

/** Layers partial mappings over a complete one; `byClaimType`/`byClaimGroup` merge key by key. @internal */
export function mergeAccounts(
  base: AccountMapping,
  ...overrides: (Partial<AccountMapping> | undefined)[]
): AccountMapping {
  let merged: AccountMapping = { ...base };
  for (const override of overrides) {
    if (!override) continue;
    merged = {
      ...merged,
      ...override,
      byClaimType: mergeRecords(merged.byClaimType, override.byClaimType),
      byClaimGroup: mergeRecords(merged.byClaimGroup, override.byClaimGroup),
    };
  }
  if (merged.byClaimType === undefined) delete merged.byClaimType;
  if (merged.byClaimGroup === undefined) delete merged.byClaimGroup;
  return merged;
}

function mergeRecords(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): Record<string, string> | undefined {
  return a || b ? { ...a, ...b } : undefined;
}
