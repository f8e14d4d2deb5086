// The fleet overview's bucket cache (api/src/explorer/fleet.service.ts): what it asks the store for on each refresh.
import { describe, expect, it } from 'vitest';
import type { FleetBucketRow } from '@logstag/store';
import { FleetBucketCache } from '../src/explorer/fleet.service';

const MIN = 60_000;
const STEP = 300; // 5-minute buckets: the 1 h overview
const row = (bucket: number, sum: number): FleetBucketRow => ({ target_id: 't', metric: 'm', bucket: new Date(bucket), sum, count: 1, max: sum, seconds: 60 });

/** A store whose every 5-minute bucket holds `value(bucketStart)`, recording the ranges read. */
function store(value: (bucket: number) => number) {
  const reads: Array<[number, number]> = [];
  const query = async (from: Date, to: Date) => {
    reads.push([from.getTime(), to.getTime()]);
    const out: FleetBucketRow[] = [];
    for (let b = Math.floor(from.getTime() / (STEP * 1000)) * STEP * 1000; b < to.getTime(); b += STEP * 1000) out.push(row(b, value(b)));
    return out;
  };
  return { reads, query };
}

describe('fleet bucket cache', () => {
  const t0 = Date.UTC(2026, 11, 5, 12, 2, 30);

  it('reads everything once, then only the partial first bucket and the buckets after the cached ones', async () => {
    const cache = new FleetBucketCache();
    const s = store(() => 1);
    await cache.read('k', t0 - 60 * MIN, t0, STEP, t0, s.query);
    expect(s.reads).toEqual([[t0 - 60 * MIN, t0]]);
    s.reads.length = 0;
    const t1 = t0 + MIN;
    const rows = await cache.read('k', t1 - 60 * MIN, t1, STEP, t1, s.query);
    // Cached: the complete buckets from the first full one (11:05) until the one that ends two minutes before now.
    expect(s.reads).toEqual([
      [t1 - 60 * MIN, Date.UTC(2026, 11, 5, 11, 5)],
      [Date.UTC(2026, 11, 5, 12, 0), t1],
    ]);
    expect(rows.map((r) => r.bucket.toISOString().slice(11, 16))).toEqual(['11:00', '11:05', '11:10', '11:15', '11:20', '11:25', '11:30', '11:35', '11:40', '11:45', '11:50', '11:55', '12:00']);
  });

  it('forgets an entry after its time to live, so late data for a past bucket shows', async () => {
    const cache = new FleetBucketCache(5 * MIN);
    let late = 0;
    const s = store((b) => (b === Date.UTC(2026, 11, 5, 11, 30) ? 1 + late : 1));
    await cache.read('k', t0 - 60 * MIN, t0, STEP, t0, s.query);
    late = 10; // an agent's spool replayed into 11:30
    const soon = await cache.read('k', t0 + MIN - 60 * MIN, t0 + MIN, STEP, t0 + MIN, s.query);
    expect(soon.find((r) => r.bucket.getTime() === Date.UTC(2026, 11, 5, 11, 30))?.sum).toBe(1);
    const after = await cache.read('k', t0 + 6 * MIN - 60 * MIN, t0 + 6 * MIN, STEP, t0 + 6 * MIN, s.query);
    expect(after.find((r) => r.bucket.getTime() === Date.UTC(2026, 11, 5, 11, 30))?.sum).toBe(11);
  });

  it('keeps entries apart by key and bounds their number', async () => {
    const cache = new FleetBucketCache(5 * MIN, 2);
    const s = store(() => 1);
    for (const k of ['a', 'b', 'c']) await cache.read(k, t0 - 60 * MIN, t0, STEP, t0, s.query);
    s.reads.length = 0;
    await cache.read('a', t0 - 60 * MIN, t0, STEP, t0, s.query); // evicted: read whole
    expect(s.reads).toEqual([[t0 - 60 * MIN, t0]]);
    s.reads.length = 0;
    await cache.read('c', t0 - 60 * MIN, t0, STEP, t0, s.query); // kept: head and tail only
    expect(s.reads.length).toBe(2);
  });
});
