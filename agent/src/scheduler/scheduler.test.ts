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

describe('Scheduler groups (real timers)', () => {
  it('starts the members of a group at the same tick, each at most once per tick', async () => {
    const starts: Record<string, number[]> = { a: [], b: [], c: [] };
    // Random phases: ungrouped, the three jobs would start at three different times over the interval.
    let r = 0;
    scheduler = new Scheduler({ maxInitialDelayMs: 200, random: () => [0.1, 0.5, 0.9][r++ % 3]! });
    const t0 = performance.now();
    for (const name of ['a', 'b', 'c']) {
      scheduler.add({ name: `${name}/runtime`, group: { name: 'runtime', tickMs: 200 }, intervalMs: 200, run: async () => void starts[name]!.push(performance.now() - t0) });
    }
    await sleep(700);
    expect(starts.a!.length).toBeGreaterThanOrEqual(3);
    expect(starts.b).toHaveLength(starts.a!.length);
    expect(starts.c).toHaveLength(starts.a!.length);
    for (let i = 0; i < starts.a!.length; i++) {
      // Same tick: the three start within a few milliseconds of each other, and ticks are ~200 ms apart.
      expect(Math.max(starts.a![i]!, starts.b![i]!, starts.c![i]!) - Math.min(starts.a![i]!, starts.b![i]!, starts.c![i]!)).toBeLessThan(15);
      if (i > 0) expect(starts.a![i]! - starts.a![i - 1]!).toBeGreaterThan(150);
    }
  });

  it('keeps a member on cadence while another member of its group hangs, which skips its ticks alone', async () => {
    const hung = slowCollector(2_000);
    const fast = slowCollector(1);
    scheduler = new Scheduler({ maxInitialDelayMs: 0, groupHandOffMs: 5 });
    scheduler.add({ name: 'dead/runtime', group: { name: 'runtime', tickMs: 30 }, intervalMs: 30, run: async (s) => void (await hung.collect('runtime', s)) });
    scheduler.add({ name: 'ok/runtime', group: { name: 'runtime', tickMs: 30 }, intervalMs: 30, run: async (s) => void (await fast.collect('runtime', s)) });
    await sleep(400);
    expect(fast.calls).toBeGreaterThanOrEqual(8);
    expect(scheduler.stats('ok/runtime')!.skipped).toBe(0);
    expect(hung.calls).toBe(1);
    expect(scheduler.stats('dead/runtime')!.skipped).toBeGreaterThanOrEqual(8);
  });

  it('runs the members one after the other, and starts the next one after the hand-off time when one is slow', async () => {
    const spans: Array<{ name: string; start: number; end: number }> = [];
    const t0 = performance.now();
    scheduler = new Scheduler({ maxInitialDelayMs: 0, groupHandOffMs: 40 });
    const member = (name: string, ms: number) =>
      scheduler!.add({
        name: `${name}/runtime`,
        group: { name: 'runtime', tickMs: 10_000 },
        intervalMs: 10_000,
        run: async () => {
          const start = performance.now() - t0;
          await sleep(ms);
          spans.push({ name, start, end: performance.now() - t0 });
        },
      });
    member('a', 15);
    member('slow', 400);
    member('b', 15);
    member('c', 15);
    await sleep(600);
    const span = (name: string) => spans.find((s) => s.name === name)!;
    // a, then slow once a has finished (not before: one at a time)...
    expect(span('slow').start).toBeGreaterThanOrEqual(span('a').end - 1);
    // ...b once slow has had its 40 ms (not its 400), c once b has finished.
    expect(span('b').start - span('slow').start).toBeGreaterThanOrEqual(38);
    expect(span('b').start - span('slow').start).toBeLessThan(120);
    expect(span('c').start).toBeGreaterThanOrEqual(span('b').end - 1);
    expect(span('c').end).toBeLessThan(span('slow').end);
  });

  it('does not hold the next member for a member that skips its tick', async () => {
    const starts: number[] = [];
    const t0 = performance.now();
    scheduler = new Scheduler({ maxInitialDelayMs: 0, groupHandOffMs: 200 });
    scheduler.add({ name: 'hung/runtime', group: { name: 'runtime', tickMs: 300 }, intervalMs: 300, run: () => sleep(2_000) });
    scheduler.add({ name: 'ok/runtime', group: { name: 'runtime', tickMs: 300 }, intervalMs: 300, run: async () => void starts.push(performance.now() - t0) });
    await sleep(1_000);
    // The first tick holds it for the hand-off (200 ms); at the next ticks the hung member is still running and skips,
    // so it starts with its tick: about 100 ms after its first start, and 300 ms apart from then on.
    expect(starts.length).toBeGreaterThanOrEqual(3);
    expect(starts[0]!).toBeGreaterThanOrEqual(190);
    expect(starts[1]! - starts[0]!).toBeLessThan(180);
  });

  it('runs a member of k ticks every kth tick, the members of one k taking the k ticks in turn', async () => {
    const ticks: Record<string, number> = {};
    const byTick: string[][] = [];
    let tick = -1;
    scheduler = new Scheduler({ maxInitialDelayMs: 0, jitterFraction: 0 });
    const add = (name: string, intervalMs: number) =>
      scheduler!.add({
        name,
        group: { name: 'ticks', tickMs: 100 },
        intervalMs,
        run: async () => {
          if (name === 'a/runtime') byTick[++tick] = [];
          byTick[tick]!.push(name);
          ticks[name] = (ticks[name] ?? 0) + 1;
        },
      });
    add('a/runtime', 100);
    for (const t of ['a', 'b', 'c', 'd']) add(`${t}/workload`, 300);
    await sleep(650);
    // Ticks 0..5: a/runtime at each; the four workload members at ticks 0,1,2,0 modulo 3, so each runs every third tick.
    expect(byTick.slice(0, 6)).toEqual([
      ['a/runtime', 'a/workload', 'd/workload'],
      ['a/runtime', 'b/workload'],
      ['a/runtime', 'c/workload'],
      ['a/runtime', 'a/workload', 'd/workload'],
      ['a/runtime', 'b/workload'],
      ['a/runtime', 'c/workload'],
    ]);
  });

  it('refuses a member whose interval is not its group’s, and stops the group’s ticks on stop', async () => {
    let runs = 0;
    scheduler = new Scheduler({ maxInitialDelayMs: 0 });
    scheduler.add({ name: 'a/runtime', group: { name: 'runtime', tickMs: 30 }, intervalMs: 30, run: async () => void runs++ });
    expect(() => scheduler!.add({ name: 'b/workload', group: { name: 'runtime', tickMs: 30 }, intervalMs: 45, run: async () => {} })).toThrow(
      /runs every 45 ms: not a whole number of its group runtime's ticks of 30 ms/,
    );
    expect(() => scheduler!.add({ name: 'c/runtime', group: { name: 'runtime', tickMs: 40 }, intervalMs: 40, run: async () => {} })).toThrow(/ticks of 30 ms/);
    expect(scheduler.stats('b/workload')).toBeUndefined();
    expect(scheduler.stats('c/runtime')).toBeUndefined();
    await sleep(100);
    await scheduler.stop(0, 0);
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(2);
    await sleep(100);
    expect(runs).toBe(after);
  });
});
