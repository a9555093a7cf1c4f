/**
 * A counting semaphore with FIFO hand-off: at most `limit` holders at once, waiters served in arrival order.
 * Used for the per-party cap (Skatteetaten allows 5 concurrent calls), the global cap and token requests.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError('Semaphore limit must be a positive integer');
  }

  /** Holders right now. */
  get inUse(): number {
    return this.active;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * A slot now, without waiting, or undefined when all are taken. Never overtakes a waiter: while anyone waits,
   * every slot is held (a releasing holder hands its slot straight on).
   */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.limit) return undefined;
    this.active++;
    return this.releaser();
  }

  acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    // The releasing holder passes its slot on directly, so `active` never dips and no one can overtake. Not an
    // async function: thousands of calls may queue here at once, and each saves a promise and a resumption.
    return new Promise((resolve) => this.waiters.push(() => resolve(this.releaser())));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}

/**
 * One semaphore per key (e.g. per party), created on first use and dropped when idle so the map stays small
 * with thousands of customers.
 */
export class KeyedSemaphore {
  private readonly byKey = new Map<string, Semaphore>();

  constructor(readonly limit: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** A slot for `key`; call the function it resolves to (once) to give the slot back. */
  acquire(key: string): Promise<() => void> {
    const sem = this.semaphoreOf(key);
    return sem.acquire().then((release) => this.releaser(key, sem, release));
  }

  /** A slot for `key` now, without waiting, or undefined when all are taken (see {@link Semaphore.tryAcquire}). */
  tryAcquire(key: string): (() => void) | undefined {
    const sem = this.semaphoreOf(key);
    const release = sem.tryAcquire();
    return release && this.releaser(key, sem, release);
  }

  private semaphoreOf(key: string): Semaphore {
    let sem = this.byKey.get(key);
    if (!sem) {
      sem = new Semaphore(this.limit);
      this.byKey.set(key, sem);
    }
    return sem;
  }

  private releaser(key: string, sem: Semaphore, release: () => void): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (sem.inUse === 0 && sem.waiting === 0) this.byKey.delete(key);
    };
  }

  /** Keys with a holder or a waiter. */
  get size(): number {
    return this.byKey.size;
  }
}
