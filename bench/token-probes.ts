import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';

/** Counts requests in flight and remembers the highest count since the last reset. */
export class InFlightProbe {
  private inFlight = 0;
  private peak = 0;
  private seen = 0;

  /** Highest number in flight at once since the last reset. */
  get max(): number {
    return this.peak;
  }

  /** Requests started since the last reset. */
  get started(): number {
    return this.seen;
  }

  get current(): number {
    return this.inFlight;
  }

  /** One request starts; the returned function ends it (calling it again does nothing). */
  enter(): () => void {
    this.inFlight++;
    this.seen++;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight--;
    };
  }

  /** Starts a new measurement; requests still in flight stay counted. */
  reset(): void {
    this.peak = this.inFlight;
    this.seen = 0;
  }
}

interface ServerRequestStart {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

/**
 * Measures, on the server side, how many requests to one route of one node:http server are in flight at once:
 * from the moment the server has the request's head (Node's `http.server.request.start` diagnostics channel,
 * published before the server's `request` event) until the response is closed (sent or aborted). The sandbox
 * runs in this process, so this sees its servers without touching them.
 */
export function watchServerRoute(target: { url: string; method: string; path: string }): {
  probe: InFlightProbe;
  stop: () => void;
} {
  const port = Number(new URL(target.url).port);
  const probe = new InFlightProbe();
  const onStart = (message: unknown): void => {
    const { request, response, server } = message as ServerRequestStart;
    const address = server.address() as AddressInfo | string | null;
    if (typeof address !== 'object' || address?.port !== port) return;
    if (request.method !== target.method) return;
    if (new URL(request.url ?? '/', 'http://probe.invalid').pathname !== target.path) return;
    const leave = probe.enter();
    response.once('close', leave);
  };
  subscribe('http.server.request.start', onStart);
  return { probe, stop: () => unsubscribe('http.server.request.start', onStart) };
}

/**
 * Wraps a dispatcher so that matching requests are counted from dispatch until the response ends or fails: what
 * the client has in flight, queueing inside undici included (so it is at least the server-side count).
 */
export function countingDispatcher(
  dispatcher: Dispatcher,
  matches: (options: Dispatcher.DispatchOptions) => boolean,
): { dispatcher: Dispatcher; probe: InFlightProbe } {
  const probe = new InFlightProbe();
  const interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
    if (!matches(options)) return dispatch(options, handler);
    const leave = probe.enter();
    try {
      return dispatch(options, {
        onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
        onRequestUpgrade: (controller, status, headers, socket) =>
          handler.onRequestUpgrade?.(controller, status, headers, socket),
        onResponseStart: (controller, status, headers, message) =>
          handler.onResponseStart?.(controller, status, headers, message),
        onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
        onResponseEnd: (controller, trailers) => {
          leave();
          handler.onResponseEnd?.(controller, trailers);
        },
        onResponseError: (controller, error) => {
          leave();
          handler.onResponseError?.(controller, error);
        },
      });
    } catch (error) {
      leave();
      throw error;
    }
  };
  return { dispatcher: dispatcher.compose(interceptor), probe };
}
