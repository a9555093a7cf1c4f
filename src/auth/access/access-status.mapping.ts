import type { AccessAction, AccessState, AccessStatus, AccessType } from './access-state.model.js';
import type { ConsentRequestDetails, SystemUserRequest } from './altinn.wire.js';

// Pure mappings from what Altinn says to an AccessState, and from a state to the plain-words reason and action a
// run reports. No I/O, no clock: the caller passes `nowMs`.

const DAY_MS = 86_400_000;

/** The parts of a state that do not come from Altinn. @internal */
export interface StateBase {
  customerId: string;
  type: AccessType;
  checkedAt: string;
}

/** A system-user request's status as an access status (`Accepted` is handled by the caller: it needs `byquery`). */
export function systemUserRequestStatus(status: string): AccessStatus {
  switch (status.toLowerCase()) {
    case 'new':
      return 'pending';
    case 'accepted':
      return 'active';
    case 'rejected':
      return 'rejected';
    case 'denied':
      return 'denied';
    case 'timedout':
      return 'timedout';
    default:
      return 'error';
  }
}

/** State for a system-user request (no system user found, so an accepted request means it was deleted since). */
export function fromSystemUserRequest(base: StateBase, request: SystemUserRequest): AccessState {
  const mapped = systemUserRequestStatus(request.status);
  const status: AccessStatus = mapped === 'active' ? 'revoked' : mapped;
  const state: AccessState = { ...base, status, requestId: request.id };
  if (status === 'pending' && request.confirmUrl) state.confirmUrl = request.confirmUrl;
  if (status === 'error') state.reason = `Altinn reports an unknown request status ${request.status}`;
  return state;
}

/** A consent request's status as an access status, before the clock is applied. */
export function consentStatus(status: string): AccessStatus {
  switch (status.toLowerCase()) {
    case 'created':
      return 'pending';
    case 'accepted':
      return 'active';
    case 'rejected':
      return 'rejected';
    case 'revoked':
    case 'deleted':
      return 'revoked';
    case 'expired':
      return 'expired';
    default:
      return 'error';
  }
}

/** State for an Altinn 3 consent request, with the clock applied (expired after `validTo`, warning before). */
export function fromConsentRequest(
  base: StateBase,
  consent: ConsentRequestDetails,
  nowMs: number,
  warnBeforeDays: number,
): AccessState {
  const status = consentStatus(consent.status);
  const state: AccessState = { ...base, status, consentId: consent.id };
  const validTo = normaliseInstant(consent.validTo);
  if (validTo) state.validTo = validTo;
  if (status === 'pending' && consent.viewUri) state.viewUri = consent.viewUri;
  if (consent.status.toLowerCase() === 'deleted') state.reason = 'the consent request was deleted in Altinn';
  if (status === 'error') state.reason = `Altinn reports an unknown consent status ${consent.status}`;
  return applyClock(state, nowMs, warnBeforeDays);
}

/**
 * Re-evaluates time: an active state past `validTo` becomes `expired`; within `warnBeforeDays` of it, it gets a
 * warning (kept alongside any warning about a pending renewal).
 */
export function applyClock(state: AccessState, nowMs: number, warnBeforeDays: number): AccessState {
  if (state.status !== 'active' || !state.validTo) return state;
  const validTo = Date.parse(state.validTo);
  if (Number.isNaN(validTo)) return state;
  const next: AccessState = { ...state };
  delete next.warning;
  if (nowMs >= validTo) {
    next.status = 'expired';
    return next;
  }
  const warning = expiryWarning(validTo, nowMs, warnBeforeDays);
  if (warning) next.warning = warning;
  return next;
}

/** The warning to show while a consent is about to expire, or undefined outside the window. */
export function expiryWarning(validToMs: number, nowMs: number, warnBeforeDays: number): string | undefined {
  const left = validToMs - nowMs;
  if (left > warnBeforeDays * DAY_MS) return undefined;
  const days = Math.ceil(left / DAY_MS);
  return (
    `the consent expires on ${new Date(validToMs).toISOString().slice(0, 10)} ` +
    `(in ${days} day${days === 1 ? '' : 's'}): ask the customer to renew it (requestAccess with renew)`
  );
}

/** Why a state does not give access, in plain words for a run report. */
export function reasonFor(state: AccessState): string {
  const su = state.type === 'systembruker';
  const own = state.reason ? `: ${state.reason}` : '';
  switch (state.status) {
    case 'active':
      return 'access is active';
    case 'pending':
      return su
        ? `system user request pending: the customer must approve at ${state.confirmUrl ?? 'Altinn'}`
        : `consent request pending: the customer must approve at ${state.viewUri ?? 'Altinn'}`;
    case 'missing':
      return su
        ? 'no system user and no request for the customer: request access and send the customer the confirmUrl'
        : state.type === 'consent'
          ? `Altinn knows no consent request${state.consentId ? ` ${state.consentId}` : ''}: request access and send the customer the viewUri`
          : `no Altinn 2 consent${own}`;
    case 'rejected':
      return su
        ? 'the customer rejected the system user request'
        : 'the customer rejected the consent request';
    case 'denied':
      return 'Altinn denied the system user request';
    case 'timedout':
      return 'the system user request timed out before the customer approved it';
    case 'revoked':
      return su
        ? 'the system user no longer exists (the customer deleted it)'
        : state.type === 'altinn2-consent'
          ? `Altinn 2 refused the authorisation code: the consent was revoked, rejected or has expired${own}`
          : `the customer revoked the consent${own}`;
    case 'expired':
      return `the consent expired${state.validTo ? ` on ${state.validTo.slice(0, 10)}` : ''}`;
    case 'error':
      return `access could not be checked${own}`;
  }
}

/** What to do about a state that does not give access. */
export function actionFor(state: AccessState): AccessAction | undefined {
  switch (state.status) {
    case 'active':
      return undefined;
    case 'pending': {
      const url = state.type === 'systembruker' ? state.confirmUrl : state.viewUri;
      return url ? { kind: 'approve', url } : undefined;
    }
    case 'error':
      return { kind: 'retry' };
    default:
      // Altinn 2 consents can no longer be requested: the customer must move to an Altinn 3 consent.
      return state.type === 'altinn2-consent'
        ? { kind: 'update-config', field: 'access.type', value: 'consent' }
        : { kind: 'request-access' };
  }
}

/** ISO 8601 in UTC, or undefined for an unparseable instant. */
export function normaliseInstant(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
