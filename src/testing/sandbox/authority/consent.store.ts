import type { Clock } from '../../../time/clock.js';
import { SandboxAuthorityError } from './sandbox-authority.error.js';
import { ORG_URN_PREFIX } from './authority.constants.js';
import { isoOffset, partyUrn, type PartyRef } from './party.util.js';
import { UuidV7Generator } from './uuid-v7.js';
import type { ConsentEventType, ConsentRequestView, ConsentRight, ConsentStatus } from './authority.types.js';

export interface ConsentEventRecord {
  id: string;
  consentRequestId: string;
  eventType: ConsentEventType;
  createdAt: number;
  performedBy: string;
}

export interface ConsentRecord {
  id: string;
  from: PartyRef;
  /** Consumer organisation number. */
  to: string;
  /** Supplier organisation number when a vendor handles the consent for `to`. */
  handledBy?: string;
  requiredDelegator?: string;
  validTo: number;
  consentRights: ConsentRight[];
  requestMessage?: Record<string, string>;
  status: Exclude<ConsentStatus, 'expired'>;
  consentedAt?: number;
  redirectUrl: string;
  portalViewMode: 'hide' | 'show';
  events: ConsentEventRecord[];
}

export type NewConsent = Omit<ConsentRecord, 'status' | 'consentedAt' | 'events'>;

/** Why Altinn refuses Maskinporten's consent lookup (AM-SVC / AM-PROB). */
export type ConsentLookupFailure =
  | { code: 'AM-00001'; message: string }
  | { code: 'AM-00011'; message: string }
  | { code: 'AM-00012'; message: string }
  | { code: 'AM-00013'; message: string }
  | { code: 'AM-00014'; message: string };

export interface ConsentEventQuery {
  /** Organisation whose feed is read (consumer or handler). */
  org: string;
  afterId?: string;
  createdAfter?: number;
  createdBefore?: number;
  eventTypes?: readonly string[];
  consentRequestId?: string;
  /** Events created after this instant are not visible yet (the feed's lag). */
  visibleUntil: number;
  limit: number;
}

/** Event types the feed lists (ALT-CE); `created` is only in the request's own history [inferred]. */
const FEED_EVENT_TYPES: ReadonlySet<ConsentEventType> = new Set([
  'accepted',
  'rejected',
  'revoked',
  'deleted',
  'used',
]);

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Altinn 3 consent requests and their event log. Transitions as Altinn enforces them: accept and reject only from
 * `created`, revoke only from `accepted`. A request whose `validTo` has passed reads as `expired`.
 */
export class ConsentStore {
  private readonly consents = new Map<string, ConsentRecord>();
  /** All events in id (= creation) order, for the feed. */
  private readonly log: ConsentEventRecord[] = [];
  private readonly ids = new UuidV7Generator();

  constructor(private readonly clock: Clock) {}

  status(consent: ConsentRecord): ConsentStatus {
    if (
      (consent.status === 'created' || consent.status === 'accepted') &&
      this.clock.now() >= consent.validTo
    ) {
      return 'expired';
    }
    return consent.status;
  }

  get(id: string): ConsentRecord | undefined {
    return this.consents.get(id);
  }

  create(input: NewConsent): ConsentRecord {
    if (this.consents.has(input.id)) throw new SandboxAuthorityError(`consent ${input.id} already exists`);
    const consent: ConsentRecord = { ...input, status: 'created', events: [] };
    this.consents.set(consent.id, consent);
    this.record(consent, 'created', ORG_URN_PREFIX + (consent.handledBy ?? consent.to));
    return consent;
  }

  accept(id: string): ConsentRecord {
    const consent = this.transition(id, 'created', 'accepted');
    consent.consentedAt = this.clock.now();
    return consent;
  }

  reject(id: string): ConsentRecord {
    return this.transition(id, 'created', 'rejected');
  }

  revoke(id: string): ConsentRecord {
    return this.transition(id, 'accepted', 'revoked');
  }

  delete(id: string): ConsentRecord {
    const consent = this.require(id);
    if (consent.status === 'deleted') throw new SandboxAuthorityError(`consent ${id} is already deleted`);
    consent.status = 'deleted';
    this.record(consent, 'deleted', ORG_URN_PREFIX + (consent.handledBy ?? consent.to));
    return consent;
  }

  /** Moves `validTo` to now, so the consent reads as expired from this instant. */
  expire(id: string): ConsentRecord {
    const consent = this.require(id);
    consent.validTo = Math.min(consent.validTo, this.clock.now());
    return consent;
  }

  /** Records that a consent token was issued (`used`). */
  markUsed(consent: ConsentRecord, performedByOrg: string): void {
    this.record(consent, 'used', ORG_URN_PREFIX + performedByOrg);
  }

  /** Altinn's lookup for Maskinporten: `{id, from, to}` must name an accepted, unexpired, unrevoked consent. */
  lookup(id: string, fromUrn: string, toOrg: string): ConsentRecord | ConsentLookupFailure {
    const consent = this.consents.get(id);
    if (!consent || (consent.to !== toOrg && consent.handledBy !== toOrg)) {
      return { code: 'AM-00001', message: 'Consent not found' };
    }
    if (partyUrn(consent.from).toLowerCase() !== fromUrn.toLowerCase()) {
      return { code: 'AM-00012', message: 'Consent from does not match' };
    }
    if (consent.status === 'revoked') return { code: 'AM-00011', message: 'Consent is revoked' };
    if (consent.status !== 'accepted') return { code: 'AM-00014', message: 'Consent is not accepted' };
    if (this.status(consent) === 'expired') return { code: 'AM-00013', message: 'Consent is expired' };
    return consent;
  }

  /** One page of the events feed for `org`, oldest first. */
  events(query: ConsentEventQuery): ConsentEventRecord[] {
    const types = query.eventTypes?.map((t) => t.toLowerCase());
    const page: ConsentEventRecord[] = [];
    for (const event of this.log) {
      if (page.length >= query.limit) break;
      if (query.afterId !== undefined && event.id <= query.afterId) continue;
      if (event.createdAt > query.visibleUntil) break;
      if (!FEED_EVENT_TYPES.has(event.eventType)) continue;
      const consent = this.consents.get(event.consentRequestId);
      if (!consent || (consent.to !== query.org && consent.handledBy !== query.org)) continue;
      if (query.consentRequestId !== undefined && event.consentRequestId !== query.consentRequestId) continue;
      if (query.createdAfter !== undefined && event.createdAt < query.createdAfter) continue;
      if (query.createdBefore !== undefined && event.createdAt >= query.createdBefore) continue;
      if (types && !types.includes(event.eventType)) continue;
      page.push(event);
    }
    return page;
  }

  private transition(id: string, from: ConsentRecord['status'], to: ConsentRecord['status']): ConsentRecord {
    const consent = this.require(id);
    const status = this.status(consent);
    if (status !== from)
      throw new SandboxAuthorityError(`cannot change consent ${id} from ${status} to ${to}`);
    consent.status = to;
    this.record(consent, to as ConsentEventType, partyUrn(consent.from));
    return consent;
  }

  private record(consent: ConsentRecord, eventType: ConsentEventType, performedBy: string): void {
    // Never earlier than the previous event, so the feed's lag cut-off can stop at the first invisible event.
    const now = Math.max(this.clock.now(), this.log.at(-1)?.createdAt ?? 0);
    const event: ConsentEventRecord = {
      id: this.ids.next(now),
      consentRequestId: consent.id,
      eventType,
      createdAt: now,
      performedBy,
    };
    consent.events.push(event);
    this.log.push(event);
  }

  private require(id: string): ConsentRecord {
    const consent = this.consents.get(id);
    if (!consent) throw new SandboxAuthorityError(`unknown consent ${id}`);
    return consent;
  }
}

/** The wire shape of `GET .../consentrequests/{id}`. */
export function consentRequestView(
  consent: ConsentRecord,
  status: ConsentStatus,
  altinnBaseUrl: string,
): ConsentRequestView {
  return {
    id: consent.id,
    from: partyUrn(consent.from),
    to: ORG_URN_PREFIX + consent.to,
    ...(consent.requiredDelegator ? { requiredDelegator: consent.requiredDelegator } : {}),
    ...(consent.handledBy ? { handledBy: ORG_URN_PREFIX + consent.handledBy } : {}),
    validTo: isoOffset(consent.validTo),
    consentRights: consent.consentRights,
    ...(consent.requestMessage ? { requestMessage: consent.requestMessage } : {}),
    status,
    ...(consent.consentedAt !== undefined ? { consented: isoOffset(consent.consentedAt) } : {}),
    redirectUrl: consent.redirectUrl,
    consentRequestEvents: consent.events.map((e) => ({
      consentEventID: e.id,
      created: isoOffset(e.createdAt),
      performedBy: e.performedBy,
      eventType: capitalise(e.eventType),
      consentRequestID: e.consentRequestId,
    })),
    viewUri: `${altinnBaseUrl}/accessmanagement/ui/consent/request?id=${consent.id}`,
    portalViewMode: consent.portalViewMode,
  };
}
