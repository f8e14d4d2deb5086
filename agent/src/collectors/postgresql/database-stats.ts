import type { CounterSpec } from '../types';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-DATABASE-VIEW
// Session counters (sessions, active_time, …) exist from 14. The row with a NULL datname holds shared catalogs.
const BASE_COUNTERS = [
  'xact_commit', 'xact_rollback', 'blks_read', 'blks_hit', 'tup_returned', 'tup_fetched', 'tup_inserted',
  'tup_updated', 'tup_deleted', 'conflicts', 'temp_files', 'temp_bytes', 'deadlocks', 'checksum_failures',
  'blk_read_time', 'blk_write_time',
] as const;
const SESSION_COUNTERS = [
  'session_time', 'active_time', 'idle_in_transaction_time', 'sessions', 'sessions_abandoned', 'sessions_fatal',
  'sessions_killed',
] as const;

export function databaseStatsCounters(versionNum: number): CounterSpec {
  return { key: ['datname'], counters: versionNum >= 140000 ? [...BASE_COUNTERS, ...SESSION_COUNTERS] : [...BASE_COUNTERS] };
}

export function databaseStatsSql(versionNum: number): string {
  const counters = databaseStatsCounters(versionNum).counters.map((c) => `d.${c}`).join(', ');
  return `
SELECT d.datname, d.numbackends, ${counters}, d.stats_reset
  FROM pg_stat_database d
 WHERE d.datname IS NOT NULL
 ORDER BY d.datname`;
}

export async function collectDatabaseStats(conn: PgConn, includeDatabase: (name: string) => boolean): Promise<Array<PgRow<'database_stats'> & { datname: string }>> {
  const rows = await conn.rows<PgRow<'database_stats'> & { datname: string }>(databaseStatsSql(conn.server.versionNum));
  return rows.filter((row) => includeDatabase(row.datname));
}
