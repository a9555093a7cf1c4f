import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JournalFileError } from './journal.error.js';

// File plumbing shared by the JSON-lines and hledger adapters: one writer at a time per file, appends that reach
// the disk before a call returns, and cheap detection of files changed by someone else since we last read them.

const queues = new Map<string, Promise<void>>();

/**
 * Runs `task` after every earlier task queued under the same `key` has settled (one writer per file in this
 * process, across adapter instances).
 * @internal
 */
export function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/** What tells us a file changed since we read it. @internal */
export interface FileSignature {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** The file's signature, or `undefined` when it does not exist. @internal */
export async function fileSignature(file: string): Promise<FileSignature | undefined> {
  try {
    const s = await stat(file);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', file, error);
  }
}

/** @internal */
export function sameSignature(a: FileSignature | undefined, b: FileSignature | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** The file's bytes, or `undefined` when it does not exist. @internal */
export async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', file, error);
  }
}

/**
 * Appends `data` with one write and flushes it to disk (`fsync`; for a new file, its directory too) before
 * returning, so a batch acknowledged to the caller survives a crash. Creates missing directories.
 * @internal
 */
export async function appendDurably(file: string, data: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    let created = false;
    let handle;
    try {
      handle = await open(
        file,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL,
      );
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      handle = await open(file, 'a');
    }
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (created) await syncDirectory(dirname(file));
  } catch (error) {
    throw ioError('write', file, error);
  }
}

/**
 * Replaces the file's content as one step: writes a temporary file next to it, flushes it, renames it over the
 * original and flushes the directory. Readers see the old or the new file, never a mix.
 * @internal
 */
export async function rewriteAtomically(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    const mode = await stat(file).then(
      (s) => s.mode & 0o7777,
      () => 0o666,
    );
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncDirectory(dirname(file));
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw ioError('write', file, error);
  }
}

/** Cuts a torn tail (a batch a crash interrupted) off the file. @internal */
export async function truncateTo(file: string, length: number): Promise<void> {
  try {
    await truncate(file, length);
  } catch (error) {
    throw ioError('write', file, error);
  }
}

/** Flushes a directory entry (a created or renamed file) where the platform allows it. @internal */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the data itself is already synced.
  } finally {
    await handle?.close();
  }
}

function ioError(action: 'read' | 'write', file: string, cause: unknown): JournalFileError {
  if (cause instanceof JournalFileError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new JournalFileError(`Could not ${action} journal file ${file}${code ? ` (${code})` : ''}`, {
    code: action === 'read' ? 'KOB_JOURNAL_READ_FAILED' : 'KOB_JOURNAL_WRITE_FAILED',
    file,
    cause,
  });
}

/** One line of a file as bytes: where it starts, where the next one starts, and whether it ended with `\n`. */
export interface FileLine {
  text: string;
  start: number;
  end: number;
  terminated: boolean;
}

/**
 * Splits file bytes into lines with their byte offsets (needed to cut a torn tail exactly). A final line without
 * `\n` is reported as not terminated.
 * @internal
 */
export function splitLines(bytes: Buffer): FileLine[] {
  const lines: FileLine[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const terminated = nl !== -1;
    const stop = terminated ? nl : bytes.length;
    let textEnd = stop;
    if (textEnd > start && bytes[textEnd - 1] === 0x0d) textEnd--; // tolerate CRLF from editors
    lines.push({
      text: bytes.toString('utf8', start, textEnd),
      start,
      end: terminated ? nl + 1 : stop,
      terminated,
    });
    start = terminated ? nl + 1 : stop;
  }
  return lines;
}
