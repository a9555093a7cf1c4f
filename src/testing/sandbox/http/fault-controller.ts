import { SeededRandom } from '../ledger/prng.js';
import type { SandboxFault, TerminalFault } from './fault.types.js';

interface ActiveFault {
  fault: SandboxFault;
  /** Hits left; Infinity when the fault has no `times`. */
  left: number;
}

/** What the faults say about one request. @publicApi */
export interface FaultDecision {
  /** Extra delay from latency faults. */
  latencyMs: number;
  /** The first terminal fault that hit, if any. */
  terminal?: TerminalFault;
}

/**
 * Holds the active faults and decides, per request, which apply. Deterministic: faults are checked in the
 * order given, `times` counts down only when a fault actually hits, and `rate` draws from a seeded stream.
 * Shared by the sandbox's servers and changed at run time through `KobSandbox.setFaults`/`clearFaults`.
 * @publicApi
 */
export class FaultController {
  private active: ActiveFault[] = [];
  private readonly random: SeededRandom;
  private readonly applied = new Map<string, number>();

  constructor(seed = 1, faults: readonly SandboxFault[] = []) {
    this.random = SeededRandom.for(seed, 'faults');
    this.set(faults);
  }

  /** Replaces all faults. */
  set(faults: readonly SandboxFault[]): void {
    for (const f of faults) validateFault(f);
    this.active = faults.map((fault) => ({
      fault: { ...fault },
      left: fault.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  /** Adds faults after the existing ones. */
  add(...faults: SandboxFault[]): void {
    for (const f of faults) validateFault(f);
    for (const fault of faults)
      this.active.push({ fault: { ...fault }, left: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.active = [];
  }

  /** Faults still active (spent ones are gone). */
  list(): SandboxFault[] {
    return this.active.map((a) => ({ ...a.fault }));
  }

  /** Faults applied so far, per route. */
  appliedCounts(): Record<string, number> {
    return Object.fromEntries(this.applied);
  }

  /** Decides the faults for one request to `route`. */
  decide(route: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const a of this.active) {
      if (a.left <= 0 || !routeMatches(a.fault.route, route)) continue;
      if (a.fault.kind !== 'latency' && decision.terminal !== undefined) continue;
      if (a.fault.rate !== undefined && !(this.random.next() < a.fault.rate)) continue;
      a.left--;
      this.applied.set(route, (this.applied.get(route) ?? 0) + 1);
      if (a.fault.kind === 'latency') decision.latencyMs += a.fault.ms;
      else decision.terminal = a.fault;
    }
    if (this.active.some((a) => a.left <= 0)) this.active = this.active.filter((a) => a.left > 0);
    return decision;
  }
}

function routeMatches(pattern: string, route: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return route.startsWith(pattern.slice(0, -1));
  return pattern === route;
}

function validateFault(f: SandboxFault): void {
  if (typeof f.route !== 'string' || f.route === '')
    throw new TypeError('fault.route must be a route name or pattern');
  if (f.times !== undefined && (!Number.isSafeInteger(f.times) || f.times < 0)) {
    throw new TypeError('fault.times must be a non-negative integer');
  }
  if (f.rate !== undefined && !(f.rate >= 0 && f.rate <= 1))
    throw new TypeError('fault.rate must be in [0, 1]');
  if (f.kind === 'latency' && !(Number.isFinite(f.ms) && f.ms >= 0))
    throw new TypeError('fault.ms must be >= 0');
  if (f.kind === 'status' && !(Number.isInteger(f.status) && f.status >= 100 && f.status <= 599)) {
    throw new TypeError('fault.status must be an HTTP status');
  }
}
