/** Why a collection's AbortSignal fired: its deadline passed before it finished. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  constructor(readonly deadlineMs: number) {
    super(`collection did not finish within its ${deadlineMs} ms deadline`);
  }
}

/**
 * A collection must end before its next tick, or it would overlap its successor and pile up load on a struggling
 * database; 90 % of the interval leaves room for the payload to be built and handed off. Long intervals (schema,
 * every 4 h) are capped: a catalog read that takes minutes is stuck, not slow.
 */
export function deadlineFor(intervalMs: number, maxDeadlineMs: number): number {
  return Math.max(1, Math.min(Math.floor(intervalMs * 0.9), maxDeadlineMs));
}
