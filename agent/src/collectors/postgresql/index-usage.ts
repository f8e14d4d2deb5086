import { MAX_RELATIONS_PER_DATABASE } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-INDEXES-VIEW
// Index scans every 10 minutes (the operational collection), not only with the 4-hourly schema: an index read 45,600
// times since the schema snapshot was flagged "unused" until the next one. idx_scan counts since the database's
// statistics were last reset (pg_stat_database.stats_reset, sent with each row, so a reader can say what it covers).
export const indexUsageSql = `
SELECT s.schemaname AS schema,
       s.relname AS table,
       s.indexrelname AS name,
       s.idx_scan,
       d.stats_reset
  FROM pg_stat_user_indexes s
  LEFT JOIN pg_stat_database d ON d.datname = current_database()
 ORDER BY s.schemaname, s.relname, s.indexrelname
 LIMIT ${MAX_RELATIONS_PER_DATABASE}`;

export async function collectIndexUsage(conn: PgConn): Promise<PgRow<'index_usage'>[]> {
  return conn.rows<PgRow<'index_usage'>>(indexUsageSql);
}
