import type { SandboxRequest, SandboxResponse } from '../http/http.types.js';
import { bearerToken, tokenScopes, type AccessTokenCheck } from './access-token.verifier.js';
import { orgFromIso6523 } from './party.util.js';

/** The enterprise behind an Altinn API call, read from its Maskinporten token. */
export interface AltinnCaller {
  /** `consumer` of the token: the vendor, or the customer when the token is delegated. */
  org: string;
  /** `supplier` of a delegated token. */
  supplierOrg?: string;
  scopes: string[];
}

/** RFC 9457 problem details as Altinn sends them, with Altinn's `code` when it has one. */
export function problem(status: number, title: string, code?: string, detail?: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: {
      type: `https://datatracker.ietf.org/doc/html/rfc9110#section-15.${status >= 500 ? 6 : 5}`,
      title,
      status,
      ...(code ? { code } : {}),
      ...(detail ? { detail } : {}),
    },
  };
}

/** ASP.NET's validation problem: `errors` maps a field to its messages. */
export function validationProblem(errors: Record<string, string[]>): SandboxResponse {
  return {
    status: 400,
    headers: { 'content-type': 'application/problem+json' },
    body: {
      type: 'https://datatracker.ietf.org/doc/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      errors,
    },
  };
}

export function parseJsonBody(
  req: SandboxRequest,
): { ok: true; value: Record<string, unknown> } | { ok: false } {
  try {
    const value: unknown = JSON.parse(req.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { ok: true, value: value as Record<string, unknown> }
      : { ok: false };
  } catch {
    return { ok: false };
  }
}

/**
 * Authenticates an Altinn platform call: a valid sandbox Maskinporten token (else 401, empty body) holding one of
 * `anyOfScopes` (else 403, empty body), as Altinn's scope policies do.
 */
export async function authenticateCaller(
  req: SandboxRequest,
  verify: (token: string | undefined) => Promise<AccessTokenCheck>,
  anyOfScopes: readonly string[],
): Promise<{ ok: true; caller: AltinnCaller } | { ok: false; response: SandboxResponse }> {
  const check = await verify(bearerToken(req.headers.authorization));
  const org = check.ok ? orgFromIso6523(check.claims.consumer) : undefined;
  if (!check.ok || !org) {
    return { ok: false, response: { status: 401, headers: { 'www-authenticate': 'Bearer' } } };
  }
  const scopes = tokenScopes(check.claims);
  if (!anyOfScopes.some((s) => scopes.includes(s))) {
    return {
      ok: false,
      response: { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } },
    };
  }
  const supplierOrg = orgFromIso6523(check.claims.supplier);
  return { ok: true, caller: { org, scopes, ...(supplierOrg ? { supplierOrg } : {}) } };
}

/** Escapes text for the sandbox's small HTML pages. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
