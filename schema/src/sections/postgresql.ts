import * as z from 'zod/mini';
import { counterRows, flag, num, nums, row, scalar, text, texts } from './fields';

// PostgreSQL sections, as agent/src/collectors/postgresql writes them: column names as PostgreSQL's statistics views
// and catalogs spell them. Every per-database row carries the database it came from as `datname`.

/** On every PostgreSQL payload: the server the agent connected to. */
export const pgServer = row({ version: text, version_num: num, in_recovery: flag });

/** pg_stat_activity, one row per backend but the agent's own. */
export const pgSession = row({
  pid: num,
  leader_pid: num,
  datname: text,
  usename: text,
  application_name: text,
  client_addr: text,
  client_port: num,
  backend_type: text,
  state: text,
  wait_event_type: text,
  wait_event: text,
  backend_start: text,
  xact_start: text,
  query_start: text,
  state_change: text,
  query_duration_seconds: num,
  xact_duration_seconds: num,
  state_duration_seconds: num,
  backend_xid_age: num,
  backend_xmin_age: num,
  query_id: text,
  query: text,
});

/** A backend waiting on a lock, with the backends blocking it (pg_blocking_pids) and the locked object. */
export const pgLockWait = row({
  pid: num,
  blocking_pids: nums,
  datname: text,
  usename: text,
  wait_event: text,
  locktype: text,
  mode: text,
  relation_oid: num,
  relation_schema: text,
  relation_name: text,
  page: num,
  tuple: num,
  transactionid: text,
  virtualxid: text,
  wait_seconds: num,
});

/** A blocker and the backends waiting on it, recursively. */
export interface PgBlockingNode {
  pid?: number | null | undefined;
  waiters?: PgBlockingNode[] | null | undefined;
}
export const pgBlockingNode: z.ZodMiniType<PgBlockingNode> = row({
  pid: num,
  get waiters() {
    return z.optional(z.nullable(z.array(pgBlockingNode)));
  },
});

export const pgConnections = row({
  max_connections: num,
  superuser_reserved_connections: num,
  reserved_connections: num,
  total: num,
  available: num,
  used_percent: num,
  by_state: z.optional(z.record(z.string(), z.number())),
  by_database: z.optional(z.array(row({ datname: text, state: text, count: num }))),
});

export const pgReplication = row({
  pid: num,
  usename: text,
  application_name: text,
  client_addr: text,
  state: text,
  sync_state: text,
  sync_priority: num,
  backend_start: text,
  reply_time: text,
  sent_lsn: text,
  write_lsn: text,
  flush_lsn: text,
  replay_lsn: text,
  sent_lag_bytes: num,
  flush_lag_bytes: num,
  replay_lag_bytes: num,
  write_lag_seconds: num,
  flush_lag_seconds: num,
  replay_lag_seconds: num,
});

export const pgReplicationSlot = row({
  slot_name: text,
  plugin: text,
  slot_type: text,
  database: text,
  temporary: flag,
  active: flag,
  active_pid: num,
  restart_lsn: text,
  confirmed_flush_lsn: text,
  xmin_age: num,
  catalog_xmin_age: num,
  retained_wal_bytes: num,
  wal_status: text,
  safe_wal_size: num,
});

export const pgRecovery = row({
  in_recovery: flag,
  receive_lsn: text,
  replay_lsn: text,
  replay_behind_receive_bytes: num,
  replay_delay_seconds: num,
});

export const pgDatabaseStats = counterRows({
  datname: text,
  numbackends: num,
  xact_commit: num,
  xact_rollback: num,
  blks_read: num,
  blks_hit: num,
  tup_returned: num,
  tup_fetched: num,
  tup_inserted: num,
  tup_updated: num,
  tup_deleted: num,
  conflicts: num,
  temp_files: num,
  temp_bytes: num,
  deadlocks: num,
  checksum_failures: num,
  blk_read_time: num,
  blk_write_time: num,
  session_time: num,
  active_time: num,
  idle_in_transaction_time: num,
  sessions: num,
  sessions_abandoned: num,
  sessions_fatal: num,
  sessions_killed: num,
  stats_reset: text,
});

/** pg_stat_statements: one row per (user, database, queryid, toplevel); counters as deltas. */
export const pgStatements = counterRows({
  queryid: text,
  dbid: num,
  userid: num,
  toplevel: flag,
  datname: text,
  usename: text,
  calls: num,
  total_exec_time: num,
  plans: num,
  total_plan_time: num,
  rows: num,
  shared_blks_hit: num,
  shared_blks_read: num,
  shared_blks_dirtied: num,
  shared_blks_written: num,
  local_blks_hit: num,
  local_blks_read: num,
  local_blks_dirtied: num,
  local_blks_written: num,
  temp_blks_read: num,
  temp_blks_written: num,
  blk_read_time: num,
  blk_write_time: num,
  temp_blk_read_time: num,
  temp_blk_write_time: num,
  wal_records: num,
  wal_fpi: num,
  wal_bytes: num,
  jit_functions: num,
  jit_generation_time: num,
  jit_inlining_time: num,
  jit_optimization_time: num,
  jit_emission_time: num,
  /** calls × (stddev² + mean²) of the execution time: the sum of squared execution times, a counter (ms²). */
  exec_time_sq: num,
  query: text,
});

/**
 * A single-row statistics view read whole (pg_stat_bgwriter, pg_stat_checkpointer, pg_stat_wal, pg_stat_archiver):
 * its columns change between versions, so they are named by the server. Numbers are counters; the reset time is text.
 */
export const pgStatsView = z.record(z.string(), scalar);

export const pgSetting = row({
  name: text,
  setting: text,
  unit: text,
  source: text,
  context: text,
  vartype: text,
  pending_restart: flag,
  is_default: flag,
  redacted: flag,
  /** The built-in default (pg_settings.boot_val). */
  boot_val: text,
});

export const pgRole = row({
  oid: num,
  rolname: text,
  rolsuper: flag,
  rolinherit: flag,
  rolcreaterole: flag,
  rolcreatedb: flag,
  rolcanlogin: flag,
  rolreplication: flag,
  rolbypassrls: flag,
  rolconnlimit: num,
  rolvaliduntil: text,
  password_set: flag,
  builtin: flag,
  /** How the role's password is stored (scram-sha-256, md5, plain; null: none), when pg_authid is readable (issue 14). */
  password_encryption: text,
  /** Whether the monitoring user could read pg_authid (superuser only): otherwise password_set/encryption are unknown. */
  password_readable: flag,
});

export const pgMembership = row({
  role: text,
  member: text,
  grantor: text,
  admin_option: flag,
  inherit_option: flag,
  set_option: flag,
});

export const pgAuth = row({ password_encryption: text, ssl: text });

export const pgDatabase = row({
  oid: num,
  datname: text,
  owner: text,
  encoding: text,
  datcollate: text,
  datistemplate: flag,
  datallowconn: flag,
  datconnlimit: num,
  size_bytes: num,
  xid_age: num,
  mxid_age: num,
  xid_wraparound_percent: num,
  autovacuum_freeze_max_age: num,
});

const privilegeFields = { grantee: text, grantor: text, privileges: texts, default_acl: flag };
export const pgDatabasePrivilege = row({ datname: text, ...privilegeFields });
export const pgSchemaPrivilege = row({ datname: text, schema: text, owner: text, ...privilegeFields, grantable: texts });
export const pgTablePrivilege = row({ datname: text, schema: text, table: text, relkind: text, ...privilegeFields, grantable: texts });

export const pgExtension = row({ datname: text, name: text, version: text, schema: text, default_version: text, update_available: flag });

export const pgTableMaintenance = row({
  datname: text,
  schema: text,
  table: text,
  n_live_tup: num,
  n_dead_tup: num,
  n_mod_since_analyze: num,
  n_ins_since_vacuum: num,
  last_vacuum: text,
  last_autovacuum: text,
  last_analyze: text,
  last_autoanalyze: text,
  vacuum_count: num,
  autovacuum_count: num,
  analyze_count: num,
  autoanalyze_count: num,
  seq_scan: num,
  seq_tup_read: num,
  idx_scan: num,
  xid_age: num,
  xid_age_with_toast: num,
  mxid_age: num,
  reloptions: texts,
});

/** Per index, every 10 minutes: scans since the database's statistics were last reset (stats_reset). */
export const pgIndexUsage = row({ datname: text, schema: text, table: text, name: text, idx_scan: num, stats_reset: text });

/** Per database, every 10 minutes: relations and a hash of their columns and indexes (the agent's schema-change trigger). */
export const pgSchemaFingerprint = row({ datname: text, relations: num, digest: text });

export const pgSchema = row({ datname: text, name: text, owner: text, extension_owned: flag });

export const pgTable = row({
  datname: text,
  schema: text,
  name: text,
  relkind: text,
  relpersistence: text,
  owner: text,
  estimated_rows: num,
  relpages: num,
  table_bytes: num,
  indexes_bytes: num,
  total_bytes: num,
  sizes_exact: flag,
  has_primary_key: flag,
  relispartition: flag,
  partition_of: text,
  row_security: flag,
  reloptions: texts,
});

export const pgColumn = row({
  datname: text,
  schema: text,
  table: text,
  position: num,
  name: text,
  type: text,
  nullable: flag,
  default: text,
  identity: text,
  generated: text,
});

export const pgIndex = row({
  datname: text,
  schema: text,
  table: text,
  name: text,
  table_oid: num,
  method: text,
  definition: text,
  is_unique: flag,
  is_primary: flag,
  is_valid: flag,
  is_ready: flag,
  indkey: text,
  indclass: text,
  indoption: text,
  key_columns: num,
  expressions: text,
  predicate: text,
  size_bytes: num,
  idx_scan: num,
  idx_tup_read: num,
  idx_tup_fetch: num,
  constraint_name: text,
  invalid: flag,
  duplicate_of: texts,
});

export const pgConstraint = row({
  datname: text,
  schema: text,
  table: text,
  name: text,
  type: text,
  definition: text,
  validated: flag,
  deferrable: flag,
  deferred: flag,
});

export const pgForeignKey = row({
  datname: text,
  schema: text,
  table: text,
  name: text,
  columns: texts,
  referenced_schema: text,
  referenced_table: text,
  referenced_columns: texts,
  on_update: text,
  on_delete: text,
  match_type: text,
  validated: flag,
  has_index: flag,
});

/** Sequence values are 64-bit: text. percent_used is how much of the tighter of its own and its column's range is used. */
export const pgSequence = row({
  datname: text,
  schema: text,
  name: text,
  data_type: text,
  start_value: text,
  min_value: text,
  max_value: text,
  increment_by: text,
  cycle: flag,
  last_value: text,
  last_value_readable: flag,
  owned_by_table: text,
  owned_by_column: text,
  owned_by_column_type: text,
  effective_max: text,
  effective_min: text,
  percent_used: num,
});

/** The sections of each category. */
export const POSTGRESQL_SECTIONS = {
  runtime: {
    server: pgServer,
    sessions: z.array(pgSession),
    lock_waits: z.array(pgLockWait),
    blocking_tree: z.array(pgBlockingNode),
    connections: pgConnections,
    replication: z.array(pgReplication),
    replication_slots: z.array(pgReplicationSlot),
    recovery: pgRecovery,
  },
  workload: {
    server: pgServer,
    database_stats: pgDatabaseStats,
    statements: pgStatements,
    bgwriter: pgStatsView,
    checkpointer: pgStatsView,
    wal: pgStatsView,
    archiver: pgStatsView,
  },
  operational: {
    server: pgServer,
    settings: z.array(pgSetting),
    roles: z.array(pgRole),
    memberships: z.array(pgMembership),
    auth: pgAuth,
    databases: z.array(pgDatabase),
    database_privileges: z.array(pgDatabasePrivilege),
    extensions: z.array(pgExtension),
    table_maintenance: z.array(pgTableMaintenance),
    index_usage: z.array(pgIndexUsage),
    schema_fingerprint: z.array(pgSchemaFingerprint),
    table_privileges: z.array(pgTablePrivilege),
    schema_privileges: z.array(pgSchemaPrivilege),
  },
  schema: {
    server: pgServer,
    schemas: z.array(pgSchema),
    tables: z.array(pgTable),
    columns: z.array(pgColumn),
    indexes: z.array(pgIndex),
    constraints: z.array(pgConstraint),
    foreign_keys: z.array(pgForeignKey),
    sequences: z.array(pgSequence),
  },
} as const;
