import { sql } from 'kysely';
import type { Db } from '../db';
import type { ActivitySnapshotRow } from './activity.tables';

/** How far back "sessions at t" looks for the snapshot taken at or before t. */
export const SNAPSHOT_LOOKBACK_MS = 5 * 60_000;

/** The snapshot taken at or before `at` (within SNAPSHOT_LOOKBACK_MS), its JSON columns typed with their views. */
export async function snapshotAt(db: Db, organizationId: string, targetId: string, at: Date): Promise<ActivitySnapshotRow | undefined> {
  return db
    .selectFrom('activity_snapshots')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('ts', '<=', at)
    .where('ts', '>', new Date(at.getTime() - SNAPSHOT_LOOKBACK_MS))
    .orderBy('ts', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface WaitRow {
  wait_type: string;
  wait: string;
  samples: number;
}

/**
 * Sampled wait events over a range: every active or waiting session of every snapshot counts once, so a wait seen
 * in many snapshots weighs as much as the time it lasted. Sessions running without a wait count as CPU.
 */
export async function waitBreakdown(db: Db, organizationId: string, targetId: string, from: Date, to: Date): Promise<{ snapshots: number; waits: WaitRow[] }> {
  const scope = sql`a.organization_id = ${organizationId} and a.target_id = ${targetId} and a.ts >= ${from} and a.ts < ${to}`;
  const waits = await sql<WaitRow>`select coalesce(s->>'waitType', 'CPU') as wait_type, coalesce(s->>'wait', 'running') as wait, count(*)::int as samples
      from activity_snapshots a, jsonb_array_elements(a.sessions) s
     where ${scope} and (s->>'state' = 'active' or s->>'waitType' = 'Lock')
     group by 1, 2 order by 3 desc, 1, 2`.execute(db);
  const n = await sql<{ n: number }>`select count(*)::int as n from activity_snapshots a where ${scope}`.execute(db);
  return { snapshots: n.rows[0]?.n ?? 0, waits: waits.rows };
}

export interface WaitBucketRow {
  /** 0 for the bucket starting at `from`, 1 for the next… */
  bucket: number;
  snapshots: number;
  waits: Array<{ waitType: string; wait: string; samples: number }>;
}

/**
 * The same sampled breakdown per bucket of `stepSeconds` from `from` (the last one ends at `to`), every bucket of the
 * range included, in one statement: bucket i holds exactly what waitBreakdown would count from from + i·step to
 * from + (i + 1)·step, so the buckets add up to the range's breakdown.
 */
export async function waitBreakdownBuckets(db: Db, organizationId: string, targetId: string, from: Date, to: Date, stepSeconds: number): Promise<WaitBucketRow[]> {
  const count = bucketCount(from, to, stepSeconds);
  const { rows } = await sql<WaitBucketRow>`with snaps as (
      select floor(extract(epoch from a.ts - ${from}::timestamptz) / ${stepSeconds}::int)::int as bucket, a.sessions
        from activity_snapshots a
       where a.organization_id = ${organizationId} and a.target_id = ${targetId} and a.ts >= ${from} and a.ts < ${to}
    ), counts as (
      select bucket, count(*)::int as n from snaps group by bucket
    ), waits as (
      select bucket, jsonb_agg(jsonb_build_object('waitType', wait_type, 'wait', wait, 'samples', samples) order by samples desc, wait_type, wait) as waits
        from (select bucket, coalesce(s->>'waitType', 'CPU') as wait_type, coalesce(s->>'wait', 'running') as wait, count(*)::int as samples
                from snaps, jsonb_array_elements(snaps.sessions) s
               where s->>'state' = 'active' or s->>'waitType' = 'Lock'
               group by 1, 2, 3) w
       group by bucket
    )
    select g.bucket, coalesce(c.n, 0) as snapshots, coalesce(w.waits, '[]'::jsonb) as waits
      from generate_series(0, ${count - 1}::int) g(bucket)
      left join counts c on c.bucket = g.bucket
      left join waits w on w.bucket = g.bucket
     order by g.bucket`.execute(db);
  return rows;
}

/** How many buckets of `stepSeconds` cover from…to (the last one may be shorter). */
export function bucketCount(from: Date, to: Date, stepSeconds: number): number {
  return Math.ceil((to.getTime() - from.getTime()) / (stepSeconds * 1000));
}
