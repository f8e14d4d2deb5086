/**
 * `intervalMs` spread by ±`fraction` (10 % by default). Without jitter, twenty targets configured at the same moment
 * would query their databases, and post to the server, in lock-step bursts forever.
 */
export function jitteredDelay(intervalMs: number, fraction: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(intervalMs * (1 + fraction * (2 * random() - 1))));
}

/**
 * The first run of a job comes soon after start-up (operators want data in the first minute, even for a 4-hour
 * category) but still spread out, by up to `fraction` of the interval and at most `capMs`.
 */
export function initialDelay(intervalMs: number, fraction: number, capMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(intervalMs * fraction, capMs));
}
