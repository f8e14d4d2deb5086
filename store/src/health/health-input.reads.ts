import { sql } from 'kysely';
import type { Engine } from '@logstag/schema';
import type { HealthActivitySample, HealthCollectorError, HealthInput, HealthItem, HealthSeries, HealthSnapshot, HealthStatement } from '@logstag/schema/health';
import type { Db } from '../db';
import { readPayloadText } from '../payloads/payload-body';
import { latestSnapshot } from '../snapshots/snapshots.reads';
import type { StoredItems } from '../snapshots/snapshots.tables';

/** Sessions shorter than this (and not blocked) are left out of the runtime samples a report reads: no rule looks at them. */
export const HEALTH_MIN_SESSION_SECONDS = 5;
/** The statements a report reads: the most expensive of the window. */
export const HEALTH_MAX_STATEMENTS = 2_000;

const iso = (d: Date | string): string => new Date(d).toISOString();

async function snapshotOf(db: Db, organizationId: string, targetId: string, kind: 'settings' | 'access' | 'schema'): Promise<HealthSnapshot | null> {
  const row = await latestSnapshot(db, organizationId, targetId, kind);
  if (!row) return null;
  return { ts: iso(row.ts), items: Object.values(row.items as StoredItems) as HealthItem[] };
}

/**
 * Every stored series of the target with its last value, and for delta series the sum of the window's deltas. Two
 * statements: the series (one index range), then the window's points of the delta series only, summed.
 */
async function seriesOf(db: Db, organizationId: string, targetId: string, from: Date, to: Date): Promise<HealthSeries[]> {
  const { rows } = await sql<{ metric: string; labels_key: string; labels: Record<string, string>; kind: 'gauge' | 'delta'; last_value: number; last_ts: Date; first_ts: Date }>`
    select metric, labels_key, labels, kind, last_value, last_ts, first_ts
      from metric_series
     where organization_id = ${organizationId} and target_id = ${targetId}`.execute(db);
  const deltas = rows.filter((r) => r.kind === 'delta');
  const sums = new Map<string, number>();
  if (deltas.length > 0) {
    const metrics = [...new Set(deltas.map((r) => r.metric))];
    const { rows: summed } = await sql<{ metric: string; labels_key: string; window_sum: number }>`
      select metric, labels_key, sum(value)::float8 as window_sum
        from metric_points
       where organization_id = ${organizationId} and target_id = ${targetId} and ts >= ${from} and ts <= ${to}
         and metric = any(${metrics}::text[])
       group by metric, labels_key`.execute(db);
    for (const s of summed) sums.set(`${s.metric}\u0000${s.labels_key}`, Number(s.window_sum));
  }
  return rows.map((r) => ({
    metric: r.metric,
    labels: r.labels,
    kind: r.kind,
    value: Number(r.last_value),
    ts: iso(r.last_ts),
    firstTs: iso(r.first_ts),
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
 * megabytes of schema; parsing only the tail spares parsing all of it. Falls back to parsing the whole body when the
 * tail is not `"errors":[…]}` (another writer's key order).
 */
export function errorsOfBody(text: string): unknown[] {
  const at = text.lastIndexOf('"errors":');
  if (at >= 0) {
    try {
      const tail = text.slice(at + '"errors":'.length, text.lastIndexOf('}'));
      const v = JSON.parse(tail) as unknown;
      if (Array.isArray(v)) return v;
    } catch {
      // not the envelope's last key: parse the whole body below
    }
  }
  const body = JSON.parse(text) as { errors?: unknown } | null;
  return Array.isArray(body?.errors) ? body.errors : [];
}

/** The errors the agent reported with the latest stored payload of each category (a missing privilege, a blocked command). */
async function collectorErrorsOf(db: Db, organizationId: string, targetId: string): Promise<HealthCollectorError[]> {
  const rows = await sql<{ body_raw: Uint8Array; body_encoding: 'gzip' | 'identity' }>`
    select distinct on (category) body_raw, body_encoding
      from payloads
     where organization_id = ${organizationId} and target_id = ${targetId} and kind = 'collection' and status = 'stored'
     order by category, collected_at desc`.execute(db);
  const out: HealthCollectorError[] = [];
  for (const r of rows.rows) {
    for (const e of errorsOfBody(await readPayloadText(r))) {
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
 * snapshots, every series (latest values; window sums of deltas), the window's runtime snapshots and statements, the
 * agent's latest collector errors and the host facts the target is allowed to use. Null for an unknown target.
 */
export async function loadHealthInput(db: Db, organizationId: string, targetId: string, now: Date, windowHours: number): Promise<HealthInput | null> {
  const target = await healthTarget(db, organizationId, targetId);
  if (!target) return null;
  const from = new Date(now.getTime() - windowHours * 3_600_000);
  const [settings, access, schema, first, series, activity, statements, errors, host] = await Promise.all([
    snapshotOf(db, organizationId, targetId, 'settings'),
    snapshotOf(db, organizationId, targetId, 'access'),
    snapshotOf(db, organizationId, targetId, 'schema'),
    db.selectFrom('snapshots').select((eb) => eb.fn.min('ts').as('ts')).where('organization_id', '=', organizationId).where('target_id', '=', targetId).where('kind', '=', 'schema').executeTakeFirst(),
    seriesOf(db, organizationId, targetId, from, now),
    activityOf(db, organizationId, targetId, from, now),
    statementsOf(db, organizationId, targetId, from, now),
    collectorErrorsOf(db, organizationId, targetId),
    hostOf(db, organizationId, targetId, target.agent_id),
  ]);
  return {
    organizationId,
    targetId,
    engine: target.engine as Engine,
    version: target.version,
    now: now.toISOString(),
    windowHours,
    settings,
    access,
    schema,
    observedSince: first?.ts ? iso(first.ts) : null,
    series,
    activity,
    statements,
    errors,
    host,
  };
}
