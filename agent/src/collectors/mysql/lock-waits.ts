import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import { num, statementText, str } from './text';

/**
 * InnoDB row-lock waits with the waiting and the blocking transaction's thread and statement. MariaDB keeps the
 * pre-8.0 INFORMATION_SCHEMA views; MySQL 8 moved lock waits to performance_schema.data_lock_waits. LOCK_DATA (the
 * locked row's key values, i.e. application data) is never selected. Both need PROCESS.
 * https://mariadb.com/kb/en/information-schema-innodb_lock_waits-table/
 * https://mariadb.com/kb/en/information-schema-innodb_trx-table/
 * https://dev.mysql.com/doc/refman/8.0/en/performance-schema-data-lock-waits-table.html
 */
export const mariadbLockWaitsSql = `SELECT
    r.trx_mysql_thread_id AS waiting_thread_id, r.trx_id AS waiting_trx_id, r.trx_query AS waiting_query,
    TIMESTAMPDIFF(MICROSECOND, r.trx_wait_started, NOW(6)) / 1000 AS wait_ms,
    b.trx_mysql_thread_id AS blocking_thread_id, b.trx_id AS blocking_trx_id, b.trx_query AS blocking_query,
    b.trx_state AS blocking_trx_state, TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS blocking_trx_age_seconds,
    l.lock_table AS lock_table, l.lock_index AS lock_index, l.lock_mode AS lock_mode, l.lock_type AS lock_type
  FROM information_schema.INNODB_LOCK_WAITS w
  JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
  JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
  LEFT JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id
  LIMIT 1000`;

export const mysql8LockWaitsSql = `SELECT
    r.trx_mysql_thread_id AS waiting_thread_id, r.trx_id AS waiting_trx_id, r.trx_query AS waiting_query,
    TIMESTAMPDIFF(MICROSECOND, r.trx_wait_started, NOW(6)) / 1000 AS wait_ms,
    b.trx_mysql_thread_id AS blocking_thread_id, b.trx_id AS blocking_trx_id, b.trx_query AS blocking_query,
    b.trx_state AS blocking_trx_state, TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS blocking_trx_age_seconds,
    CONCAT(l.OBJECT_SCHEMA, '.', l.OBJECT_NAME) AS lock_table, l.INDEX_NAME AS lock_index, l.LOCK_MODE AS lock_mode,
    l.LOCK_TYPE AS lock_type
  FROM performance_schema.data_lock_waits w
  JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID
  JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID
  LEFT JOIN performance_schema.data_locks l ON l.ENGINE_LOCK_ID = w.REQUESTING_ENGINE_LOCK_ID
  LIMIT 1000`;

export interface LockWaitRow {
  waitingThreadId: number | null;
  waitingTrxId: string | null;
  waitingQuery: string | null;
  waitMs: number | null;
  blockingThreadId: number | null;
  blockingTrxId: string | null;
  blockingQuery: string | null;
  blockingTrxState: string | null;
  blockingTrxAgeSeconds: number | null;
  lockTable: string | null;
  lockIndex: string | null;
  lockMode: string | null;
  lockType: string | null;
}

export async function collectLockWaits(conn: MysqlConn, target: TargetSpec): Promise<LockWaitRow[]> {
  const rows = await conn.query(conn.flavour.kind === 'mariadb' ? mariadbLockWaitsSql : mysql8LockWaitsSql);
  return rows.map((r) => ({
    waitingThreadId: num(r['waiting_thread_id']),
    waitingTrxId: str(r['waiting_trx_id']),
    waitingQuery: statementText(target, r['waiting_query']),
    waitMs: num(r['wait_ms']),
    blockingThreadId: num(r['blocking_thread_id']),
    blockingTrxId: str(r['blocking_trx_id']),
    blockingQuery: statementText(target, r['blocking_query']),
    blockingTrxState: str(r['blocking_trx_state']),
    blockingTrxAgeSeconds: num(r['blocking_trx_age_seconds']),
    lockTable: str(r['lock_table']),
    lockIndex: str(r['lock_index']),
    lockMode: str(r['lock_mode']),
    lockType: str(r['lock_type']),
  }));
}
