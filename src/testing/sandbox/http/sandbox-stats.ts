/**
 * What the sandbox observed: requests per route, and per party the highest number of API calls in flight at
 * once. The concurrency count includes a call the sandbox refuses for being one too many, so a client that
 * breaks the 5-call rule shows 6 here.
 * @publicApi
 */
export interface HttpStats {
  requests: Record<string, number>;
  maxConcurrentPerParty: Record<string, number>;
  /** Calls refused with 429 for exceeding the per-party limit, per party. */
  throttledPerParty: Record<string, number>;
}

/** Counts requests and concurrent calls; shared by all of a sandbox's servers. */
export class SandboxStatsCollector {
  private readonly requests = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly maxInFlight = new Map<string, number>();
  private readonly throttled = new Map<string, number>();

  countRequest(route: string): void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
  }

  /** A call for `party` starts; returns how many are now in flight, this one included. */
  enter(party: string): number {
    const n = (this.inFlight.get(party) ?? 0) + 1;
    this.inFlight.set(party, n);
    if (n > (this.maxInFlight.get(party) ?? 0)) this.maxInFlight.set(party, n);
    return n;
  }

  leave(party: string): void {
    const n = (this.inFlight.get(party) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(party);
    else this.inFlight.set(party, n);
  }

  countThrottled(party: string): void {
    this.throttled.set(party, (this.throttled.get(party) ?? 0) + 1);
  }

  snapshot(): HttpStats {
    return {
      requests: Object.fromEntries(this.requests),
      maxConcurrentPerParty: Object.fromEntries(this.maxInFlight),
      throttledPerParty: Object.fromEntries(this.throttled),
    };
  }

  reset(): void {
    this.requests.clear();
    this.maxInFlight.clear();
    this.throttled.clear();
    // Calls in flight stay counted: they are still running.
    for (const [party, n] of this.inFlight) this.maxInFlight.set(party, n);
  }
}
