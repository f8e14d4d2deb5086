// The restart waits the dev server supervisor and the worker runner share.
import { describe, expect, it } from 'vitest';
import { createBackoff, DEFAULT_RESTART_BACKOFF } from '../src/backoff';

describe('the restart backoff', () => {
  it('starts at the default 500 ms and doubles after every wait up to maxMs', async () => {
    expect(createBackoff().delayMs).toBe(DEFAULT_RESTART_BACKOFF.initialMs);
    const backoff = createBackoff({ initialMs: 1, maxMs: 5 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      delays.push(backoff.delayMs);
      await backoff.wait();
    }
    expect(delays).toEqual([1, 2, 4, 5, 5]);
  });

  it('starts again at initialMs only after a run that lasted resetAfterMs', async () => {
    const backoff = createBackoff({ initialMs: 1, maxMs: 100, resetAfterMs: 60_000 });
    await backoff.wait();
    await backoff.wait();
    backoff.ended(Date.now() - 59_000);
    expect(backoff.delayMs).toBe(4);
    backoff.ended(Date.now() - 60_000);
    expect(backoff.delayMs).toBe(1);
  });

  it('ends a wait under way when woken, and still doubles the next one', async () => {
    const backoff = createBackoff({ initialMs: 60_000 });
    backoff.wake();
    const started = Date.now();
    const waiting = backoff.wait();
    backoff.wake();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(backoff.delayMs).toBe(30_000);
  });
});
