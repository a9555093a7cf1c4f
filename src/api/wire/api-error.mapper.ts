import type { Feil } from './common.wire.js';

/*
 * The API's error body, `{"kode": "KB-007", "melding": "...", "korrelasjonsid": "<uuid>"}` (`Feil`, every
 * field optional). Read leniently: it is only ever used to describe a failure, so it must never fail itself.
 */

const MAX_MESSAGE = 500;
// 11 digits standing alone: a fødselsnummer or D-nummer that Skatteetaten may echo in `melding`.
const PERSON_NUMBER = /(?<!\d)\d{6}(\d{5})(?!\d)/g;

/**
 * Reads an error body. Keeps `kode`, `melding` and `korrelasjonsid` when they are strings; returns undefined
 * when the body is not a JSON object or has none of them. Never throws. 11-digit numbers in `melding` (person
 * numbers) are masked as `******43210`, and `melding` is cut to 500 characters, so the result is safe to log.
 * @publicApi
 */
export function readApiError(body: string): Feil | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const out: Feil = {};
  if (typeof v.kode === 'string') out.kode = v.kode;
  if (typeof v.melding === 'string') out.melding = maskPersonNumbers(v.melding).slice(0, MAX_MESSAGE);
  if (typeof v.korrelasjonsid === 'string') out.korrelasjonsid = v.korrelasjonsid;
  return out.kode === undefined && out.melding === undefined && out.korrelasjonsid === undefined
    ? undefined
    : out;
}

function maskPersonNumbers(text: string): string {
  return text.replace(PERSON_NUMBER, '******$1');
}
