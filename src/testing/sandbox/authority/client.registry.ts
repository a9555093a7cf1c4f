import { X509Certificate, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { SandboxAuthorityError } from './sandbox-authority.error.js';
import { publicRsaJwk } from './key-material.js';
import { isOrgNumberFormat } from './party.util.js';
import type { ClientRegistration, RegisteredClient, SystemRegistration } from './authority.types.js';

export interface RegisteredKey {
  jwk: JWK;
  expiresAt?: number;
}

export interface RegisteredCertificate {
  /** Base64 SPKI DER of the certificate's public key: what an `x5c` leaf is matched on. */
  spki: string;
  notBefore: number;
  notAfter: number;
  expiresAt?: number;
}

export interface ClientRecord {
  clientId: string;
  org: string;
  scopes: ReadonlySet<string>;
  keys: Map<string, RegisteredKey>;
  certificates: RegisteredCertificate[];
}

/** Base64 SPKI DER of a certificate's public key. */
export function certificateSpki(cert: X509Certificate): string {
  return cert.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Reads a PEM certificate or base64 DER (as in `x5c`). Throws on anything else. */
export function parseCertificate(pemOrBase64Der: string): X509Certificate {
  const text = pemOrBase64Der.trim();
  return new X509Certificate(text.startsWith('-----BEGIN') ? text : Buffer.from(text, 'base64'));
}

/**
 * Maskinporten's client registrations, Altinn's system register (systems linked to client ids) and the scope
 * delegations used with `consumer_org`.
 */
export class ClientRegistry {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly systems = new Map<string, SystemRegistration>();
  private readonly delegations = new Set<string>();

  registerClient(input: ClientRegistration): RegisteredClient {
    if (!isOrgNumberFormat(input.org)) throw new SandboxAuthorityError('client org must be 9 digits');
    const clientId = input.clientId ?? randomUUID();
    if (this.clients.has(clientId))
      throw new SandboxAuthorityError(`client ${clientId} is already registered`);
    const record: ClientRecord = {
      clientId,
      org: input.org,
      scopes: new Set(input.scopes),
      keys: new Map(),
      certificates: [],
    };
    this.clients.set(clientId, record);
    for (const jwk of input.jwks ?? []) this.addKey(clientId, jwk, input.keyExpiresAt);
    for (const cert of input.certificates ?? []) this.addCertificate(clientId, cert, input.keyExpiresAt);
    return this.describe(record);
  }

  addKey(clientId: string, jwk: JWK, expiresAt?: number): void {
    const client = this.require(clientId);
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
      throw new SandboxAuthorityError('client keys must be RSA JWKs');
    }
    if (typeof jwk.kid !== 'string' || jwk.kid === '')
      throw new SandboxAuthorityError('client JWKs need a kid');
    for (const other of this.clients.values()) {
      // Maskinporten requires kids to be unique across all customers.
      if (other.keys.has(jwk.kid) && other !== client) {
        throw new SandboxAuthorityError(`kid ${jwk.kid} is already registered on another client`);
      }
    }
    client.keys.set(jwk.kid, { jwk: publicRsaJwk(jwk), expiresAt });
  }

  addCertificate(clientId: string, pemOrBase64Der: string, expiresAt?: number): void {
    const client = this.require(clientId);
    let cert: X509Certificate;
    try {
      cert = parseCertificate(pemOrBase64Der);
    } catch (cause) {
      throw new SandboxAuthorityError('not an X.509 certificate (PEM or base64 DER)', cause);
    }
    client.certificates.push({
      spki: certificateSpki(cert),
      notBefore: Date.parse(cert.validFrom),
      notAfter: Date.parse(cert.validTo),
      expiresAt,
    });
  }

  get(clientId: string): ClientRecord | undefined {
    return this.clients.get(clientId);
  }

  describe(record: ClientRecord): RegisteredClient {
    return {
      clientId: record.clientId,
      org: record.org,
      scopes: [...record.scopes],
      kids: [...record.keys.keys()],
      certificateCount: record.certificates.length,
    };
  }

  registerSystem(input: SystemRegistration): SystemRegistration {
    if (!/^[a-z0-9_]+$/.test(input.id)) throw new SandboxAuthorityError('system id must match [a-z0-9_]+');
    if (this.systems.has(input.id))
      throw new SandboxAuthorityError(`system ${input.id} is already registered`);
    if (!isOrgNumberFormat(input.vendorOrg))
      throw new SandboxAuthorityError('system vendorOrg must be 9 digits');
    for (const clientId of input.clientIds) {
      // One client id can belong to only one system (AUTH.VLD-00004).
      if (this.systemOfClient(clientId))
        throw new SandboxAuthorityError(`client ${clientId} already has a system`);
    }
    const system: SystemRegistration = {
      ...input,
      clientIds: [...input.clientIds],
      rights: input.rights?.map((r) => ({ resource: r.resource.map((x) => ({ ...x })) })) ?? [],
      accessPackages: input.accessPackages?.map((p) => ({ ...p })) ?? [],
    };
    this.systems.set(system.id, system);
    return system;
  }

  system(id: string): SystemRegistration | undefined {
    return this.systems.get(id);
  }

  systemOfClient(clientId: string): SystemRegistration | undefined {
    for (const system of this.systems.values()) if (system.clientIds.includes(clientId)) return system;
    return undefined;
  }

  /** Records that `consumerOrg` delegated `scope` to `supplierOrg` in Altinn ("API delegation"). */
  delegate(consumerOrg: string, supplierOrg: string, scope: string): void {
    this.delegations.add(`${consumerOrg}|${supplierOrg}|${scope}`);
  }

  isDelegated(consumerOrg: string, supplierOrg: string, scope: string): boolean {
    return this.delegations.has(`${consumerOrg}|${supplierOrg}|${scope}`);
  }

  private require(clientId: string): ClientRecord {
    const client = this.clients.get(clientId);
    if (!client) throw new SandboxAuthorityError(`unknown client ${clientId}`);
    return client;
  }
}
