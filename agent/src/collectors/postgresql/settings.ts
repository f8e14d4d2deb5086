import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/view-pg-settings.html
// Everything not at its built-in default, plus the settings health rules always need even when default. boot_val is
// the built-in default the Settings view shows beside the value.
export const IMPORTANT_SETTINGS = [
  'server_version', 'max_connections', 'superuser_reserved_connections', 'shared_buffers', 'effective_cache_size',
  'work_mem', 'maintenance_work_mem', 'autovacuum_work_mem', 'huge_pages', 'wal_level', 'wal_buffers', 'max_wal_size',
  'min_wal_size', 'wal_keep_size', 'max_slot_wal_keep_size', 'checkpoint_timeout', 'checkpoint_completion_target',
  'synchronous_commit', 'fsync', 'full_page_writes', 'data_checksums', 'archive_mode', 'archive_command',
  'max_wal_senders', 'max_replication_slots', 'hot_standby', 'hot_standby_feedback', 'autovacuum',
  'autovacuum_max_workers', 'autovacuum_naptime', 'autovacuum_vacuum_scale_factor', 'autovacuum_analyze_scale_factor',
  'autovacuum_vacuum_cost_limit', 'autovacuum_vacuum_cost_delay', 'autovacuum_freeze_max_age',
  'autovacuum_multixact_freeze_max_age', 'vacuum_freeze_min_age', 'statement_timeout', 'lock_timeout',
  'idle_in_transaction_session_timeout', 'idle_session_timeout', 'deadlock_timeout', 'log_min_duration_statement',
  'log_lock_waits', 'log_connections', 'log_disconnections', 'log_temp_files', 'log_autovacuum_min_duration',
  'track_io_timing', 'track_activity_query_size', 'track_counts', 'shared_preload_libraries', 'pg_stat_statements.max',
  'pg_stat_statements.track', 'random_page_cost', 'effective_io_concurrency', 'default_statistics_target',
  'max_worker_processes', 'max_parallel_workers', 'max_parallel_workers_per_gather', 'jit', 'temp_file_limit',
  'listen_addresses', 'port', 'ssl', 'ssl_min_protocol_version', 'password_encryption', 'old_snapshot_threshold',
];

export const settingsSql = `
SELECT name, setting, unit, source, context, vartype, pending_restart, (source = 'default') AS is_default, boot_val
  FROM pg_settings
 WHERE source NOT IN ('default', 'override') OR name = ANY($1)
 ORDER BY name`;

/** Commands may carry credentials (an S3 key in archive_command); only whether one is set leaves the agent. */
const COMMAND_SETTINGS = new Set([
  'archive_command', 'restore_command', 'archive_cleanup_command', 'recovery_end_command', 'ssl_passphrase_command',
]);

type SettingRow = PgRow<'settings'> & { name: string; setting: string | null; boot_val: string | null };

export async function collectSettings(conn: PgConn): Promise<PgRow<'settings'>[]> {
  const rows = await conn.rows<SettingRow>(settingsSql, [IMPORTANT_SETTINGS]);
  return rows.map((row) => {
    if (COMMAND_SETTINGS.has(row.name)) return { ...row, setting: row.setting ? '(set)' : '', boot_val: row.boot_val ? '(set)' : '', redacted: true };
    if (row.name === 'primary_conninfo' && row.setting) return { ...row, setting: redactConninfo(row.setting), boot_val: '', redacted: true };
    return row;
  });
}

/** Drops the password from a libpq connection string, keyword form (`password=…`) or URI form (`user:secret@`). */
export function redactConninfo(conninfo: string): string {
  return conninfo
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1********')
    .replace(/(:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1********@');
}
