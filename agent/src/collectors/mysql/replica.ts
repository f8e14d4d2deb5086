import type { MysqlConn, ServerFlavour } from './connection';
import { versionAtLeast } from './connection';
import { num, str } from './text';

/**
 * Replication status of this server as a replica (empty when it is none). MySQL 8.0.22+ and MariaDB 10.5.1+ accept
 * SHOW REPLICA STATUS; older servers only SHOW SLAVE STATUS. MariaDB 10.5.9+ needs SLAVE MONITOR, MySQL REPLICATION CLIENT.
 * MariaDB's multi-source replicas are all listed by SHOW ALL REPLICAS STATUS.
 * https://mariadb.com/kb/en/show-replica-status/
 * https://dev.mysql.com/doc/refman/8.0/en/show-replica-status.html
 */
export function replicaStatusSql(f: ServerFlavour): string {
  if (f.kind === 'mariadb') return versionAtLeast(f, 10, 5, 1) ? 'SHOW ALL REPLICAS STATUS' : 'SHOW ALL SLAVES STATUS';
  return versionAtLeast(f, 8, 0, 22) ? 'SHOW REPLICA STATUS' : 'SHOW SLAVE STATUS';
}

export interface ReplicaStatusRow {
  connectionName: string | null;
  sourceHost: string | null;
  sourcePort: number | null;
  ioRunning: string | null;
  sqlRunning: string | null;
  secondsBehindSource: number | null;
  lastIoErrno: number | null;
  lastIoError: string | null;
  lastSqlErrno: number | null;
  lastSqlError: string | null;
  gtidIoPos: string | null;
  executedGtidSet: string | null;
}

/** Columns were renamed Master→Source and Slave→Replica in MySQL 8.0.22; MariaDB keeps the old names. */
function pick(r: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (n in r) return r[n];
  return null;
}

export async function collectReplicaStatus(conn: MysqlConn): Promise<ReplicaStatusRow[]> {
  const rows = await conn.query(replicaStatusSql(conn.flavour));
  // The credentials a replica uses (Master_User, Master_SSL_Key path…) are deliberately not copied.
  return rows.map((r) => ({
    connectionName: str(pick(r, 'Connection_name')),
    sourceHost: str(pick(r, 'Source_Host', 'Master_Host')),
    sourcePort: num(pick(r, 'Source_Port', 'Master_Port')),
    ioRunning: str(pick(r, 'Replica_IO_Running', 'Slave_IO_Running')),
    sqlRunning: str(pick(r, 'Replica_SQL_Running', 'Slave_SQL_Running')),
    secondsBehindSource: num(pick(r, 'Seconds_Behind_Source', 'Seconds_Behind_Master')),
    lastIoErrno: num(pick(r, 'Last_IO_Errno')),
    lastIoError: str(pick(r, 'Last_IO_Error')),
    lastSqlErrno: num(pick(r, 'Last_SQL_Errno')),
    lastSqlError: str(pick(r, 'Last_SQL_Error')),
    gtidIoPos: str(pick(r, 'Gtid_IO_Pos')),
    executedGtidSet: str(pick(r, 'Executed_Gtid_Set')),
  }));
}
