import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../time/clock.js';
import { SandboxAuthorityError } from './sandbox-authority.error.js';
import { isoOffset } from './party.util.js';
import type { Altinn2ConsentView } from './authority.types.js';

export interface Altinn2ConsentRecord {
  authorizationCode: string;
  /** Organisation or person number of the one who consented. */
  offeredBy: string;
  coveredBy: string;
  handledBy?: string;
  validTo: number;
  status: 'created' | 'accepted' | 'rejected' | 'revoked';
  delegatedAt?: number;
  services: { serviceCode: string; serviceEditionCode: string; metadata?: Record<string, string> }[];
}

/**
 * Legacy Altinn 2 consents, keyed by authorisation code. The code can be exchanged for a consent token while the
 * consent is accepted and unexpired (A2-TOK).
 */
export class Altinn2ConsentStore {
  private readonly consents = new Map<string, Altinn2ConsentRecord>();

  constructor(private readonly clock: Clock) {}

  create(input: Omit<Altinn2ConsentRecord, 'authorizationCode' | 'delegatedAt'>): Altinn2ConsentRecord {
    const record: Altinn2ConsentRecord = {
      ...input,
      authorizationCode: randomUUID(),
      ...(input.status === 'accepted' ? { delegatedAt: this.clock.now() } : {}),
    };
    this.consents.set(record.authorizationCode, record);
    return record;
  }

  get(code: string): Altinn2ConsentRecord | undefined {
    return this.consents.get(code);
  }

  /** Usable for a token now: accepted and `validTo` not passed. */
  isUsable(record: Altinn2ConsentRecord): boolean {
    return record.status === 'accepted' && this.clock.now() < record.validTo;
  }

  accept(code: string): void {
    const record = this.require(code);
    if (record.status !== 'created')
      throw new SandboxAuthorityError(`cannot accept an Altinn 2 consent that is ${record.status}`);
    record.status = 'accepted';
    record.delegatedAt = this.clock.now();
  }

  reject(code: string): void {
    const record = this.require(code);
    if (record.status !== 'created')
      throw new SandboxAuthorityError(`cannot reject an Altinn 2 consent that is ${record.status}`);
    record.status = 'rejected';
  }

  revoke(code: string): void {
    const record = this.require(code);
    if (record.status !== 'accepted')
      throw new SandboxAuthorityError(`cannot revoke an Altinn 2 consent that is ${record.status}`);
    record.status = 'revoked';
  }

  expire(code: string): void {
    const record = this.require(code);
    record.validTo = Math.min(record.validTo, this.clock.now());
  }

  private require(code: string): Altinn2ConsentRecord {
    const record = this.consents.get(code);
    if (!record) throw new SandboxAuthorityError('unknown Altinn 2 authorisation code');
    return record;
  }
}

export function altinn2ConsentView(record: Altinn2ConsentRecord): Altinn2ConsentView {
  return {
    authorizationCode: record.authorizationCode,
    offeredBy: record.offeredBy,
    coveredBy: record.coveredBy,
    ...(record.handledBy ? { handledBy: record.handledBy } : {}),
    validTo: isoOffset(record.validTo),
    status: record.status,
  };
}
