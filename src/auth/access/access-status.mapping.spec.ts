import type { AccessState } from './access-state.model.js';
import { isStateChange } from './access-state.model.js';
import {
  actionFor,
  applyClock,
  consentStatus,
  fromConsentRequest,
  fromSystemUserRequest,
  reasonFor,
  systemUserRequestStatus,
} from './access-status.mapping.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26, 12);
const base = { customerId: 'c1', type: 'systembruker' as const, checkedAt: new Date(NOW).toISOString() };
const consentBase = { ...base, type: 'consent' as const };

describe('access status mapping', () => {
  it.each([
    ['New', 'pending'],
    ['Accepted', 'active'],
    ['Rejected', 'rejected'],
    ['Denied', 'denied'],
    ['Timedout', 'timedout'],
    ['TIMEDOUT', 'timedout'],
    ['Archived', 'error'],
  ])('system-user request %s is %s', (status, expected) => {
    expect(systemUserRequestStatus(status)).toBe(expected);
  });

  it('keeps the confirmUrl only while pending, and reads an accepted request without a system user as deleted', () => {
    const request = {
      id: 'r1',
      systemId: 's',
      partyOrgNo: '313367002',
      confirmUrl: 'https://am/confirm?id=r1',
    };
    expect(fromSystemUserRequest(base, { ...request, status: 'New' })).toEqual({
      ...base,
      status: 'pending',
      requestId: 'r1',
      confirmUrl: 'https://am/confirm?id=r1',
    });
    expect(fromSystemUserRequest(base, { ...request, status: 'Accepted' })).toEqual({
      ...base,
      status: 'revoked',
      requestId: 'r1',
    });
    expect(fromSystemUserRequest(base, { ...request, status: 'Weird' })).toMatchObject({
      status: 'error',
      reason: 'Altinn reports an unknown request status Weird',
    });
  });

  it.each([
    ['created', 'pending'],
    ['accepted', 'active'],
    ['rejected', 'rejected'],
    ['revoked', 'revoked'],
    ['deleted', 'revoked'],
    ['expired', 'expired'],
    ['Accepted', 'active'],
    ['unknown', 'error'],
  ])('consent %s is %s', (status, expected) => {
    expect(consentStatus(status)).toBe(expected);
  });

  it('maps a consent request with validTo, viewUri while pending, and the clock', () => {
    const consent = {
      id: 'abc',
      from: 'urn:altinn:organization:identifier-no:314961900',
      to: 'urn:altinn:organization:identifier-no:991825827',
      validTo: new Date(NOW + 90 * DAY).toISOString().replace('Z', '+00:00'),
      viewUri: 'https://am/consent?id=abc',
    };
    expect(fromConsentRequest(consentBase, { ...consent, status: 'created' }, NOW, 14)).toEqual({
      ...consentBase,
      status: 'pending',
      consentId: 'abc',
      viewUri: 'https://am/consent?id=abc',
      validTo: new Date(NOW + 90 * DAY).toISOString(),
    });
    expect(fromConsentRequest(consentBase, { ...consent, status: 'accepted' }, NOW, 14)).not.toHaveProperty(
      'viewUri',
    );
    expect(
      fromConsentRequest(consentBase, { ...consent, status: 'accepted' }, NOW + 90 * DAY, 14).status,
    ).toBe('expired');
    expect(fromConsentRequest(consentBase, { ...consent, status: 'deleted' }, NOW, 14)).toMatchObject({
      status: 'revoked',
      reason: 'the consent request was deleted in Altinn',
    });
  });

  it('warns inside the window, not before it, and expires at validTo', () => {
    const active: AccessState = {
      ...consentBase,
      status: 'active',
      consentId: 'abc',
      validTo: new Date(NOW + 30 * DAY).toISOString(),
    };
    expect(applyClock(active, NOW, 14)).toEqual(active);
    expect(applyClock(active, NOW + 16 * DAY - 1, 14)).toEqual(active);
    expect(applyClock(active, NOW + 16 * DAY, 14).warning).toBe(
      'the consent expires on 2026-12-26 (in 14 days): ask the customer to renew it (requestAccess with renew)',
    );
    expect(applyClock(active, NOW + 29 * DAY + 1, 14).warning).toContain('(in 1 day)');
    const expired = applyClock(active, NOW + 30 * DAY, 14);
    expect(expired.status).toBe('expired');
    expect(expired).not.toHaveProperty('warning');
    expect(applyClock({ ...active, status: 'pending' }, NOW + 31 * DAY, 14).status).toBe('pending');
  });

  it('explains each state in plain words and says what to do', () => {
    const pendingSu: AccessState = { ...base, status: 'pending', confirmUrl: 'https://am/confirm?id=r1' };
    expect(reasonFor(pendingSu)).toBe(
      'system user request pending: the customer must approve at https://am/confirm?id=r1',
    );
    expect(actionFor(pendingSu)).toEqual({ kind: 'approve', url: 'https://am/confirm?id=r1' });
    const pendingConsent: AccessState = { ...consentBase, status: 'pending', viewUri: 'https://am/c?id=1' };
    expect(reasonFor(pendingConsent)).toBe(
      'consent request pending: the customer must approve at https://am/c?id=1',
    );
    expect(reasonFor({ ...base, status: 'rejected' })).toBe('the customer rejected the system user request');
    expect(reasonFor({ ...base, status: 'timedout' })).toContain('timed out');
    expect(reasonFor({ ...base, status: 'revoked' })).toContain('deleted it');
    expect(reasonFor({ ...consentBase, status: 'expired', validTo: '2026-12-26T12:00:00.000Z' })).toBe(
      'the consent expired on 2026-12-26',
    );
    expect(reasonFor({ ...base, status: 'error', reason: 'Altinn said no' })).toBe(
      'access could not be checked: Altinn said no',
    );
    expect(actionFor({ ...base, status: 'denied' })).toEqual({ kind: 'request-access' });
    expect(actionFor({ ...base, status: 'error' })).toEqual({ kind: 'retry' });
    expect(actionFor({ ...base, type: 'altinn2-consent', status: 'revoked' })).toEqual({
      kind: 'update-config',
      field: 'access.type',
      value: 'consent',
    });
    expect(actionFor({ ...base, status: 'active' })).toBeUndefined();
  });

  it('counts a change of anything but the check time as a change of state', () => {
    const state: AccessState = { ...base, status: 'pending', requestId: 'r1' };
    expect(isStateChange(undefined, state)).toBe(true);
    expect(isStateChange(state, { ...state, checkedAt: new Date(NOW + 1).toISOString() })).toBe(false);
    expect(isStateChange(state, { ...state, status: 'active' })).toBe(true);
    expect(isStateChange(state, { ...state, warning: 'soon' })).toBe(true);
  });
});
