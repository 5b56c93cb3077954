/**
 * Key Vault puts every binary field on the wire as base64url without padding (`n`, `e`, `value`,
 * `digest`, backup blobs). Node's Buffer reads padded and unpadded input alike, so decoding only
 * has to reject characters outside the alphabet, which Buffer silently skips.
 */
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function toBase64Url(data: Buffer | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

/** Returns undefined for text that is not base64url, so callers can answer 400 instead of guessing. */
export function fromBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  return Buffer.from(text, 'base64url');
}
