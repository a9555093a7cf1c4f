import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '../http/http.types.js';

/** OAuth error codes the sandbox's token endpoint answers with. */
export type MpOAuthError =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'forbidden'
  | 'invalid_authorization_details'
  | 'invalid_altinn_customer_configuration';

/** Maskinporten error codes from the troubleshooting page (reference §1.9). */
export type MpCode =
  | 'MP-011'
  | 'MP-012'
  | 'MP-100'
  | 'MP-110'
  | 'MP-120'
  | 'MP-121'
  | 'MP-123'
  | 'MP-124'
  | 'MP-130'
  | 'MP-200'
  | 'MP-251'
  | 'MP-301'
  | 'MP-302'
  | 'MP-303';

/** A rejected token request: what the endpoint answers. */
export interface MpFailure {
  error: MpOAuthError;
  code?: MpCode;
  message: string;
}

export function mpFailure(error: MpOAuthError, code: MpCode | undefined, message: string): MpFailure {
  return { error, code, message };
}

/**
 * The documented error body `{error, error_description}`; the description carries the MP code and ends with
 * `(correlation id: <uuid>)`. HTTP 403 for `forbidden`, 400 otherwise ([inferred], reference §5.5).
 */
export function mpErrorResponse(failure: MpFailure, correlationId: string = randomUUID()): SandboxResponse {
  const code = failure.code ? ` (${failure.code})` : '';
  return {
    status: failure.error === 'forbidden' ? 403 : 400,
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    body: {
      error: failure.error,
      error_description: `${failure.message}${code} (correlation id: ${correlationId})`,
    },
  };
}
