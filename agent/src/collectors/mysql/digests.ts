import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import { num, statementText, str } from './text';

/**
 * Per-statement-shape totals since the server started (or the table was truncated): sent as deltas keyed by
 * (schema_name, digest). Timers are picoseconds, so they are divided down to microseconds in SQL before they could
 * exceed 2^53 in JavaScript. DIGEST_TEXT is already normalized by the server, and obfuscated again here so a
 * `query_text: off` target sends none. Top 2000 by total time keeps the payload bounded.
 * https://mariadb.com/kb/en/performance-schema-events_statements_summary_by_digest-table/
 * https://dev.mysql.com/doc/refman/8.0/en/performance-schema-statement-summary-tables.html
 */
export const digestsSql = `SELECT SCHEMA_NAME AS schema_name, DIGEST AS digest, DIGEST_TEXT AS digest_text,
    COUNT_STAR AS calls, ROUND(SUM_TIMER_WAIT / 1000000) AS total_time_us, ROUND(SUM_LOCK_TIME / 1000000) AS lock_time_us,
    SUM_ERRORS AS errors, SUM_WARNINGS AS warnings, SUM_ROWS_AFFECTED AS rows_affected, SUM_ROWS_SENT AS rows_sent,
    SUM_ROWS_EXAMINED AS rows_examined, SUM_CREATED_TMP_TABLES AS tmp_tables, SUM_CREATED_TMP_DISK_TABLES AS tmp_disk_tables,
    SUM_SELECT_FULL_JOIN AS full_joins, SUM_SELECT_SCAN AS full_scans, SUM_SORT_ROWS AS sort_rows,
    SUM_NO_INDEX_USED AS no_index_used, ROUND(MAX_TIMER_WAIT / 1000000) AS max_time_us, FIRST_SEEN AS first_seen,
    LAST_SEEN AS last_seen
  FROM performance_schema.events_statements_summary_by_digest
  WHERE DIGEST IS NOT NULL
  ORDER BY SUM_TIMER_WAIT DESC
  LIMIT 2000`;

export const DIGEST_COUNTERS = [
  'calls', 'totalTimeUs', 'lockTimeUs', 'errors', 'warnings', 'rowsAffected', 'rowsSent', 'rowsExamined', 'tmpTables',
  'tmpDiskTables', 'fullJoins', 'fullScans', 'sortRows', 'noIndexUsed',
] as const;
export const DIGEST_KEY = ['schemaName', 'digest'] as const;

export type DigestRow = {
  schemaName: string | null;
  digest: string;
  digestText: string | null;
  maxTimeUs: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
} & Record<(typeof DIGEST_COUNTERS)[number], number>;

export async function collectDigests(conn: MysqlConn, target: TargetSpec): Promise<DigestRow[]> {
  const rows = await conn.query(digestsSql);
  return rows.map((r) => ({
    schemaName: str(r['schema_name']),
    digest: String(r['digest']),
    digestText: statementText(target, r['digest_text']),
    calls: num(r['calls']) ?? 0,
    totalTimeUs: num(r['total_time_us']) ?? 0,
    lockTimeUs: num(r['lock_time_us']) ?? 0,
    errors: num(r['errors']) ?? 0,
    warnings: num(r['warnings']) ?? 0,
    rowsAffected: num(r['rows_affected']) ?? 0,
    rowsSent: num(r['rows_sent']) ?? 0,
    rowsExamined: num(r['rows_examined']) ?? 0,
    tmpTables: num(r['tmp_tables']) ?? 0,
    tmpDiskTables: num(r['tmp_disk_tables']) ?? 0,
    fullJoins: num(r['full_joins']) ?? 0,
    fullScans: num(r['full_scans']) ?? 0,
    sortRows: num(r['sort_rows']) ?? 0,
    noIndexUsed: num(r['no_index_used']) ?? 0,
    maxTimeUs: num(r['max_time_us']),
    firstSeen: str(r['first_seen']),
    lastSeen: str(r['last_seen']),
  }));
}
