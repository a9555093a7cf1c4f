import { jwtVerify, type JWTPayload } from 'jose';
import {
  ALTINN2_CONSENT_TOKEN_ISSUER,
  CONSENT_DETAIL_TYPE,
  KOB_ALTINN2_SERVICE,
  KOB_CONSENT_RESOURCE,
  SCOPES,
  SYSTEMUSER_DETAIL_TYPE,
} from './authority.constants.js';
import type { Altinn2ConsentStore } from './altinn2-consent.store.js';
import {
  bearerToken,
  tokenScopes,
  type AccessTokenCheck,
  type AccessTokenFailure,
} from './access-token.verifier.js';
import type { ApiCallAuthorization, ApiCallAuthorizationInput } from './authority.types.js';
import type { ConsentStore } from './consent.store.js';
import type { SigningKey } from './key-material.js';
import { orgFromIso6523, parsePartyUrn } from './party.util.js';
import type { SystemUserStore } from './system-user.store.js';
import { tokenKey } from './token-key.js';

/** What the access decision needs from the authority. */
export interface ApiAccessContext {
  nowMs(): number;
  verifyAccessToken(token: string | undefined): Promise<AccessTokenCheck>;
  systemUsers: SystemUserStore;
  consents: ConsentStore;
  altinn2Consents: Altinn2ConsentStore;
  altinnKey: SigningKey;
  ownerOf?: (personId: string) => string | undefined;
}

type Denied = Extract<ApiCallAuthorization, { ok: false }>;

const unauthenticated = (melding: string): Denied => ({ ok: false, status: 401, kode: 'KB-004', melding });
const forbidden = (melding: string): Denied => ({ ok: false, status: 403, kode: 'KB-005', melding });

const TOKEN_MELDING: Record<AccessTokenFailure, string> = {
  missing: 'Mangler Maskinporten-token (Authorization: Bearer).',
  malformed: 'Ugyldig Maskinporten-token.',
  signature: 'Ugyldig Maskinporten-token: signaturen kan ikke verifiseres.',
  issuer: 'Ugyldig Maskinporten-token: ukjent utsteder.',
  expired: 'Maskinporten-tokenet er utløpt.',
};

/** The party itself, plus the organisation a person owns (sole trader), as organisation/person ids. */
function partyMatches(
  candidate: string,
  partyId: string,
  ownerOf: ((personId: string) => string | undefined) | undefined,
) {
  if (candidate === partyId) return true;
  return /^\d{11}$/.test(partyId) && ownerOf?.(partyId) === candidate;
}

function firstDetail(claims: JWTPayload): Record<string, unknown> | undefined {
  const details = claims.authorization_details;
  const first: unknown = Array.isArray(details) ? details[0] : undefined;
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
}

/** Reads the `AltinnSamtykke` header: a JWT, possibly base64-encoded or JSON-quoted as Altinn returns it. */
function altinn2Jwt(header: string): string {
  const value = header.trim().replace(/^"(.*)"$/, '$1');
  if (value.split('.').length === 3) return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8').trim();
  return decoded.split('.').length === 3 ? decoded : value;
}

/**
 * Skatteetaten's access decision for one Krav og betalinger call: a valid sandbox Maskinporten token with scope
 * `skatteetaten:kravogbetalinger` (else 401 KB-004), then per rights package (else 403 KB-005): `regnskapssystem`
 * needs a system-user token for the party (or for the organisation a person party owns) whose system user still
 * exists; `finans` needs consent from the party, either Altinn 3 in the token (re-checked now: accepted, not
 * revoked, not expired) or a valid Altinn 2 `AltinnSamtykke` token covering the token's consumer.
 */
export async function authorizeApiCall(
  ctx: ApiAccessContext,
  input: ApiCallAuthorizationInput,
): Promise<ApiCallAuthorization> {
  const check = await ctx.verifyAccessToken(bearerToken(input.authorization));
  if (!check.ok) return unauthenticated(TOKEN_MELDING[check.reason]);
  const claims = check.claims;
  if (!tokenScopes(claims).includes(SCOPES.kravOgBetalinger)) {
    return unauthenticated(`Maskinporten-tokenet mangler scope ${SCOPES.kravOgBetalinger}.`);
  }
  const consumerOrg = orgFromIso6523(claims.consumer);
  if (!consumerOrg) return unauthenticated('Maskinporten-tokenet mangler consumer.');

  const clientId = String(claims.client_id);
  const base = {
    clientId,
    scope: String(claims.scope),
    ...(claims.supplier !== undefined ? { consumerOrg } : {}),
  };
  const ownerOf = input.ownerOf ?? ctx.ownerOf;
  const detail = firstDetail(claims);

  if (input.rightsPackage === 'regnskapssystem') {
    if (detail?.type !== SYSTEMUSER_DETAIL_TYPE) {
      return forbidden('Rettighetspakken regnskapssystem krever et systembruker-token.');
    }
    const org = orgFromIso6523(detail.systemuser_org);
    if (!org || !partyMatches(org, input.partyId, ownerOf)) {
      return forbidden('Systembrukeren gjelder ikke denne parten.');
    }
    const ids = detail.systemuser_id;
    const user =
      Array.isArray(ids) && typeof ids[0] === 'string' ? ctx.systemUsers.systemUser(ids[0]) : undefined;
    if (!user || user.reporteeOrgNo !== org) return forbidden('Systembrukeren finnes ikke lenger.');
    const key = tokenKey({ ...base, systemUser: { org, externalRef: user.externalRef } });
    return { ok: true, tokenKey: key, clientId, consumerOrg };
  }

  if (input.rightsPackage === 'finans') {
    let headerFailure: Denied | undefined;
    if (input.altinnSamtykke) {
      headerFailure = await checkAltinn2Consent(
        ctx,
        input.altinnSamtykke,
        input.partyId,
        consumerOrg,
        ownerOf,
      );
      if (!headerFailure) return { ok: true, tokenKey: tokenKey(base), clientId, consumerOrg };
    }
    if (detail?.type === CONSENT_DETAIL_TYPE) {
      const failure = checkAltinn3Consent(ctx, detail, input.partyId, consumerOrg, ownerOf);
      if (failure) return failure;
      const consent = { id: String(detail.id), from: String(detail.from) };
      return { ok: true, tokenKey: tokenKey({ ...base, consent }), clientId, consumerOrg };
    }
    return (
      headerFailure ??
      forbidden('Rettighetspakken finans krever samtykke (Altinn 3 i tokenet eller AltinnSamtykke-header).')
    );
  }

  return forbidden('Ukjent rettighetspakke.');
}

function checkAltinn3Consent(
  ctx: ApiAccessContext,
  detail: Record<string, unknown>,
  partyId: string,
  consumerOrg: string,
  ownerOf: ApiAccessContext['ownerOf'],
): Denied | undefined {
  const from = parsePartyUrn(detail.from);
  if (!from || !partyMatches(from.id, partyId, ownerOf))
    return forbidden('Samtykket gjelder ikke denne parten.');
  const consent = typeof detail.id === 'string' ? ctx.consents.get(detail.id) : undefined;
  if (!consent || consent.from.id !== from.id) return forbidden('Samtykket finnes ikke.');
  if (consent.to !== consumerOrg) return forbidden('Samtykket er ikke gitt til virksomheten i tokenet.');
  const status = ctx.consents.status(consent);
  if (status === 'revoked') return forbidden('Samtykket er trukket tilbake.');
  if (status === 'expired') return forbidden('Samtykket er utløpt.');
  if (status !== 'accepted') return forbidden('Samtykket er ikke gitt.');
  const coversKob = consent.consentRights.some((right) =>
    right.resource.some((r) => r.value === KOB_CONSENT_RESOURCE),
  );
  if (!coversKob) return forbidden('Samtykket gjelder ikke Krav og betalinger.');
  return undefined;
}

async function checkAltinn2Consent(
  ctx: ApiAccessContext,
  header: string,
  partyId: string,
  consumerOrg: string,
  ownerOf: ApiAccessContext['ownerOf'],
): Promise<Denied | undefined> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(altinn2Jwt(header), ctx.altinnKey.publicKey, {
      issuer: ALTINN2_CONSENT_TOKEN_ISSUER,
      algorithms: ['RS256'],
      currentDate: new Date(ctx.nowMs()),
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    return forbidden(code === 'ERR_JWT_EXPIRED' ? 'Samtykketokenet er utløpt.' : 'Ugyldig samtykketoken.');
  }
  if (typeof claims.OfferedBy !== 'string' || !partyMatches(claims.OfferedBy, partyId, ownerOf)) {
    return forbidden('Samtykket gjelder ikke denne parten.');
  }
  if (claims.CoveredBy !== consumerOrg) {
    return forbidden('Samtykket er ikke gitt til virksomheten i Maskinporten-tokenet.');
  }
  const service = `${KOB_ALTINN2_SERVICE.serviceCode}_${KOB_ALTINN2_SERVICE.serviceEditionCode}`;
  const services: unknown[] = Array.isArray(claims.Services) ? claims.Services : [claims.Services];
  if (!services.includes(service)) return forbidden('Samtykket gjelder ikke Krav og betalinger.');
  const record =
    typeof claims.AuthorizationCode === 'string'
      ? ctx.altinn2Consents.get(claims.AuthorizationCode)
      : undefined;
  if (!record || !ctx.altinn2Consents.isUsable(record))
    return forbidden('Samtykket er trukket tilbake eller utløpt.');
  return undefined;
}
