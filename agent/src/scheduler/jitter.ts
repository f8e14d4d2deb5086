/**
 * `intervalMs` spread by ±`fraction` (10 % by default). Without jitter, twenty targets configured at the same moment
 * would query their databases, and post to the server, in lock-step bursts forever.
 */
export function jitteredDelay(intervalMs: number, fraction: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(intervalMs * (1 + fraction * (2 * random() - 1))));
}

/**
 * The first run of a job comes soon after start-up (operators want data in the first minute, even for a 4-hour
 * category) but spread over its whole interval, at most `capMs`. Ticks are planned from the previous one, so these
 * first offsets are the phases the jobs keep: spread over 10 s, twenty targets' runtime collections do not all
 * fire in the same second every 10 s; spread over 30 s, their first schema and operational collections (the
 * heaviest) do not all build their payloads at once.
 */
export function initialDelay(intervalMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(intervalMs, capMs));
}
