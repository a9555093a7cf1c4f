import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { ValidationIssue } from '../errors/kob.error.js';
import { isPlainObject } from './options-view.util.js';

/** `customers` + `2` -> `customers[2]`, `maskinporten` + `key` -> `maskinporten.key`, `` + `http` -> `http`. @internal */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** The path to show for the object itself (`options` at the root). @internal */
export function displayPath(path: string): string {
  return path === '' ? 'options' : path;
}

/**
 * Runs a class-validator schema over a plain view (see `toPlainView`) and returns one issue per failing property,
 * its messages joined, each with its full path. Messages come from the schema's decorators, which never include
 * the value.
 * @internal
 */
export function checkSchema(schema: new () => object, view: unknown, path: string): ValidationIssue[] {
  if (!isPlainObject(view)) return [{ path: displayPath(path), message: 'must be an object' }];
  const instance = plainToInstance(schema, view);
  const errors = validateSync(instance, {
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  return errors.flatMap((error) => flatten(error, path));
}

function flatten(error: ValidationError, base: string): ValidationIssue[] {
  const path = joinPath(base, error.property);
  const own = error.constraints ? [{ path, message: Object.values(error.constraints).join('; ') }] : [];
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, path))];
}

/** Issues for a field that must hold an object, or none when it does. @internal */
export function requireObject(view: unknown, path: string): ValidationIssue[] {
  if (view === undefined || view === null) return [{ path: displayPath(path), message: 'is required' }];
  return isPlainObject(view) ? [] : [{ path: displayPath(path), message: 'must be an object' }];
}
