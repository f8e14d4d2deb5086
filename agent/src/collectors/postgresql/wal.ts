import type { PgConn } from './pool';
import type { PgSection } from './sections';

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-WAL-VIEW
// pg_stat_wal exists from 14. The WAL position as bytes since 0/0 is a counter on every version: its delta is the
// WAL written (or replayed, on a standby) between two collections.
export function walSql(versionNum: number): string {
  const position = `pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0') AS wal_position_bytes`;
  return versionNum >= 140000 ? `SELECT w.*, ${position} FROM pg_stat_wal w` : `SELECT ${position}`;
}

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ARCHIVER-VIEW
// A failing archive_command makes WAL pile up until the disk fills: failed_count and the last failure are the signal.
export const archiverSql = `
SELECT archived_count, failed_count, last_archived_time, last_failed_time, last_archived_wal, last_failed_wal, stats_reset
  FROM pg_stat_archiver`;

export async function collectWal(conn: PgConn): Promise<PgSection<'wal'>> {
  const [row] = await conn.rows<PgSection<'wal'>>(walSql(conn.server.versionNum));
  return row ?? {};
}

export async function collectArchiver(conn: PgConn): Promise<PgSection<'archiver'>> {
  const [row] = await conn.rows<PgSection<'archiver'>>(archiverSql);
  return row ?? {};
}
