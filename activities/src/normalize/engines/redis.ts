// Redis sections (agent/src/collectors/redis): INFO clients/memory/persistence/replication/cpu, stats counters and
// gauges, commandstats (the "queries" of Redis: one per command), config and ACL users, key patterns.
import { point, type GenericRule } from '../generic-metrics';
import { type Extracted, type SnapshotItem } from '../types';
import type { EngineExtractor } from '../engine-extractor';
import { num, objectOf, omit, rowsOf, str, type Row } from '../values';

const RULE: GenericRule = {
  objects: ['clients', 'memory', 'persistence', 'cpu', 'stats', 'statsGauges'],
  arrays: { keyspace: { labels: ['db'] }, errorStats: { labels: ['error'] } },
  counters: { stats: 'all', cpu: 'all', errorStats: 'all' },
};

const replicaName = (r: Row): string => `${str(r.ip) ?? ''}:${str(r.port) ?? ''}`;

function runtime(data: Record<string, unknown>, out: Extracted): void {
  const clients = objectOf(data.clients);
  const memory = objectOf(data.memory);
  const summary = objectOf(data.clientSummary);
  const repl = objectOf(data.replication);
  const replicas = rowsOf(repl.replicas);
  const masterOffset = num(repl.master_repl_offset);
  const byState: Record<string, number> = {};
  for (const [k, v] of Object.entries(objectOf(summary.idleBuckets))) byState[`idle ${k}`] = num(v) ?? 0;
  out.activity = {
    // Redis has no per-session view beyond CLIENT LIST, which the agent summarises (no client is sent one by one).
    sessions: [],
    lockWaits: [],
    blocking: [],
    connections: { used: num(clients.connected_clients) ?? 0, max: num(clients.maxclients), byState },
    replication: replicas.map((r) => {
      const offset = num(r.offset);
      return { name: replicaName(r), state: str(r.state), lagSeconds: num(r.lag), lagBytes: masterOffset !== null && offset !== null ? masterOffset - offset : null };
    }),
  };
  point(out.metrics, 'connections.used', clients.connected_clients, 'gauge');
  point(out.metrics, 'connections.max', clients.maxclients, 'gauge');
  point(out.metrics, 'clients.blocked', clients.blocked_clients, 'gauge');
  point(out.metrics, 'memory.used_bytes', memory.used_memory, 'gauge');
  point(out.metrics, 'memory.max_bytes', memory.maxmemory, 'gauge');
  point(out.metrics, 'memory.rss_bytes', memory.used_memory_rss, 'gauge');
  for (const r of replicas) point(out.metrics, 'replication.lag_seconds', r.lag, 'gauge', { replica: replicaName(r) });
}

function workload(data: Record<string, unknown>, out: Extracted): void {
  const stats = objectOf(data.stats);
  const gauges = objectOf(data.statsGauges);
  point(out.metrics, 'ops.total', stats.total_commands_processed, 'delta');
  point(out.metrics, 'ops.per_second', gauges.instantaneous_ops_per_sec, 'gauge');
  point(out.metrics, 'cache.hits', stats.keyspace_hits, 'delta');
  point(out.metrics, 'cache.misses', stats.keyspace_misses, 'delta');
  point(out.metrics, 'keys.evicted', stats.evicted_keys, 'delta');
  point(out.metrics, 'keys.expired', stats.expired_keys, 'delta');
  for (const c of rowsOf(data.commandStats)) {
    const calls = num(c.calls) ?? 0;
    if (!calls) continue;
    const command = str(c.command) ?? '';
    point(out.metrics, 'ops', calls, 'delta', { command });
    out.queries.push({ fingerprint: `cmd/${command}`, database: null, text: command, calls, totalTimeMs: (num(c.usec) ?? 0) / 1000, rows: 0, blocksHit: 0, blocksRead: 0 });
  }
}

function operational(data: Record<string, unknown>, out: Extracted): void {
  out.snapshots.settings = Object.entries(objectOf(data.config)).map(([name, value]) => ({ type: 'setting', name, def: { setting: value } }));
  const access: SnapshotItem[] = rowsOf(data.aclUsers).map((u) => ({ type: 'user', name: str(u.user) ?? '', def: omit(u, ['user']) }));
  access.push({ type: 'setting', name: 'requirepass', def: { set: data.passwordSet === true } });
  out.snapshots.access = access;
}

function schema(data: Record<string, unknown>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  for (const k of rowsOf(data.keyspace)) items.push({ type: 'database', name: `db${str(k.db)}`, def: {}, stats: omit(k, ['db']) });
  for (const p of rowsOf(data.keyPatterns)) {
    for (const r of rowsOf(p.patterns)) {
      items.push({ type: 'key_pattern', name: `db${str(r.db)}:${str(r.pattern)}`, def: { type: r.type }, stats: { count: r.count, memoryBytes: r.memoryBytes } });
    }
  }
  out.snapshots.schema = items;
}

export const redisExtractor: EngineExtractor = {
  version: (data) => str(objectOf(data.server).version),
  categories: { runtime, workload, operational, schema },
  rule: RULE,
};
