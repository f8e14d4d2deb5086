import type { PgConn } from './pool';
import type { PgRow, PgSection } from './sections';

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-REPLICATION-VIEW
// Byte lag is measured from this server's newest WAL position: the current insert position on a primary, the
// received position on a cascading standby (pg_current_wal_lsn() raises an error during recovery).
const currentLsn = 'CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) ELSE pg_current_wal_lsn() END';

export const replicationSql = `
SELECT r.pid,
       r.usename,
       r.application_name,
       host(r.client_addr) AS client_addr,
       r.state,
       r.sync_state,
       r.sync_priority,
       r.backend_start,
       r.reply_time,
       r.sent_lsn::text AS sent_lsn,
       r.write_lsn::text AS write_lsn,
       r.flush_lsn::text AS flush_lsn,
       r.replay_lsn::text AS replay_lsn,
       pg_wal_lsn_diff(cur.lsn, r.sent_lsn) AS sent_lag_bytes,
       pg_wal_lsn_diff(cur.lsn, r.flush_lsn) AS flush_lag_bytes,
       pg_wal_lsn_diff(cur.lsn, r.replay_lsn) AS replay_lag_bytes,
       extract(epoch FROM r.write_lag)::float8 AS write_lag_seconds,
       extract(epoch FROM r.flush_lag)::float8 AS flush_lag_seconds,
       extract(epoch FROM r.replay_lag)::float8 AS replay_lag_seconds
  FROM pg_stat_replication r, (SELECT ${currentLsn} AS lsn) cur
 ORDER BY r.application_name, r.pid`;

export async function collectReplication(conn: PgConn): Promise<PgRow<'replication'>[]> {
  return conn.rows<PgRow<'replication'>>(replicationSql);
}

// https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-RECOVERY-CONTROL
// On a standby: how far behind the primary replay is, in time and bytes. NULLs on a primary.
export const recoverySql = `
SELECT pg_is_in_recovery() AS in_recovery,
       pg_last_wal_receive_lsn()::text AS receive_lsn,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS replay_behind_receive_bytes,
       CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END AS replay_delay_seconds`;

export async function collectRecovery(conn: PgConn): Promise<PgSection<'recovery'>> {
  const [row] = await conn.rows<PgSection<'recovery'>>(recoverySql);
  return row ?? {};
}

// https://www.postgresql.org/docs/current/view-pg-replication-slots.html
// An inactive slot keeps WAL (and, through xmin, dead rows) forever: retained bytes and xmin ages are the alarms.
// wal_status/safe_wal_size exist from 13.
export function replicationSlotsSql(versionNum: number): string {
  return `
SELECT s.slot_name,
       s.plugin,
       s.slot_type,
       s.database,
       s.temporary,
       s.active,
       s.active_pid,
       s.restart_lsn::text AS restart_lsn,
       s.confirmed_flush_lsn::text AS confirmed_flush_lsn,
       age(s.xmin) AS xmin_age,
       age(s.catalog_xmin) AS catalog_xmin_age,
       pg_wal_lsn_diff(cur.lsn, s.restart_lsn) AS retained_wal_bytes,
       ${versionNum >= 130000 ? 's.wal_status, s.safe_wal_size' : 'NULL::text AS wal_status, NULL::bigint AS safe_wal_size'}
  FROM pg_replication_slots s, (SELECT ${currentLsn} AS lsn) cur
 ORDER BY s.slot_name`;
}

export async function collectReplicationSlots(conn: PgConn): Promise<PgRow<'replication_slots'>[]> {
  return conn.rows<PgRow<'replication_slots'>>(replicationSlotsSql(conn.server.versionNum));
}
