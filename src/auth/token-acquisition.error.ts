import { KobError } from '../errors/kob.error.js';

/**
 * Getting a Maskinporten token failed. Carries the Maskinporten code (`MP-303`), the OAuth error
 * (`invalid_grant`), the HTTP status and Maskinporten's correlation id when the server sent them. Never holds
 * the grant, the token or the key.
 * @publicApi
 */
export class TokenAcquisitionError extends KobError {
  readonly status?: number;
  readonly oauthError?: string;
  readonly mpCode?: string;
  readonly correlationId?: string;
  /** The token key (no secrets: client, scope, org or consent id) the request was for. */
  readonly tokenKey: string;
  /** True for network errors and 5xx: the provider retried these with a fresh grant before giving up. */
  readonly transient: boolean;

  constructor(
    message: string,
    details: {
      tokenKey: string;
      status?: number;
      oauthError?: string;
      mpCode?: string;
      correlationId?: string;
      transient?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, {
      code: details.mpCode ?? (details.transient ? 'KOB_TOKEN_UNAVAILABLE' : 'KOB_TOKEN_REJECTED'),
      cause: details.cause,
    });
    this.tokenKey = details.tokenKey;
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.mpCode = details.mpCode;
    this.correlationId = details.correlationId;
    this.transient = details.transient ?? false;
  }
}

/**
 * Splits a Maskinporten error body into its parts. `error_description` usually reads
 * `MP-303 ... (correlation id: 2d4f...)`; both parts are optional.
 */
export function parseMaskinportenError(body: unknown): {
  oauthError?: string;
  description?: string;
  mpCode?: string;
  correlationId?: string;
} {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const oauthError = typeof record.error === 'string' ? record.error : undefined;
  const description = typeof record.error_description === 'string' ? record.error_description : undefined;
  const mpCode = /\bMP-\d{3}\b/.exec(description ?? '')?.[0];
  const correlationId = /correlation[ _-]?id:?\s*([0-9a-zA-Z-]+)/i.exec(description ?? '')?.[1];
  return { oauthError, description, mpCode, correlationId };
}
