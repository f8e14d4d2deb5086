import { sql, type Transaction } from 'kysely';
import { bulkInsert, type BulkColumn } from '../bulk-insert';
import type { Database } from '../database';
import { rowKey, valuesByKey } from '../lock-order';
import { isMonitoringStatement } from './monitoring-statements';

/** One statement's counters over the collection interval (deltas), with its normalized text. */
export interface QueryStat {
  fingerprint: string;
  database: string | null;
  text: string | null;
  calls: number;
  totalTimeMs: number;
  rows: number;
  blocksHit: number;
  blocksRead: number;
  /** Full-scan counters of engines that have them (MySQL/MariaDB digests). */
  scans?: StatementScans;
  /** Temporary-file and I/O-time counters and squared execution times of engines that have them (PostgreSQL). */
  io?: StatementIo;
  /** The same counters per user (PostgreSQL: pg_stat_statements is per role); absent where the engine has none. */
  byUser?: Readonly<Record<string, UserStatementStats>>;
}

/** One user's share of a statement's counters over the interval. */
export interface UserStatementStats extends StatementIo {
  calls: number;
  totalTimeMs: number;
  rows: number;
  blocksHit: number;
  blocksRead: number;
}

/**
 * The query_stats columns a user's share has, in the order of the array stored per user in query_stats.by_user
 * (`{"<user>": [calls, total_time_ms, …]}`: an array, not an object, as it is stored for every statement every minute).
 */
export const USER_STAT_COLUMNS = ['calls', 'total_time_ms', 'rows', 'blocks_hit', 'blocks_read', 'temp_blks_read', 'temp_blks_written', 'blk_read_time_ms', 'blk_write_time_ms', 'exec_time_sq'] as const;
export type UserStatColumn = (typeof USER_STAT_COLUMNS)[number];

function userStatsArray(u: UserStatementStats): Array<number | null> {
  return [u.calls, u.totalTimeMs, u.rows, u.blocksHit, u.blocksRead, u.tempBlksRead, u.tempBlksWritten, u.blkReadTimeMs, u.blkWriteTimeMs, u.execTimeSq];
}

function byUserJson(byUser: Readonly<Record<string, UserStatementStats>> | undefined): string | null {
  if (!byUser) return null;
  const entries = Object.entries(byUser);
  return entries.length ? JSON.stringify(Object.fromEntries(entries.map(([user, u]) => [user, userStatsArray(u)]))) : null;
}

/** What pg_stat_statements says about a statement's I/O and the spread of its execution times, over the interval. */
export interface StatementIo {
  tempBlksRead: number | null;
  tempBlksWritten: number | null;
  blkReadTimeMs: number | null;
  blkWriteTimeMs: number | null;
  /** The sum of squared execution times (ms²): with calls and total time, the standard deviation over any range. */
  execTimeSq: number | null;
}

/** What a statement digest says about scanning: MySQL/MariaDB's SUM_ROWS_EXAMINED, SUM_NO_INDEX_USED, … */
export interface StatementScans {
  rowsExamined: number | null;
  noIndexUsed: number | null;
  fullScans: number | null;
  fullJoins: number | null;
  tmpDiskTables: number | null;
}

interface QueryRow {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  engine: string;
  database_name: string | null;
  query_text: string | null;
  monitoring: boolean;
  /** The users seen running it (sorted), or null for engines without users. */
  users: string[] | null;
  first_seen: Date;
  last_seen: Date;
}

interface StatRow {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  /** The collection time as ISO text. */
  ts: string;
  calls: number;
  total_time_ms: number;
  rows: number;
  blocks_hit: number;
  blocks_read: number;
  scans: StatementScans | null;
  io: StatementIo | null;
  /** query_stats.by_user as JSON text. */
  by_user: string | null;
}

const QUERY_COLUMNS: Array<BulkColumn<QueryRow>> = [
  { name: 'organization_id', type: 'text', value: (q) => q.organization_id },
  { name: 'target_id', type: 'text', value: (q) => q.target_id },
  { name: 'fingerprint', type: 'text', value: (q) => q.fingerprint },
  { name: 'engine', type: 'text', value: (q) => q.engine },
  { name: 'database_name', type: 'text', value: (q) => q.database_name },
  { name: 'query_text', type: 'text', value: (q) => q.query_text },
  { name: 'monitoring', type: 'bool', value: (q) => q.monitoring },
  { name: 'users', type: 'jsonb', value: (q) => (q.users ? JSON.stringify(q.users) : null) },
  { name: 'first_seen', type: 'timestamptz', value: (q) => q.first_seen.toISOString() },
  { name: 'last_seen', type: 'timestamptz', value: (q) => q.last_seen.toISOString() },
];

const STAT_COLUMNS: Array<BulkColumn<StatRow>> = [
  { name: 'organization_id', type: 'text', value: (s) => s.organization_id },
  { name: 'target_id', type: 'text', value: (s) => s.target_id },
  { name: 'fingerprint', type: 'text', value: (s) => s.fingerprint },
  { name: 'ts', type: 'timestamptz', value: (s) => s.ts },
  { name: 'calls', type: 'float8', value: (s) => s.calls },
  { name: 'total_time_ms', type: 'float8', value: (s) => s.total_time_ms },
  { name: 'rows', type: 'float8', value: (s) => s.rows },
  { name: 'blocks_hit', type: 'float8', value: (s) => s.blocks_hit },
  { name: 'blocks_read', type: 'float8', value: (s) => s.blocks_read },
  { name: 'rows_examined', type: 'float8', value: (s) => s.scans?.rowsExamined ?? null },
  { name: 'no_index_used', type: 'float8', value: (s) => s.scans?.noIndexUsed ?? null },
  { name: 'full_scans', type: 'float8', value: (s) => s.scans?.fullScans ?? null },
  { name: 'full_joins', type: 'float8', value: (s) => s.scans?.fullJoins ?? null },
  { name: 'tmp_disk_tables', type: 'float8', value: (s) => s.scans?.tmpDiskTables ?? null },
  { name: 'temp_blks_read', type: 'float8', value: (s) => s.io?.tempBlksRead ?? null },
  { name: 'temp_blks_written', type: 'float8', value: (s) => s.io?.tempBlksWritten ?? null },
  { name: 'blk_read_time_ms', type: 'float8', value: (s) => s.io?.blkReadTimeMs ?? null },
  { name: 'blk_write_time_ms', type: 'float8', value: (s) => s.io?.blkWriteTimeMs ?? null },
  { name: 'exec_time_sq', type: 'float8', value: (s) => s.io?.execTimeSq ?? null },
  { name: 'by_user', type: 'jsonb', value: (s) => s.by_user },
];

const mergedUsers = (a: string[] | null, b: string[] | null): string[] | null => (a || b ? [...new Set([...(a ?? []), ...(b ?? [])])].sort() : null);

/**
 * Statement text is stored once per (organization, target, fingerprint); each collection adds one stats row. Collects a
 * batch's statements, each merged as successive upserts in collection order would leave it, and writes each table in
 * one sorted pass (lock-order.ts): the stats with the batch's own rows, the statements with the rows batches share.
 */
export class QueryBatch {
  private readonly queries = new Map<string, QueryRow>();
  private readonly stats = new Map<string, StatRow>();

  /** One collection's statements; call in collection order. */
  add(where: { organizationId: string; targetId: string; engine: string; ts: Date }, stats: QueryStat[]): void {
    const { organizationId, targetId, engine, ts } = where;
    const at = ts.toISOString();
    // One payload naming a statement twice: its last entry counts.
    const unique = new Map(stats.map((s) => [s.fingerprint, s]));
    for (const s of unique.values()) {
      const key = rowKey(organizationId, targetId, s.fingerprint);
      this.stats.set(rowKey(organizationId, targetId, at, s.fingerprint), {
        organization_id: organizationId,
        target_id: targetId,
        fingerprint: s.fingerprint,
        ts: at,
        calls: s.calls,
        total_time_ms: s.totalTimeMs,
        rows: s.rows,
        blocks_hit: s.blocksHit,
        blocks_read: s.blocksRead,
        scans: s.scans ?? null,
        io: s.io ?? null,
        by_user: byUserJson(s.byUser),
      });
      const users = s.byUser ? Object.keys(s.byUser).sort() : null;
      const q = this.queries.get(key);
      if (!q) {
        this.queries.set(key, {
          organization_id: organizationId,
          target_id: targetId,
          fingerprint: s.fingerprint,
          engine,
          database_name: s.database,
          query_text: s.text,
          monitoring: isMonitoringStatement(engine, s.text),
          users,
          first_seen: ts,
          last_seen: ts,
        });
        continue;
      }
      if (q.query_text === null && s.text !== null) {
        q.query_text = s.text;
        q.monitoring = isMonitoringStatement(engine, s.text);
      }
      q.users = mergedUsers(q.users, users);
      if (ts < q.first_seen) q.first_seen = ts;
      if (ts > q.last_seen) q.last_seen = ts;
    }
  }

  async writeStats(trx: Transaction<Database>): Promise<void> {
    await bulkInsert(
      trx,
      'query_stats',
      STAT_COLUMNS,
      valuesByKey(this.stats),
      sql`on conflict (organization_id, target_id, ts, fingerprint) do update set
        calls = excluded.calls, total_time_ms = excluded.total_time_ms, rows = excluded.rows,
        blocks_hit = excluded.blocks_hit, blocks_read = excluded.blocks_read, rows_examined = excluded.rows_examined,
        no_index_used = excluded.no_index_used, full_scans = excluded.full_scans, full_joins = excluded.full_joins,
        tmp_disk_tables = excluded.tmp_disk_tables, temp_blks_read = excluded.temp_blks_read, temp_blks_written = excluded.temp_blks_written,
        blk_read_time_ms = excluded.blk_read_time_ms, blk_write_time_ms = excluded.blk_write_time_ms, exec_time_sq = excluded.exec_time_sq,
        by_user = excluded.by_user`,
    );
  }

  async writeQueries(trx: Transaction<Database>): Promise<void> {
    await bulkInsert(
      trx,
      'queries',
      QUERY_COLUMNS,
      valuesByKey(this.queries),
      sql`on conflict (organization_id, target_id, fingerprint) do update set
        query_text = coalesce(queries.query_text, excluded.query_text),
        monitoring = case when excluded.query_text is not null then excluded.monitoring else queries.monitoring end,
        users = case when queries.users is null then excluded.users when excluded.users is null or queries.users @> excluded.users then queries.users
                     else (select jsonb_agg(distinct u collate "C" order by u collate "C") from jsonb_array_elements_text(queries.users || excluded.users) u) end,
        first_seen = least(queries.first_seen, excluded.first_seen),
        last_seen = greatest(queries.last_seen, excluded.last_seen)`,
    );
  }
}
