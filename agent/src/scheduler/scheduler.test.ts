import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Category } from '@logstag/schema/core';
import type { CollectionResultWithCounters, EngineCollector } from '../collectors/types';
import { DeadlineExceededError, deadlineFor } from './deadline';
import { initialDelay, jitteredDelay } from './jitter';
import { Scheduler } from './scheduler';

/** A collector whose collections take `delayMs` and, like a wedged database driver, ignore the abort signal. */
function slowCollector(delayMs: number): EngineCollector & { active: number; maxActive: number; calls: number } {
  const c = {
    engine: 'postgresql' as const,
    active: 0,
    maxActive: 0,
    calls: 0,
    check: async () => [],
    async collect(_category: Category, _signal: AbortSignal): Promise<CollectionResultWithCounters> {
      c.calls++;
      c.active++;
      c.maxActive = Math.max(c.maxActive, c.active);
      await sleep(delayMs);
      c.active--;
      return { data: {}, errors: [] };
    },
    close: async () => {},
  };
  return c;
}

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop(0, 0);
  scheduler = undefined;
});

describe('jitter and deadlines', () => {
  it('spreads each interval by at most ±10 %', () => {
    expect(jitteredDelay(10_000, 0.1, () => 0)).toBe(9_000);
    expect(jitteredDelay(10_000, 0.1, () => 0.999999)).toBe(11_000);
    expect(jitteredDelay(10_000, 0.1, () => 0.5)).toBe(10_000);
  });

  it('spreads first runs over the interval, and starts them within the cap even for a 4-hour category', () => {
    expect(initialDelay(14_400_000, 30_000, () => 0.999)).toBeLessThanOrEqual(30_000);
    expect(initialDelay(10_000, 30_000, () => 0.5)).toBe(5_000);
    expect(initialDelay(10_000, 30_000, () => 0.999)).toBeLessThanOrEqual(10_000);
  });

  it('sets the deadline before the next tick and caps it for long intervals', () => {
    expect(deadlineFor(10_000, 120_000)).toBe(9_000);
    expect(deadlineFor(14_400_000, 120_000)).toBe(120_000);
  });
});

describe('Scheduler (real timers)', () => {
  it('never overlaps a job with its own previous run and counts the skipped ticks', async () => {
    const collector = slowCollector(130);
    scheduler = new Scheduler({ maxInitialDelayMs: 0 });
    scheduler.add({ name: 'slow/runtime', intervalMs: 40, run: async (signal) => void (await collector.collect('runtime', signal)) });
    await sleep(500);
    const stats = scheduler.stats('slow/runtime')!;
    expect(collector.maxActive).toBe(1);
    expect(stats.skipped).toBeGreaterThanOrEqual(4);
    expect(collector.calls).toBeGreaterThanOrEqual(2);
    expect(collector.calls).toBeLessThanOrEqual(5);
  });

  it('keeps a fast target on cadence while another target hangs', async () => {
    const hung = slowCollector(2_000);
    const fast = slowCollector(1);
    scheduler = new Scheduler({ maxInitialDelayMs: 0 });
    scheduler.add({ name: 'dead/runtime', intervalMs: 30, run: async (s) => void (await hung.collect('runtime', s)) });
    scheduler.add({ name: 'ok/runtime', intervalMs: 30, run: async (s) => void (await fast.collect('runtime', s)) });
    await sleep(400);
    // 400 ms at ~30 ms per tick: about 13 runs; a fast target blocked by the dead one would have run once.
    expect(fast.calls).toBeGreaterThanOrEqual(8);
    expect(hung.calls).toBe(1);
    expect(scheduler.stats('dead/runtime')!.skipped).toBeGreaterThanOrEqual(8);
  });

  it('aborts a run at its deadline, before the next tick', async () => {
    scheduler = new Scheduler({ maxInitialDelayMs: 0 });
    const reasons: unknown[] = [];
    let startedAt = 0;
    let abortedAfter = 0;
    scheduler.add({
      name: 'stuck/workload',
      intervalMs: 100,
      run: (signal) =>
        new Promise<void>((_resolve, reject) => {
          startedAt = performance.now();
          signal.addEventListener('abort', () => {
            abortedAfter = performance.now() - startedAt;
            reasons.push(signal.reason);
            reject(signal.reason as Error);
          });
        }),
    });
    await sleep(160);
    expect(reasons[0]).toBeInstanceOf(DeadlineExceededError);
    expect(abortedAfter).toBeGreaterThanOrEqual(85);
    expect(abortedAfter).toBeLessThan(100 + 40);
    const stats = scheduler.stats('stuck/workload')!;
    expect(stats.timedOut).toBe(1);
    expect(stats.failed).toBe(1);
  });

  it('survives a job that throws synchronously and keeps running it', async () => {
    let calls = 0;
    scheduler = new Scheduler({ maxInitialDelayMs: 0 });
    scheduler.add({
      name: 'broken/runtime',
      intervalMs: 20,
      run: () => {
        calls++;
        throw new Error('boom');
      },
    });
    await sleep(150);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(scheduler.stats('broken/runtime')!.failed).toBe(calls);
  });

  it('gives up waiting for a run that ignores its abort signal, so shutdown is bounded', async () => {
    const wedged = slowCollector(1_000);
    scheduler = new Scheduler({ maxInitialDelayMs: 0 });
    scheduler.add({ name: 'wedged/runtime', intervalMs: 10_000, run: async (s) => void (await wedged.collect('runtime', s)) });
    await sleep(10);
    const stoppedAt = performance.now();
    await scheduler.stop(50, 50);
    expect(performance.now() - stoppedAt).toBeLessThan(300);
    expect(wedged.active).toBe(1);
  });

  it('waits for a run in flight on stop, and aborts it once the grace period is over', async () => {
    scheduler = new Scheduler({ maxInitialDelayMs: 0 });
    let finished = false;
    let abortReason: unknown;
    scheduler.add({
      name: 'a/runtime',
      intervalMs: 10_000,
      run: async () => {
        await sleep(60);
        finished = true;
      },
    });
    scheduler.add({
      name: 'b/runtime',
      intervalMs: 10_000,
      run: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            abortReason = signal.reason;
            resolve();
          });
        }),
    });
    await sleep(10);
    const stoppedAt = performance.now();
    await scheduler.stop(120);
    const took = performance.now() - stoppedAt;
    expect(finished).toBe(true);
    expect(abortReason).toBeInstanceOf(Error);
    expect(took).toBeGreaterThanOrEqual(110);
    const callsAfterStop = scheduler.stats('a/runtime')!.started;
    await sleep(50);
    expect(scheduler.stats('a/runtime')!.started).toBe(callsAfterStop);
  });
});
