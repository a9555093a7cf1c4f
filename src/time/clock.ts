/**
 * Time source for expiry decisions. Injected so tests move time without fake timers.
 * @publicApi
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The machine clock. @publicApi */
export const systemClock: Clock = { now: () => Date.now() };
