// Recorded agent payloads of every engine go through POST /v1/ingest and the real Temporal worker, then come back out
// of each explorer endpoint with the values the agent sent; tenant isolation, retention and rollups on both stores.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUE, workflowTypes } from '@logstag/temporal/contracts';
import { signedIn, type ApiClient } from './accounts-client';
import { postPayload, seedOrganization, startTestContext, waitFor, type SeededOrganization, type StoreBackend, type TestContext } from './context';

type Body = Record<string, any>;
const ENGINES = ['heartbeat', 'postgresql', 'mysql', 'redis', 'mongodb'];
const recorded: Body[] = ENGINES.flatMap((e) =>
  readFileSync(new URL(`./fixtures/${e}.jsonl`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Body),
);
// The recordings keep their relative timing, rebased so the newest is a minute ago: ranges, retention and the
// explorers' "now" then mean the same thing whenever the suite runs.
const newest = Math.max(...recorded.map((p) => Date.parse(p.collectedAt)));
const shift = Date.now() - 60_000 - newest;
const rebased: Body[] = recorded.map((p) => ({ ...p, collectedAt: new Date(Date.parse(p.collectedAt) + shift).toISOString() }));
// Issue 14: an operational collection after the last schema snapshot, as today's agent sends it (the recorded one plus
// its index_usage section): the index the snapshot saw unscanned has since been read 45,600 times.
const lastPgOperational = rebased.filter((p) => p.engine === 'postgresql' && p.category === 'operational').at(-1)!;
const FRESH_SCANS_AT = new Date(Math.max(...rebased.filter((p) => p.engine === 'postgresql').map((p) => Date.parse(p.collectedAt))) + 1000).toISOString();
const STATS_RESET = '2026-11-25T16:00:00.000Z';
const freshOperational: Body = {
  ...lastPgOperational,
  id: '01a2139f-ffff-7000-8000-000000000014',
  collectedAt: FRESH_SCANS_AT,
  data: {
    ...lastPgOperational.data,
    // Today's agent adds the sequential and index scans to each table's maintenance row.
    table_maintenance: (lastPgOperational.data.table_maintenance as Body[]).map((t, i) => ({ ...t, seq_scan: 7 + i, seq_tup_read: 70_000 + i, idx_scan: 3 })),
    index_usage: [
      { datname: 'logstag_fixture_shop', schema: 'public', table: 'orders', name: 'orders_placed_at_idx', idx_scan: 45600, stats_reset: STATS_RESET },
      { datname: 'logstag_fixture_shop', schema: 'public', table: 'orders', name: 'orders_pkey', idx_scan: 0, stats_reset: STATS_RESET },
    ],
  },
};
const payloads: Body[] = [...rebased, freshOperational];
const of = (engine: string, category: string) => payloads.filter((p) => p.engine === engine && p.category === category);
const iso = (ms: number) => new Date(ms).toISOString();
const FROM = iso(Math.min(...payloads.map((p) => Date.parse(p.collectedAt))) - 60_000);
const TO = iso(Date.now());
const range = `from=${FROM}&to=${TO}`;

describe.each<StoreBackend>(['pglite', 'postgres'])('explorer APIs over ingested agent payloads (%s store)', (backend) => {
  let ctx: TestContext;
  let orgA: SeededOrganization;
  let a: ApiClient;
  let b: ApiClient;

  beforeAll(async () => {
    ctx = await startTestContext(backend);
    orgA = await seedOrganization(ctx, 'A');
    const orgB = await seedOrganization(ctx, 'B');
    a = await signedIn(ctx, orgA.ownerEmail, orgA.ownerPassword);
    b = await signedIn(ctx, orgB.ownerEmail, orgB.ownerPassword);
    for (const p of payloads) {
      const res = await postPayload(ctx.url, p, { gzip: true, key: orgA.agentKey });
      expect(res.status).toBe(202);
    }
    const ids = payloads.map((p) => p.id as string);
    await waitFor(
      async () => {
        const r = await ctx.app.store.db.selectFrom('payloads').select(({ fn }) => fn.countAll<number>().as('n')).where('id', 'in', ids).where('status', '=', 'stored').executeTakeFirstOrThrow();
        return Number(r.n) === ids.length;
      },
      120_000,
      'every payload stored',
    );
  }, 240_000);
  afterAll(async () => {
    await ctx?.stop();
  });

  it('lists the four targets with engine, version, tags, status and last seen', async () => {
    const res = await a.get('/api/explorer/databases?limit=3');
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: any) => t.targetId)).toEqual(['maria-shop', 'mongo-wire', 'pg-shop']);
    const next = await a.get(`/api/explorer/databases?limit=3&cursor=${res.body.nextCursor}`);
    expect(next.body.items.map((t: any) => t.targetId)).toEqual(['redis-cache']);
    const pg = res.body.items[2];
    const lastPg = of('postgresql', 'schema').concat(of('postgresql', 'runtime'), of('postgresql', 'workload'), of('postgresql', 'operational'));
    expect(pg).toMatchObject({ engine: 'postgresql', version: lastPg[0]!.data.server.version, tags: { env: 'test', team: 'shop' }, status: 'ok', health: 'healthy' });
    expect(pg.lastSeen).toBe(iso(Math.max(...lastPg.map((p) => Date.parse(p.collectedAt)))));
  });

  it('returns connections used per bucket equal to what the agent reported', async () => {
    const runtime = of('postgresql', 'runtime');
    const res = await a.get(`/api/explorer/databases/pg-shop/series?metric=connections.used&${range}&step=10`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'gauge', resolution: 'raw', stepSeconds: 10 });
    const points = res.body.series[0].points;
    expect(points.reduce((s: number, p: any) => s + p.count, 0)).toBe(runtime.length);
    expect(points.reduce((s: number, p: any) => s + p.sum, 0)).toBe(runtime.reduce((s, p) => s + p.data.connections.total, 0));
  });

  it('sums MariaDB commits and Redis commands as deltas with a rate', async () => {
    const res = await a.get(`/api/explorer/databases/redis-cache/series?metric=ops.total&${range}&step=60`);
    expect(res.status).toBe(200);
    const expected = of('redis', 'workload').reduce((s, p) => s + (p.data.stats?.total_commands_processed ?? 0), 0);
    const total = (r: any) => r.body.series.flatMap((s: any) => s.points).reduce((x: number, p: any) => x + p.sum, 0);
    // A 60 s step reads minute rollups, which the retention job has not built yet: the raw points stand in for them.
    expect(res.body).toMatchObject({ kind: 'delta', resolution: '1m' });
    expect(total(res)).toBe(expected);
    // Once built (as the job would), the rollups serve the range and nothing is counted twice.
    await ctx.temporal.client.workflow.execute(workflowTypes.retention, { taskQueue: TASK_QUEUE, workflowId: `retention-test-${backend}-${Date.now()}`, args: [{ rawHours: 72, rollup1mHours: 336, rollup1hHours: 9600, activityHours: 48, queryStatsHours: 720 }] });
    const rolled = await a.get(`/api/explorer/databases/redis-cache/series?metric=ops.total&${range}&step=60`);
    expect(rolled.body).toMatchObject({ kind: 'delta', resolution: '1m' });
    expect(total(rolled)).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    // A bucket's rate is its deltas over the seconds they cover (each collection's _delta.seconds), not over the step.
    const point = rolled.body.series[0].points[0];
    const inBucket = of('redis', 'workload').filter((p) => Math.floor(Date.parse(p.collectedAt) / 60_000) * 60_000 === Date.parse(point.ts) && p.data._delta?.seconds);
    const covered = inBucket.reduce((s, p) => s + p.data._delta.seconds, 0);
    expect(covered).toBeGreaterThan(0);
    expect(point.ratePerSecond).toBeCloseTo(point.sum / covered);
    const metrics = await a.get('/api/explorer/databases/maria-shop/metrics?prefix=transactions.&limit=10');
    expect(metrics.body.items.map((m: any) => m.metric)).toEqual(['transactions.commits', 'transactions.rollbacks']);
  });

  it('shows sessions at a time point and the blocking tree of the recorded lock wait', async () => {
    const snap = of('postgresql', 'runtime').find((p) => p.data.blocking_tree?.length)!;
    const at = encodeURIComponent(snap.collectedAt);
    const sessions = await a.get(`/api/explorer/activity/pg-shop/sessions?at=${at}&limit=200`);
    expect(sessions.body.snapshotTs).toBe(snap.collectedAt);
    expect(sessions.body.total).toBe(snap.data.sessions.length);
    // Issue 14: the transaction's age and the snapshot's xmin age of the session idle in transaction.
    const idle = snap.data.sessions.find((x: any) => x.state === 'idle in transaction');
    const shown = sessions.body.items.find((x: any) => x.id === String(idle.pid));
    expect(shown).toMatchObject({ state: 'idle in transaction', transactionSeconds: idle.xact_duration_seconds, xminAge: idle.backend_xmin_age ?? idle.backend_xid_age });
    expect(shown.transactionSeconds).toBeGreaterThan(0);
    const blocking = await a.get(`/api/explorer/activity/pg-shop/blocking?at=${at}`);
    const root = snap.data.blocking_tree[0];
    expect(blocking.body.tree).toEqual([{ id: String(root.pid), waiters: [{ id: String(root.waiters[0].pid), waiters: [] }] }]);
    expect(blocking.body.sessions.map((s: any) => s.id).sort()).toEqual([String(root.pid), String(root.waiters[0].pid)].sort());
  });

  it('breaks down waits over a range and shows connections against the limit', async () => {
    const waits = await a.get(`/api/explorer/activity/pg-shop/waits?${range}`);
    expect(waits.body.snapshots).toBe(of('postgresql', 'runtime').length);
    const lockSamples = of('postgresql', 'runtime').reduce((n, p) => n + p.data.sessions.filter((s: any) => s.wait_event_type === 'Lock').length, 0);
    expect(waits.body.waits.filter((w: any) => w.waitType === 'Lock').reduce((n: number, w: any) => n + w.samples, 0)).toBe(lockSamples);
    expect(lockSamples).toBeGreaterThan(0);
    const conns = await a.get(`/api/explorer/activity/pg-shop/connections?${range}&step=10`);
    const last = of('postgresql', 'runtime').at(-1)!;
    expect(conns.body.latest).toMatchObject({ used: last.data.connections.total, max: last.data.connections.max_connections });
    expect(conns.body.max.every((p: any) => p.max === last.data.connections.max_connections)).toBe(true);
  });

  it('breaks down waits per time bucket in one request, each bucket what the range request over it returns', async () => {
    const runtime = of('postgresql', 'runtime');
    const times = runtime.map((p) => Date.parse(p.collectedAt));
    // Buckets of 10 s from 7 s before the first snapshot: boundaries fall between the snapshots (4 s apart), the last
    // bucket is cut short by `to`.
    const from = Math.min(...times) - 7_000;
    const to = Math.max(...times) + 1_000;
    const step = 10;
    const res = await a.get(`/api/explorer/activity/pg-shop/waits?from=${iso(from)}&to=${iso(to)}&step=${step}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const n = Math.ceil((to - from) / (step * 1000));
    expect(res.body.stepSeconds).toBe(step);
    expect(res.body.buckets.map((b: any) => [b.from, b.to])).toEqual(Array.from({ length: n }, (_, i) => [iso(from + i * step * 1000), iso(Math.min(from + (i + 1) * step * 1000, to))]));
    // What the agent sent, bucketed here: snapshots and waiting or active sessions per bucket.
    const expected = Array.from({ length: n }, () => ({ snapshots: 0, samples: 0 }));
    for (const p of runtime) {
      const e = expected[Math.floor((Date.parse(p.collectedAt) - from) / (step * 1000))]!;
      e.snapshots += 1;
      e.samples += p.data.sessions.filter((s: any) => s.state === 'active' || s.wait_event_type === 'Lock').length;
    }
    expect(new Set(expected.map((e) => e.snapshots)).size).toBeGreaterThan(1);
    expect(res.body.buckets.map((b: any) => ({ snapshots: b.snapshots, samples: b.waits.reduce((s: number, w: any) => s + w.samples, 0) }))).toEqual(expected);
    // Each bucket is exactly the range breakdown over it, and the totals are the whole range's.
    for (const b of res.body.buckets) {
      const one = await a.get(`/api/explorer/activity/pg-shop/waits?from=${b.from}&to=${b.to}`);
      expect({ snapshots: b.snapshots, waits: b.waits }, b.from).toEqual({ snapshots: one.body.snapshots, waits: one.body.waits });
    }
    const whole = await a.get(`/api/explorer/activity/pg-shop/waits?from=${iso(from)}&to=${iso(to)}`);
    expect(whole.body).not.toHaveProperty('buckets');
    expect(res.body.snapshots).toBe(whole.body.snapshots);
    const sorted = (ws: any[]) => ws.slice().sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
    expect(sorted(res.body.waits)).toEqual(sorted(whole.body.waits));

    // A bounded number of buckets, validated like every other input, and another organization sees nothing.
    const tooMany = await a.get(`/api/explorer/activity/pg-shop/waits?from=${iso(to - 86_400_000)}&to=${iso(to)}&step=60`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.issues[0].path).toBe('step');
    expect((await a.get(`/api/explorer/activity/pg-shop/waits?step=5`)).status).toBe(400);
    expect((await a.get(`/api/explorer/activity/pg-shop/waits?step=soon`)).status).toBe(400);
    expect((await b.get(`/api/explorer/activity/pg-shop/waits?from=${iso(from)}&to=${iso(to)}&step=${step}`)).status).toBe(404);
    const doc = (await (await fetch(`${ctx.url}/api/openapi.json`)).json()) as any;
    const stepDoc = doc.paths['/api/explorer/activity/{targetId}/waits'].get.parameters.find((p: any) => p.name === 'step');
    expect(stepDoc).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 10 } });
    expect(stepDoc.description).toMatch(/per bucket/);
  });

  // Issue 14: MariaDB's full-scan counters are stored under their own names (rows examined was shown as blocks read).
  it('returns MariaDB statements with rows examined and executions without an index', async () => {
    // Every digest, the agent's own included (the recording's statements are mostly the agent's: hidden by default).
    const res = await a.get(`/api/explorer/queries/maria-shop/top?${range}&orderBy=calls&limit=200&monitoring=true`);
    expect(res.status).toBe(200);
    const digests = of('mysql', 'workload').flatMap((p) => p.data.statementDigests ?? []).filter((d: any) => d.calls > 0);
    const byFingerprint = new Map<string, { examined: number; noIndex: number }>();
    for (const d of digests) {
      const key = `${d.schemaName ?? ''}/${d.digest}`;
      const t = byFingerprint.get(key) ?? { examined: 0, noIndex: 0 };
      byFingerprint.set(key, { examined: t.examined + d.rowsExamined, noIndex: t.noIndex + d.noIndexUsed });
    }
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const q of res.body.items) {
      const expected = byFingerprint.get(q.fingerprint)!;
      expect(q).toMatchObject({ rowsExamined: expected.examined, noIndexUsed: expected.noIndex });
    }
    expect(res.body.items.some((q: any) => q.noIndexUsed > 0)).toBe(true);
    const pgTop = await a.get(`/api/explorer/queries/pg-shop/top?${range}`);
    expect(pgTop.body.items[0].rowsExamined).toBeNull();
  });

  it('ranks statements and returns one statement with its series', async () => {
    // Every statement of the recorded payloads, the agent's own included (issue 14 hides those by default).
    const top = await a.get(`/api/explorer/queries/pg-shop/top?${range}&orderBy=calls&limit=5&monitoring=true`);
    expect(top.status).toBe(200);
    const calls = new Map<string, number>();
    for (const p of of('postgresql', 'workload')) {
      for (const s of p.data.statements ?? []) calls.set(`${s.datname}/${s.queryid}`, (calls.get(`${s.datname}/${s.queryid}`) ?? 0) + s.calls);
    }
    const best = [...calls.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]!;
    expect(top.body.items[0]).toMatchObject({ fingerprint: best[0], calls: best[1] });
    // Issue 14: the time of all statements in the range, for each one's share of it.
    let allTime = 0;
    for (const p of of('postgresql', 'workload')) for (const s of p.data.statements ?? []) if (s.calls > 0) allTime += (s.total_exec_time ?? 0) + (s.total_plan_time ?? 0);
    expect(top.body.allTimeMs).toBeCloseTo(allTime, 3);
    expect(top.body.items.every((q: any) => q.totalTimeMs <= top.body.allTimeMs)).toBe(true);
    const one = await a.get(`/api/explorer/queries/pg-shop/query?fingerprint=${encodeURIComponent(best[0])}&${range}`);
    expect(one.body.totals.calls).toBe(best[1]);
    expect(typeof one.body.text).toBe('string');
    const redisTop = await a.get(`/api/explorer/queries/redis-cache/top?${range}&orderBy=totalTime`);
    expect(redisTop.body.items.length).toBeGreaterThan(0);
  });

  it('shows the schema with index flags and the created index in the change timeline', async () => {
    const indexes = await a.get('/api/explorer/schema/pg-shop/objects?type=index');
    expect(indexes.body.items.map((i: any) => i.name)).toContain('logstag_fixture_shop.public.orders_placed_at_idx');
    const created = indexes.body.items.find((i: any) => i.name.endsWith('orders_placed_at_idx'));
    expect(created.flags).toMatchObject({ invalid: false, duplicate: false });
    // Issue 14: the flags come from the newest scan counts (10-minute index_usage), not the 4-hour snapshot's 0, and
    // say when they were read and what they count from.
    expect(created.stats.scans).toBe(45600);
    expect(created.flags).toMatchObject({ unused: false, scansAt: FRESH_SCANS_AT, countingSince: STATS_RESET });
    // Issue 14: each table with its newest activity (10-minute table_maintenance): scans, rows read, dead tuples.
    const tables = await a.get('/api/explorer/schema/pg-shop/objects?type=table');
    const maintenance = (freshOperational.data.table_maintenance as Body[]).find((t) => t.table === 'customers')!;
    expect(tables.body.items.find((t: any) => t.name === 'logstag_fixture_shop.public.customers').stats.activity).toEqual({
      liveTuples: maintenance.n_live_tup,
      deadTuples: maintenance.n_dead_tup,
      seqScans: maintenance.seq_scan,
      seqTuplesRead: maintenance.seq_tup_read,
      indexScans: 3,
      at: FRESH_SCANS_AT,
      // When it was last vacuumed and analyzed, by hand and by autovacuum (null: never).
      lastVacuum: maintenance.last_vacuum ?? null,
      lastAutovacuum: maintenance.last_autovacuum ?? null,
      lastAnalyze: maintenance.last_analyze ?? null,
      lastAutoanalyze: maintenance.last_autoanalyze ?? null,
    });
    expect(maintenance.last_analyze).toMatch(/^2026-/);
    const unused = await a.get('/api/explorer/schema/pg-shop/objects?type=index&flag=unused');
    expect(unused.body.items.map((i: any) => i.name)).not.toContain('logstag_fixture_shop.public.orders_placed_at_idx');
    // Issue 14: settings come from the settings snapshot (the access snapshot has none).
    const settings = await a.get('/api/explorer/schema/pg-shop/permissions?type=setting&limit=200');
    const recordedSettings = lastPgOperational.data.settings as Array<{ name: string; setting: string }>;
    expect(settings.body.items.length).toBe(recordedSettings.length);
    const one = recordedSettings[0]!;
    expect(settings.body.items.find((s: any) => s.name === one.name)?.definition).toMatchObject({ setting: one.setting });
    const mariaVariables = await a.get('/api/explorer/schema/maria-shop/permissions?type=setting&limit=200');
    expect(mariaVariables.body.items.length).toBeGreaterThan(0);
    // The Settings view: value, unit, source, pending restart and since when it is unchanged.
    const view = await a.get('/api/explorer/schema/pg-shop/settings');
    expect(view.status).toBe(200);
    expect(view.body.items.length).toBe(recordedSettings.length);
    const maxConnections = (lastPgOperational.data.settings as Array<Record<string, unknown>>).find((x) => x.name === 'max_connections')!;
    expect(view.body.items.find((x: any) => x.name === 'max_connections')).toMatchObject({ value: maxConnections.setting, source: maxConnections.source, pendingRestart: false, changedAt: null });
    expect(view.body.since).toBe(of('postgresql', 'operational')[0]!.collectedAt);
    const maria = await a.get('/api/explorer/schema/maria-shop/settings');
    const variables = of('mysql', 'operational').at(-1)!.data.variables as Record<string, string>;
    expect(maria.body.items.find((x: any) => x.name === 'max_connections')?.value).toBe(variables.max_connections);
    const changes = await a.get(`/api/explorer/schema/pg-shop/changes?${range}&kind=schema`);
    expect(changes.body.items.map((c: any) => [c.objectType, c.objectName, c.change])).toEqual([['index', 'logstag_fixture_shop.public.orders_placed_at_idx', 'added']]);
    const perms = await a.get('/api/explorer/schema/maria-shop/permissions?type=user');
    expect(perms.body.items.map((p: any) => p.name)).toContain(`${of('mysql', 'operational')[0]!.data.accounts[0].user}@${of('mysql', 'operational')[0]!.data.accounts[0].host}`);
    const mongo = await a.get('/api/explorer/schema/mongo-wire/objects?type=collection');
    expect(mongo.body.items.map((c: any) => c.name).sort()).toEqual(of('mongodb', 'schema')[0]!.data.collections.map((c: any) => `${c.db}.${c.name}`).sort());
  });

  it('lists hosts, agents and targets with health', async () => {
    const hb = payloads.find((p) => p.kind === 'heartbeat')!;
    const hosts = await a.get('/api/explorer/assets/hosts');
    expect(hosts.body.items).toEqual([expect.objectContaining({ hostname: hb.host.hostname, agentId: hb.agentId, health: 'online' })]);
    const agents = await a.get('/api/explorer/assets/agents');
    expect(agents.body.items).toEqual([expect.objectContaining({ agentId: hb.agentId, version: hb.host.agentVersion, lastHeartbeat: hb.collectedAt })]);
    const targets = await a.get('/api/explorer/assets/targets');
    expect(targets.body.items.map((t: any) => [t.targetId, t.health])).toEqual([
      ['maria-shop', 'healthy'],
      ['mongo-wire', 'healthy'],
      ['pg-shop', 'healthy'],
      ['redis-cache', 'healthy'],
    ]);
  });

  it("never shows one organization's data to another", async () => {
    expect((await b.get('/api/explorer/databases')).body.items).toEqual([]);
    expect((await b.get('/api/explorer/assets/hosts')).body.items).toEqual([]);
    for (const path of [
      `/api/explorer/databases/pg-shop/series?metric=connections.used&${range}`,
      '/api/explorer/activity/pg-shop/sessions',
      `/api/explorer/queries/pg-shop/top?${range}`,
      '/api/explorer/schema/pg-shop/objects',
    ]) {
      const res = await b.get(path);
      expect(res.status, path).toBe(404);
    }
    const anonymous = await fetch(`${ctx.url}/api/explorer/databases`);
    expect(anonymous.status).toBe(401);
  });

  it('validates inputs with 400 and the failing field', async () => {
    const res = await a.get('/api/explorer/databases/pg-shop/series?metric=connections.used&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toBe('from');
    expect((await a.get('/api/explorer/queries/pg-shop/top?orderBy=bogus')).status).toBe(400);
    expect((await a.get('/api/explorer/activity/pg-shop/sessions?cursor=notours')).status).toBe(400);
  });

  it('publishes an OpenAPI document listing every explorer route', async () => {
    const res = await fetch(`${ctx.url}/api/openapi.json`);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toMatch(/^3\./);
    const routes = ctx.app.store && Object.keys(doc.paths);
    expect(routes).toEqual(expect.arrayContaining(['/api/explorer/databases', '/api/explorer/databases/{targetId}/series', '/api/explorer/activity/{targetId}/blocking', '/api/explorer/queries/{targetId}/top', '/api/explorer/schema/{targetId}/changes', '/api/explorer/schema/{targetId}/settings', '/api/explorer/fleet', '/api/explorer/assets/agents']));
    // The explorers' 18 routes (the document describes every other route too: openapi.test.ts).
    expect(routes.filter((p: string) => p.startsWith('/api/explorer/'))).toHaveLength(18);
    expect(routes).toContain('/api/explorer/queries/{targetId}/applications');
    expect(doc.paths['/api/explorer/queries/{targetId}/top'].get.parameters.map((p: any) => p.name)).toEqual(['targetId', 'from', 'to', 'orderBy', 'search', 'database', 'monitoring', 'user', 'application', 'limit', 'cursor']);
  });

  it('retention drops expired partitions and nothing else', async () => {
    const db = ctx.app.store.db;
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    for (const t of ['metric_points', 'metric_rollup_1m', 'activity_snapshots']) await sql`select logstag_ensure_partitions(${t}, ${old}::date, 1)`.execute(db);
    await db.insertInto('metric_points').values({ organization_id: orgA.organizationId, target_id: 'pg-shop', metric: 'old', labels_key: '{}', ts: `${old}T12:00:00Z`, value: 1 }).execute();
    const before = await db.selectFrom('metric_points').select(({ fn }) => fn.countAll<number>().as('n')).where('metric', '!=', 'old').executeTakeFirstOrThrow();
    const result = await ctx.temporal.client.workflow.execute(workflowTypes.retention, {
      taskQueue: TASK_QUEUE,
      workflowId: `retention-drop-${backend}-${Date.now()}`,
      args: [{ rawHours: 72, rollup1mHours: 336, rollup1hHours: 9600, activityHours: 48, queryStatsHours: 720 }],
    });
    const day = old.replaceAll('-', '');
    expect((result as any).dropped).toEqual([`activity_snapshots_p${day}`, `metric_points_p${day}`]);
    const { rows } = await sql<{ name: string }>`select relname as name from pg_class where relname = ${`metric_rollup_1m_p${day}`}`.execute(db);
    expect(rows).toHaveLength(1);
    const after = await db.selectFrom('metric_points').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
