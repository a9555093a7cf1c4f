import { KeyedSemaphore, Semaphore } from './semaphore.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Semaphore', () => {
  it('never lets more than the limit run and serves waiters in order', async () => {
    const sem = new Semaphore(2);
    const gates = Array.from({ length: 5 }, deferred);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      sem.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    for (const gate of gates) gate.resolve();
    await Promise.all(runs);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(sem.inUse).toBe(0);
  });

  it('releases the slot when the task throws', async () => {
    const sem = new Semaphore(1);
    await expect(sem.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sem.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('tryAcquire takes a free slot at once and never one a waiter is owed', async () => {
    const sem = new Semaphore(1);
    const first = sem.tryAcquire();
    expect(first).toBeDefined();
    expect(sem.tryAcquire()).toBeUndefined();
    const waiter = sem.acquire();
    first!();
    // The slot went straight to the waiter: nothing is free for a newcomer.
    expect(sem.tryAcquire()).toBeUndefined();
    (await waiter)();
    expect(sem.inUse).toBe(0);
    expect(sem.tryAcquire()).toBeDefined();
  });

  it('rejects a non-positive limit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('KeyedSemaphore', () => {
  it('limits each key separately and forgets idle keys', async () => {
    const sem = new KeyedSemaphore(1);
    const a = deferred();
    const order: string[] = [];
    const first = sem.run('a', async () => {
      order.push('a1');
      await a.promise;
    });
    const second = sem.run('a', async () => void order.push('a2'));
    const other = sem.run('b', async () => void order.push('b1'));
    await other;
    expect(order).toEqual(['a1', 'b1']);
    a.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['a1', 'b1', 'a2']);
    expect(sem.size).toBe(0);
  });

  it('hands out slots by acquire: a second release of the same slot frees nothing', async () => {
    const sem = new KeyedSemaphore(1);
    const release = await sem.acquire('a');
    let second = false;
    const waiting = sem.acquire('a').then((r) => {
      second = true;
      return r;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    release();
    release();
    const releaseSecond = await waiting;
    expect(second).toBe(true);
    let third = false;
    const pending = sem.acquire('a').then((r) => {
      third = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false); // the repeated release did not free the slot the second holder has
    releaseSecond();
    (await pending)();
    expect(sem.size).toBe(0);
  });
});
