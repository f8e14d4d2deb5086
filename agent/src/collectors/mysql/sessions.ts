import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import type { SchemaScope } from './schema-filter';
import { num, statementText, str } from './text';

/**
 * Every session except the agent's own and the server's daemon threads. PROCESS is needed to see other users' sessions.
 * TIME_MS (MariaDB only) gives sub-second durations; MySQL reports whole seconds.
 * https://mariadb.com/kb/en/information-schema-processlist-table/
 * https://dev.mysql.com/doc/refman/8.0/en/information-schema-processlist-table.html
 */
export function processlistSql(mariadb: boolean): string {
  return `SELECT ID AS id, USER AS user, HOST AS host, DB AS db, COMMAND AS command, TIME AS time,
    ${mariadb ? 'TIME_MS' : 'TIME * 1000'} AS time_ms, STATE AS state, INFO AS info
  FROM information_schema.PROCESSLIST
  WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID')
  ORDER BY TIME DESC
  LIMIT 2000`;
}

export interface SessionRow {
  id: number;
  user: string | null;
  /** Client host without its ephemeral port, which only adds cardinality. */
  host: string | null;
  db: string | null;
  command: string | null;
  timeSeconds: number | null;
  timeMs: number | null;
  state: string | null;
  query: string | null;
}

/** The processlist's sessions in the target's schemas (`DB`; see SchemaScope). */
export async function collectSessions(conn: MysqlConn, target: TargetSpec, inScope: SchemaScope): Promise<SessionRow[]> {
  const rows = (await conn.query(processlistSql(conn.flavour.kind === 'mariadb'))).filter((r) => inScope(str(r['db'])));
  return rows.map((r) => ({
    id: Number(r['id']),
    user: str(r['user']),
    host: hostWithoutPort(str(r['host'])),
    db: str(r['db']),
    command: str(r['command']),
    timeSeconds: num(r['time']),
    timeMs: num(r['time_ms']),
    state: str(r['state']) || null,
    query: statementText(target, r['info']),
  }));
}

export function hostWithoutPort(host: string | null): string | null {
  if (!host) return host;
  const m = /^(.*):(\d+)$/.exec(host);
  return m && !m[1]!.includes(':') ? m[1]! : host;
}
