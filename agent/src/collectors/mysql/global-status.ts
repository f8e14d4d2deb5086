import type { MysqlConn } from './connection';
import { num } from './text';

/**
 * Server status variables. SHOW GLOBAL STATUS needs no privilege and reads the same values on MariaDB and MySQL 8
 * (whose information_schema.GLOBAL_STATUS is gone).
 * https://mariadb.com/kb/en/server-status-variables/
 * https://dev.mysql.com/doc/refman/8.0/en/server-status-variables.html
 */
export const globalStatusSql = 'SHOW GLOBAL STATUS';

/**
 * Monotonic since server start: sent as deltas. Anything not listed here or in GAUGE_PATTERN is left out rather than
 * guessed, because a gauge treated as a counter would produce false "counter reset" events.
 */
const COUNTER_PATTERN =
  /^(Com_[a-z_]+|Handler_[a-z_]+|Questions|Queries|Slow_queries|Connections|Aborted_connects|Aborted_clients|Bytes_received|Bytes_sent|Threads_created|Created_tmp_(tables|disk_tables|files)|Select_(full_join|full_range_join|range|range_check|scan)|Sort_(merge_passes|range|rows|scan)|Table_locks_(immediate|waited)|Opened_(files|tables|table_definitions)|Connection_errors_[a-z_]+|Innodb_rows_(read|inserted|updated|deleted)|Innodb_data_(reads|writes|read|written|fsyncs)|Innodb_buffer_pool_(read_requests|reads|write_requests|wait_free|pages_flushed|read_ahead|read_ahead_evicted)|Innodb_row_lock_(time|waits)|Innodb_log_(writes|waits|write_requests)|Innodb_os_log_written|Innodb_deadlocks|Innodb_pages_(created|read|written)|Access_denied_errors|Max_statement_time_exceeded|Max_execution_time_exceeded)$/;

/** Point-in-time values: copied as they are. */
const GAUGE_PATTERN =
  /^(Threads_(connected|running|cached)|Max_used_connections|Open_(files|tables|table_definitions|streams)|Innodb_buffer_pool_(pages_(data|dirty|free|misc|total)|bytes_(data|dirty))|Innodb_row_lock_current_waits|Innodb_history_list_length|Innodb_num_open_files|Uptime|Memory_used|Slave_open_temp_tables|Replica_open_temp_tables|Slaves_connected|Slaves_running)$/;

export interface GlobalStatus {
  counters: Record<string, number>;
  gauges: Record<string, number>;
}

export async function collectGlobalStatus(conn: MysqlConn): Promise<GlobalStatus> {
  const rows = await conn.query(globalStatusSql);
  const counters: Record<string, number> = {};
  const gauges: Record<string, number> = {};
  for (const r of rows) {
    const name = String(r['Variable_name']);
    const value = num(r['Value']);
    if (value === null) continue;
    if (COUNTER_PATTERN.test(name)) counters[name] = value;
    else if (GAUGE_PATTERN.test(name)) gauges[name] = value;
  }
  return { counters, gauges };
}

/**
 * Connections against the limit, and who holds them. Counts come from the processlist (PROCESS shows all users);
 * the limit from the global variables.
 * https://mariadb.com/kb/en/server-system-variables/#max_connections
 */
export const connectionsSql = `SELECT
    (SELECT @@GLOBAL.max_connections) AS max_connections,
    (SELECT COUNT(*) FROM information_schema.PROCESSLIST) AS current_connections,
    (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND NOT IN ('Sleep', 'Daemon')) AS active_connections`;

export const connectionsByUserSql = `SELECT USER AS user, COUNT(*) AS connections,
    SUM(COMMAND NOT IN ('Sleep', 'Daemon')) AS active
  FROM information_schema.PROCESSLIST GROUP BY USER ORDER BY connections DESC LIMIT 200`;

export interface ConnectionsSummary {
  maxConnections: number | null;
  current: number | null;
  active: number | null;
  usedPercent: number | null;
  byUser: { user: string | null; connections: number; active: number }[];
}

export async function collectConnections(conn: MysqlConn): Promise<ConnectionsSummary> {
  const [row] = await conn.query(connectionsSql);
  const byUser = await conn.query(connectionsByUserSql);
  const maxConnections = num(row?.['max_connections']);
  const current = num(row?.['current_connections']);
  return {
    maxConnections,
    current,
    active: num(row?.['active_connections']),
    usedPercent: maxConnections && current !== null ? Math.round((current / maxConnections) * 1000) / 10 : null,
    byUser: byUser.map((r) => ({
      user: r['user'] === null ? null : String(r['user']),
      connections: Number(r['connections']),
      active: Number(r['active'] ?? 0),
    })),
  };
}
