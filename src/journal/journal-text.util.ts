import { maskPersonNumbersInText } from '../domain/identifiers.js';

// Text that file adapters write for humans. Descriptions come from Skatteetaten's data (claim descriptions, payer
// names) and may hold a sole trader's fødselsnummer: it is masked before anything reaches a file.

// eslint-disable-next-line no-control-regex
const CONTROL_RUN = /[\u0000-\u001f\u007f]+/g;

/**
 * Free text as written to a journal file: person numbers masked (`******43210`), control characters (line
 * breaks, tabs) turned into single spaces, surrounding whitespace trimmed.
 * @internal
 */
export function safeText(text: string | undefined): string {
  if (text === undefined) return '';
  return maskPersonNumbersInText(text).replace(CONTROL_RUN, ' ').trim();
}

// Tag values in hledger end at a comma or the end of the line; keep keys to a conservative alphabet and
// percent-encode the rest (including `%` itself, so decoding is exact).
const TAG_UNSAFE = /[^A-Za-z0-9:#._\-/+=@]/gu;

/**
 * Percent-encodes everything outside `A-Z a-z 0-9 : # . _ - / + = @`, so a key survives as one hledger tag
 * value (no spaces, commas or semicolons) and decodes back exactly with {@link decodeTagValue}.
 * @internal
 */
export function encodeTagValue(value: string): string {
  return value.replace(TAG_UNSAFE, percentEncode);
}

const utf8 = new TextEncoder();

/** `%XX` per UTF-8 byte (also for characters `encodeURIComponent` leaves as they are, such as `*` and `'`). */
function percentEncode(c: string): string {
  return Array.from(utf8.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Inverse of {@link encodeTagValue}. @internal */
export function decodeTagValue(value: string): string {
  return decodeURIComponent(value);
}

const SAFE_FILE_STEM = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * A file name stem for a customer id: the id itself when it is plain (`acme-1`), else percent-encoded so that no
 * id can reach outside the directory (`../x`), hide as a dot file, or collide with another id.
 * @internal
 */
export function customerFileStem(customerId: string): string {
  if (SAFE_FILE_STEM.test(customerId)) return customerId;
  return customerId.replace(/[^A-Za-z0-9_-]/gu, (c) =>
    Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(
      '',
    ),
  );
}
