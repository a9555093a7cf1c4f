import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../http/http.types.js';

/** The error codes of the Krav og betalinger API (reference §5.1). @publicApi */
export type KbErrorCode =
  'KB-001' | 'KB-002' | 'KB-003' | 'KB-004' | 'KB-005' | 'KB-006' | 'KB-007' | 'KB-008' | 'KB-009';

/** HTTP status and default Norwegian message of each code, as documented. @publicApi */
export const KB_ERRORS: Readonly<Record<KbErrorCode, { status: number; melding: string }>> = {
  'KB-001': { status: 500, melding: 'Uventet feil i tjenesten.' },
  'KB-002': { status: 500, melding: 'Uventet feil i bakenforliggende system.' },
  'KB-003': { status: 404, melding: 'Ukjent URL.' },
  'KB-004': { status: 401, melding: 'Feil ved autentisering.' },
  'KB-005': { status: 403, melding: 'Feil i forbindelse med samtykketoken.' },
  'KB-006': { status: 400, melding: 'Feil ved validering av input.' },
  'KB-007': {
    status: 404,
    melding: 'Fant ingen krav eller betalinger for oppgitt identifikator og periode.',
  },
  'KB-008': { status: 406, melding: 'Feil dataformat. Kun JSON og XML er støttet.' },
  'KB-009': { status: 404, melding: 'Ingen treff på oppgitt identifikator.' },
};

/**
 * Code of the sandbox's answer to a 6th concurrent call for one party (HTTP 429 with `Retry-After: 1`).
 * Skatteetaten documents the 5-call limit but not how it refuses; this code is the sandbox's own.
 * @publicApi
 */
export const THROTTLED_CODE = 'KB-429';

/** Body format of an error: JSON by default, the documented XML form for `Accept: application/xml`. */
export type ErrorFormat = 'json' | 'xml';

/** The caller's `Korrelasjonsid` query parameter (any letter case), else a fresh UUID. */
export function correlationId(req: SandboxRequest): string {
  for (const [name, value] of req.url.searchParams) {
    if (name.toLowerCase() === 'korrelasjonsid' && value !== '') return value;
  }
  return randomUUID();
}

/** An error response `{kode, melding, korrelasjonsid}` (or its XML form). */
export function kbError(
  req: SandboxRequest,
  kode: KbErrorCode | string,
  options: { status?: number; melding?: string; format?: ErrorFormat; headers?: Record<string, string> } = {},
): SandboxResponse {
  const known = KB_ERRORS[kode as KbErrorCode] as { status: number; melding: string } | undefined;
  const status = options.status ?? known?.status ?? 500;
  const melding = options.melding ?? known?.melding ?? 'Feil.';
  const korrelasjonsid = correlationId(req);
  if (options.format === 'xml') {
    return {
      status,
      headers: { ...options.headers, 'content-type': 'application/xml; charset=utf-8' },
      body:
        '<?xml version="1.0" encoding="UTF-8"?>' +
        `<feil xmlns="urn:no:skatteetaten:datasamarbeid:feil:v1"><kode>${xml(kode)}</kode>` +
        `<melding>${xml(melding)}</melding><korrelasjonsid>${xml(korrelasjonsid)}</korrelasjonsid></feil>`,
    };
  }
  return { status, headers: { ...options.headers }, body: { kode, melding, korrelasjonsid } };
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
