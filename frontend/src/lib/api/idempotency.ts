/**
 * A fresh `Idempotency-Key`. The API replays the first successful response to every
 * request with the same key, so one key per intended action (one opened form) makes a
 * double submit or a retry after a lost response harmless.
 *
 * `crypto.randomUUID` exists only in secure contexts (HTTPS or localhost); an install
 * served over plain HTTP gets the same random v4 UUID built from `getRandomValues`.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
