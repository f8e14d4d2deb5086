// The fleet overview at 7 days on PostgreSQL after retention has deleted the raw points older than 72 hours: the range's
// partial first hour is read from minute rollups (kept 14 days), so a first bucket holding only that part of an hour
// still reads the steady rate; and the raw-only read the cache uses for the newest minutes sums what the tiers do.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions, fleetBuckets, MetricBatch, openStore, rollupRange, utcDay, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { FleetBucketCache, fleetOverview } from '../src/explorer/fleet.service';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const RATE = 20;
const STEP = (7 * DAY) / 12; // the week's 14-hour buckets

describe('fleet overview: a week whose first hour is older than the raw points', () => {
  let tdb: TestDatabase;
  let store: Store;
  const org = randomUUID();
  const target = 'pg-week';
  // The range starts 30 min 20.5 s before a bucket boundary (14-hour buckets fall on whole hours): its first bucket is
  // that partial hour alone, whose raw points retention has deleted.
  const boundary = Math.ceil((Date.now() - 7 * DAY - 14 * HOUR) / STEP) * STEP;
  const from = boundary - 30 * MIN - 20_500;
  const now = from + 7 * DAY;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    store = await openStore({ databaseUrl: tdb.url });
    const days = new Set<string>();
    const batch = new MetricBatch();
    for (let t = Math.floor((from - HOUR) / MIN) * MIN + 7_000; t < now; t += MIN) {
      days.add(utcDay(new Date(t)));
      batch.add(org, target, new Date(t), [
        { metric: 'transactions.commits', labels: { database: 'app' }, value: RATE * 60, kind: 'delta', seconds: 60 },
        { metric: 'connections.used', labels: {}, value: 7, kind: 'gauge' },
      ]);
    }
    await store.db.transaction().execute(async (trx) => {
      await ensurePartitions(trx, 'metric_points', days);
      await batch.writePoints(trx);
      await batch.writeSeries(trx);
    });
    await store.db.insertInto('targets').values({ organization_id: org, target_id: target, engine: 'postgresql', agent_id: 'a', version: '15.18', status: 'ok', last_seen: new Date(now) }).execute();
    await rollupRange(store.db, new Date(from - HOUR), new Date(now - 30 * MIN), org);
    // Retention: the raw points older than 72 hours are gone.
    await store.db.deleteFrom('metric_points').where('ts', '<', new Date(now - 72 * HOUR)).execute();
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('reads the first bucket (the range\'s partial first hour) from minute rollups, at the steady rate', async () => {
    for (const cache of [null, new FleetBucketCache()]) {
      const fleet = await fleetOverview(store.db, org, { from: new Date(from), to: new Date(now) }, now, cache);
      const one = fleet.items.find((i) => i.target.targetId === target)!;
      expect(one.sparkline[0]!.ts).toBe(new Date(boundary - STEP).toISOString());
      expect(one.sparkline[0]!.value).not.toBeNull();
      expect(Math.abs(one.sparkline[0]!.value! - RATE) / RATE).toBeLessThan(0.05);
      expect(one.sparklines.connections[0]).toBe(7);
      expect(Math.abs(one.throughputPerSecond! - RATE) / RATE).toBeLessThan(0.05);
    }
  });

  it('reads the same through the cache on refreshes 10 s apart as without it', async () => {
    const cache = new FleetBucketCache();
    for (const later of [0, 10_000, 20_000, 90_000]) {
      const at = now + later - 3 * MIN;
      const range = { from: new Date(at - 7 * DAY), to: new Date(at) };
      const rounded = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v)));
      expect(rounded(await fleetOverview(store.db, org, range, at, cache))).toEqual(rounded(await fleetOverview(store.db, org, range, at, null)));
    }
  });

  it("reads a past range's last interval from its rollup once retention has deleted the raw points", async () => {
    // The cache reads a week in pieces: a piece ending days ago must not take its last hour (or minute) from raw points
    // as if it were the series' newest, possibly partial, interval.
    const start = Math.ceil(from / HOUR) * HOUR + HOUR;
    const where = { organizationId: org, targetIds: [target], metrics: ['transactions.commits'], from: new Date(start), to: new Date(start + 3 * HOUR) };
    const hours = await fleetBuckets(store.db, where, '1h', 3600);
    expect(hours.map((r) => [r.bucket.getTime() - start, r.sum, r.seconds])).toEqual([0, 1, 2].map((h) => [h * HOUR, RATE * 3600, 3600]));
    const minutes = await fleetBuckets(store.db, { ...where, to: new Date(start + 10 * MIN) }, '1m', 60);
    expect(minutes.length).toBe(10);
    // Settled (days old): the rollup rows alone give the same.
    expect(await fleetBuckets(store.db, where, '1h', 3600, { settled: true })).toEqual(hours);
    expect(await fleetBuckets(store.db, { ...where, to: new Date(start + 10 * MIN) }, '1m', 60, { settled: true })).toEqual(minutes);
  });

  it('sums minutes from raw points alone as the tiered read (minute rollups, then raw points) does', async () => {
    // Minute rollups are built up to 30 minutes ago: the tiered read takes 40…31 minutes ago from them.
    const where = { organizationId: org, targetIds: [target], metrics: ['transactions.commits', 'connections.used'], from: new Date(now - 40 * MIN), to: new Date(now - 20 * MIN) };
    const raw = await fleetBuckets(store.db, where, 'raw', 60);
    const tiered = await fleetBuckets(store.db, where, '1m', 60);
    expect(raw.length).toBe(40);
    expect(raw.every((r) => r.metric !== 'transactions.commits' || (r.sum === RATE * 60 && r.seconds === 60))).toBe(true);
    expect(raw).toEqual(tiered);
  });
});
