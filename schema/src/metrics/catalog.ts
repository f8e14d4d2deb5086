import type { Engine } from '../domain';

/**
 * How a stored value reads: a gauge is a level at collection time; a delta is what a counter added since the previous
 * collection (the agent sends counters as deltas), read as a sum or a rate per second. The store's metric_series.kind.
 */
export const METRIC_KINDS = ['gauge', 'delta'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export type MetricUnit = 'count' | 'bytes' | 'seconds' | 'milliseconds' | 'microseconds' | 'percent' | 'pages' | 'per_second';

/** One metric the server stores under a fixed name, whatever the engine that reports it. */
export interface MetricDef {
  name: string;
  unit: MetricUnit;
  kind: MetricKind;
  /** The engines whose extractors store it. */
  engines: readonly Engine[];
  /** Short, lower case: a chart's legend or a list's entry. */
  label: string;
  description: string;
  /** The labels its series carry, when there is one series per value (a replica, a database). */
  labels?: readonly string[];
}

const ALL: readonly Engine[] = ['postgresql', 'mysql', 'redis', 'mongodb'];

function metric<N extends string>(name: N, def: Omit<MetricDef, 'name'>): MetricDef & { name: N } {
  return { name, ...def };
}

/**
 * The metrics the engines' extractors compute under engine-neutral names (activities/src/normalize/engines): what the
 * target page charts, alert rules and the explorers read across engines.
 */
export const METRICS = {
  connectionsUsed: metric('connections.used', { unit: 'count', kind: 'gauge', engines: ALL, label: 'connections used', description: 'Client connections open at collection time.' }),
  connectionsMax: metric('connections.max', { unit: 'count', kind: 'gauge', engines: ALL, label: 'connection limit', description: 'Connections the server accepts (max_connections, maxclients; MongoDB: in use plus available).' }),
  connectionsByState: metric('connections.by_state', { unit: 'count', kind: 'gauge', engines: ['postgresql'], label: 'connections by state', description: 'Client connections per pg_stat_activity state.', labels: ['state'] }),
  statsResetAt: metric('stats.reset_at', { unit: 'seconds', kind: 'gauge', engines: ['postgresql'], label: 'statistics reset', description: "When each database's cumulative statistics were last reset, in Unix seconds (0: never since the cluster started counting): index and table scan counts count from then.", labels: ['database'] }),
  sessionsActive: metric('sessions.active', { unit: 'count', kind: 'gauge', engines: ['postgresql', 'mysql', 'mongodb'], label: 'active sessions', description: 'Sessions running a statement or operation at collection time.' }),
  statementsSlowestMean: metric('statements.slowest_mean_ms', { unit: 'milliseconds', kind: 'gauge', engines: ALL, label: 'slowest statement mean', description: 'The highest mean time per call among the statements that ran in the collection interval (the application\'s: monitoring statements left out).' }),
  locksWaiting: metric('locks.waiting', { unit: 'count', kind: 'gauge', engines: ['postgresql', 'mysql'], label: 'lock waits', description: 'Sessions waiting for a lock at collection time.' }),
  replicationLagSeconds: metric('replication.lag_seconds', { unit: 'seconds', kind: 'gauge', engines: ALL, label: 'replication lag', description: 'How far each replica is behind (replica "self": this standby behind its primary).', labels: ['replica'] }),
  replicationLagBytes: metric('replication.lag_bytes', { unit: 'bytes', kind: 'gauge', engines: ['postgresql'], label: 'replication lag (bytes)', description: 'WAL not yet replayed by each replica.', labels: ['replica'] }),
  transactionsCommits: metric('transactions.commits', { unit: 'count', kind: 'delta', engines: ['postgresql', 'mysql'], label: 'commits', description: 'Transactions committed (PostgreSQL: per database).', labels: ['database'] }),
  transactionsRollbacks: metric('transactions.rollbacks', { unit: 'count', kind: 'delta', engines: ['postgresql', 'mysql'], label: 'rollbacks', description: 'Transactions rolled back (PostgreSQL: per database).', labels: ['database'] }),
  cacheHits: metric('cache.hits', { unit: 'count', kind: 'delta', engines: ['postgresql', 'mysql', 'redis'], label: 'cache hits', description: 'Reads served from memory: shared buffers, the InnoDB buffer pool, keyspace hits.', labels: ['database'] }),
  cacheMisses: metric('cache.misses', { unit: 'count', kind: 'delta', engines: ALL, label: 'cache misses', description: 'Reads that went to disk (blocks read, buffer pool reads, pages read into the WiredTiger cache) or keys not found.', labels: ['database'] }),
  cacheUsedBytes: metric('cache.used_bytes', { unit: 'bytes', kind: 'gauge', engines: ['mongodb'], label: 'cache used', description: 'Bytes in the WiredTiger cache.' }),
  cacheMaxBytes: metric('cache.max_bytes', { unit: 'bytes', kind: 'gauge', engines: ['mongodb'], label: 'cache size', description: 'The WiredTiger cache size configured.' }),
  deadlocks: metric('deadlocks', { unit: 'count', kind: 'delta', engines: ['postgresql'], label: 'deadlocks', description: 'Deadlocks detected, per database.', labels: ['database'] }),
  opsTotal: metric('ops.total', { unit: 'count', kind: 'delta', engines: ['mysql', 'redis', 'mongodb'], label: 'operations', description: 'Statements (Questions), commands or operations the server ran.' }),
  opsPerSecond: metric('ops.per_second', { unit: 'per_second', kind: 'gauge', engines: ['redis'], label: 'ops/s', description: "Redis's own instantaneous operations per second." }),
  ops: metric('ops', { unit: 'count', kind: 'delta', engines: ['redis', 'mongodb'], label: 'operations by type', description: 'Operations per command (Redis) or per operation type (MongoDB opcounters).', labels: ['command', 'op'] }),
  threadsRunning: metric('threads.running', { unit: 'count', kind: 'gauge', engines: ['mysql'], label: 'threads running', description: 'Threads_running: threads executing a statement.' }),
  threadsConnected: metric('threads.connected', { unit: 'count', kind: 'gauge', engines: ['mysql'], label: 'threads connected', description: 'Threads_connected: open client connections.' }),
  memoryUsedBytes: metric('memory.used_bytes', { unit: 'bytes', kind: 'gauge', engines: ['mysql', 'redis', 'mongodb'], label: 'memory used', description: 'Memory the server uses (Memory_used, used_memory, resident set).' }),
  memoryMaxBytes: metric('memory.max_bytes', { unit: 'bytes', kind: 'gauge', engines: ['redis'], label: 'memory limit', description: 'maxmemory (0: no limit).' }),
  memoryRssBytes: metric('memory.rss_bytes', { unit: 'bytes', kind: 'gauge', engines: ['redis'], label: 'RSS', description: 'Resident set size of the Redis process.' }),
  bufferPoolPagesData: metric('buffer_pool.pages_data', { unit: 'pages', kind: 'gauge', engines: ['mysql'], label: 'buffer pool pages with data', description: 'Innodb_buffer_pool_pages_data.' }),
  bufferPoolPagesTotal: metric('buffer_pool.pages_total', { unit: 'pages', kind: 'gauge', engines: ['mysql'], label: 'buffer pool pages', description: 'Innodb_buffer_pool_pages_total.' }),
  clientsBlocked: metric('clients.blocked', { unit: 'count', kind: 'gauge', engines: ['redis'], label: 'blocked clients', description: 'Clients blocked in BLPOP, WAIT and the like.' }),
  keysEvicted: metric('keys.evicted', { unit: 'count', kind: 'delta', engines: ['redis'], label: 'evicted keys', description: 'Keys evicted for maxmemory.' }),
  keysExpired: metric('keys.expired', { unit: 'count', kind: 'delta', engines: ['redis'], label: 'expired keys', description: 'Keys removed when their TTL ran out.' }),
} as const satisfies Record<string, MetricDef>;

export type MetricName = (typeof METRICS)[keyof typeof METRICS]['name'];

const BY_NAME: ReadonlyMap<string, MetricDef> = new Map(Object.values(METRICS).map((m) => [m.name, m]));

/** The curated metric of that name, if it is one. */
export function curatedMetric(name: string): MetricDef | undefined {
  return BY_NAME.get(name);
}
