import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPendingRollupHours, createPartitionDays, deleteHourRollupsBefore, dropPartition, listPartitionNames, metricBuckets, rollupRange, type Store } from '../src/index';
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
