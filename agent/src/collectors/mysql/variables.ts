import type { MysqlConn } from './connection';

/**
 * Global system variables (no privilege needed). Values that are or may hold credentials, or SQL run on every
 * connection (init_connect can carry literals), are left out by name.
 * https://mariadb.com/kb/en/server-system-variables/
 * https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html
 */
export const globalVariablesSql = 'SHOW GLOBAL VARIABLES';

const SECRET_NAME = /((^|_)(password|passwd|secret|token|credentials?)$|sst_auth$|^init_(connect|slave|replica)$)/i;

/** Password *policy* settings: their names match SECRET_NAME but their values are exactly what a security review needs. */
const POLICY_NAME =
  /^(default_password_lifetime|disconnect_on_expired_password|password_(history|reuse_interval|require_current|reuse_check_interval)|strict_password_validation|old_passwords|(simple_password_check|cracklib_password_check|validate_password)_[a-z_]+|caching_sha2_password_(auto_generate_rsa_keys|digest_rounds))$/i;

/** The settings health rules read first: sizing, durability, logging, replication safety and security posture. */
export const KEY_VARIABLES = [
  'version', 'version_comment', 'max_connections', 'max_user_connections', 'innodb_buffer_pool_size',
  'innodb_log_file_size', 'innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', 'binlog_format', 'gtid_mode',
  'server_id', 'read_only', 'super_read_only', 'performance_schema', 'slow_query_log', 'long_query_time',
  'max_allowed_packet', 'table_open_cache', 'thread_cache_size', 'tmp_table_size', 'max_heap_table_size', 'wait_timeout',
  'interactive_timeout', 'sql_mode', 'default_storage_engine', 'character_set_server', 'collation_server',
  'require_secure_transport', 'have_ssl', 'local_infile', 'skip_name_resolve', 'default_password_lifetime',
  'max_statement_time', 'max_execution_time', 'innodb_file_per_table', 'innodb_io_capacity', 'query_cache_type',
  'query_cache_size', 'transaction_isolation', 'tx_isolation', 'lower_case_table_names', 'time_zone', 'system_time_zone',
] as const;

export interface GlobalVariables {
  key: Record<string, string>;
  all: Record<string, string>;
  omitted: string[];
}

export function isSecretVariable(name: string): boolean {
  return SECRET_NAME.test(name) && !POLICY_NAME.test(name);
}

export async function collectGlobalVariables(conn: MysqlConn): Promise<GlobalVariables> {
  const rows = await conn.query(globalVariablesSql);
  const all: Record<string, string> = {};
  const omitted: string[] = [];
  for (const r of rows) {
    const name = String(r['Variable_name']);
    if (isSecretVariable(name)) {
      omitted.push(name);
      continue;
    }
    all[name] = r['Value'] === null ? '' : String(r['Value']);
  }
  const key: Record<string, string> = {};
  for (const name of KEY_VARIABLES) if (name in all) key[name] = all[name]!;
  return { key, all, omitted };
}
