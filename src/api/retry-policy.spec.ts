import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from './retry-policy.js';

const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5_000 };

describe('retry policy', () => {
  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 406].some(isRetryableStatus)).toBe(false);
  });

  it('draws the wait between 0 and base·2^attempt', () => {
    expect(backoffDelayMs(policy, 0, undefined, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 0, undefined, () => 0.999)).toBe(99);
    expect(backoffDelayMs(policy, 3, undefined, () => 0.5)).toBe(400);
  });

  it('waits at least Retry-After, capped by maxDelayMs', () => {
    expect(backoffDelayMs(policy, 0, 2_000, () => 0.5)).toBe(2_000);
    expect(backoffDelayMs(policy, 0, 60_000, () => 0.5)).toBe(5_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter(new Date(now + 7_000).toUTCString(), now)).toBe(7_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
