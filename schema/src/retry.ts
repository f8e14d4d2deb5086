// Delivery retry schedules (issue 16): plain values with no imports, so the workflow bundle can take them
// (@logstag/schema/workflow) without the integration schemas' zod.

export const RETRY_PROFILE_NAMES = ['urgent', 'durable', 'once'] as const;
export type RetryProfileName = (typeof RETRY_PROFILE_NAMES)[number];

const S = 1_000;
const M = 60 * S;
const H = 60 * M;

/**
 * Waits before each attempt after the first, in milliseconds. durable is the Standard Webhooks schedule (immediately,
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: 75 h 35 min in all); urgent pages give up after about
 * 17 minutes, when a person is better told that the page did not go out; once is a test send.
 */
export const RETRY_SCHEDULES: Record<RetryProfileName, readonly number[]> = {
  urgent: [5 * S, 15 * S, 30 * S, 1 * M, 2 * M, 4 * M, 4 * M, 5 * M],
  durable: [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H],
  once: [],
};

/** How long one attempt may take before it counts as a timeout (15–30 s, the bounds). */
export const ATTEMPT_TIMEOUT_MS: Record<RetryProfileName, number> = { urgent: 15 * S, durable: 30 * S, once: 15 * S };

/** The longest Retry-After honoured: a receiver asking for more gets the schedule's next wait or this. */
export const MAX_RETRY_AFTER_MS = 24 * H;

/**
 * The wait before the next attempt: the schedule's wait with ±20 % jitter (so a receiver that comes back is not hit by
 * every delivery at once), and never less than the receiver's Retry-After (capped at MAX_RETRY_AFTER_MS).
 * `random` in [0, 1): the workflow's deterministic Math.random.
 */
export function retryDelayMs(scheduledMs: number, retryAfterMs: number | null, random: number): number {
  const jittered = Math.round(scheduledMs * (0.8 + 0.4 * random));
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
