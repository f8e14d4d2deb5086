// The waits between restarts of something that keeps dying (the embedded dev server, a worker): one rule for both.

export interface RestartBackoff {
  /** Wait before the first restart after a crash. */
  initialMs: number;
  /** The wait doubles after every restart attempt up to this. */
  maxMs: number;
  /** A server that stayed up this long is restarted after `initialMs` again when it next dies. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export interface Backoff {
  /** What the next wait() waits. */
  readonly delayMs: number;
  /** A run that began at `startedAt` (epoch ms) has ended: if it lasted `resetAfterMs`, waits start again at `initialMs`. */
  ended(startedAt: number): void;
  /** Waits `delayMs`, or less if wake() is called meanwhile, and doubles the next wait up to `maxMs`. */
  wait(): Promise<void>;
  /** Ends a wait under way at once (stop()); does nothing between waits. */
  wake(): void;
}

export function createBackoff(options: Partial<RestartBackoff> = {}): Backoff {
  const backoff = { ...DEFAULT_RESTART_BACKOFF, ...options };
  let delayMs = backoff.initialMs;
  let wakeUp: (() => void) | null = null;
  return {
    get delayMs() {
      return delayMs;
    },
    ended(startedAt) {
      if (Date.now() - startedAt >= backoff.resetAfterMs) delayMs = backoff.initialMs;
    },
    async wait() {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      }).finally(() => (wakeUp = null));
      delayMs = Math.min(delayMs * 2, backoff.maxMs);
    },
    wake() {
      wakeUp?.();
    },
  };
}
