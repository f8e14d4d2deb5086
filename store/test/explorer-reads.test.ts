import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '@logstag/schema';
import { findQuery, latestSnapshot, listChanges, listSeries, metricBuckets, queryBuckets, seriesKind, snapshotAt, topQueries, waitBreakdown, type Store } from '../src/index';
import { backends, ensureDayPartitions } from './backends';

// The explorers' reads of metrics, queries, activity snapshots and schema snapshots, on rows as normalization writes them.
describe.each(backends)('explorer reads on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const target = 'pg-a';
  const t0 = new Date('2026-12-05T10:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await ensureDayPartitions(store, '2026-12-05');
    const labelsKey = JSON.stringify({ db: 'app' });
    await store.db
      .insertInto('metric_series')
      .values({ organization_id: org, target_id: target, metric: 'pg.connections', labels_key: labelsKey, labels: labelsKey, kind: 'gauge', first_ts: at(0), last_ts: at(90), last_value: 7 })
      .execute();
    await store.db
      .insertInto('metric_points')
      .values([0, 30, 60, 90].map((s, i) => ({ organization_id: org, target_id: target, metric: 'pg.connections', labels_key: labelsKey, ts: at(s), value: i + 4 })))
      .execute();
    await store.db
      .insertInto('queries')
      .values(['q1', 'q2'].map((fingerprint) => ({ organization_id: org, target_id: target, fingerprint, engine: 'postgresql', database_name: 'app', query_text: `select ${fingerprint}`, first_seen: at(0), last_seen: at(60) })))
      .execute();
    await store.db
      .insertInto('query_stats')
      .values([
        { organization_id: org, target_id: target, fingerprint: 'q1', ts: at(0), calls: 10, total_time_ms: 5, rows: 1, blocks_hit: 0, blocks_read: 0 },
        { organization_id: org, target_id: target, fingerprint: 'q2', ts: at(0), calls: 1, total_time_ms: 50, rows: 1, blocks_hit: 0, blocks_read: 0 },
        { organization_id: org, target_id: target, fingerprint: 'q2', ts: at(60), calls: 1, total_time_ms: 50, rows: 1, blocks_hit: 0, blocks_read: 0 },
      ])
      .execute();
    const session = { user: 'app', database: 'app', application: null, client: null, waitType: null, wait: null, query: 'select 1', durationSeconds: 1, blockedBy: [] };
    const sessions: SessionView[] = [
      { ...session, id: '1', state: 'active', waitType: 'Lock', wait: 'relation' },
      { ...session, id: '2', state: 'active' },
      { ...session, id: '3', state: 'idle' },
    ];
    await store.db
      .insertInto('activity_snapshots')
      .values({ organization_id: org, target_id: target, ts: at(0), payload_id: randomUUID(), sessions: JSON.stringify(sessions), lock_waits: '[]', blocking: '[]', connections: null, replication: '[]' })
      .execute();
    const items = { 'table:public.t': { type: 'table', name: 'public.t', def: { columns: 1 } } };
    await store.db.insertInto('snapshots').values({ organization_id: org, target_id: target, kind: 'schema', ts: at(0), payload_id: randomUUID(), digest: 'd', items: JSON.stringify(items) }).execute();
    await store.db
      .insertInto('snapshot_changes')
      .values(['table:a', 'table:b'].map((name, i) => ({ organization_id: org, target_id: target, kind: 'schema' as const, ts: at(i), payload_id: randomUUID(), object_type: 'table', object_name: name, change: 'added' as const, before: null, after: '{}' })))
      .execute();
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('lists series and their kind, and buckets raw points on the epoch', async () => {
    expect((await listSeries(store.db, org, target, 'pg.', undefined, 10)).map((s) => [s.metric, s.labels])).toEqual([['pg.connections', { db: 'app' }]]);
    expect(await seriesKind(store.db, org, target, 'pg.connections')).toBe('gauge');
    const buckets = await metricBuckets(store.db, { organizationId: org, targetId: target, metric: 'pg.connections', from: at(0), to: at(120) }, 'raw', 60);
    expect(buckets.map((b) => [b.bucket.toISOString(), b.count, b.min, b.max])).toEqual([
      [at(0).toISOString(), 2, 4, 5],
      [at(60).toISOString(), 2, 6, 7],
    ]);
  });

  it('ranks statements by the requested column and buckets one of them', async () => {
    const w = { organizationId: org, targetId: target, from: at(0), to: at(120) };
    expect((await topQueries(store.db, w, 'totalTime', 10, 0)).map((q) => q.fingerprint)).toEqual(['q2', 'q1']);
    expect((await topQueries(store.db, w, 'calls', 10, 0)).map((q) => q.fingerprint)).toEqual(['q1', 'q2']);
    expect((await findQuery(store.db, org, target, 'q1'))?.query_text).toBe('select q1');
    expect((await queryBuckets(store.db, { ...w, fingerprint: 'q2' }, 60)).map((b) => b.calls)).toEqual([1, 1]);
  });

  it('reads the activity snapshot at a time with typed sessions, and the sampled waits', async () => {
    const snap = await snapshotAt(store.db, org, target, at(30));
    expect(snap?.sessions.map((s) => s.id)).toEqual(['1', '2', '3']);
    expect(await snapshotAt(store.db, org, target, at(-1))).toBeUndefined();
    const { snapshots, waits } = await waitBreakdown(store.db, org, target, at(0), at(60));
    expect(snapshots).toBe(1);
    expect(waits).toEqual([
      { wait_type: 'CPU', wait: 'running', samples: 1 },
      { wait_type: 'Lock', wait: 'relation', samples: 1 },
    ]);
  });

  it('reads the latest schema snapshot with typed items, and its changes newest first', async () => {
    const snap = await latestSnapshot(store.db, org, target, 'schema');
    expect(Object.values(snap?.items ?? {}).map((i) => i.name)).toEqual(['public.t']);
    const changes = await listChanges(store.db, { organizationId: org, targetId: target, from: at(0), to: at(60) }, 10);
    expect(changes.map((c) => c.object_name)).toEqual(['table:b', 'table:a']);
    expect((await listChanges(store.db, { organizationId: org, targetId: target, from: at(0), to: at(60), beforeId: changes[0]?.id }, 10)).map((c) => c.object_name)).toEqual(['table:a']);
  });
});
