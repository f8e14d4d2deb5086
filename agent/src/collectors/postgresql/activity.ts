import { obfuscateQueryText } from '../../privacy/obfuscate';
import type { QueryTextMode } from '../types';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW
// Durations are measured with clock_timestamp() on the server so agent/server clock skew cannot distort them.
// query_id exists from 14 and leader_pid from 13; older servers report NULL.
export function activitySql(versionNum: number): string {
  return `
SELECT a.pid,
       ${versionNum >= 130000 ? 'a.leader_pid' : 'NULL::int'} AS leader_pid,
       a.datname,
       a.usename,
       a.application_name,
       host(a.client_addr) AS client_addr,
       a.client_port,
       a.backend_type,
       a.state,
       a.wait_event_type,
       a.wait_event,
       a.backend_start,
       a.xact_start,
       a.query_start,
       a.state_change,
       CASE WHEN a.state = 'active' THEN extract(epoch FROM clock_timestamp() - a.query_start)::float8 END AS query_duration_seconds,
       extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS xact_duration_seconds,
       extract(epoch FROM clock_timestamp() - a.state_change)::float8 AS state_duration_seconds,
       age(a.backend_xid) AS backend_xid_age,
       age(a.backend_xmin) AS backend_xmin_age,
       ${versionNum >= 140000 ? 'a.query_id::text' : 'NULL::text'} AS query_id,
       a.query
  FROM pg_stat_activity a
 WHERE a.pid <> pg_backend_pid()
 ORDER BY a.pid`;
}

type ActivityRow = PgRow<'sessions'> & { datname: string | null; query: string | null };

export interface QueryTextOptions {
  mode: QueryTextMode;
  maxLength: number;
}

/**
 * Every backend except the agent's own. Sessions in databases excluded from monitoring are left out; background
 * processes (no database) stay because they matter to the whole server. Query text is the application's: it goes
 * through the obfuscator (or is dropped with `off`) before it leaves this function.
 */
export async function collectActivity(
  conn: PgConn,
  includeDatabase: (name: string) => boolean,
  text: QueryTextOptions,
): Promise<PgRow<'sessions'>[]> {
  const rows = await conn.rows<ActivityRow>(activitySql(conn.server.versionNum));
  return rows
    .filter((row) => row.datname === null || includeDatabase(row.datname))
    .map((row) => ({ ...row, query: obfuscateQueryText(row.query === '' ? null : row.query, text.mode, text.maxLength, 'postgresql') }));
}
