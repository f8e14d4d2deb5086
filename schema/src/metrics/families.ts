import type { Engine } from '../domain';
import type { MetricKind, MetricUnit } from './catalog';

/**
 * A family of series stored as they come: every numeric field of a section (of each row of a list section, labelled
 * by the row's key fields) becomes the series `<prefix>.<field>`. Engines add status fields with their versions, so
 * the fields are not listed one by one; a family says which are counters (sent as deltas) and the rest are gauges.
 */
export interface MetricFamily {
  engine: Engine;
  /** The payload section it reads. */
  section: string;
  /**
   * The series names' prefix: the section's schemaVersion 1 name (`globalStatus.Com_select`), so series stored before
   * the sections were renamed to snake_case continue.
   */
  prefix: string;
  /** For a list section: the fields that label each row's series (and are not series themselves). */
  labels?: readonly string[];
  /** The counter fields (deltas); `all` for every numeric field. Mirrors the agent's counter specs. */
  counters: 'all' | readonly string[];
  /** With `counters: 'all'`: the fields the agent sends as they are (gauges) all the same. */
  gauges?: readonly string[];
  /** The unit of most of its fields; `fieldUnits` names the others. */
  unit: MetricUnit;
  fieldUnits?: Readonly<Record<string, MetricUnit>>;
  label: string;
  description: string;
}

const family = (f: MetricFamily): MetricFamily => f;

export const METRIC_FAMILIES: readonly MetricFamily[] = [
  // PostgreSQL: the statistics views read whole, per database, per slot, per table.
  family({ engine: 'postgresql', section: 'bgwriter', prefix: 'bgwriter', counters: 'all', unit: 'count', label: 'background writer', description: 'pg_stat_bgwriter: buffers written by the background writer and by backends.' }),
  family({ engine: 'postgresql', section: 'checkpointer', prefix: 'checkpointer', counters: 'all', unit: 'count', fieldUnits: { write_time: 'milliseconds', sync_time: 'milliseconds' }, label: 'checkpointer', description: 'pg_stat_checkpointer (before 17, the checkpoint columns of pg_stat_bgwriter): checkpoints and their buffers and time.' }),
  family({ engine: 'postgresql', section: 'wal', prefix: 'wal', counters: 'all', unit: 'count', fieldUnits: { wal_bytes: 'bytes', wal_position_bytes: 'bytes', wal_write_time: 'milliseconds', wal_sync_time: 'milliseconds' }, label: 'WAL', description: 'pg_stat_wal and the WAL position: WAL records, bytes and full-page images written.' }),
  family({ engine: 'postgresql', section: 'archiver', prefix: 'archiver', counters: 'all', unit: 'count', label: 'WAL archiver', description: 'pg_stat_archiver: WAL files archived and archive failures.' }),
  family({ engine: 'postgresql', section: 'recovery', prefix: 'recovery', counters: [], unit: 'bytes', fieldUnits: { replay_delay_seconds: 'seconds' }, label: 'recovery', description: 'On a standby: WAL received but not replayed, and how long ago the last replayed transaction committed.' }),
  family({ engine: 'postgresql', section: 'database_stats', prefix: 'database_stats', labels: ['datname'], counters: 'all', gauges: ['numbackends'], unit: 'count', fieldUnits: { temp_bytes: 'bytes', blk_read_time: 'milliseconds', blk_write_time: 'milliseconds', session_time: 'milliseconds', active_time: 'milliseconds', idle_in_transaction_time: 'milliseconds' }, label: 'database statistics', description: 'pg_stat_database per database: transactions, blocks, tuples, temporary files, conflicts, sessions (numbackends is a gauge, sent as it is).' }),
  family({ engine: 'postgresql', section: 'replication_slots', prefix: 'replication_slots', labels: ['slot_name'], counters: [], unit: 'bytes', fieldUnits: { xmin_age: 'count', catalog_xmin_age: 'count', active_pid: 'count' }, label: 'replication slots', description: 'Per slot: WAL retained and the age of the xmin it holds back.' }),
  family({ engine: 'postgresql', section: 'table_maintenance', prefix: 'table_maintenance', labels: ['datname', 'schema', 'table'], counters: [], unit: 'count', label: 'table maintenance', description: 'Per table: live and dead tuples, changes since the last analyze and vacuum, vacuum and analyze counts, transaction ID age.' }),
  family({ engine: 'postgresql', section: 'index_usage', prefix: 'index_usage', labels: ['datname', 'schema', 'table', 'name'], counters: [], unit: 'count', label: 'index usage', description: 'Per index, every 10 minutes: scans since the statistics were last reset (cumulative: the Schema Explorer flags unused indexes from the newest).' }),
  family({ engine: 'postgresql', section: 'databases', prefix: 'databases', labels: ['datname'], counters: [], unit: 'count', fieldUnits: { size_bytes: 'bytes', xid_wraparound_percent: 'percent' }, label: 'databases', description: 'Per database: size, transaction ID and multixact age towards wraparound.' }),
  // MySQL / MariaDB: SHOW GLOBAL STATUS and the connection summary.
  family({ engine: 'mysql', section: 'global_status', prefix: 'globalStatus', counters: 'all', unit: 'count', fieldUnits: { Bytes_received: 'bytes', Bytes_sent: 'bytes', Innodb_data_read: 'bytes', Innodb_data_written: 'bytes', Innodb_os_log_written: 'bytes', Innodb_row_lock_time: 'milliseconds' }, label: 'global status counters', description: 'SHOW GLOBAL STATUS counters (Com_*, Handler_*, Innodb_*, …) as deltas.' }),
  family({ engine: 'mysql', section: 'status_gauges', prefix: 'statusGauges', counters: [], unit: 'count', fieldUnits: { Innodb_buffer_pool_bytes_data: 'bytes', Innodb_buffer_pool_bytes_dirty: 'bytes', Memory_used: 'bytes', Uptime: 'seconds' }, label: 'global status gauges', description: 'SHOW GLOBAL STATUS point-in-time values: threads, open tables and files, buffer pool pages.' }),
  family({ engine: 'mysql', section: 'connections', prefix: 'connections', counters: [], unit: 'count', fieldUnits: { usedPercent: 'percent' }, label: 'connections', description: 'Connections from the process list against max_connections.' }),
  // Redis: INFO sections.
  family({ engine: 'redis', section: 'clients', prefix: 'clients', counters: [], unit: 'count', fieldUnits: { client_recent_max_input_buffer: 'bytes', client_recent_max_output_buffer: 'bytes' }, label: 'clients', description: 'INFO clients.' }),
  family({ engine: 'redis', section: 'memory', prefix: 'memory', counters: [], unit: 'bytes', label: 'memory', description: 'INFO memory (ratios as they are).' }),
  family({ engine: 'redis', section: 'persistence', prefix: 'persistence', counters: [], unit: 'count', label: 'persistence', description: 'INFO persistence: RDB and AOF state, changes since the last save, fork copy-on-write sizes.' }),
  family({ engine: 'redis', section: 'cpu', prefix: 'cpu', counters: 'all', unit: 'seconds', label: 'CPU', description: 'INFO cpu: CPU seconds used in the interval, system and user, main thread and children.' }),
  family({ engine: 'redis', section: 'stats', prefix: 'stats', counters: 'all', unit: 'count', fieldUnits: { total_net_input_bytes: 'bytes', total_net_output_bytes: 'bytes', total_net_repl_input_bytes: 'bytes', total_net_repl_output_bytes: 'bytes' }, label: 'stats counters', description: 'INFO stats counters as deltas: commands, connections, keyspace hits and misses, evictions, network bytes.' }),
  family({ engine: 'redis', section: 'stats_gauges', prefix: 'statsGauges', counters: [], unit: 'count', label: 'stats gauges', description: 'INFO stats point-in-time values: instantaneous rates, pub/sub channels, tracking.' }),
  family({ engine: 'redis', section: 'keyspace', prefix: 'keyspace', labels: ['db'], counters: [], unit: 'count', fieldUnits: { avgTtlMs: 'milliseconds' }, label: 'keyspace', description: 'Per database: keys, keys with a TTL, average TTL.' }),
  family({ engine: 'redis', section: 'error_stats', prefix: 'errorStats', labels: ['error'], counters: 'all', unit: 'count', label: 'errors', description: 'INFO errorstats: error replies per error prefix, as deltas.' }),
  // MongoDB: serverStatus parts, connPoolStats, top, the oplog.
  family({ engine: 'mongodb', section: 'connections', prefix: 'connections', counters: ['totalCreated', 'rejected'], unit: 'count', label: 'connections', description: 'serverStatus.connections: current, available, active; created and rejected as deltas.' }),
  family({ engine: 'mongodb', section: 'opcounters_repl', prefix: 'opcountersRepl', counters: 'all', unit: 'count', label: 'replicated operations', description: 'serverStatus.opcountersRepl: operations applied by replication.' }),
  family({ engine: 'mongodb', section: 'wired_tiger_cache', prefix: 'wiredTigerCache', counters: ['pagesReadIntoCache', 'pagesWrittenFromCache', 'unmodifiedPagesEvicted', 'modifiedPagesEvicted', 'pagesEvictedByApplicationThreads'], unit: 'count', fieldUnits: { bytesInCache: 'bytes', maxBytesConfigured: 'bytes', trackedDirtyBytes: 'bytes' }, label: 'WiredTiger cache', description: 'The WiredTiger cache: bytes used and dirty, pages read, written and evicted.' }),
  family({ engine: 'mongodb', section: 'global_lock', prefix: 'globalLock', counters: [], unit: 'count', label: 'global lock queue', description: 'serverStatus.globalLock: operations queued and active, readers and writers.' }),
  family({ engine: 'mongodb', section: 'network', prefix: 'network', counters: 'all', unit: 'bytes', fieldUnits: { numRequests: 'count' }, label: 'network', description: 'serverStatus.network: bytes in and out and requests, as deltas.' }),
  family({ engine: 'mongodb', section: 'mem', prefix: 'mem', counters: [], unit: 'count', label: 'memory (MB)', description: 'serverStatus.mem in megabytes: resident and virtual.' }),
  family({ engine: 'mongodb', section: 'asserts', prefix: 'asserts', counters: 'all', unit: 'count', label: 'asserts', description: 'serverStatus.asserts, as deltas.' }),
  family({ engine: 'mongodb', section: 'conn_pool', prefix: 'connPool', counters: ['totalCreated'], unit: 'count', label: 'outgoing connection pool', description: 'connPoolStats: connections to other members in use, available and created.' }),
  family({ engine: 'mongodb', section: 'oplog', prefix: 'oplog', counters: [], unit: 'bytes', fieldUnits: { usedPercent: 'percent', count: 'count', firstEntrySeconds: 'seconds', lastEntrySeconds: 'seconds', windowSeconds: 'seconds' }, label: 'oplog', description: 'The oplog: size against its maximum, entries, and the time window it covers.' }),
  family({ engine: 'mongodb', section: 'tickets', prefix: 'tickets', labels: ['kind'], counters: [], unit: 'count', label: 'storage tickets', description: 'Read and write tickets: out, available and total.' }),
  family({ engine: 'mongodb', section: 'locks', prefix: 'locks', labels: ['resource', 'mode'], counters: ['acquireCount', 'acquireWaitCount', 'timeAcquiringMicros', 'deadlockCount'], unit: 'count', fieldUnits: { timeAcquiringMicros: 'microseconds' }, label: 'locks', description: 'serverStatus.locks per resource and mode: acquisitions, waits and time waited, as deltas.' }),
  family({ engine: 'mongodb', section: 'top', prefix: 'top', labels: ['ns'], counters: 'all', unit: 'count', label: 'time per collection', description: 'top per namespace: operations and the time they took (microseconds, the *Time fields), as deltas.' }),
];

/** The families of one engine. */
export function metricFamilies(engine: Engine): readonly MetricFamily[] {
  return METRIC_FAMILIES.filter((f) => f.engine === engine);
}

/** Whether a family's field is a counter (delta) or a gauge. */
export function familyFieldKind(f: MetricFamily, field: string): MetricKind {
  if (f.gauges?.includes(field)) return 'gauge';
  return f.counters === 'all' || f.counters.includes(field) ? 'delta' : 'gauge';
}
