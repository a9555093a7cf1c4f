import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultController } from './fault-controller.js';
import type { TerminalFault, SchemaViolation } from './fault.types.js';
import type { SandboxRequest, SandboxResponse, SandboxRoute } from './http.types.js';
import { JsonNumber, jsonBytes, writeJson } from './json-writer.js';
import { RouteMatcher } from './route-matcher.js';
import { SandboxStatsCollector } from './sandbox-stats.js';

/** Skatteetaten's rule: no more than 5 simultaneous calls per API per organisation (reference §8). @publicApi */
export const DEFAULT_MAX_CONCURRENT_PER_PARTY = 5;
const MAX_BODY_BYTES = 1024 * 1024;

/** @publicApi */
export interface SandboxServerOptions {
  /** Prefix of the route name counted for requests no route matches (`api` gives `api.unmatched`). */
  name: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Delay before every response. */
  latencyMs?: number;
  faults?: FaultController;
  stats?: SandboxStatsCollector;
  /** Calls in flight per party (routes with `partyParam`) above which the sandbox answers 429. Default 5. */
  maxConcurrentPerParty?: number;
  /** Response for a path no route matches. Default 404 JSON. */
  notFound?: (req: SandboxRequest) => SandboxResponse;
  /** Response for a call over the per-party limit. Default 429 with `Retry-After: 1`. */
  throttled?: (req: SandboxRequest) => SandboxResponse;
  /** Response for a `status` fault. Default: an OAuth-style JSON error. */
  faultResponse?: (req: SandboxRequest, fault: Extract<TerminalFault, { kind: 'status' }>) => SandboxResponse;
  /** Response when a handler throws. Default 500 JSON. */
  errorResponse?: (req: SandboxRequest, error: unknown) => SandboxResponse;
}

/** A running sandbox server. @publicApi */
export interface SandboxServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every connection, held request and pending timer. */
  close(): Promise<void>;
}

/**
 * Starts a node:http server on loopback serving `routes`, with per-route request counts, per-party
 * concurrency tracking and limit, latency, and fault injection. Objects returned by handlers are written with
 * {@link writeJson}, so {@link JsonNumber} amounts keep their exact text.
 * @publicApi
 */
export async function startSandboxServer(
  routes: readonly SandboxRoute[],
  options: SandboxServerOptions,
): Promise<SandboxServer> {
  const matcher = new RouteMatcher(routes);
  const stats = options.stats ?? new SandboxStatsCollector();
  const maxPerParty = options.maxConcurrentPerParty ?? DEFAULT_MAX_CONCURRENT_PER_PARTY;
  const timers = new Set<NodeJS.Timeout>();
  const held = new Set<ServerResponse>();
  let closing = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        send(res, { status: 500, body: { error: 'server_error', error_description: describeError(error) } });
      }
    });
  });

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = req.method ?? 'GET';
    const match = matcher.match(method, url.pathname);
    const routeName = match?.route.name ?? `${options.name}.unmatched`;
    stats.countRequest(routeName);
    const request: SandboxRequest = {
      method,
      url,
      headers: req.headers,
      body: '',
      params: match?.params ?? {},
    };

    const party = match?.route.partyParam === undefined ? undefined : match.params[match.route.partyParam];
    if (party !== undefined) {
      const inFlight = stats.enter(party);
      res.once('close', () => stats.leave(party));
      if (inFlight > maxPerParty) {
        stats.countThrottled(party);
        req.resume();
        send(res, (options.throttled ?? defaultThrottled)(request));
        return;
      }
    }

    request.body = await readBody(req);
    const decision = options.faults?.decide(routeName) ?? { latencyMs: 0 };
    const delay = (options.latencyMs ?? 0) + decision.latencyMs;
    if (delay > 0) await sleep(delay);
    if (closing || res.destroyed) return;

    const fault = decision.terminal;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'timeout') {
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    if (fault?.kind === 'status') {
      send(res, (options.faultResponse ?? defaultFaultResponse)(request, fault));
      return;
    }

    let response: SandboxResponse;
    if (match === undefined) {
      response = (options.notFound ?? defaultNotFound)(request);
    } else {
      try {
        response = await match.route.handler(request);
      } catch (error) {
        response = (options.errorResponse ?? defaultError)(request, error);
      }
    }
    if (closing || res.destroyed) return;
    if (fault !== undefined && response.status < 300 && typeof response.body === 'object') {
      response = fault.kind === 'malformed-json' ? truncate(response) : violate(response, fault.violation);
    }
    send(res, response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const res of held) res.destroy();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, response: SandboxResponse): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...response.headers };
  let body: string | Buffer = '';
  if (typeof response.body === 'string') {
    body = response.body;
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (response.body !== undefined) {
    body = jsonBytes(response.body); // a sealed body (see sealJson) is not written again
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(response.status, headers);
  res.end(body);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.name : 'error';
}

function defaultNotFound(): SandboxResponse {
  return { status: 404, body: { error: 'not_found' } };
}

function defaultThrottled(): SandboxResponse {
  return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'too_many_requests' } };
}

function defaultError(_req: SandboxRequest, error: unknown): SandboxResponse {
  return { status: 500, body: { error: 'server_error', error_description: describeError(error) } };
}

function defaultFaultResponse(_req: SandboxRequest, fault: Extract<TerminalFault, { kind: 'status' }>) {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  return {
    status: fault.status,
    headers,
    body: fault.body ?? { error: 'server_error', error_description: fault.melding ?? 'Injected fault' },
  };
}

/** The first half of the JSON text: no longer parseable. */
function truncate(response: SandboxResponse): SandboxResponse {
  const text = writeJson(response.body);
  return {
    status: response.status,
    headers: { ...response.headers, 'content-type': 'application/json; charset=utf-8' },
    body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
  };
}

/** A copy of the body tree broken as `violation` says (the handler's tree is left alone). */
function violate(response: SandboxResponse, violation: SchemaViolation): SandboxResponse {
  let done = false;
  const visit = (value: unknown): unknown => {
    if (value instanceof JsonNumber) {
      if (done || (violation !== 'string-amount' && violation !== 'three-decimals')) return value;
      done = true;
      if (violation === 'string-amount') return value.text;
      return new JsonNumber(value.text.includes('.') ? `${value.text}5` : `${value.text}.005`);
    }
    if (typeof value === 'string') {
      if (violation === 'invalid-date' && !done && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
        done = true;
        return '2026-02-30';
      }
      return value;
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (violation === 'drop-partIdentifikator' && k === 'partIdentifikator') continue;
        out[k] = visit(v);
      }
      return out;
    }
    return value;
  };
  return { ...response, body: visit(response.body) as object };
}
