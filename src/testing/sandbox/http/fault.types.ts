/**
 * Which requests a fault applies to, and how often.
 * - `route`: a route name (`api.krav`, `mp.token`), a prefix ending in `*` (`api.*`), or `*` for all.
 * - `times`: applies to the next `times` matching requests, then is spent. Without it the fault stays until
 *   cleared.
 * - `rate`: each matching request is hit with this probability, from the sandbox's seeded random stream (so a
 *   run is reproducible). With `times`, it stops after `times` hits.
 * @publicApi
 */
export interface SandboxFaultTarget {
  route: string;
  times?: number;
  rate?: number;
}

/**
 * Ways a body can break the API's schema:
 * - `drop-partIdentifikator`: removes every `partIdentifikator` (a required field);
 * - `string-amount`: the first amount becomes a JSON string (`"1234.50"`);
 * - `three-decimals`: the first amount gets a third decimal (`1234.505`);
 * - `invalid-date`: the first date becomes `2026-02-30`.
 * @publicApi
 */
export type SchemaViolation = 'drop-partIdentifikator' | 'string-amount' | 'three-decimals' | 'invalid-date';

/**
 * A fault injected into matching requests (see {@link SandboxFaultTarget}).
 * - `latency`: adds `ms` before the response (stacks with the global `latencyMs` and other latency faults).
 * - `status`: answers `status` at once with an error body (`KB-001` for 500, `KB-002` for other 5xx on API
 *   routes unless `kode` says otherwise; an OAuth-style body elsewhere) and optionally `Retry-After`.
 * - `timeout`: never answers; the request is held until the client gives up or the sandbox closes.
 * - `reset`: destroys the connection without an answer.
 * - `malformed-json`: answers 200 with the first half of the real JSON body.
 * - `schema`: answers 200 with the real body broken as `violation` says.
 * @publicApi
 */
export type SandboxFault = SandboxFaultTarget &
  (
    | { kind: 'latency'; ms: number }
    | {
        kind: 'status';
        status: number;
        kode?: string;
        melding?: string;
        retryAfterSeconds?: number;
        /** Replaces the generated error body. */
        body?: string | object;
      }
    | { kind: 'timeout' }
    | { kind: 'reset' }
    | { kind: 'malformed-json' }
    | { kind: 'schema'; violation: SchemaViolation }
  );

/** A fault that decides the response (all kinds but `latency`). @publicApi */
export type TerminalFault = Exclude<SandboxFault, { kind: 'latency' }>;
