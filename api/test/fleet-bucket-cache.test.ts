// The fleet overview's bucket cache (api/src/explorer/fleet-cache.ts): what it asks the store for on each refresh, and
// that the buckets it composes from kept minutes, hours and step buckets are those one read of the whole range gives.
import { describe, expect, it } from 'vitest';
import type { FleetBucketRow } from '@logstag/store';
import { FleetBucketCache, SETTLE_MS, type FleetQuery } from '../src/explorer/fleet-cache';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

interface Point {
  target: string;
  metric: string;
  ts: number;
  value: number;
  seconds: number | null;
}

/** A store of points (two targets, a delta and a gauge, every 30 s), summing them into buckets as fleetBuckets does. */
function store(from: number, to: number) {
  const points: Point[] = [];
  for (let ts = from; ts < to; ts += 30_000) {
    for (const target of ['a', 'b']) {
      points.push({ target, metric: 'commits', ts, value: 30 * (target === 'a' ? 20 : 5), seconds: 30 });
      points.push({ target, metric: 'conns', ts, value: (ts / MIN) % 17, seconds: null });
    }
  }
  const reads: Array<{ from: number; to: number; width: number; tier: string }> = [];
  const sum = (a: number, b: number, width: number): FleetBucketRow[] => {
    const out = new Map<string, FleetBucketRow>();
    for (const p of points) {
      if (p.ts < a || p.ts >= b) continue;
      const bucket = Math.floor(p.ts / (width * 1000)) * width * 1000;
      const k = `${p.target}|${p.metric}|${bucket}`;
      const r = out.get(k) ?? { target_id: p.target, metric: p.metric, bucket: new Date(bucket), sum: 0, count: 0, max: -Infinity, seconds: null };
      r.sum += p.value;
      r.count += 1;
      r.max = Math.max(r.max, p.value);
      if (p.seconds !== null) r.seconds = (r.seconds ?? 0) + p.seconds;
      out.set(k, r);
    }
    return [...out.values()];
  };
  const query: FleetQuery = async (a, b, width, tier) => {
    reads.push({ from: a.getTime(), to: b.getTime(), width, tier });
    return sum(a.getTime(), b.getTime(), width);
  };
  return { points, reads, query, sum };
}

const sorted = (rows: FleetBucketRow[]) =>
  rows
    .map((r) => ({ ...r, bucket: r.bucket.toISOString(), sum: Number(r.sum.toPrecision(12)), seconds: r.seconds === null ? null : Number(r.seconds.toPrecision(12)) }))
    .sort((x, y) => `${x.target_id}${x.metric}${x.bucket}`.localeCompare(`${y.target_id}${y.metric}${y.bucket}`));

describe('fleet bucket cache', () => {
  // Not on a minute: an operator's clock.
  const t0 = Date.UTC(2026, 11, 5, 12, 2, 37, 250);

  it.each([
    ['1 h (minutes, 5-minute buckets)', HOUR, 300, '1m' as const],
    ['24 h (hours, 2-hour buckets)', DAY, 7200, '1h' as const],
    ['7 d (hours, 14-hour buckets)', 7 * DAY, 50_400, '1h' as const],
  ])('composes at %s exactly the buckets one read of the range gives, over refreshes 10 s apart and an hour later', async (_label, span, step, resolution) => {
    const s = store(t0 - span - 2 * HOUR, t0 + 2 * HOUR);
    const cache = new FleetBucketCache(5 * MIN, 32, 30 * DAY);
    for (const later of [0, 10_000, 20_000, 70_000, 130_000, HOUR + 10_000]) {
      const at = t0 + later;
      const rows = await cache.read('k', { from: at - span, to: at }, step, resolution, at, s.query);
      expect(sorted(rows)).toEqual(sorted(s.sum(at - span, at, step)));
    }
  });

  it('on a refresh reads only the newest minutes (within the settling time), from raw points', async () => {
    const s = store(t0 - 8 * DAY, t0 + HOUR);
    const cache = new FleetBucketCache();
    const range = (at: number) => ({ from: at - 7 * DAY, to: at });
    await cache.read('k', range(t0), 50_400, '1h', t0, s.query);
    await cache.read('k', range(t0 + 10_000), 50_400, '1h', t0 + 10_000, s.query);
    s.reads.length = 0;
    const at = t0 + 20_000;
    await cache.read('k', range(at), 50_400, '1h', at, s.query);
    // 12:02:57: minutes up to 12:00 are complete (2 minutes' settling), 12:00 and later are read again.
    const settled = Math.floor((at - SETTLE_MS) / MIN) * MIN;
    expect(s.reads).toEqual([{ from: settled, to: at, width: 60, tier: 'raw' }]);
    expect(new Date(settled).toISOString()).toBe('2026-12-05T12:00:00.000Z');
  });

  it('reads nothing of the last hour but the newest minutes over refreshes 10 s apart, ten minutes completing among them', async () => {
    const s = store(t0 - 8 * DAY, t0 + HOUR);
    const cache = new FleetBucketCache();
    const start = t0 + 6 * MIN; // 12:08:37: the ten minutes 12:00…12:10 complete (settle) at 12:12
    for (let at = start; at < start + 5 * MIN; at += 10_000) { // within the entry's 5 minutes
      s.reads.length = 0;
      await cache.read('k', { from: at - 7 * DAY, to: at }, 50_400, '1h', at, s.query);
      if (at === start) continue;
      // One read of the last hour: the minutes not settled at the previous refresh (10 s ago), from raw points.
      const recent = s.reads.filter((r) => r.to > at - HOUR);
      expect(recent).toEqual([{ from: expect.any(Number), to: at, width: 60, tier: 'raw' }]);
      expect(recent[0]!.from).toBe(Math.floor((at - 10_000 - SETTLE_MS) / MIN) * MIN);
    }
  });

  it("reads a week's partial first hour from minute rollups, and its partial first minute only while raw points are kept", async () => {
    const s = store(t0 - 8 * DAY, t0 + HOUR);
    const from = t0 - 7 * DAY; // 11-28 12:02:37.250
    await new FleetBucketCache().read('k', { from, to: t0 }, 50_400, '1h', t0, s.query);
    const firstMinute = Math.ceil(from / MIN) * MIN;
    const hour = Math.ceil(from / HOUR) * HOUR;
    // Older than the raw points' 72 hours: the 22.75 s before 12:03 are not read; 12:03…12:10 minute by minute and
    // 12:10…13:00 in ten-minute pieces, from minute rollups.
    expect(s.reads.filter((r) => r.from < hour)).toEqual([
      { from: firstMinute, to: hour - 50 * MIN, width: 60, tier: '1m' },
      { from: hour - 50 * MIN, to: hour, width: 600, tier: '1m' },
    ]);
    s.reads.length = 0;
    // A day: its partial first minute from raw points (kept), so are its next 7 minutes (a short run), the rest of its
    // first hour from minute rollups.
    const day = t0 - DAY;
    await new FleetBucketCache().read('k', { from: day, to: t0 }, 7200, '1h', t0, s.query);
    expect(s.reads.filter((r) => r.from < Math.ceil(day / HOUR) * HOUR)).toEqual([
      { from: day, to: Math.ceil(day / MIN) * MIN, width: 7200, tier: 'raw' },
      { from: Math.ceil(day / MIN) * MIN, to: Math.ceil(day / HOUR) * HOUR - 50 * MIN, width: 60, tier: 'raw' },
      { from: Math.ceil(day / HOUR) * HOUR - 50 * MIN, to: Math.ceil(day / HOUR) * HOUR, width: 600, tier: '1m' },
    ]);
  });

  it('shows late data for a past hour once the entry has lived its time to live, not before', async () => {
    const s = store(t0 - 8 * DAY, t0 + HOUR);
    const cache = new FleetBucketCache(5 * MIN);
    const range = (at: number) => ({ from: at - 7 * DAY, to: at });
    const late = Date.UTC(2026, 11, 3, 7, 15);
    const inBucket = (rows: FleetBucketRow[]) => rows.find((r) => r.target_id === 'a' && r.metric === 'commits' && r.bucket.getTime() <= late && late < r.bucket.getTime() + 50_400_000)!.sum;
    const before = inBucket(await cache.read('k', range(t0), 50_400, '1h', t0, s.query));
    s.points.push({ target: 'a', metric: 'commits', ts: late + 1000, value: 1_000_000, seconds: 30 }); // an agent's spool replayed
    expect(inBucket(await cache.read('k', range(t0 + MIN), 50_400, '1h', t0 + MIN, s.query))).toBe(before);
    expect(inBucket(await cache.read('k', range(t0 + 6 * MIN), 50_400, '1h', t0 + 6 * MIN, s.query))).toBe(before + 1_000_000);
  });

  it('keeps entries apart by key and bounds their number', async () => {
    const s = store(t0 - 2 * HOUR, t0 + HOUR);
    const cache = new FleetBucketCache(5 * MIN, 2);
    const range = { from: t0 - HOUR, to: t0 };
    for (const k of ['a', 'b', 'c']) await cache.read(k, range, 300, '1m', t0, s.query);
    s.reads.length = 0;
    await cache.read('a', range, 300, '1m', t0, s.query); // evicted: read whole again
    expect(s.reads.map((r) => r.width)).toContain(300);
    s.reads.length = 0;
    await cache.read('c', range, 300, '1m', t0, s.query); // kept: only the partial first minute and what is not settled
    expect(s.reads).toEqual([
      { from: range.from, to: Math.ceil(range.from / MIN) * MIN, width: 300, tier: 'raw' },
      { from: Math.floor((t0 - SETTLE_MS) / MIN) * MIN, to: t0, width: 60, tier: 'raw' },
    ]);
  });

  it('reads a step that is not a whole number of units in one piece, keeping nothing', async () => {
    const s = store(t0 - 2 * DAY, t0 + HOUR);
    const cache = new FleetBucketCache();
    const range = { from: t0 - DAY - 12_000, to: t0 };
    const rows = await cache.read('k', range, 7201, '1h', t0, s.query);
    expect(sorted(rows)).toEqual(sorted(s.sum(range.from, range.to, 7201)));
    expect(s.reads).toEqual([{ from: range.from, to: range.to, width: 7201, tier: '1h' }]);
  });
});
