import { X509Certificate } from 'node:crypto';
import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  importX509,
  type CryptoKey,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import type { Clock } from '../../../time/clock.js';
import {
  AUTHORIZATION_DETAIL_FIELDS,
  CONSENT_DETAIL_TYPE,
  DOCUMENTED_GRANT_CLAIMS,
  GRANT_CLOCK_SKEW_SECONDS,
  SUPPORTED_GRANT_ALGORITHMS,
  SYSTEMUSER_DETAIL_TYPE,
} from './authority.constants.js';
import { certificateSpki, type ClientRecord, type ClientRegistry } from './client.registry.js';
import type { ConsentRecord, ConsentStore } from './consent.store.js';
import { mpFailure, type MpFailure } from './mp-error.js';
import { isOrgNumberFormat, isUuid, orgFromIso6523, parsePartyUrn } from './party.util.js';
import type { SystemUserRecord, SystemUserStore } from './system-user.store.js';
import { tokenKey } from './token-key.js';

/** The Altinn part of a validated grant. */
export type GrantDetail =
  | { kind: 'systemuser'; org: string; user: SystemUserRecord }
  | { kind: 'consent'; fromUrn: string; consent: ConsentRecord };

/** A grant that passed every check: what the access token is built from. */
export interface ValidGrant {
  client: ClientRecord;
  scope: string;
  clientAmr: 'private_key_jwt' | 'virksomhetssertifikat';
  /** The legal consumer: `consumer_org` when delegated, else the client's org. */
  consumerOrg: string;
  /** Set when the client acts for `consumer_org` through Altinn delegation. */
  supplierOrg?: string;
  resource?: string | string[];
  pid?: string;
  detail?: GrantDetail;
}

export interface GrantValidatorDeps {
  clock: Clock;
  clients: ClientRegistry;
  systemUsers: SystemUserStore;
  consents: ConsentStore;
  issuer(): string;
  tokenEndpoint(): string;
  maxGrantLifetimeSeconds: number;
  acceptTokenEndpointAsAudience: boolean;
  allowSubClaim: boolean;
}

export type GrantValidation = { ok: true; grant: ValidGrant } | { ok: false; failure: MpFailure };

type Check<T> = T | MpFailure;
const failed = (value: unknown): value is MpFailure =>
  typeof value === 'object' && value !== null && 'error' in value && 'message' in value;

const invalidAssertion = (detail: string): MpFailure =>
  mpFailure('invalid_request', 'MP-011', `Invalid assertion. ${detail}`);
const authFailed = (code: 'MP-120' | 'MP-121' | 'MP-123' | 'MP-124', detail: string): MpFailure =>
  mpFailure('invalid_grant', code, `Invalid assertion. Client authentication failed. ${detail}`);

/**
 * The token key of a grant, read before validation so that every request is counted (also rejected ones);
 * `undefined` when the grant does not even name a client.
 */
export function grantTokenKey(claims: JWTPayload): string | undefined {
  if (typeof claims.iss !== 'string') return undefined;
  const scope = typeof claims.scope === 'string' ? claims.scope : '';
  const consumerOrg = isOrgNumberFormat(claims.consumer_org) ? claims.consumer_org : undefined;
  const details = claims.authorization_details;
  const first: unknown = Array.isArray(details) ? details[0] : undefined;
  const entry = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
  if (entry?.type === SYSTEMUSER_DETAIL_TYPE) {
    const org = orgFromIso6523(entry.systemuser_org) ?? '?';
    const externalRef = typeof entry.externalRef === 'string' ? entry.externalRef : org;
    return tokenKey({ clientId: claims.iss, scope, consumerOrg, systemUser: { org, externalRef } });
  }
  if (entry?.type === CONSENT_DETAIL_TYPE) {
    const consent = { id: String(entry.id), from: String(entry.from) };
    return tokenKey({ clientId: claims.iss, scope, consumerOrg, consent });
  }
  return tokenKey({ clientId: claims.iss, scope, consumerOrg });
}

/** Decodes header and claims without verifying; a failure is the documented "Invalid parameter value". */
export function decodeGrant(
  assertion: string,
): Check<{ header: ProtectedHeaderParameters; claims: JWTPayload }> {
  try {
    return { header: decodeProtectedHeader(assertion), claims: decodeJwt(assertion) };
  } catch {
    return invalidAssertion('Invalid parameter value');
  }
}

/** Remembers `jti`s per client until their grant could no longer be accepted anyway. */
export class JtiRegistry {
  private readonly seen = new Map<string, number>();
  private insertsSincePrune = 0;

  /** Records the jti; false when it was seen before. */
  remember(clientId: string, jti: string, forgetAfterMs: number, nowMs: number): boolean {
    const key = `${clientId}\u0000${jti}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) return false;
    this.seen.set(key, forgetAfterMs);
    if (++this.insertsSincePrune >= 1000) this.prune(nowMs);
    return true;
  }

  private prune(nowMs: number): void {
    this.insertsSincePrune = 0;
    for (const [key, until] of this.seen) if (until <= nowMs) this.seen.delete(key);
  }
}

/**
 * Validates a Maskinporten JWT-bearer grant as the reference (§1.3, §1.4, §5) describes: algorithm, client,
 * signature (registered JWK by `kid`, or registered certificate via `x5c`), `aud`, documented claims only, time
 * window, `jti` replay, scopes (or delegation with `consumer_org`), and `authorization_details` (system user or
 * consent looked up in the sandbox's Altinn).
 */
export class GrantValidator {
  constructor(
    private readonly deps: GrantValidatorDeps,
    private readonly jtis: JtiRegistry = new JtiRegistry(),
  ) {}

  async validate(assertion: string): Promise<GrantValidation> {
    const result = await this.run(assertion);
    return failed(result) ? { ok: false, failure: result } : { ok: true, grant: result };
  }

  private async run(assertion: string): Promise<Check<ValidGrant>> {
    const decoded = decodeGrant(assertion);
    if (failed(decoded)) return decoded;
    const { header, claims } = decoded;

    const alg = header.alg;
    if (!SUPPORTED_GRANT_ALGORITHMS.includes(alg as (typeof SUPPORTED_GRANT_ALGORITHMS)[number])) {
      return authFailed('MP-124', `Unsupported signing algorithm ${String(alg)}`);
    }
    const client = typeof claims.iss === 'string' ? this.deps.clients.get(claims.iss) : undefined;
    if (!client) {
      return mpFailure(
        'invalid_grant',
        'MP-100',
        'Invalid assertion. Client authentication failed. Client not found',
      );
    }
    const amr = await this.verifySignature(assertion, header, alg as string, client);
    if (failed(amr)) return amr;

    const audience = this.checkAudience(claims.aud);
    if (audience) return audience;
    const unknown = Object.keys(claims).filter(
      (name) => !DOCUMENTED_GRANT_CLAIMS.has(name) && !(name === 'sub' && this.deps.allowSubClaim),
    );
    if (unknown.length > 0) return invalidAssertion(`Unknown claim(s): ${unknown.sort().join(', ')}`);

    const time = this.checkTime(claims);
    if (failed(time)) return time;
    if (claims.jti !== undefined) {
      if (typeof claims.jti !== 'string' || claims.jti === '') return invalidAssertion('Invalid jti');
      const forgetAfterMs = (time.exp + GRANT_CLOCK_SKEW_SECONDS) * 1000;
      if (!this.jtis.remember(client.clientId, claims.jti, forgetAfterMs, this.deps.clock.now())) {
        return mpFailure('invalid_grant', 'MP-012', 'Invalid assertion. Grant is used before');
      }
    }

    const optional = this.checkOptionalClaims(claims, client);
    if (failed(optional)) return optional;
    const scope = this.checkScopes(claims.scope, client, optional.consumerOrg);
    if (failed(scope)) return scope;

    const consumerOrg = optional.consumerOrg ?? client.org;
    let detail: GrantDetail | undefined;
    if (claims.authorization_details !== undefined) {
      const checked = this.checkAuthorizationDetails(claims.authorization_details, client, consumerOrg);
      if (failed(checked)) return checked;
      detail = checked;
    }
    return {
      client,
      scope,
      clientAmr: amr,
      consumerOrg,
      ...(optional.consumerOrg ? { supplierOrg: client.org } : {}),
      ...(optional.resource !== undefined ? { resource: optional.resource } : {}),
      ...(optional.pid !== undefined ? { pid: optional.pid } : {}),
      ...(detail ? { detail } : {}),
    };
  }

  private async verifySignature(
    assertion: string,
    header: ProtectedHeaderParameters,
    alg: string,
    client: ClientRecord,
  ): Promise<Check<ValidGrant['clientAmr']>> {
    const now = this.deps.clock.now();
    let key: CryptoKey;
    let amr: ValidGrant['clientAmr'];
    if (header.x5c !== undefined) {
      const x5c: unknown = header.x5c;
      if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === 'string')) {
        return authFailed(
          'MP-123',
          'Failed to extract certificate from jwt (x5c must be an array of strings)',
        );
      }
      let leaf: X509Certificate;
      try {
        leaf = new X509Certificate(Buffer.from(x5c[0] as string, 'base64'));
      } catch {
        return authFailed('MP-123', 'Failed to extract certificate from jwt');
      }
      const registered = client.certificates.find((c) => c.spki === certificateSpki(leaf));
      if (!registered) return authFailed('MP-120', 'Certificate is not registered on the client');
      if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) {
        return authFailed('MP-120', 'Certificate is expired or not yet valid');
      }
      if (registered.expiresAt !== undefined && now >= registered.expiresAt) {
        return authFailed('MP-121', 'Registered certificate is expired');
      }
      key = await importX509(leaf.toString(), alg);
      amr = 'virksomhetssertifikat';
    } else if (typeof header.kid === 'string') {
      const registered = client.keys.get(header.kid);
      if (!registered) return authFailed('MP-124', 'Unknown kid');
      if (registered.expiresAt !== undefined && now >= registered.expiresAt) {
        return authFailed('MP-121', 'Registered key is expired');
      }
      // The header's alg decides the hash; the JWK's own alg member is not binding.
      key = (await importJWK({ ...registered.jwk, alg }, alg)) as CryptoKey;
      amr = 'private_key_jwt';
    } else {
      return authFailed('MP-124', 'Neither kid nor x5c in header');
    }
    try {
      await compactVerify(assertion, key, { algorithms: [alg] });
    } catch {
      return authFailed('MP-124', 'Invalid signature');
    }
    return amr;
  }

  private checkAudience(aud: unknown): MpFailure | undefined {
    const allowed = [this.deps.issuer()];
    if (this.deps.acceptTokenEndpointAsAudience) allowed.push(this.deps.tokenEndpoint());
    if (typeof aud === 'string' && allowed.includes(aud)) return undefined;
    return mpFailure(
      'invalid_grant',
      'MP-110',
      'Invalid assertion. Client authentication failed. Invalid JWT claim aud',
    );
  }

  private checkTime(claims: JWTPayload): Check<{ iat: number; exp: number }> {
    const { iat, exp } = claims;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      !Number.isFinite(iat) ||
      !Number.isFinite(exp)
    ) {
      return invalidAssertion('iat and exp must be numbers');
    }
    const now = this.deps.clock.now() / 1000;
    const expired = (detail: string): MpFailure =>
      mpFailure('invalid_grant', 'MP-130', `Invalid assertion. ${detail}`);
    if (iat > now + GRANT_CLOCK_SKEW_SECONDS) return expired('Issue time is after now');
    if (exp < now - GRANT_CLOCK_SKEW_SECONDS) return expired('JWT is expired');
    if (iat < now - GRANT_CLOCK_SKEW_SECONDS) {
      return expired(`Issue time is more than ${GRANT_CLOCK_SKEW_SECONDS} seconds before now`);
    }
    if (exp <= iat) return expired('exp must be after iat');
    if (exp - iat > this.deps.maxGrantLifetimeSeconds) {
      return expired(
        `Lifetime of the JWT (exp - iat) is more than ${this.deps.maxGrantLifetimeSeconds} seconds`,
      );
    }
    return { iat, exp };
  }

  private checkOptionalClaims(
    claims: JWTPayload,
    client: ClientRecord,
  ): Check<{ consumerOrg?: string; resource?: string | string[]; pid?: string }> {
    const { resource, pid, consumer_org: consumerOrg, iss_onbehalfof: onBehalfOf } = claims;
    if (
      resource !== undefined &&
      !(typeof resource === 'string' && resource !== '') &&
      !(
        Array.isArray(resource) &&
        resource.length > 0 &&
        resource.every((r) => typeof r === 'string' && r !== '')
      )
    ) {
      return invalidAssertion('Invalid resource');
    }
    if (pid !== undefined && !(typeof pid === 'string' && /^\d{11}$/.test(pid)))
      return invalidAssertion('Invalid pid');
    if (onBehalfOf !== undefined && typeof onBehalfOf !== 'string')
      return invalidAssertion('Invalid iss_onbehalfof');
    if (consumerOrg !== undefined) {
      if (!isOrgNumberFormat(consumerOrg)) return invalidAssertion('Invalid consumer_org');
      if (onBehalfOf !== undefined)
        return invalidAssertion('consumer_org and iss_onbehalfof are mutually exclusive');
      if (consumerOrg === client.org) {
        return invalidAssertion('The combination of consumer_org and client is invalid');
      }
    }
    return {
      ...(consumerOrg !== undefined ? { consumerOrg } : {}),
      ...(resource !== undefined ? { resource: resource as string | string[] } : {}),
      ...(pid !== undefined ? { pid } : {}),
    };
  }

  private checkScopes(
    scopeClaim: unknown,
    client: ClientRecord,
    consumerOrg: string | undefined,
  ): Check<string> {
    if (typeof scopeClaim !== 'string' || scopeClaim.trim() === '') return invalidAssertion('Missing scope');
    const scopes = scopeClaim.split(' ').filter(Boolean);
    for (const scope of scopes) {
      if (consumerOrg !== undefined) {
        if (!this.deps.clients.isDelegated(consumerOrg, client.org, scope)) {
          return mpFailure(
            'forbidden',
            'MP-251',
            `Consumer has not delegated access to the scope ${scope} to supplier`,
          );
        }
      } else if (!client.scopes.has(scope)) {
        return mpFailure('invalid_scope', 'MP-200', 'Token request contains invalid scopes for client');
      }
    }
    return scopes.join(' ');
  }

  private checkAuthorizationDetails(
    value: unknown,
    client: ClientRecord,
    consumerOrg: string,
  ): Check<GrantDetail> {
    const invalid = (detail: string): MpFailure =>
      mpFailure('invalid_authorization_details', 'MP-303', detail);
    if (!Array.isArray(value) || value.length === 0)
      return invalid('authorization_details must be a non-empty array');
    if (value.length > 1) return invalid('Only one authorization_details entry is supported per grant');
    const entry: unknown = value[0];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return invalid('authorization_details entries must be objects');
    }
    const record = entry as Record<string, unknown>;
    const type = record.type;
    const fields = typeof type === 'string' ? AUTHORIZATION_DETAIL_FIELDS[type] : undefined;
    if (!fields) {
      return mpFailure(
        'invalid_authorization_details',
        'MP-301',
        `Unknown authorization_details type ${String(type)}`,
      );
    }
    const extra = Object.keys(record).filter((name) => !fields.has(name));
    if (extra.length > 0) {
      return mpFailure(
        'invalid_authorization_details',
        'MP-302',
        `Unknown field(s) in authorization_details: ${extra.sort().join(', ')}`,
      );
    }
    return type === SYSTEMUSER_DETAIL_TYPE
      ? this.checkSystemUser(record, client)
      : this.checkConsent(record, consumerOrg);
  }

  private checkSystemUser(record: Record<string, unknown>, client: ClientRecord): Check<GrantDetail> {
    const org = orgFromIso6523(record.systemuser_org);
    if (!org) {
      return mpFailure(
        'invalid_authorization_details',
        'MP-303',
        'systemuser_org must be an ISO 6523 organisation',
      );
    }
    if (
      record.externalRef !== undefined &&
      (typeof record.externalRef !== 'string' || record.externalRef === '')
    ) {
      return mpFailure('invalid_authorization_details', 'MP-303', 'externalRef must be a non-empty string');
    }
    const externalRef = (record.externalRef as string | undefined) ?? org;
    const system = this.deps.clients.systemOfClient(client.clientId);
    const user = system ? this.deps.systemUsers.findSystemUser(system.id, org, externalRef) : undefined;
    if (!user) {
      return mpFailure(
        'invalid_altinn_customer_configuration',
        'MP-303',
        'No system user found for the client, systemuser_org and externalRef',
      );
    }
    return { kind: 'systemuser', org, user };
  }

  private checkConsent(record: Record<string, unknown>, consumerOrg: string): Check<GrantDetail> {
    if (!isUuid(record.id))
      return mpFailure('invalid_authorization_details', 'MP-303', 'Consent id must be a UUID');
    if (!parsePartyUrn(record.from)) {
      return mpFailure('invalid_authorization_details', 'MP-303', 'Consent from must be an Altinn party URN');
    }
    const fromUrn = record.from as string;
    const found = this.deps.consents.lookup(record.id, fromUrn, consumerOrg);
    if ('code' in found) {
      // How Maskinporten surfaces Altinn's refusal is undocumented (reference §6.4): MP-303 with Altinn's code.
      return mpFailure(
        'invalid_authorization_details',
        'MP-303',
        `Consent lookup failed: ${found.message} [${found.code}]`,
      );
    }
    return { kind: 'consent', fromUrn, consent: found };
  }
}
