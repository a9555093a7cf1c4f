import type { JSONWebKeySet } from 'jose';
import type { AccessTokenCheck } from './access-token.verifier.js';
import type { Altinn2ConsentRecord, Altinn2ConsentStore } from './altinn2-consent.store.js';
import type { ClientRegistry } from './client.registry.js';
import type { ConsentStore } from './consent.store.js';
import type { SystemUserStore } from './system-user.store.js';

/** Metadata keys a consent resource accepts (`consentMetadata` of the resource). */
export interface ConsentResourceDefinition {
  requiredMetadata: readonly string[];
  optionalMetadata?: readonly string[];
}

/** What the Altinn routes need from the authority. */
export interface AltinnRouteContext {
  altinnBaseUrl(): string;
  nowMs(): number;
  verifyAccessToken(token: string | undefined): Promise<AccessTokenCheck>;
  clients: ClientRegistry;
  systemUsers: SystemUserStore;
  consents: ConsentStore;
  altinn2Consents: Altinn2ConsentStore;
  /** Consent resources consumers may request consent for (Altinn's PDP `requestconsent`). */
  consentResources: ReadonlyMap<string, ConsentResourceDefinition>;
  consentEventLagMs: number;
  consentEventsPageSize: number;
  /** The Altinn 2 `ApiKey` and the organisation it is registered to. */
  altinn2ApiKey: { key: string; org: string };
  issueAltinn2ConsentToken(record: Altinn2ConsentRecord, handledBy?: string): Promise<string>;
  altinnJwks(): JSONWebKeySet;
}
