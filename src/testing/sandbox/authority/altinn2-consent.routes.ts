import type { SandboxRequest, SandboxResponse, SandboxRoute } from '../http/http.types.js';
import { SCOPES } from './authority.constants.js';
import { bearerToken, tokenScopes } from './access-token.verifier.js';
import type { AltinnRouteContext } from './altinn-route.context.js';
import { orgFromIso6523 } from './party.util.js';

/** Altinn's documented 403 text (A2-TOK). */
const FORBIDDEN_TEXT =
  'The API key is not authorized for this operation, or the supplied authorization code is either expired or invalid.';

const forbidden = (): SandboxResponse => ({
  status: 403,
  headers: { 'content-type': 'text/plain' },
  body: FORBIDDEN_TEXT,
});

/** The organisation fetching the token: by `ApiKey`, or by a Maskinporten token with `altinn:consenttokens`. */
async function callerOrg(ctx: AltinnRouteContext, req: SandboxRequest): Promise<string | undefined> {
  const apiKey = req.headers.apikey;
  if (typeof apiKey === 'string') return apiKey === ctx.altinn2ApiKey.key ? ctx.altinn2ApiKey.org : undefined;
  const check = await ctx.verifyAccessToken(bearerToken(req.headers.authorization));
  if (!check.ok || !tokenScopes(check.claims).includes(SCOPES.consentTokens)) return undefined;
  return orgFromIso6523(check.claims.consumer);
}

/**
 * `GET /api/authorization/token?authcode=<code>`: exchanges an Altinn 2 authorisation code for a consent token
 * (a JWT signed by the sandbox Altinn key, valid 30 s) while the consent is accepted and unexpired. The caller
 * must be the consumer (`CoveredBy`) or the registered handler (`HandledBy`). The token is sent as a JSON string
 * (or bare with `Accept: text/plain`).
 */
async function exchangeAuthorizationCode(
  ctx: AltinnRouteContext,
  req: SandboxRequest,
): Promise<SandboxResponse> {
  const org = await callerOrg(ctx, req);
  const code = req.url.searchParams.get('authcode');
  const record = code ? ctx.altinn2Consents.get(code) : undefined;
  if (!org || !record || !ctx.altinn2Consents.isUsable(record)) return forbidden();
  if (record.coveredBy !== org && record.handledBy !== org) return forbidden();
  const token = await ctx.issueAltinn2ConsentToken(record, record.coveredBy === org ? undefined : org);
  const accept = String(req.headers.accept ?? '');
  if (accept.includes('text/plain') && !accept.includes('json')) {
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: token };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(token) };
}

/** Altinn 2 legacy consent: the code exchange and the JWKS of the consent-token signing key. */
export function createAltinn2ConsentRoutes(ctx: AltinnRouteContext, prefix = ''): SandboxRoute[] {
  return [
    {
      name: 'altinn.consent2.token',
      method: 'GET',
      pattern: `${prefix}/api/authorization/token`,
      handler: (r) => exchangeAuthorizationCode(ctx, r),
    },
    {
      name: 'altinn.jwk',
      method: 'GET',
      pattern: `${prefix}/api/metadata/jwk`,
      handler: () => ({ status: 200, body: ctx.altinnJwks() }),
    },
  ];
}
