import type { IncomingHttpHeaders } from 'node:http';

/** A request as the sandbox's route handlers see it. Body already read as text. */
export interface SandboxRequest {
  method: string;
  url: URL;
  /** Lower-case header names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: string;
  /** Named path parameters from the route pattern (`/v1/:pakke/:part/:endpoint`). */
  params: Record<string, string>;
}

/** What a handler returns. An object `body` is sent as JSON; a string as is. */
export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
}

export type SandboxHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/**
 * One route. `name` keys statistics and fault injection (`mp.token`, `api.aapnekrav`, `altinn.systemuser.request.create`).
 * `pattern` uses `:name` segments; `partyParam` names the param whose value is the party, for the per-party
 * concurrency count.
 */
export interface SandboxRoute {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: string;
  handler: SandboxHandler;
  partyParam?: string;
}
