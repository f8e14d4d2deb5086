import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPendingRollupHours, createPartitionDays, deleteHourRollupsBefore, dropPartition, fleetBuckets, listPartitionNames, metricBuckets, rollupRange, type Store } from '../src/index';
import { backends, ensureDayPartitions } from './backends';

describe.each(backends)('rollups and partition upkeep on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const t0 = new Date('2026-12-05T10:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await ensureDayPartitions(store, '2026-12-05');
    await store.db
      .insertInto('metric_points')
      .values([0, 30, 60, 90].map((s, i) => ({ organization_id: org, target_id: 't', metric: 'm', labels_key: '{}', ts: at(s), value: i + 1 })))
      .execute();
    await store.db
      .insertInto('metric_series')
      .values({ organization_id: org, target_id: 't', metric: 'm', labels_key: '{}', labels: '{}', kind: 'gauge', first_ts: at(0), last_ts: at(90), last_value: 4 })
      .execute();
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('rebuilds minute and hour rollups from the points, the same when run twice', async () => {
    await rollupRange(store.db, t0, at(3600));
    await rollupRange(store.db, t0, at(3600), org);
    const minutes = await store.db.selectFrom('metric_rollup_1m').select(['ts', 'sum', 'count']).where('organization_id', '=', org).orderBy('ts').execute();
    expect(minutes.map((r) => [r.ts.toISOString(), r.sum, r.count])).toEqual([
      [at(0).toISOString(), 3, 2],
      [at(60).toISOString(), 7, 2],
    ]);
    const hour = await metricBuckets(store.db, { organizationId: org, targetId: 't', metric: 'm', from: t0, to: at(3600) }, '1h', 3600);
    expect(hour.map((b) => [b.sum, b.count])).toEqual([[10, 4]]);
    await deleteHourRollupsBefore(store.db, at(7200));
    expect(await store.db.selectFrom('metric_rollup_1h').select('ts').where('organization_id', '=', org).execute()).toEqual([]);
  });

  // A range that starts inside a minute: the minute rollup at or after \`from\` starts on the next boundary, and the
  // point at 30 s is in range but in no rollup row the range holds. It is read from the raw points (it was dropped,
  // and the overview's first partial bucket read empty or short depending on the second the page was opened).
  it('reads the points between a range\'s start and its first rollup interval from the raw points', async () => {
    await rollupRange(store.db, t0, at(3600), org);
    const from = at(30);
    const one = await metricBuckets(store.db, { organizationId: org, targetId: 't', metric: 'm', from, to: at(3600) }, '1m', 3600);
    expect(one.map((b) => [b.sum, b.count])).toEqual([[2 + 3 + 4, 3]]);
    const fleet = await fleetBuckets(store.db, { organizationId: org, targetIds: ['t'], metrics: ['m'], from, to: at(3600) }, '1m', 3600);
    expect(fleet.map((b) => [b.sum, b.count])).toEqual([[2 + 3 + 4, 3]]);
    // Aligned on a minute, nothing is read twice.
    const aligned = await fleetBuckets(store.db, { organizationId: org, targetIds: ['t'], metrics: ['m'], from: t0, to: at(3600) }, '1m', 3600);
    expect(aligned.map((b) => [b.sum, b.count])).toEqual([[10, 4]]);
  });

  it('takes the pending hours once', async () => {
    await store.db.insertInto('rollup_pending').values({ organization_id: org, hour: t0 }).execute();
    expect((await claimPendingRollupHours(store.db)).map((p) => p.organization_id)).toEqual([org]);
    expect(await claimPendingRollupHours(store.db)).toEqual([]);
  });

  it('creates days of partitions ahead, lists them and drops one', async () => {
    expect(await createPartitionDays(store.db, 'query_stats', '2027-02-01', 2)).toBe(2);
    expect(await createPartitionDays(store.db, 'query_stats', '2027-02-01', 2)).toBe(0);
    expect(await listPartitionNames(store.db)).toEqual(expect.arrayContaining(['query_stats_p20270201', 'query_stats_p20270202']));
    await dropPartition(store.db, 'query_stats_p20270201');
    expect(await listPartitionNames(store.db)).not.toContain('query_stats_p20270201');
  });
});
