import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions, MetricBatch, openStore, rollupRange, utcDay, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { metricSeries } from '../src/explorer/databases.service';
import { FleetBucketCache, fleetOverview } from '../src/explorer/fleet.service';

const HOUR = 3_600_000;
const RATE = 20;

// Issue 14: rates divided a bucket's deltas by the bucket's width, so 20 commits/s read ~100/s at 1 h (a 60 s delta in
// a 12 s bucket) and less than 1/s at 7 d. A steady 20/s, collected at uneven intervals as a real agent's are (the
// deltas of 40 s, 60 s and 80 s, as after a late or missed tick), must read 20/s at every zoom.
describe('per-second rates of deltas on PostgreSQL', () => {
  let tdb: TestDatabase;
  let store: Store;
  const org = randomUUID();
  const target = 'pg-steady';
  const now = Date.now();

  beforeAll(async () => {
    tdb = await createTestDatabase();
    store = await openStore({ databaseUrl: tdb.url });
    const start = now - 8 * 24 * HOUR;
    const days = new Set<string>();
    const batch = new MetricBatch();
    const intervals = [40, 60, 80, 60];
    let t = start;
    for (let i = 0; t < now; i += 1) {
      const seconds = intervals[i % intervals.length]!;
      t += seconds * 1000;
      const ts = new Date(t);
      days.add(utcDay(ts));
      batch.add(org, target, ts, [
        { metric: 'transactions.commits', labels: { database: 'app' }, value: RATE * seconds, kind: 'delta', seconds },
        { metric: 'connections.used', labels: {}, value: 7, kind: 'gauge' },
        { metric: 'connections.max', labels: {}, value: 100, kind: 'gauge' },
        { metric: 'cache.hits', labels: { database: 'app' }, value: 99 * seconds, kind: 'delta', seconds },
        { metric: 'cache.misses', labels: { database: 'app' }, value: seconds, kind: 'delta', seconds },
        // A slow statement whose mean peaks at 250 ms once an hour (the 17th collection of every 60).
        { metric: 'statements.slowest_mean_ms', labels: {}, value: i % 60 === 17 ? 250 : 12, kind: 'gauge' },
        { metric: 'locks.waiting', labels: {}, value: 0, kind: 'gauge' },
      ]);
    }
    // A metric first reported 50 minutes ago: the 7 d chart's bucket starts on the hour before it.
    const recent = new Date(now - 50 * 60_000);
    days.add(utcDay(recent));
    batch.add(org, target, recent, [{ metric: 'sessions.active', labels: {}, value: 2, kind: 'gauge' }]);
    await store.db.transaction().execute(async (trx) => {
      await ensurePartitions(trx, 'metric_points', days);
      await batch.writePoints(trx);
      await batch.writeSeries(trx);
    });
    await store.db.insertInto('targets').values({ organization_id: org, target_id: target, engine: 'postgresql', agent_id: 'a', version: '15.18', status: 'ok', last_seen: new Date(now) }).execute();
    // The retention schedule's rollups, built up to half an hour ago: the newest data is read from the raw points.
    await rollupRange(store.db, new Date(start), new Date(now - HOUR / 2), org);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it.each([
    ['1 h', 1],
    ['6 h', 6],
    ['24 h', 24],
    ['7 d', 7 * 24],
  ])('reads the same rate at %s', async (_label, hours) => {
    const to = new Date(now);
    const from = new Date(now - hours * HOUR);
    const s = await metricSeries(store.db, { organizationId: org, targetId: target, metric: 'transactions.commits', from, to });
    const rates = s.series.flatMap((one) => one.points.map((p) => p.ratePerSecond));
    expect(rates.length).toBeGreaterThan(10);
    for (const r of rates) {
      expect(r).toBeDefined();
      expect(Math.abs(r! - RATE) / RATE).toBeLessThan(0.05);
    }
  });

  it('reads a gauge as its level, without a rate', async () => {
    const s = await metricSeries(store.db, { organizationId: org, targetId: target, metric: 'connections.used', from: new Date(now - HOUR), to: new Date(now) });
    const points = s.series[0]!.points;
    expect(points.every((p) => p.avg === 7 && p.ratePerSecond === undefined)).toBe(true);
  });

  it('says when a metric\'s data starts inside the range: its first point, not its first bucket', async () => {
    const week = await metricSeries(store.db, { organizationId: org, targetId: target, metric: 'sessions.active', from: new Date(now - 7 * 24 * HOUR), to: new Date(now) });
    expect(week.dataSince).toBe(new Date(now - 50 * 60_000).toISOString());
    expect(week.series[0]!.points[0]!.ts < week.dataSince!).toBe(true);
    const commits = await metricSeries(store.db, { organizationId: org, targetId: target, metric: 'transactions.commits', from: new Date(now - 7 * 24 * HOUR), to: new Date(now) });
    expect(commits.dataSince).toBeUndefined();
  });

  // Issue 14 (home = fleet overview): the same steady 20/s reads 20/s on the overview at every range, with its
  // sparkline, connections against the limit and the cache hit ratio.
  it.each([
    ['1 h', 1],
    ['24 h', 24],
    ['7 d', 7 * 24],
  ])('the fleet overview reads the same rate at %s', async (_label, hours) => {
    const fleet = await fleetOverview(store.db, org, { from: new Date(now - hours * HOUR), to: new Date(now) }, now);
    const one = fleet.items.find((i) => i.target.targetId === target)!;
    expect(Math.abs(one.throughputPerSecond! - RATE) / RATE).toBeLessThan(0.05);
    expect(one).toMatchObject({ throughputLabel: 'commits/s', connectionsUsed: 7, connectionsMax: 100, connectionsRatio: 0.07, target: { health: 'healthy' } });
    expect(one.cacheHitRatio).toBeCloseTo(0.99, 5);
    const spark = one.sparkline.filter((p) => p.value !== null);
    expect(spark.length).toBeGreaterThanOrEqual(10);
    for (const p of spark) expect(Math.abs(p.value! - RATE) / RATE).toBeLessThan(0.05);
    // Every column has its sparkline on the same buckets: gauges at their highest in each bucket, the cache hit ratio
    // of the bucket's reads; the slowest statement over the range is its worst collection's, not an average of them.
    expect(one.slowestStatementMeanMs).toBe(250);
    const { connections, cacheHit, slowestStatement, blocked, lag } = one.sparklines;
    for (const line of [connections, cacheHit, slowestStatement, blocked, lag]) expect(line).toHaveLength(one.sparkline.length);
    expect(connections.filter((v) => v !== null).length).toBeGreaterThanOrEqual(10);
    expect(connections.every((v) => v === null || v === 7)).toBe(true);
    expect(cacheHit.every((v) => v === null || Math.abs(v - 0.99) < 1e-9)).toBe(true);
    // Each bucket at its worst collection: 250 wherever the hourly peak fell in it (all but a partial first or last
    // bucket from 24 h on), 12 elsewhere.
    const slow = slowestStatement.filter((v) => v !== null);
    expect(slow.every((v) => v === 250 || v === 12)).toBe(true);
    if (hours >= 24) expect(slow.filter((v) => v === 250).length).toBeGreaterThanOrEqual(slow.length - 2);
    expect(blocked.filter((v) => v !== null).every((v) => v === 0)).toBe(true);
    expect(lag.every((v) => v === null)).toBe(true);
  });

  // The overview keeps its completed buckets a few minutes: a refresh reads only the range's first (partial) bucket and
  // the newest ones, and answers exactly what reading everything again would.
  it.each([
    ['1 h', 1],
    ['7 d', 7 * 24],
  ])('the fleet overview reads the same through its bucket cache at %s, a minute and two hours later', async (_label, hours) => {
    const cache = new FleetBucketCache();
    // Sums in another order differ in their last bits: numbers are compared to 9 significant digits.
    const rounded = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v)));
    for (const later of [0, 20_000, 60_000, 2 * HOUR]) {
      const at = now + later;
      const range = { from: new Date(at - hours * HOUR), to: new Date(at) };
      expect(rounded(await fleetOverview(store.db, org, range, at, cache))).toEqual(rounded(await fleetOverview(store.db, org, range, at, null)));
    }
  });

  // Points stored before the migration have no interval: the overview still reads a rate (per bucket width), not none.
  it('the fleet overview reads a rate from points stored without their interval', async () => {
    const legacy = 'pg-legacy';
    await store.db.insertInto('targets').values({ organization_id: org, target_id: legacy, engine: 'postgresql', agent_id: 'a', version: '15.18', status: 'ok', last_seen: new Date(now) }).execute();
    const batch = new MetricBatch();
    for (let t = now - HOUR; t < now; t += 60_000) batch.add(org, legacy, new Date(t), [{ metric: 'transactions.commits', labels: {}, value: 600, kind: 'delta' }]);
    await store.db.transaction().execute(async (trx) => {
      await batch.writePoints(trx);
      await batch.writeSeries(trx);
    });
    const fleet = await fleetOverview(store.db, org, { from: new Date(now - HOUR), to: new Date(now) }, now);
    const one = fleet.items.find((i) => i.target.targetId === legacy)!;
    expect(one.throughputPerSecond).toBeGreaterThan(0);
  });
});

