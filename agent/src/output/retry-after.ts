/**
 * Milliseconds to wait according to an HTTP `Retry-After` header: either delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
