import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own `config/` folder (environment presets, default accounts, demo customers): the `config/` next
 * to the nearest `package.json` above this file, so it is found from `src/` (jest), `dist/` (published) and any
 * other build folder alike.
 * @internal
 */
export const PACKAGE_CONFIG_DIR = findPackageConfigDir(dirname(fileURLToPath(import.meta.url)));

function findPackageConfigDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config', 'environments.json'))) {
      return join(dir, 'config') + '/';
    }
    if (dirname(dir) === dir) return fileURLToPath(new URL('../../config/', import.meta.url));
  }
}

/** The outcome of reading a configuration file: the parsed JSON, or why it could not be read. @internal */
export type FileRead<T> = { ok: true; value: T } | { ok: false; problem: string; missing: boolean };

/** Reads a text file; the problem names the error code only, never the content. @internal */
export function readTextFile(path: string): FileRead<string> {
  try {
    return { ok: true, value: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, problem: `could not be read (${code})`, missing: code === 'ENOENT' };
  }
}

/**
 * Reads and parses a JSON file. Parse errors are reported without the parser's message, which can quote the
 * file's content (a key, a person number).
 * @internal
 */
export function readJsonFile(path: string): FileRead<unknown> {
  const text = readTextFile(path);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.value) as unknown };
  } catch {
    return { ok: false, problem: 'is not valid JSON', missing: false };
  }
}
