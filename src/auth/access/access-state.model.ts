import type { CustomerAccess } from '../../config/module-options.interface.js';

/** How a customer grants access: system user, Altinn 3 consent or legacy Altinn 2 consent. @publicApi */
export type AccessType = CustomerAccess['type'];

/**
 * Where a customer's access stands.
 * - `missing`: nothing requested yet (or Altinn knows no request/system user/consent).
 * - `pending`: a request waits for the customer (`confirmUrl` / `viewUri`).
 * - `active`: tokens can be fetched; runs go ahead.
 * - `rejected`, `denied`, `timedout`: the customer (or Altinn) turned the request down or it lapsed; ask again.
 * - `revoked`: the consent was withdrawn or the system user deleted.
 * - `expired`: the consent's `validTo` has passed.
 * - `error`: Altinn could not be asked, or refused for a reason of its own (see `reason`).
 * @publicApi
 */
export type AccessStatus =
  'missing' | 'pending' | 'active' | 'rejected' | 'denied' | 'timedout' | 'revoked' | 'expired' | 'error';

/**
 * What the module knows about one customer's access. Holds no token, API key or authorisation code, and no person
 * number: it can be stored and shown as is.
 * @publicApi
 */
export interface AccessState {
  customerId: string;
  type: AccessType;
  status: AccessStatus;
  /** System-user request id. */
  requestId?: string;
  /** Where the customer approves the system-user request. */
  confirmUrl?: string;
  /** The Altinn 3 consent request being tracked (may be newer than the configured one; see `checkAccess`). */
  consentId?: string;
  /** Where the customer approves the consent request. */
  viewUri?: string;
  /** A new consent request asked for while the current consent is still active (renewal before `validTo`). */
  renewalConsentId?: string;
  /** Where the customer approves the renewal. */
  renewalViewUri?: string;
  /** End of the consent's validity (ISO 8601). */
  validTo?: string;
  /** When Altinn was last asked (ISO 8601). */
  checkedAt: string;
  /** Why the access is not active, in plain words. */
  reason?: string;
  /** Something the host should act on while access still works (e.g. the consent expires soon). */
  warning?: string;
}

/**
 * What the host (or a customer) should do to restore access.
 * - `approve`: the customer must open `url` and approve.
 * - `request-access`: call `requestAccess(customer)` (a new request is needed).
 * - `update-config`: the customer's configured access is outdated (e.g. `access.consentId`).
 * - `retry`: Altinn could not be reached; try again later.
 * @publicApi
 */
export type AccessAction =
  | { kind: 'approve'; url: string }
  | { kind: 'request-access' }
  | { kind: 'update-config'; field: string; value: string }
  | { kind: 'retry' };

/**
 * The answer runs use to go ahead or skip a customer. When ok, `access` is the access to use for tokens (the
 * customer's configured access, with the consent id of the active consent when a newer one replaced it).
 * @publicApi
 */
export type AccessCheck =
  | { ok: true; state: AccessState; access: CustomerAccess; warning?: string }
  | { ok: false; status: AccessStatus; reason: string; action?: AccessAction; state: AccessState };

/** Fields whose change is a change of state (everything except `checkedAt`). @internal */
const SIGNIFICANT: readonly (keyof AccessState)[] = [
  'type',
  'status',
  'requestId',
  'confirmUrl',
  'consentId',
  'viewUri',
  'renewalConsentId',
  'renewalViewUri',
  'validTo',
  'reason',
  'warning',
];

/** True when `next` differs from `prev` in anything but the check time. @internal */
export function isStateChange(prev: AccessState | undefined, next: AccessState): boolean {
  return prev === undefined || SIGNIFICANT.some((field) => prev[field] !== next[field]);
}
