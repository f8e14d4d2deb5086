import { sql } from 'kysely';
import type { Db } from '../db';

export const TOP_ORDER = { totalTime: 'total_time_ms', calls: 'calls', meanTime: 'mean_time_ms', rows: 'rows' } as const;
export type TopOrder = keyof typeof TOP_ORDER;

export interface TopQueryRow {
  fingerprint: string;
  calls: number;
  total_time_ms: number;
  mean_time_ms: number;
  rows: number;
  blocks_hit: number;
  blocks_read: number;
  rows_examined: number | null;
  no_index_used: number | null;
  full_scans: number | null;
  full_joins: number | null;
  tmp_disk_tables: number | null;
  /** The time of every statement of the target in the range, for each statement's share of it. */
  all_time_ms: number;
  query_text: string | null;
  database_name: string | null;
}

/** Statements ranked over a range; the ORDER BY column comes from a fixed map, never from the request. */
export async function topQueries(db: Db, w: { organizationId: string; targetId: string; from: Date; to: Date }, order: TopOrder, limit: number, offset: number): Promise<TopQueryRow[]> {
  const column = sql.ref(TOP_ORDER[order]);
  const { rows } = await sql<TopQueryRow>`
    with agg as (
      select fingerprint, sum(calls) as calls, sum(total_time_ms) as total_time_ms,
             sum(total_time_ms) / nullif(sum(calls), 0) as mean_time_ms, sum(rows) as rows,
             sum(blocks_hit) as blocks_hit, sum(blocks_read) as blocks_read, sum(rows_examined) as rows_examined,
             sum(no_index_used) as no_index_used, sum(full_scans) as full_scans, sum(full_joins) as full_joins, sum(tmp_disk_tables) as tmp_disk_tables,
             sum(sum(total_time_ms)) over () as all_time_ms
        from query_stats
       where organization_id = ${w.organizationId} and target_id = ${w.targetId} and ts >= ${w.from} and ts < ${w.to}
       group by fingerprint
    )
    select agg.*, q.query_text, q.database_name
      from agg join queries q on q.organization_id = ${w.organizationId} and q.target_id = ${w.targetId} and q.fingerprint = agg.fingerprint
     order by ${column} desc nulls last, agg.fingerprint
     limit ${limit} offset ${offset}`.execute(db);
  return rows;
}

export async function findQuery(db: Db, organizationId: string, targetId: string, fingerprint: string) {
  return db
    .selectFrom('queries')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
}

export async function queryBuckets(db: Db, w: { organizationId: string; targetId: string; fingerprint: string; from: Date; to: Date }, stepSeconds: number) {
  const { rows } = await sql<{ bucket: Date; calls: number; total_time_ms: number; rows: number; blocks_hit: number; blocks_read: number }>`
    select to_timestamp(floor(extract(epoch from ts) / ${stepSeconds}) * ${stepSeconds}) as bucket,
           sum(calls) as calls, sum(total_time_ms) as total_time_ms, sum(rows) as rows, sum(blocks_hit) as blocks_hit, sum(blocks_read) as blocks_read
      from query_stats
     where organization_id = ${w.organizationId} and target_id = ${w.targetId} and fingerprint = ${w.fingerprint} and ts >= ${w.from} and ts < ${w.to}
     group by 1 order by 1`.execute(db);
  return rows;
}
