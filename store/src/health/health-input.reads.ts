import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { sql } from 'kysely';
import { CATEGORIES, type Engine } from '@logstag/schema';
import { HEALTH_NEEDS, schemaItemNeeded, type HealthActivitySample, type HealthCollectorError, type HealthInput, type HealthItem, type HealthSeries, type HealthSnapshot, type HealthStatement } from '@logstag/schema/health';
import type { Db } from '../db';

/** Sessions shorter than this (and not blocked) are left out of the runtime samples a report reads: no rule looks at them. */
export const HEALTH_MIN_SESSION_SECONDS = 5;
/** The statements a report reads: the most expensive of the window. */
export const HEALTH_MAX_STATEMENTS = 2_000;

const iso = (d: Date | string): string => new Date(d).toISOString();
const gunzipAsync = promisify(gunzip);

/** A stored payload body's bytes, decompressed off the event loop (not decoded to a string: errorsOfBody reads its tail). */
async function readPayloadBytes(row: { body_raw: Uint8Array; body_encoding: 'gzip' | 'identity' }): Promise<Buffer> {
  const raw = Buffer.from(row.body_raw.buffer, row.body_raw.byteOffset, row.body_raw.byteLength);
  return row.body_encoding === 'gzip' ? gunzipAsync(raw) : raw;
}

/** A timestamptz as the ISO text JavaScript's toISOString writes, formatted by the database (no Date per row here). */
const isoOf = (ts: ReturnType<typeof sql.ref> | ReturnType<typeof sql>) => sql`to_char(${ts} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The latest settings, access and schema snapshots and when the first schema snapshot was stored, in one statement.
 * The items come as text and are parsed here, the schema's then narrowed to the item types the engine's rules read
 * (HEALTH_NEEDS). Narrowing in the database (jsonb_each + jsonb_agg) was measured slower than shipping the text: on the
 * bench's 10 MB snapshot 0.8–1.4 s against 0.12–0.16 s for the text and 0.25 s to parse it, on a loaded machine.
 */
async function snapshotsOf(db: Db, organizationId: string, targetId: string, engine: Engine) {
  const { rows } = await sql<{ kind: 'settings' | 'access' | 'schema'; ts: string | null; items: string | null; first_ts: string | null }>`
    select k.kind, ${isoOf(sql.ref('s.ts'))} as ts, s.items::text as items,
           (select ${isoOf(sql`min(f.ts)`)} from snapshots f where f.organization_id = ${organizationId} and f.target_id = ${targetId} and f.kind = 'schema') as first_ts
      from unnest(array['settings', 'access', 'schema']::text[]) k(kind)
      left join lateral (
        select ts, items from snapshots
         where organization_id = ${organizationId} and target_id = ${targetId} and kind = k.kind
         order by ts desc limit 1) s on true`.execute(db);
  const of = (kind: 'settings' | 'access' | 'schema'): HealthSnapshot | null => {
    const r = rows.find((x) => x.kind === kind);
    if (!r?.ts) return null;
    const items = Object.values(JSON.parse(r.items ?? '{}') as Record<string, HealthItem>);
    return { ts: r.ts, items: kind === 'schema' ? items.filter((i) => schemaItemNeeded(engine, i)) : items };
  };
  return { settings: of('settings'), access: of('access'), schema: of('schema'), observedSince: rows[0]?.first_ts ?? null };
}

/**
 * The series the engine's rules read (HEALTH_NEEDS: names and families; a 5,000-table target stores 75,000 series, of
 * which the rules read 20,000) with their last value, and for delta series the sum of the window's deltas. The sums are
 * read one delta metric at a time (a lateral join on metric = m.metric): the primary key's (organization, target,
 * metric, labels_key, ts) then bounds each scan. With `metric = any(…)` the planner kept metric as a filter over every
 * point of the target in the window (300,000 on the bench: 0.35–0.85 s on a loaded machine, against 0.1 ms).
 */
async function seriesOf(db: Db, organizationId: string, targetId: string, engine: Engine, from: Date, to: Date): Promise<HealthSeries[]> {
  const wanted = HEALTH_NEEDS[engine].series;
  const exact = wanted.filter((m) => !m.endsWith('.'));
  const families = wanted.filter((m) => m.endsWith('.'));
  const { rows } = await sql<{ metric: string; labels_key: string; labels: Record<string, string>; kind: 'gauge' | 'delta'; last_value: number; last_ts: string; first_ts: string }>`
    select metric, labels_key, labels, kind, last_value, ${isoOf(sql.ref('last_ts'))} as last_ts, ${isoOf(sql.ref('first_ts'))} as first_ts
      from metric_series
     where organization_id = ${organizationId} and target_id = ${targetId}
       and (metric = any(${exact}::text[]) or exists (select 1 from unnest(${families}::text[]) f(prefix) where starts_with(metric, f.prefix)))
     order by metric, labels_key`.execute(db);
  const deltas = [...new Set(rows.filter((r) => r.kind === 'delta').map((r) => r.metric))];
  const sums = new Map<string, number>();
  if (deltas.length > 0) {
    const { rows: summed } = await sql<{ metric: string; labels_key: string; window_sum: number }>`
      select m.metric, p.labels_key, p.window_sum
        from unnest(${deltas}::text[]) m(metric)
        cross join lateral (
          select labels_key, sum(value)::float8 as window_sum
            from metric_points
           where organization_id = ${organizationId} and target_id = ${targetId} and metric = m.metric and ts >= ${from} and ts <= ${to}
           group by labels_key) p`.execute(db);
    for (const r of summed) sums.set(`${r.metric}\u0000${r.labels_key}`, Number(r.window_sum));
  }
  return rows.map((r) => ({
    metric: r.metric,
    labels: r.labels,
    kind: r.kind,
    value: Number(r.last_value),
    ts: r.last_ts,
    firstTs: r.first_ts,
    windowSum: r.kind === 'delta' ? (sums.get(`${r.metric}\u0000${r.labels_key}`) ?? null) : null,
  }));
}

/**
 * The window's runtime snapshots, reduced in the database to what transient-activity rules read: sessions running
 * (or idle in transaction) for HEALTH_MIN_SESSION_SECONDS or more or blocked, every lock wait, connections, replicas.
 */
async function activityOf(db: Db, organizationId: string, targetId: string, from: Date, to: Date): Promise<HealthActivitySample[]> {
  const { rows } = await sql<{ ts: Date; sessions: HealthActivitySample['sessions']; lock_waits: HealthActivitySample['lockWaits']; connections: HealthActivitySample['connections']; replication: HealthActivitySample['replication'] }>`
    select a.ts,
           coalesce((select jsonb_agg(s) from jsonb_array_elements(a.sessions) s
                      where coalesce((s->>'durationSeconds')::float8, 0) >= ${HEALTH_MIN_SESSION_SECONDS}
                         or coalesce((s->>'transactionSeconds')::float8, 0) >= ${HEALTH_MIN_SESSION_SECONDS}
                         or jsonb_array_length(coalesce(s->'blockedBy', '[]'::jsonb)) > 0), '[]'::jsonb) as sessions,
           a.lock_waits, a.connections, a.replication
      from activity_snapshots a
     where a.organization_id = ${organizationId} and a.target_id = ${targetId} and a.ts >= ${from} and a.ts <= ${to}
     order by a.ts`.execute(db);
  return rows.map((r) => ({ ts: iso(r.ts), sessions: r.sessions ?? [], lockWaits: r.lock_waits ?? [], connections: r.connections ?? null, replication: r.replication ?? [] }));
}

async function statementsOf(db: Db, organizationId: string, targetId: string, from: Date, to: Date): Promise<HealthStatement[]> {
  const { rows } = await sql<{ fingerprint: string; database_name: string | null; query_text: string | null; calls: number; total_time_ms: number; rows: number; blocks_hit: number; blocks_read: number; no_index_used: number | null; full_scans: number | null }>`
    select s.fingerprint, q.database_name, q.query_text, sum(s.calls)::float8 as calls, sum(s.total_time_ms)::float8 as total_time_ms,
           sum(s.rows)::float8 as rows, sum(s.blocks_hit)::float8 as blocks_hit, sum(s.blocks_read)::float8 as blocks_read,
           sum(s.no_index_used)::float8 as no_index_used, sum(s.full_scans)::float8 as full_scans
      from query_stats s
      left join queries q on q.organization_id = s.organization_id and q.target_id = s.target_id and q.fingerprint = s.fingerprint
     where s.organization_id = ${organizationId} and s.target_id = ${targetId} and s.ts >= ${from} and s.ts <= ${to}
     group by s.fingerprint, q.database_name, q.query_text
     order by sum(s.total_time_ms) desc
     limit ${HEALTH_MAX_STATEMENTS}`.execute(db);
  const orNull = (v: number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    database: r.database_name,
    text: r.query_text,
    calls: Number(r.calls),
    totalTimeMs: Number(r.total_time_ms),
    rows: Number(r.rows),
    blocksHit: Number(r.blocks_hit),
    blocksRead: Number(r.blocks_read),
    noIndexUsed: orNull(r.no_index_used),
    fullScans: orNull(r.full_scans),
  }));
}

/**
 * A payload's `errors`, read from the end of its JSON: the agent's envelope writes them last, after `data`, which may be
 * megabytes of schema; only the tail is decoded and parsed. Falls back to parsing the whole body when the tail is not
 * `"errors":[…]}` (another writer's key order).
 */
export function errorsOfBody(body: string | Buffer): unknown[] {
  const at = body.lastIndexOf('"errors":');
  if (at >= 0) {
    try {
      const start = at + '"errors":'.length;
      const end = body.lastIndexOf('}');
      const tail = typeof body === 'string' ? body.slice(start, end) : body.subarray(start, end).toString('utf8');
      const v = JSON.parse(tail) as unknown;
      if (Array.isArray(v)) return v;
    } catch {
      // not the envelope's last key: parse the whole body below
    }
  }
  const parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as { errors?: unknown } | null;
  return Array.isArray(parsed?.errors) ? parsed.errors : [];
}

/**
 * The errors the agent reported with the latest stored payload of each category (a missing privilege, a blocked
 * command): one index probe per category (payloads_target_idx backwards), not a sort of every payload of the target.
 */
async function collectorErrorsOf(db: Db, organizationId: string, targetId: string): Promise<HealthCollectorError[]> {
  const rows = await sql<{ body_raw: Uint8Array; body_encoding: 'gzip' | 'identity' }>`
    select p.body_raw, p.body_encoding
      from unnest(${[...CATEGORIES]}::text[]) c(category)
      cross join lateral (
        select body_raw, body_encoding from payloads
         where organization_id = ${organizationId} and target_id = ${targetId} and category = c.category
           and kind = 'collection' and status = 'stored'
         order by collected_at desc limit 1) p`.execute(db);
  const out: HealthCollectorError[] = [];
  for (const r of rows.rows) {
    for (const e of errorsOfBody(await readPayloadBytes(r))) {
      if (e && typeof e === 'object' && typeof (e as { collector?: unknown }).collector === 'string') {
        const x = e as { collector: string; message?: unknown; code?: unknown };
        out.push({ collector: x.collector, message: String(x.message ?? ''), code: typeof x.code === 'string' ? x.code : undefined });
      }
    }
  }
  return out;
}

/** The host facts rules may use: only for a target declared co-located with its agent, or with its RAM configured. */
async function hostOf(db: Db, organizationId: string, targetId: string, agentId: string | null): Promise<HealthInput['host']> {
  const t = await db.selectFrom('health_targets').select(['colocated', 'memory_bytes']).where('organization_id', '=', organizationId).where('target_id', '=', targetId).executeTakeFirst();
  if (!t) return null;
  if (t.memory_bytes !== null) return { colocated: t.colocated, memoryBytes: Number(t.memory_bytes) };
  if (!t.colocated || !agentId) return { colocated: t.colocated, memoryBytes: null };
  const agent = await db.selectFrom('agents').select('facts').where('organization_id', '=', organizationId).where('agent_id', '=', agentId).executeTakeFirst();
  const mem = (agent?.facts as { memoryTotalBytes?: unknown } | undefined)?.memoryTotalBytes;
  return { colocated: true, memoryBytes: typeof mem === 'number' ? mem : null };
}

/** Whether the target is known to the store, with its engine. */
export async function healthTarget(db: Db, organizationId: string, targetId: string) {
  return db.selectFrom('targets').select(['engine', 'version', 'agent_id']).where('organization_id', '=', organizationId).where('target_id', '=', targetId).executeTakeFirst();
}

/**
 * Everything a health report of one target reads, from the store's tables: the latest settings, access and schema
 * snapshots (the schema's narrowed to what the rules read), the series the rules read (latest values; window sums of
 * deltas), the window's runtime snapshots and statements, the agent's latest collector errors and the host facts the
 * target is allowed to use. Null for an unknown target. What the rules read is declared in HEALTH_NEEDS (schema/src/
 * health/needs.ts), which the evaluator enforces.
 */
export async function loadHealthInput(db: Db, organizationId: string, targetId: string, now: Date, windowHours: number): Promise<HealthInput | null> {
  const target = await healthTarget(db, organizationId, targetId);
  if (!target) return null;
  const from = new Date(now.getTime() - windowHours * 3_600_000);
  const engine = target.engine as Engine;
  const [snapshots, series, activity, statements, errors, host] = await Promise.all([
    snapshotsOf(db, organizationId, targetId, engine),
    seriesOf(db, organizationId, targetId, engine, from, now),
    activityOf(db, organizationId, targetId, from, now),
    statementsOf(db, organizationId, targetId, from, now),
    collectorErrorsOf(db, organizationId, targetId),
    hostOf(db, organizationId, targetId, target.agent_id),
  ]);
  const { settings, access, schema, observedSince } = snapshots;
  return {
    organizationId,
    targetId,
    engine,
    version: target.version,
    now: now.toISOString(),
    windowHours,
    settings,
    access,
    schema,
    observedSince,
    series,
    activity,
    statements,
    errors,
    host,
  };
}
