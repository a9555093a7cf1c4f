import type { JSONWebKeySet } from 'jose';
import type { SandboxRequest, SandboxResponse, SandboxRoute } from '../http/http.types.js';
import { JWT_BEARER_GRANT_TYPE, SUPPORTED_GRANT_ALGORITHMS } from './authority.constants.js';
import { decodeGrant, grantTokenKey, type GrantValidation } from './grant.validator.js';
import { mpErrorResponse, mpFailure } from './mp-error.js';

/** What the Maskinporten routes need from the authority. */
export interface MaskinportenRouteContext {
  issuer(): string;
  tokenEndpoint(): string;
  jwksUri(): string;
  jwks(): JSONWebKeySet;
  countTokenRequest(tokenKey: string): void;
  validateGrant(assertion: string): Promise<GrantValidation>;
  issueToken(grant: Extract<GrantValidation, { ok: true }>['grant']): Promise<{
    access_token: string;
    expires_in: number;
    scope: string;
  }>;
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** RFC 8414 metadata with the fields of Maskinporten's document (NAIS-WK). */
export function maskinportenMetadata(ctx: MaskinportenRouteContext): Record<string, unknown> {
  return {
    issuer: ctx.issuer(),
    token_endpoint: ctx.tokenEndpoint(),
    jwks_uri: ctx.jwksUri(),
    grant_types_supported: [JWT_BEARER_GRANT_TYPE],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...SUPPORTED_GRANT_ALGORITHMS],
    authorization_details_types_supported: ['urn:altinn:systemuser', 'urn:altinn:consent'],
  };
}

/** `POST /token`: form-encoded jwt-bearer grant in, `{access_token, token_type, expires_in, scope}` out. */
export async function handleTokenRequest(
  ctx: MaskinportenRouteContext,
  req: SandboxRequest,
): Promise<SandboxResponse> {
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    return mpErrorResponse(
      mpFailure('invalid_request', 'MP-011', 'Content-Type must be application/x-www-form-urlencoded'),
    );
  }
  const form = new URLSearchParams(req.body);
  const grantType = form.get('grant_type');
  if (grantType !== JWT_BEARER_GRANT_TYPE) {
    return mpErrorResponse(
      mpFailure('unsupported_grant_type', undefined, `Unsupported grant type ${grantType ?? ''}`),
    );
  }
  const assertion = form.get('assertion');
  if (!assertion) return mpErrorResponse(mpFailure('invalid_request', 'MP-011', 'Missing assertion'));

  // Count every request that names a client, rejected ones too: the stats measure what clients send.
  const decoded = decodeGrant(assertion);
  const key = 'claims' in decoded ? grantTokenKey(decoded.claims) : undefined;
  if (key !== undefined) ctx.countTokenRequest(key);

  const validation = await ctx.validateGrant(assertion);
  if (!validation.ok) return mpErrorResponse(validation.failure);
  const token = await ctx.issueToken(validation.grant);
  return {
    status: 200,
    headers: NO_STORE,
    body: {
      access_token: token.access_token,
      token_type: 'Bearer',
      expires_in: token.expires_in,
      scope: token.scope,
    },
  };
}

/**
 * Maskinporten's three routes. `prefix` is prepended to every pattern when the routes are mounted below a path.
 */
export function createMaskinportenRoutes(ctx: MaskinportenRouteContext, prefix = ''): SandboxRoute[] {
  return [
    {
      name: 'mp.metadata',
      method: 'GET',
      pattern: `${prefix}/.well-known/oauth-authorization-server`,
      handler: () => ({ status: 200, body: maskinportenMetadata(ctx) }),
    },
    {
      name: 'mp.jwk',
      method: 'GET',
      pattern: `${prefix}/jwk`,
      handler: () => ({ status: 200, body: ctx.jwks() }),
    },
    {
      name: 'mp.token',
      method: 'POST',
      pattern: `${prefix}/token`,
      handler: (req) => handleTokenRequest(ctx, req),
    },
  ];
}
