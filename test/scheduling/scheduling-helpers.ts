import type { DynamicModule, LoggerService } from '@nestjs/common';
import type {
  CustomerRef,
  JournalAdapter,
  JournalEntry,
  PostResult,
} from '../../src/journal/journal-adapter.interface.js';
import { MemoryJournalAdapter } from '../../src/journal/memory-journal.adapter.js';
import type { ReconciliationOptions, ScheduleOptions } from '../../src/config/module-options.interface.js';
import { KravOgBetalingerModule } from '../../src/krav-og-betalinger.module.js';
import type { KobSandbox } from '../../src/testing/index.js';

/** A promise settled from outside. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

/** Lets pending I/O callbacks and promise jobs run, a few event-loop turns (no timers, no sleeping). */
export async function turns(count = 10): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A memory journal whose `postEntries` can be held: once `hold()` is called, the next post tells `reached` and
 * waits until `release()`.
 */
export class GatedJournal implements JournalAdapter {
  readonly inner = new MemoryJournalAdapter();
  reached = deferred();
  private gate?: Deferred;

  hold(): void {
    this.gate = deferred();
    this.reached = deferred();
  }

  release(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.resolve();
  }

  async postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
    const gate = this.gate;
    if (gate) {
      this.reached.resolve();
      await gate.promise;
    }
    return this.inner.postEntries(customer, entries);
  }
}

/** A logger that keeps what it is told, for assertions on shutdown messages. */
export function recordingLogger(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const push = (message: unknown) => void lines.push(String(message));
  return { logger: { log: push, warn: push, error: push, debug: push, verbose: push }, lines };
}

/**
 * The module against the sandbox with a memory store and the scheduler on (a cron that never fires in a test)
 * unless `schedule.enabled` is false.
 */
export function kobModuleFor(
  sandbox: KobSandbox,
  journal: JournalAdapter,
  options: {
    schedule?: ScheduleOptions;
    reconciliation?: ReconciliationOptions;
    logger?: LoggerService | false;
  } = {},
): DynamicModule {
  return KravOgBetalingerModule.forRoot({
    environment: sandbox.environment,
    maskinporten: { clientId: sandbox.clientId, key: sandbox.key },
    customers: sandbox.customers,
    journal,
    store: { kind: 'memory' },
    clock: sandbox.clock,
    schedule: { enabled: true, cron: '0 0 1 1 *', jitterMs: 0, ...options.schedule },
    ...(options.reconciliation === undefined ? {} : { reconciliation: options.reconciliation }),
    logger: options.logger ?? false,
  });
}
