import type { Engine } from '../domain';

/**
 * The fields the agent collects that the server does not store, each with the reason: every collected field is either
 * stored (read by an engine's extractor, or a series of a metric family) or listed here. `*` stands for the whole
 * section. activities/test/field-coverage.test.ts walks the recorded payloads of the four engines and fails on a field
 * that is neither, and on an entry here that the server does read.
 *
 * "pending issue 14 (…)" marks what is dropped today without anyone having decided so: the explorer issue stores and
 * shows them. The list is its to-do.
 */
export type DroppedFields = Readonly<Record<Engine, Readonly<Record<string, Readonly<Record<string, string>>>>>>;

/** Kept by the agent to read its deltas; the payload's timestamps already say over what period. */
const DELTA_BOOKKEEPING = { '*': 'how to read the counters of this payload (baseline, resets, period): the agent\'s bookkeeping, not a measurement' };
const NEW_ROW = 'marks a row the agent saw first in this collection (its counters count from zero): bookkeeping';
const STATS_RESET = 'when the statistics were last reset: the agent detects resets itself (counters going down)';
const ALLOCATED_IDENTIFIER = 'an identifier the server allocates, reused after restarts; objects are stored by name';
const TRANSACTION_START = 'the transaction\'s age is stored (xact_duration_seconds): its start follows from the collection time';
const PENDING_FULL_SCANS = 'pending issue 14 (full-scan counters: statements that scan, join without an index or sort)';
const PENDING_STATEMENT_DETAIL = 'pending issue 14 (statement detail: local, temporary and WAL I/O, JIT and planning of a statement)';
const PENDING_VARIABLES = 'pending issue 14 (variables snapshot: the key variables health rules read first, and which were withheld)';
const PENDING_CONNECTIONS = 'pending issue 14 (connection headroom and who holds the connections)';
const PENDING_BUILD = 'pending issue 14 (server build and host facts on the Assets view)';
const PENDING_REPLICA_SET = 'pending issue 14 (replica set state and configuration)';
const PENDING_PROFILER = 'pending issue 14 (profiled operations\' detail: plan, keys examined, yields, the user and application)';
const PENDING_SESSIONS = 'pending issue 14 (session detail: start times, client port, the statement\'s query id)';
const PENDING_CLIENTS = 'pending issue 14 (client list summary: clients by flag, command, user, name and database, buffers)';
const PENDING_SLOWLOG = 'pending issue 14 (slow log entries)';
const PENDING_LOCK_DETAIL = 'pending issue 14 (lock wait detail: the waiter\'s user and database, page, tuple, virtual transaction)';
const PENDING_EXTENSIONS = 'pending issue 14 (installed extensions and available updates)';

export const DROPPED_FIELDS: DroppedFields = {
  postgresql: {
    _delta: DELTA_BOOKKEEPING,
    server: { version_num: 'the version as a number, for the agent\'s queries; the version text is stored', in_recovery: 'also in the recovery section, whose replay delay is stored' },
    sessions: {
      backend_start: PENDING_SESSIONS,
      client_port: 'the client\'s ephemeral port: only adds cardinality; the client address is stored',
      leader_pid: PENDING_SESSIONS,
      query_start: PENDING_SESSIONS,
      state_change: 'the duration in the state is stored (state_duration_seconds)',
      xact_start: TRANSACTION_START,
    },
    lock_waits: {
      datname: PENDING_LOCK_DETAIL,
      usename: PENDING_LOCK_DETAIL,
      wait_event: 'the waiting session\'s wait event, stored with its session',
      page: PENDING_LOCK_DETAIL,
      tuple: PENDING_LOCK_DETAIL,
      virtualxid: PENDING_LOCK_DETAIL,
      relation_oid: ALLOCATED_IDENTIFIER,
      transactionid: 'stored as the locked object when the lock is on a transaction (no relation), as here only then',
    },
    connections: {
      available: 'derived: the limit less the reserved slots and the connections used, all stored or settings',
      used_percent: 'derived from the connections used and the limit, both stored',
      superuser_reserved_connections: 'a setting, stored in the settings snapshot',
      reserved_connections: 'a setting, stored in the settings snapshot',
      by_database: PENDING_CONNECTIONS,
    },
    recovery: { receive_lsn: 'a WAL position, not a measurement; the replay lag is stored', replay_lsn: 'a WAL position, not a measurement; the replay lag is stored' },
    database_stats: { stats_reset: STATS_RESET, newRow: NEW_ROW },
    statements: {
      dbid: 'the database is stored by name (datname)',
      userid: 'the role is stored by name (usename), per statement (query_stats.by_user)',
      toplevel: 'top-level and nested executions are summed into one statement',
      newRow: NEW_ROW,
      plans: PENDING_STATEMENT_DETAIL,
      shared_blks_dirtied: PENDING_STATEMENT_DETAIL,
      shared_blks_written: PENDING_STATEMENT_DETAIL,
      local_blks_hit: PENDING_STATEMENT_DETAIL,
      local_blks_read: PENDING_STATEMENT_DETAIL,
      local_blks_dirtied: PENDING_STATEMENT_DETAIL,
      local_blks_written: PENDING_STATEMENT_DETAIL,
      temp_blk_read_time: PENDING_STATEMENT_DETAIL,
      temp_blk_write_time: PENDING_STATEMENT_DETAIL,
      wal_records: PENDING_STATEMENT_DETAIL,
      wal_fpi: PENDING_STATEMENT_DETAIL,
      wal_bytes: PENDING_STATEMENT_DETAIL,
      jit_functions: PENDING_STATEMENT_DETAIL,
      jit_generation_time: PENDING_STATEMENT_DETAIL,
      jit_inlining_time: PENDING_STATEMENT_DETAIL,
      jit_optimization_time: PENDING_STATEMENT_DETAIL,
      jit_emission_time: PENDING_STATEMENT_DETAIL,
    },
    bgwriter: { stats_reset: STATS_RESET },
    checkpointer: { stats_reset: STATS_RESET },
    wal: { stats_reset: STATS_RESET },
    archiver: {
      stats_reset: STATS_RESET,
      last_archived_time: 'pending issue 14 (WAL archiving: the last archived and failed WAL file and when)',
      last_archived_wal: 'pending issue 14 (WAL archiving: the last archived and failed WAL file and when)',
      last_failed_time: 'pending issue 14 (WAL archiving: the last archived and failed WAL file and when)',
      last_failed_wal: 'pending issue 14 (WAL archiving: the last archived and failed WAL file and when)',
    },
    auth: { '*': 'password_encryption and ssl are settings, stored in the settings snapshot' },
    databases: {
      oid: ALLOCATED_IDENTIFIER,
      owner: 'pending issue 14 (database owner, encoding, collation and whether connections are allowed)',
      encoding: 'pending issue 14 (database owner, encoding, collation and whether connections are allowed)',
      datcollate: 'pending issue 14 (database owner, encoding, collation and whether connections are allowed)',
      datallowconn: 'pending issue 14 (database owner, encoding, collation and whether connections are allowed)',
      datistemplate: 'pending issue 14 (database owner, encoding, collation and whether connections are allowed)',
    },
    database_privileges: { grantor: 'who granted a privilege does not change what it allows', default_acl: 'the privileges are stored whether default or explicit' },
    schema_privileges: { grantor: 'who granted a privilege does not change what it allows', default_acl: 'the privileges are stored whether default or explicit', owner: 'the owner is stored with the schema (schema snapshot)' },
    table_privileges: { grantor: 'who granted a privilege does not change what it allows', default_acl: 'the privileges are stored whether default or explicit', relkind: 'the table\'s kind is stored with the table (schema snapshot)' },
    extensions: { '*': PENDING_EXTENSIONS },
    table_maintenance: {
      reloptions: 'stored with the table (schema snapshot)',
    },
    schemas: { extension_owned: 'pending issue 14 (schemas created by an extension)' },
    tables: { relpages: 'the sizes in bytes are stored', relispartition: 'stored as partition_of (the parent)', sizes_exact: 'pending issue 14 (sizes that are estimates: a table was locked)' },
    indexes: {
      table_oid: ALLOCATED_IDENTIFIER,
      method: 'part of the stored definition',
      indkey: 'the agent compares index columns with it (duplicate_of is stored)',
      indclass: 'the agent compares index operator classes with it (duplicate_of is stored)',
      indoption: 'the agent compares index orderings with it (duplicate_of is stored)',
      key_columns: 'the agent tells key from INCLUDE columns with it (duplicate_of is stored)',
      expressions: 'part of the stored definition',
      predicate: 'part of the stored definition',
      is_ready: 'pending issue 14 (an index still being built)',
      idx_tup_read: 'pending issue 14 (index tuples read and fetched)',
      idx_tup_fetch: 'pending issue 14 (index tuples read and fetched)',
      constraint_name: 'the constraint is stored itself (constraints)',
    },
    schema_fingerprint: { '*': 'the agent\'s schema-change trigger: the schema collection it starts is stored' },
    constraints: { deferrable: 'pending issue 14 (deferrable constraints)', deferred: 'pending issue 14 (deferrable constraints)' },
  },
  mysql: {
    _delta: DELTA_BOOKKEEPING,
    server: { flavour: 'MySQL or MariaDB: also in the version text, which is stored' },
    sessions: { timeSeconds: 'the same duration in milliseconds (timeMs) is stored; seconds only when milliseconds are missing' },
    connections: { byUser: PENDING_CONNECTIONS },
    statement_digests: {
      newRow: NEW_ROW,
      errors: 'pending issue 14 (statement errors and warnings)',
      warnings: 'pending issue 14 (statement errors and warnings)',
      lockTimeUs: PENDING_STATEMENT_DETAIL,
      maxTimeUs: PENDING_STATEMENT_DETAIL,
      tmpTables: PENDING_FULL_SCANS,
      sortRows: PENDING_FULL_SCANS,
      firstSeen: 'the statement\'s first and last run are the store\'s first and last sighting',
      lastSeen: 'the statement\'s first and last run are the store\'s first and last sighting',
    },
    key_variables: { '*': PENDING_VARIABLES },
    omitted_variables: { '*': PENDING_VARIABLES },
    tables: {
      avgRowLength: 'derived from the data length and row estimate, both stored',
      createTime: 'pending issue 14 (table creation and last update times)',
      updateTime: 'pending issue 14 (table creation and last update times)',
    },
    schema_fingerprint: { '*': 'the agent\'s schema-change trigger: the schema collection it starts is stored' },
    tables_without_primary_key: { '*': 'derived from the tables, whose hasPrimaryKey is stored' },
    columns: { dataType: 'the full column type is stored (columnType)', charset: 'implied by the collation, which is stored' },
  },
  redis: {
    _delta: DELTA_BOOKKEEPING,
    server: { mode: PENDING_BUILD, os: PENDING_BUILD, uptimeSeconds: 'pending issue 14 (server uptime and restarts)', runId: 'changes at every restart: the agent detects restarts by counter resets' },
    memory: {
      maxmemory_policy: 'a setting, stored in the settings snapshot (maxmemory-policy)',
      mem_allocator: PENDING_BUILD,
      used_memory_peak_perc: 'a percentage as text: derived from used_memory and used_memory_peak, both stored',
      used_memory_dataset_perc: 'a percentage as text: derived from used_memory_dataset and used_memory, both stored',
    },
    replication: {
      role: PENDING_REPLICA_SET,
      connected_slaves: 'the replicas are stored one by one',
      master_failover_state: PENDING_REPLICA_SET,
      master_replid: 'a replication id: an identifier, not a measurement',
      master_replid2: 'a replication id: an identifier, not a measurement',
      second_repl_offset: 'a replication offset: a position, not a measurement',
      repl_backlog_active: PENDING_REPLICA_SET,
      repl_backlog_size: 'a setting, stored in the settings snapshot (repl-backlog-size)',
      repl_backlog_first_byte_offset: 'a replication offset: a position, not a measurement',
      repl_backlog_histlen: PENDING_REPLICA_SET,
    },
    client_summary: {
      total: 'the connected clients are stored (clients.connected_clients)',
      byFlag: PENDING_CLIENTS,
      byCommand: PENDING_CLIENTS,
      byUser: PENDING_CLIENTS,
      byName: PENDING_CLIENTS,
      byDb: PENDING_CLIENTS,
      maxIdleSeconds: PENDING_CLIENTS,
      maxAgeSeconds: PENDING_CLIENTS,
      totalMemoryBytes: PENDING_CLIENTS,
      outputBufferBytes: PENDING_CLIENTS,
      maxOutputBufferBytes: PENDING_CLIENTS,
      queryBufferBytes: PENDING_CLIENTS,
    },
    command_stats: { newRow: NEW_ROW, rejectedCalls: 'pending issue 14 (rejected and failed calls per command)', failedCalls: 'pending issue 14 (rejected and failed calls per command)' },
    slowlog: { '*': PENDING_SLOWLOG },
    masterauth_set: { '*': 'pending issue 14 (whether replication authenticates to its primary)' },
  },
  mongodb: {
    _delta: DELTA_BOOKKEEPING,
    server: { host: PENDING_BUILD, process: PENDING_BUILD, uptimeSeconds: 'pending issue 14 (server uptime and restarts)', storageEngine: PENDING_BUILD },
    current_op: {
      shard: PENDING_SESSIONS,
      type: PENDING_SESSIONS,
      desc: PENDING_SESSIONS,
      connectionId: PENDING_SESSIONS,
      op: 'the command\'s shape is stored as the session\'s query',
      commandName: 'the command\'s shape is stored as the session\'s query; its name only when there is no shape',
      originatingCommandShape: PENDING_SESSIONS,
      planSummary: PENDING_SESSIONS,
      numYields: PENDING_SESSIONS,
      locks: PENDING_LOCK_DETAIL,
    },
    replica_set: { '*': PENDING_REPLICA_SET },
    replica_members: {
      id: 'members are stored by name',
      state: 'its name (stateStr) is stored',
      health: PENDING_REPLICA_SET,
      uptimeSeconds: PENDING_REPLICA_SET,
      optimeSeconds: 'the lag derived from it is stored',
      pingMs: PENDING_REPLICA_SET,
      syncSourceHost: PENDING_REPLICA_SET,
      lastHeartbeatMessage: PENDING_REPLICA_SET,
      configVersion: PENDING_REPLICA_SET,
    },
    conn_pool: { pools: 'the names of the pools: their totals are stored' },
    conn_pool_hosts: { '*': 'pending issue 14 (outgoing connections per member)' },
    profiler_levels: { '*': 'pending issue 14 (which databases are profiled, and at what threshold)' },
    profiler_entries: {
      db: 'the namespace, which names the database, is stored',
      commandName: 'the command\'s shape is stored',
      originatingCommandShape: PENDING_PROFILER,
      ts: 'the payload\'s collection time is the statistics\' time',
      cpuNanos: PENDING_PROFILER,
      keysExamined: PENDING_PROFILER,
      nMatched: PENDING_PROFILER,
      ninserted: PENDING_PROFILER,
      ndeleted: PENDING_PROFILER,
      numYield: PENDING_PROFILER,
      responseLength: PENDING_PROFILER,
      planSummary: PENDING_PROFILER,
      planCacheKey: PENDING_PROFILER,
      fromPlanCache: PENDING_PROFILER,
      replanned: PENDING_PROFILER,
      hasSortStage: PENDING_FULL_SCANS,
      usedDisk: PENDING_FULL_SCANS,
      errName: PENDING_PROFILER,
      appName: PENDING_PROFILER,
      user: PENDING_PROFILER,
    },
    build_info: { '*': PENDING_BUILD },
    host_info: { '*': PENDING_BUILD },
    cmd_line_opts: { argv: 'the parsed options are stored in the settings snapshot' },
    replica_set_config: { '*': PENDING_REPLICA_SET },
    oplog: { windowError: 'pending issue 14 (why the oplog window could not be read)' },
    indexes: { version: 'pending issue 14 (index format version)', collationLocale: 'pending issue 14 (index collation)', accessesSince: 'since when the index usage counts: the server\'s start' },
  },
};
