import { randomUUID } from 'node:crypto';
import { maskPersonNumbersInText } from '../domain/identifiers.js';

/** `authorization_details` entry for a system user (Altinn) or an Altinn 3 consent. @publicApi */
export type AuthorizationDetail =
  | {
      type: 'urn:altinn:systemuser';
      systemuser_org: { authority: 'iso6523-actorid-upis'; ID: string };
      externalRef?: string;
    }
  | { type: 'urn:altinn:consent'; id: string; from: string };

/** Who the token is for, beyond the client itself. @publicApi */
export type TokenSubject =
  | { kind: 'client' }
  | { kind: 'systemuser'; organisasjonsnummer: string; externalRef?: string }
  | { kind: 'consent'; consentId: string; from: string };

/** The authorization_details a subject needs, or undefined for a plain client token. */
export function authorizationDetailsFor(subject: TokenSubject): AuthorizationDetail[] | undefined {
  switch (subject.kind) {
    case 'client':
      return undefined;
    case 'systemuser':
      return [
        {
          type: 'urn:altinn:systemuser',
          systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${subject.organisasjonsnummer}` },
          ...(subject.externalRef ? { externalRef: subject.externalRef } : {}),
        },
      ];
    case 'consent':
      return [{ type: 'urn:altinn:consent', id: subject.consentId, from: subject.from }];
  }
}

/**
 * The claims of one grant: exactly the documented ones (`aud`, `iss`, `scope`, `iat`, `exp`, `jti`, and
 * `authorization_details` when needed). No `resource`: Skatteetaten expects an unspecified audience.
 */
export function buildGrantClaims(input: {
  issuer: string;
  clientId: string;
  scope: string;
  nowSeconds: number;
  lifetimeSeconds: number;
  subject: TokenSubject;
  jti?: string;
}): Record<string, unknown> {
  const details = authorizationDetailsFor(input.subject);
  return {
    aud: input.issuer,
    iss: input.clientId,
    scope: input.scope,
    iat: input.nowSeconds,
    exp: input.nowSeconds + Math.min(input.lifetimeSeconds, 120),
    jti: input.jti ?? randomUUID(),
    ...(details ? { authorization_details: details } : {}),
  };
}

/**
 * The cache key of a token: everything that changes its identity (environment, client, scope, system-user org and
 * externalRef, or consent id and from). Holds no secret.
 */
export function tokenKeyOf(input: {
  issuer: string;
  clientId: string;
  scope: string;
  subject: TokenSubject;
}): string {
  const scope = input.scope.split(/\s+/).filter(Boolean).sort().join(' ');
  const base = `${input.issuer}|${input.clientId}|${scope}`;
  switch (input.subject.kind) {
    case 'client':
      return base;
    case 'systemuser':
      return `${base}|systemuser:${input.subject.organisasjonsnummer}:${input.subject.externalRef ?? ''}`;
    case 'consent':
      // The consent id already makes the key unique; a person's number in `from` is masked so keys can be logged.
      return `${base}|consent:${input.subject.consentId}:${maskPersonNumbersInText(input.subject.from)}`;
  }
}
