// An undici interceptor for the client benchmark: per request, the time from dispatch to the response headers
// (the round trip the server's latency, its processing and both event loops add up to), and the most requests
// in flight at once as the client sent them.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';

/** What the probe saw. */
export interface RoundTripProbe {
  /** Milliseconds from dispatch to response headers, one per request that got an answer. */
  readonly samples: number[];
  inFlight: number;
  peakInFlight: number;
  /** performance.now() of the first request dispatched since {@link RoundTripProbe.markStart}. */
  firstDispatchAt?: number;
  /** Forgets the first dispatch, so the next request's time is recorded. */
  markStart(): void;
  reset(): void;
}

export function roundTripProbe(): RoundTripProbe {
  return {
    samples: [],
    inFlight: 0,
    peakInFlight: 0,
    firstDispatchAt: undefined,
    markStart() {
      this.firstDispatchAt = undefined;
    },
    reset() {
      this.samples.length = 0;
      this.peakInFlight = this.inFlight;
    },
  };
}

/** Records into `probe`; compose onto the client's Agent. */
export function roundTripInterceptor(probe: RoundTripProbe): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    // compose() hands interceptors handlers with the new callback names (onResponseStart …).
    const inner = handler as Dispatcher.DispatchHandler;
    const started = performance.now();
    probe.firstDispatchAt ??= started;
    let open = true;
    const done = () => {
      if (open) probe.inFlight--;
      open = false;
    };
    probe.inFlight++;
    probe.peakInFlight = Math.max(probe.peakInFlight, probe.inFlight);
    return dispatch(opts, {
      onRequestStart: (controller, context) => inner.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, status, headers, socket) =>
        inner.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart: (controller, status, headers, message) => {
        probe.samples.push(performance.now() - started);
        return inner.onResponseStart?.(controller, status, headers, message);
      },
      onResponseData: (controller, chunk) => inner.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => {
        done();
        return inner.onResponseEnd?.(controller, trailers);
      },
      onResponseError: (controller, error) => {
        done();
        return inner.onResponseError?.(controller, error);
      },
    });
  };
}

/** Mean and a percentile of the samples. */
export function summarise(samples: readonly number[]): { mean: number; p50: number; p95: number } {
  if (samples.length === 0) return { mean: 0, p50: 0, p95: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { mean: samples.reduce((a, b) => a + b, 0) / samples.length, p50: at(0.5), p95: at(0.95) };
}
