// Probes for the reconciliation benchmark: a timeline of the calls ReconciliationService makes to its
// collaborators (store, journal, facts, access), from which the run is split into phases, and a memory probe
// (peak RSS from the kernel, peak heap from V8's GC profiler and samples).
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** One call to a collaborator: `name` is `label.method`, `tag` what the call was for (when it says). */
export interface CallRecord {
  name: string;
  tag?: string;
  start: number;
  end: number;
}

/** The calls of one run, in the order they were made (the service awaits each, so they do not overlap). */
export class Timeline {
  readonly calls: CallRecord[] = [];
  /** Heap used, sampled right before and after every call (where the run's heap is largest between phases). */
  peakHeapAtCalls = 0;

  reset(): void {
    this.calls.length = 0;
    this.peakHeapAtCalls = 0;
  }

  sampleHeap(): void {
    const used = v8.getHeapStatistics().used_heap_size;
    if (used > this.peakHeapAtCalls) this.peakHeapAtCalls = used;
  }
}

/**
 * The object with every method timed into `timeline`. Methods run on the object itself (not the proxy), so
 * calls a collaborator makes to itself are not recorded. `tagOf` may name what a call is for.
 */
export function timed<T extends object>(
  target: T,
  label: string,
  timeline: Timeline,
  tagOf?: (method: string, args: unknown[]) => string | undefined,
): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        const record: CallRecord = { name: `${label}.${prop}`, start: 0, end: 0 };
        const tag = tagOf?.(prop, args);
        if (tag !== undefined) record.tag = tag;
        timeline.sampleHeap();
        record.start = performance.now();
        const done = () => {
          record.end = performance.now();
          timeline.sampleHeap();
          timeline.calls.push(record);
        };
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        if (result instanceof Promise) {
          return result.then(
            (v) => {
              done();
              return v;
            },
            (e: unknown) => {
              done();
              throw e;
            },
          );
        }
        done();
        return result;
      };
    },
  });
}

/** Where the time of one run went; the phases add up to the run's wall time. */
export type PhaseTimes = Record<string, number>;

/**
 * The phases, in run order. Collaborator calls are attributed by name; `pure:` phases are the service's own
 * computing between two calls, named by the call they follow (see reconcile() in reconciliation.service.ts).
 */
export const PHASES = [
  'start: run log, lock, access, watermark',
  'fetch (in-process fact source)',
  'pure: snapshot, allocations, suggestions',
  'adapter: findBankTransactions',
  'pure: bank matching, counts, claim directory',
  'pure: posting rules (entriesForSnapshot)',
  'store: reads for planning (directory, pending, versions)',
  'pure: merge stored versions, plan, balance check',
  'outbox: write',
  'adapter: postEntries',
  'outbox: mark posted',
  'store: posted totals (for assertions)',
  'pure: assertions (checkMirror)',
  'adapter: assertBalances',
  'finish: watermark, directory, matches, run log',
  'other calls',
] as const;

type Phase = (typeof PHASES)[number];

const READS: Phase = 'store: reads for planning (directory, pending, versions)';
const FINISH: Phase = 'finish: watermark, directory, matches, run log';

function phaseOfCall(call: CallRecord): Phase {
  switch (call.name) {
    case 'store.startRun':
    case 'store.tryLock':
    case 'store.getWatermark':
    case 'access.checkAccess':
      return 'start: run log, lock, access, watermark';
    case 'facts.openClaims':
    case 'facts.claims':
    case 'facts.payments':
    case 'facts.payouts':
      return 'fetch (in-process fact source)';
    case 'journal.findBankTransactions':
      return 'adapter: findBankTransactions';
    case 'journal.postEntries':
      return 'adapter: postEntries';
    case 'journal.assertBalances':
      return 'adapter: assertBalances';
    case 'store.getFactHashes':
    case 'store.latestVersions':
    case 'store.latestVersionsFor':
    case 'store.postedEntries':
    case 'store.listOutbox':
      return READS;
    case 'store.postedTotals':
      return 'store: posted totals (for assertions)';
    case 'store.getBlock':
      return 'pure: merge stored versions, plan, balance check';
    case 'store.applyBatch':
      return call.tag === 'outbox' ? 'outbox: write' : FINISH;
    case 'store.markPosted':
    case 'store.markFailed':
      return 'outbox: mark posted';
    case 'store.setBlock':
    case 'store.finishRun':
    case 'store.unlock':
      return FINISH;
    default:
      return 'other calls';
  }
}

/** The service's own work between two calls: named by the call it follows. */
function phaseOfGap(prev: CallRecord, prevPhase: Phase, next: CallRecord | undefined): Phase {
  if (prev.name.startsWith('facts.') && !next?.name.startsWith('facts.'))
    return 'pure: snapshot, allocations, suggestions';
  if (prev.name === 'journal.findBankTransactions') return 'pure: bank matching, counts, claim directory';
  if (prev.name === 'store.getFactHashes') return 'pure: posting rules (entriesForSnapshot)';
  if (prevPhase === READS && next?.name === 'store.getBlock')
    return 'pure: merge stored versions, plan, balance check';
  if (prevPhase === 'store: posted totals (for assertions)') return 'pure: assertions (checkMirror)';
  return prevPhase;
}

/** A stretch of time `[start, end)` on the performance.now() clock. */
export interface Interval {
  start: number;
  end: number;
}

/**
 * Splits a run of wall time `[t0, t1]` into phases by its call timeline; with `gcPauses`, also how much of each
 * phase the collector paused the thread (a phase pays for the collections its allocations trigger, including
 * those promoting what earlier phases allocated).
 */
export function phasesOf(
  calls: readonly CallRecord[],
  t0: number,
  t1: number,
  gcPauses: readonly Interval[] = [],
): { times: PhaseTimes; gc: PhaseTimes } {
  const times: PhaseTimes = Object.fromEntries(PHASES.map((p) => [p, 0]));
  const gc: PhaseTimes = Object.fromEntries(PHASES.map((p) => [p, 0]));
  const add = (phase: Phase, start: number, end: number) => {
    if (end <= start) return;
    times[phase] += end - start;
    for (const g of gcPauses) gc[phase] += Math.max(0, Math.min(end, g.end) - Math.max(start, g.start));
  };
  let cursor = t0;
  let prev: CallRecord | undefined;
  let prevPhase: Phase = 'start: run log, lock, access, watermark';
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    add(prev ? phaseOfGap(prev, prevPhase, call) : prevPhase, cursor, call.start);
    const phase = phaseOfCall(call);
    add(phase, call.start, call.end);
    cursor = Math.max(cursor, call.end);
    prev = call;
    prevPhase = phase;
  }
  add(prev ? phaseOfGap(prev, prevPhase, undefined) : prevPhase, cursor, t1);
  return { times, gc };
}

// ---------------------------------------------------------------------------------------------------------
// Memory

/** Peak resident set size of this process since the last reset (VmHWM), in bytes. */
export function peakRss(): number {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

/** Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs). False when the kernel does not allow it. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export interface MemoryPeak {
  /** Peak RSS during the window (kernel high-water mark; includes everything already resident). */
  peakRss: number;
  /** Whether the high-water mark was reset at the start (else it covers the process's whole life). */
  rssReset: boolean;
  /** Peak V8 heap used: before each GC, at every collaborator call, on a 5 ms timer, and at the end. */
  peakHeapUsed: number;
  /** Peak V8 heap committed (total heap size) seen at the same points. */
  peakHeapTotal: number;
  gcCount: { scavenge: number; markCompact: number; other: number };
  /** Sum of GC pauses V8 reported (ms). */
  gcPauseMs: number;
  timerSamples: number;
}

/** GC pauses on the main thread as `gc` performance entries report them (delivered after the fact). */
export class GcPauses {
  readonly intervals: Interval[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      this.intervals.push({ start: e.startTime, end: e.startTime + e.duration });
  });

  start(): void {
    this.intervals.length = 0;
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Lets the queued entries arrive, then stops observing. */
  async stop(): Promise<Interval[]> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.observer.disconnect();
    return [...this.intervals];
  }
}

/** Measures the memory peak of a stretch of work: `start()`, the work, then `stop()`. */
export class MemoryProbe {
  private profiler?: v8.GCProfiler;
  private timer?: NodeJS.Timeout;
  private peakUsed = 0;
  private peakTotal = 0;
  private samples = 0;
  private rssReset = false;

  constructor(private readonly timeline?: Timeline) {}

  start(): void {
    this.peakUsed = 0;
    this.peakTotal = 0;
    this.samples = 0;
    this.timeline?.reset();
    this.rssReset = resetPeakRss();
    this.profiler = new v8.GCProfiler();
    this.profiler.start();
    this.timer = setInterval(() => {
      const m = process.memoryUsage();
      this.samples++;
      if (m.heapUsed > this.peakUsed) this.peakUsed = m.heapUsed;
      if (m.heapTotal > this.peakTotal) this.peakTotal = m.heapTotal;
    }, 5);
  }

  stop(): MemoryPeak {
    clearInterval(this.timer);
    const profile = this.profiler?.stop();
    const end = v8.getHeapStatistics();
    let used = Math.max(this.peakUsed, end.used_heap_size, this.timeline?.peakHeapAtCalls ?? 0);
    let total = Math.max(this.peakTotal, end.total_heap_size);
    const gcCount = { scavenge: 0, markCompact: 0, other: 0 };
    let pauseUs = 0;
    for (const s of profile?.statistics ?? []) {
      const before = s.beforeGC.heapStatistics;
      used = Math.max(used, before.usedHeapSize);
      total = Math.max(total, before.totalHeapSize, s.afterGC.heapStatistics.totalHeapSize);
      pauseUs += s.cost;
      if (s.gcType === 'Scavenge' || s.gcType === 'MinorMarkCompact') gcCount.scavenge++;
      else if (s.gcType === 'MarkSweepCompact') gcCount.markCompact++;
      else gcCount.other++;
    }
    return {
      peakRss: peakRss(),
      rssReset: this.rssReset,
      peakHeapUsed: used,
      peakHeapTotal: total,
      gcCount,
      gcPauseMs: pauseUs / 1000,
      timerSamples: this.samples,
    };
  }
}

/** A progress line on stderr, written synchronously so it survives a crash (out of memory) right after it. */
export function progress(step: string): void {
  writeSync(2, `@progress ${step}\n`);
}

/** Runs the collector twice (finalisers, weak maps), when exposed. */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/**
 * The pure steps (table d) whose sum is the least a run with a durable outbox spends on its entries alone, before
 * fetching, matching or building anything: writing each entry as JSON, and SQLite storing those texts by key.
 */
export const FLOOR_STEPS = [
  'JSON.stringify every entry (what a store writes)',
  'SQLite: each key and entry text, one unique index, one transaction (least a durable outbox writes)',
] as const;
