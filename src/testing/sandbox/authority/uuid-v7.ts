import { randomBytes } from 'node:crypto';

/**
 * Monotonic UUIDv7 ids from the sandbox clock, so consent events sort by id in creation order (Altinn's event ids
 * are UUIDv7 and the events feed pages by id). A 12-bit counter orders ids created in the same millisecond; the
 * clock never runs backwards for the generator.
 */
export class UuidV7Generator {
  private lastMs = -1;
  private counter = 0;

  next(nowMs: number): string {
    let ms = Math.max(Math.floor(nowMs), this.lastMs);
    if (ms === this.lastMs) {
      this.counter += 1;
      if (this.counter > 0xfff) {
        ms += 1;
        this.counter = 0;
      }
    } else {
      this.counter = 0;
    }
    this.lastMs = ms;
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (this.counter >> 8);
    bytes[7] = this.counter & 0xff;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return formatUuid(bytes);
  }
}

export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The continuation token of the events feed: base64 of the 16 bytes of an event id. */
export function uuidToToken(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64');
}

/** Reverses {@link uuidToToken}; `undefined` when the token is not base64 of exactly 16 bytes. */
export function tokenToUuid(token: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64');
  return bytes.length === 16 ? formatUuid(bytes) : undefined;
}
