import { sql } from 'kysely';
import type { Db } from '../db';
import { USER_STAT_COLUMNS, type UserStatColumn } from './queries.writes';

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
  temp_blks_read: number | null;
  temp_blks_written: number | null;
  blk_read_time_ms: number | null;
  blk_write_time_ms: number | null;
  /** Squared execution times summed, and the calls and time of the rows that carry them (the standard deviation's inputs). */
  exec_time_sq: number | null;
  sq_calls: number | null;
  sq_time_ms: number | null;
  /** Total time per sparkline bucket (bucket index → ms); buckets without a run are absent. */
  spark: Record<string, number>;
  /** The time of every statement of the target in the range: each statement's share of it (filters do not change it). */
  all_time_ms: number;
  query_text: string | null;
  database_name: string | null;
  monitoring: boolean;
}

export interface TopQueryFilter {
  /** Words of the statement text (case-insensitive substring). */
  search?: string | undefined;
  database?: string | undefined;
  /** Include statements that only read catalogs (the agent's own among them); hidden by default. */
  includeMonitoring?: boolean | undefined;
  /**
   * Only this user's runs (PostgreSQL roles): the statements it ran, each with its counters for that user alone
   * (query_stats.by_user). Engines without users have none, so nothing matches.
   */
  user?: string | undefined;
  /** Only these statements (e.g. those seen running under an application); an empty list matches none. */
  fingerprints?: readonly string[] | undefined;
}

/** A counter of a query_stats row: the statement's own, or one user's share of it (by_user, USER_STAT_COLUMNS order). */
function counter(column: UserStatColumn, user: string | undefined) {
  if (user === undefined) return sql.ref(column);
  return sql`(by_user -> ${user} ->> ${USER_STAT_COLUMNS.indexOf(column)}::int)::float8`;
}

/** Buckets of a statement's sparkline over the range. */
export const SPARK_BUCKETS = 12;

/** `%text%` for ILIKE with the pattern characters of the text taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Statements ranked over a range, each with its total time per sparkline bucket, in one pass over the range's stats;
 * the ORDER BY column comes from a fixed map, never from the request. Filters apply to the statements, not to the
 * total time each one's share is taken of.
 */
export async function topQueries(
  db: Db,
  w: { organizationId: string; targetId: string; from: Date; to: Date },
  order: TopOrder,
  limit: number,
  offset: number,
  filter: TopQueryFilter = {},
): Promise<TopQueryRow[]> {
  const column = sql.ref(TOP_ORDER[order]);
  const step = Math.max(1, Math.ceil((w.to.getTime() - w.from.getTime()) / 1000 / SPARK_BUCKETS));
  const user = filter.user;
  const conditions = [
    ...(filter.includeMonitoring ? [] : [sql`not q.monitoring`]),
    ...(filter.database !== undefined ? [sql`q.database_name = ${filter.database}`] : []),
    ...(filter.search ? [sql`q.query_text ilike ${containing(filter.search)}`] : []),
    // A statement the user never ran in the range has no share: its calls are null.
    ...(user !== undefined ? [sql`q.users @> jsonb_build_array(${user}::text)`, sql`agg.calls is not null`] : []),
    ...(filter.fingerprints !== undefined ? [sql`agg.fingerprint = any(${[...filter.fingerprints]}::text[])`] : []),
  ];
  const where = conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const c = (column: UserStatColumn) => counter(column, user);
  // With a user filter the MySQL-only scan counters have no per-user share: null.
  const scan = (column: string) => (user === undefined ? sql`sum(${sql.ref(column)})` : sql`null::float8`);
  const { rows } = await sql<TopQueryRow>`
    with buckets as (
      select fingerprint, floor(extract(epoch from ts - ${w.from}::timestamptz) / ${step}::int)::int as bucket,
             sum(${c('calls')}) as calls, sum(${c('total_time_ms')}) as total_time_ms, sum(${c('rows')}) as rows,
             sum(${c('blocks_hit')}) as blocks_hit, sum(${c('blocks_read')}) as blocks_read, ${scan('rows_examined')} as rows_examined,
             ${scan('no_index_used')} as no_index_used, ${scan('full_scans')} as full_scans, ${scan('full_joins')} as full_joins, ${scan('tmp_disk_tables')} as tmp_disk_tables,
             sum(${c('temp_blks_read')}) as temp_blks_read, sum(${c('temp_blks_written')}) as temp_blks_written,
             sum(${c('blk_read_time_ms')}) as blk_read_time_ms, sum(${c('blk_write_time_ms')}) as blk_write_time_ms, sum(${c('exec_time_sq')}) as exec_time_sq,
             sum(${c('calls')}) filter (where ${c('exec_time_sq')} is not null) as sq_calls, sum(${c('total_time_ms')}) filter (where ${c('exec_time_sq')} is not null) as sq_time_ms,
             sum(total_time_ms) as statement_time_ms
        from query_stats
       where organization_id = ${w.organizationId} and target_id = ${w.targetId} and ts >= ${w.from} and ts < ${w.to}
       group by 1, 2
    ), agg as (
      select fingerprint, sum(calls) as calls, sum(total_time_ms) as total_time_ms,
             sum(total_time_ms) / nullif(sum(calls), 0) as mean_time_ms, sum(rows) as rows,
             sum(blocks_hit) as blocks_hit, sum(blocks_read) as blocks_read, sum(rows_examined) as rows_examined,
             sum(no_index_used) as no_index_used, sum(full_scans) as full_scans, sum(full_joins) as full_joins, sum(tmp_disk_tables) as tmp_disk_tables,
             sum(temp_blks_read) as temp_blks_read, sum(temp_blks_written) as temp_blks_written,
             sum(blk_read_time_ms) as blk_read_time_ms, sum(blk_write_time_ms) as blk_write_time_ms, sum(exec_time_sq) as exec_time_sq,
             sum(sq_calls) as sq_calls, sum(sq_time_ms) as sq_time_ms,
             jsonb_object_agg(bucket, total_time_ms) filter (where total_time_ms is not null) as spark,
             sum(sum(statement_time_ms)) over () as all_time_ms
        from buckets
       group by fingerprint
    )
    select agg.fingerprint, agg.calls, agg.total_time_ms, agg.mean_time_ms, agg.rows, agg.blocks_hit, agg.blocks_read, agg.rows_examined,
           agg.no_index_used, agg.full_scans, agg.full_joins, agg.tmp_disk_tables, agg.temp_blks_read, agg.temp_blks_written,
           agg.blk_read_time_ms, agg.blk_write_time_ms, agg.exec_time_sq, agg.sq_calls, agg.sq_time_ms,
           coalesce(agg.spark, '{}'::jsonb) as spark, agg.all_time_ms, q.query_text, q.database_name, q.monitoring
      from agg join queries q on q.organization_id = ${w.organizationId} and q.target_id = ${w.targetId} and q.fingerprint = agg.fingerprint
     ${where}
     order by ${column} desc nulls last, agg.fingerprint
     limit ${limit} offset ${offset}`.execute(db);
  return rows;
}

/** The databases of a target's statements seen in a range, and how many of them are monitoring statements. */
export async function queryDatabases(db: Db, w: { organizationId: string; targetId: string; from: Date; to: Date }): Promise<Array<{ database_name: string | null; statements: number; monitoring: number }>> {
  const { rows } = await sql<{ database_name: string | null; statements: number; monitoring: number }>`
    select database_name, count(*)::int as statements, (count(*) filter (where monitoring))::int as monitoring
      from queries
     where organization_id = ${w.organizationId} and target_id = ${w.targetId} and last_seen >= ${w.from} and first_seen < ${w.to}
     group by database_name
     order by database_name nulls last`.execute(db);
  return rows;
}

/** The users seen running a target's statements in a range (PostgreSQL roles), and how many statements each ran. */
export async function queryUsers(db: Db, w: { organizationId: string; targetId: string; from: Date; to: Date }): Promise<Array<{ user_name: string; statements: number }>> {
  const { rows } = await sql<{ user_name: string; statements: number }>`
    select u.user_name, count(*)::int as statements
      from queries q cross join lateral jsonb_array_elements_text(q.users) as u(user_name)
     where q.organization_id = ${w.organizationId} and q.target_id = ${w.targetId} and q.last_seen >= ${w.from} and q.first_seen < ${w.to}
       and q.users is not null
     group by u.user_name
     order by u.user_name collate "C"`.execute(db);
  return rows;
}

/** One statement's calls, time and rows per user over a range (PostgreSQL: query_stats.by_user), the most time first. */
export async function queryUserTotals(
  db: Db,
  w: { organizationId: string; targetId: string; fingerprint: string; from: Date; to: Date },
): Promise<Array<{ user_name: string; calls: number; total_time_ms: number; rows: number }>> {
  const at = (column: UserStatColumn) => USER_STAT_COLUMNS.indexOf(column);
  const { rows } = await sql<{ user_name: string; calls: number; total_time_ms: number; rows: number }>`
    select u.key as user_name, sum((u.value ->> ${at('calls')}::int)::float8) as calls,
           sum((u.value ->> ${at('total_time_ms')}::int)::float8) as total_time_ms, sum((u.value ->> ${at('rows')}::int)::float8) as rows
      from query_stats s cross join lateral jsonb_each(s.by_user) as u(key, value)
     where s.organization_id = ${w.organizationId} and s.target_id = ${w.targetId} and s.fingerprint = ${w.fingerprint}
       and s.ts >= ${w.from} and s.ts < ${w.to} and s.by_user is not null
     group by u.key
     order by total_time_ms desc, u.key collate "C"`.execute(db);
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

/**
 * The population standard deviation of execution times from the sum of their squares, the calls and the total time
 * of the same rows (pg_stat_statements' stddev and mean turned into a counter by the agent); null without them.
 */
export function stddevMs(sumSquares: number | null | undefined, calls: number | null | undefined, totalMs: number | null | undefined): number | null {
  if (sumSquares === null || sumSquares === undefined || !calls || totalMs === null || totalMs === undefined) return null;
  const mean = totalMs / calls;
  return Math.sqrt(Math.max(0, sumSquares / calls - mean * mean));
}

export interface QueryBucketRow {
  bucket: Date;
  calls: number;
  total_time_ms: number;
  rows: number;
  blocks_hit: number;
  blocks_read: number;
  temp_blks_written: number | null;
  blk_read_time_ms: number | null;
  rows_examined: number | null;
  no_index_used: number | null;
  exec_time_sq: number | null;
  sq_calls: number | null;
  sq_time_ms: number | null;
}

export async function queryBuckets(db: Db, w: { organizationId: string; targetId: string; fingerprint: string; from: Date; to: Date }, stepSeconds: number): Promise<QueryBucketRow[]> {
  const { rows } = await sql<QueryBucketRow>`
    select to_timestamp(floor(extract(epoch from ts) / ${stepSeconds}) * ${stepSeconds}) as bucket,
           sum(calls) as calls, sum(total_time_ms) as total_time_ms, sum(rows) as rows, sum(blocks_hit) as blocks_hit, sum(blocks_read) as blocks_read,
           sum(temp_blks_written) as temp_blks_written, sum(blk_read_time_ms) as blk_read_time_ms, sum(rows_examined) as rows_examined,
           sum(no_index_used) as no_index_used, sum(exec_time_sq) as exec_time_sq,
           sum(calls) filter (where exec_time_sq is not null) as sq_calls, sum(total_time_ms) filter (where exec_time_sq is not null) as sq_time_ms
      from query_stats
     where organization_id = ${w.organizationId} and target_id = ${w.targetId} and fingerprint = ${w.fingerprint} and ts >= ${w.from} and ts < ${w.to}
     group by 1 order by 1`.execute(db);
  return rows;
}
