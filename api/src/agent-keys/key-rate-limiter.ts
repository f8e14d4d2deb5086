/**
 * A token bucket per agent key: `perMinute` requests a minute with bursts up to the same number.
 *
 * Why not express-rate-limit here: the limit must count per *verified* key, so it runs inside the agent
 * authenticator after the key is checked. Keying a middleware on the raw Authorization header before that would let
 * anyone drain a victim's budget by sending junk with the victim's visible `lsk_` prefix. The buckets are per process;
 * with N API replicas the fleet-wide ceiling is N × perMinute.
 */
export function createKeyRateLimiter(perMinute: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return {
    /** Takes one token; returns 0 when allowed, otherwise the milliseconds until the next token. */
    take(keyId: string): number {
      const t = now();
      const b = buckets.get(keyId) ?? { tokens: perMinute, at: t };
      b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * ratePerMs);
      b.at = t;
      buckets.set(keyId, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / ratePerMs);
    },
  };
}
