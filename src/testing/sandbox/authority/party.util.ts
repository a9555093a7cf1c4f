import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { makeOrganisationNumber, maskIdentifier } from '../../../domain/identifiers.js';
import { ISO6523_AUTHORITY, ORG_URN_PREFIX, PERSON_URN_PREFIX } from './authority.constants.js';

/** A party as Altinn names it in consent requests. */
export type PartyRef = { kind: 'organisation'; id: string } | { kind: 'person'; id: string };

const ORG_RE = /^\d{9}$/;
const PERSON_RE = /^\d{11}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isOrgNumberFormat(value: unknown): value is string {
  return typeof value === 'string' && ORG_RE.test(value);
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/** Reads `urn:altinn:organization:identifier-no:<orgnr>` or `urn:altinn:person:identifier-no:<fnr>`. */
export function parsePartyUrn(value: unknown): PartyRef | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  if (lower.startsWith(ORG_URN_PREFIX)) {
    const id = value.slice(ORG_URN_PREFIX.length);
    return ORG_RE.test(id) ? { kind: 'organisation', id } : undefined;
  }
  if (lower.startsWith(PERSON_URN_PREFIX)) {
    const id = value.slice(PERSON_URN_PREFIX.length);
    return PERSON_RE.test(id) ? { kind: 'person', id } : undefined;
  }
  return undefined;
}

/** Accepts a bare organisation/person number or a party URN. */
export function parseParty(value: string): PartyRef | undefined {
  if (ORG_RE.test(value)) return { kind: 'organisation', id: value };
  if (PERSON_RE.test(value)) return { kind: 'person', id: value };
  return parsePartyUrn(value);
}

export function partyUrn(party: PartyRef): string {
  return (party.kind === 'organisation' ? ORG_URN_PREFIX : PERSON_URN_PREFIX) + party.id;
}

/** The URN with a person number masked, for keys and messages that may be logged. */
export function maskedPartyUrn(party: PartyRef): string {
  return party.kind === 'organisation' ? partyUrn(party) : PERSON_URN_PREFIX + maskIdentifier(party.id);
}

/** `{ authority: 'iso6523-actorid-upis', ID: '0192:<orgnr>' }` as in `consumer`, `supplier` and `to`. */
export function iso6523(org: string): { authority: string; ID: string } {
  return { authority: ISO6523_AUTHORITY, ID: `0192:${org}` };
}

/** The org number of an ISO 6523 object; accepts `ID` or `id` (one Altinn doc prints lowercase). */
export function orgFromIso6523(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (record.authority !== ISO6523_AUTHORITY) return undefined;
  const id = record.ID ?? record.id;
  if (typeof id !== 'string' || !id.startsWith('0192:')) return undefined;
  const org = id.slice(5);
  return ORG_RE.test(org) ? org : undefined;
}

function seedDigest(seed: string | number | undefined, purpose: string): Buffer {
  if (seed === undefined) return randomBytes(32);
  return createHash('sha256')
    .update(`kob-sandbox:${String(seed)}:${purpose}`)
    .digest();
}

/** A version-4-shaped UUID derived from the seed (random without a seed). */
export function uuidFromSeed(seed: string | number | undefined, purpose: string): string {
  if (seed === undefined) return randomUUID();
  const b = seedDigest(seed, purpose).subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A valid (MOD11) organisation number starting with 3, like Tenor test organisations. */
export function orgNumberFromSeed(seed: string | number | undefined, purpose: string): string {
  const digest = seedDigest(seed, purpose);
  for (let i = 0; i + 4 <= digest.length; i += 1) {
    const body = `3${String(digest.readUInt32BE(i) % 10_000_000).padStart(7, '0')}`;
    const org = makeOrganisationNumber(body);
    if (org) return org;
  }
  return '310000006';
}

export function secretFromSeed(seed: string | number | undefined, purpose: string): string {
  return seedDigest(seed, purpose).toString('base64url');
}

/** ISO 8601 with an explicit `+00:00` offset, as Altinn writes DateTimeOffset values. */
export function isoOffset(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** Parses an ISO 8601 instant or a ms number; `undefined` if neither. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
