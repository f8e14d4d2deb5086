// Normalization of recorded agent payloads (api/test/fixtures) on both stores: values land where the explorers read
// them, a second run changes nothing, and a created index shows up as a schema change.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { normalizePayloads } from '../src/normalize/index';
import { insertPayloadRows, type PayloadJson } from './payload-rows';

type Body = Record<string, any>;
const fixture = (engine: string): Body[] =>
  readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Body);
const ORG = 'org-normalize';
const all = ['postgresql', 'mysql', 'redis', 'mongodb', 'heartbeat'].flatMap(fixture);

async function insertPayloads(store: Store, bodies: Body[]) {
  await insertPayloadRows(store.db, ORG, bodies as PayloadJson[]);
}

async function normalizeAll(store: Store) {
  const rows = await store.db.selectFrom('payloads').selectAll().where('organization_id', '=', ORG).execute();
  await store.db.transaction().execute((trx) => normalizePayloads(trx, rows));
}

async function counts(store: Store) {
  const out: Record<string, number> = {};
  for (const t of ['metric_points', 'metric_series', 'queries', 'query_stats', 'activity_snapshots', 'snapshots', 'snapshot_changes', 'agents', 'hosts', 'targets']) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(store.db);
    out[t] = rows[0]?.n ?? -1;
  }
  return out;
}

describe.each(['pglite', 'postgres'] as const)('normalizePayloads on %s', (backend) => {
  let store: Store;
  let tdb: TestDatabase | undefined;

  beforeAll(async () => {
    if (backend === 'postgres') tdb = await createTestDatabase();
    store = await openStore({ databaseUrl: tdb?.url });
    await insertPayloads(store, all);
    await normalizeAll(store);
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('a second run over the same payloads changes nothing', async () => {
    const before = await counts(store);
    const snapshot = await store.db.selectFrom('metric_points').select(({ fn }) => [fn.sum<number>('value').as('s')]).executeTakeFirstOrThrow();
    await normalizeAll(store);
    expect(await counts(store)).toEqual(before);
    expect(await store.db.selectFrom('metric_points').select(({ fn }) => [fn.sum<number>('value').as('s')]).executeTakeFirstOrThrow()).toEqual(snapshot);
    expect(before.metric_points).toBeGreaterThan(1000);
  });

  it('stores connections used and max of the latest PostgreSQL runtime payload', async () => {
    const last = fixture('postgresql').filter((p) => p.category === 'runtime').at(-1)!;
    const series = await store.db
      .selectFrom('metric_series')
      .select(['metric', 'last_value', 'last_ts'])
      .where('organization_id', '=', ORG)
      .where('target_id', '=', 'pg-shop')
      .where('metric', 'in', ['connections.used', 'connections.max'])
      .orderBy('metric')
      .execute();
    expect(series.map((s) => [s.metric, s.last_value])).toEqual([
      ['connections.max', last.data.connections.max_connections],
      ['connections.used', last.data.connections.total],
    ]);
    expect(series[0]?.last_ts.toISOString()).toBe(last.collectedAt);
  });

  it('stores each statement text once and one stats row per collection', async () => {
    const workloads = fixture('postgresql').filter((p) => p.category === 'workload');
    const joinQuery = workloads.flatMap((p) => (p.data.statements ?? []).filter((s: any) => s.calls > 0 && /join orders/.test(s.query ?? '')).map((s: any) => ({ ...s, ts: p.collectedAt })));
    expect(joinQuery.length).toBeGreaterThan(0);
    const fingerprint = `logstag_fixture_shop/${joinQuery[0].queryid}`;
    const q = await store.db.selectFrom('queries').selectAll().where('organization_id', '=', ORG).where('fingerprint', '=', fingerprint).execute();
    expect(q).toHaveLength(1);
    expect(q[0]?.query_text).toContain('join orders');
    const stats = await store.db.selectFrom('query_stats').select(['calls']).where('organization_id', '=', ORG).where('fingerprint', '=', fingerprint).execute();
    expect(stats.reduce((a, s) => a + s.calls, 0)).toBe(joinQuery.reduce((a: number, s: any) => a + s.calls, 0));
  });

  it('records the index created between two schema payloads as an added index', async () => {
    const changes = await store.db.selectFrom('snapshot_changes').selectAll().where('organization_id', '=', ORG).where('target_id', '=', 'pg-shop').where('kind', '=', 'schema').execute();
    expect(changes.map((c) => [c.object_type, c.object_name, c.change])).toEqual([['index', 'logstag_fixture_shop.public.orders_placed_at_idx', 'added']]);
  });

  it('records the same change when the two schema payloads are normalized newest first, one transaction each', async () => {
    const schemas = fixture('postgresql').filter((p) => p.category === 'schema').map((p): Body => ({ ...p, id: p.id.replace(/^.{8}/, 'ffffffff') }));
    const org = 'org-out-of-order';
    await insertPayloadRows(store.db, org, schemas as PayloadJson[]);
    const rows = await store.db.selectFrom('payloads').selectAll().where('organization_id', '=', org).orderBy('collected_at', 'desc').execute();
    for (const row of rows) await store.db.transaction().execute((trx) => normalizePayloads(trx, [row]));
    const changes = await store.db.selectFrom('snapshot_changes').selectAll().where('organization_id', '=', org).execute();
    expect(changes.map((c) => [c.object_name, c.change, c.ts.toISOString()])).toEqual([
      ['logstag_fixture_shop.public.orders_placed_at_idx', 'added', schemas.find((p) => p.data.indexes.length === 3)!.collectedAt],
    ]);
  });

  it('keeps the blocking tree and the lock wait of the PostgreSQL runtime snapshot', async () => {
    const runtime = fixture('postgresql').find((p) => p.category === 'runtime' && p.data.blocking_tree?.length)!;
    const snap = await store.db.selectFrom('activity_snapshots').selectAll().where('target_id', '=', 'pg-shop').where('ts', '=', new Date(runtime.collectedAt)).executeTakeFirstOrThrow();
    const root = runtime.data.blocking_tree[0];
    expect(snap.blocking).toEqual([{ id: String(root.pid), waiters: [{ id: String(root.waiters[0].pid), waiters: [] }] }]);
    expect((snap.lock_waits as any[])[0].blockedBy).toEqual([String(root.pid)]);
  });

  it('creates the agent, host and targets from the heartbeat and collections', async () => {
    const hb = fixture('heartbeat')[0]!;
    const agent = await store.db.selectFrom('agents').selectAll().where('organization_id', '=', ORG).executeTakeFirstOrThrow();
    expect(agent).toMatchObject({ agent_id: 'fixture-agent', hostname: hb.host.hostname, version: hb.host.agentVersion });
    const targets = await store.db.selectFrom('targets').selectAll().where('organization_id', '=', ORG).orderBy('target_id').execute();
    expect(targets.map((t) => [t.target_id, t.engine, t.status])).toEqual([
      ['maria-shop', 'mysql', 'ok'],
      ['mongo-wire', 'mongodb', 'ok'],
      ['pg-shop', 'postgresql', 'ok'],
      ['redis-cache', 'redis', 'ok'],
    ]);
    expect(targets.find((t) => t.target_id === 'pg-shop')?.tags).toEqual({ env: 'test', team: 'shop' });
    expect(Object.keys(targets[0]!.last_payloads).sort()).toEqual(['operational', 'runtime', 'schema', 'workload']);
  });
});
