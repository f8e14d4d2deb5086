// Redis sections (agent/src/collectors/redis): INFO clients/memory/persistence/replication/cpu, stats counters and
// gauges, commandstats (the "queries" of Redis: one per command), config and ACL users, key patterns.
import { METRICS, type CollectionData } from '@logstag/schema';
import type { EngineExtractor } from '../engine-extractor';
import { point } from '../generic-metrics';
import { objectIn, omitFields, rowsIn } from '../section-readers';
import { type Extracted, type SnapshotItem } from '../types';
import { num, rowsOf, str, type Row } from '../values';

type Data<C extends 'runtime' | 'workload' | 'operational' | 'schema'> = CollectionData<'redis', C>;

const replicaName = (r: Row): string => `${str(r['ip']) ?? ''}:${str(r['port']) ?? ''}`;

/**
 * INFO persistence's outcome texts, each stored as the gauge `persistence.<field without _status>_ok`: 1 for `ok`, 0 for
 * `err`. Redis writes nothing else there (rdbSaveInfo: `lastbgsave_status == C_OK ? "ok" : "err"`), so the number
 * keeps all the text says, and as a series it also keeps when a save failed. Any other text is not stored.
 */
const STATUS_FIELDS = ['rdb_last_bgsave_status', 'aof_last_bgrewrite_status', 'aof_last_write_status'] as const;

function persistenceStatus(persistence: Row, out: Extracted): void {
  for (const field of STATUS_FIELDS) {
    const text = str(persistence[field]);
    const value = text === 'ok' ? 1 : text === 'err' ? 0 : null;
    if (value !== null) out.metrics.push({ metric: `persistence.${field.replace(/_status$/, '_ok')}`, labels: {}, value, kind: 'gauge' });
  }
}

function runtime(data: Data<'runtime'>, out: Extracted): void {
  const clients = objectIn(data.clients);
  const memory = objectIn(data.memory);
  const summary = objectIn(data.client_summary);
  const repl = objectIn(data.replication);
  const replicas = rowsOf(repl.replicas);
  const masterOffset = num(repl.master_repl_offset);
  const byState: Record<string, number> = {};
  for (const [k, v] of Object.entries(objectIn(summary.idleBuckets))) byState[`idle ${k}`] = num(v) ?? 0;
  out.activity = {
    // Redis has no per-session view beyond CLIENT LIST, which the agent summarises (no client is sent one by one).
    sessions: [],
    lockWaits: [],
    blocking: [],
    connections: { used: num(clients['connected_clients']) ?? 0, max: num(clients['maxclients']), byState },
    replication: replicas.map((r) => {
      const offset = num(r['offset']);
      return { name: replicaName(r), state: str(r['state']), lagSeconds: num(r['lag']), lagBytes: masterOffset !== null && offset !== null ? masterOffset - offset : null };
    }),
  };
  point(out.metrics, METRICS.connectionsUsed, clients['connected_clients']);
  point(out.metrics, METRICS.connectionsMax, clients['maxclients']);
  point(out.metrics, METRICS.clientsBlocked, clients['blocked_clients']);
  point(out.metrics, METRICS.memoryUsedBytes, memory['used_memory']);
  point(out.metrics, METRICS.memoryMaxBytes, memory['maxmemory']);
  point(out.metrics, METRICS.memoryRssBytes, memory['used_memory_rss']);
  for (const r of replicas) point(out.metrics, METRICS.replicationLagSeconds, r['lag'], { replica: replicaName(r) });
  persistenceStatus(objectIn(data.persistence), out);
}

function workload(data: Data<'workload'>, out: Extracted): void {
  const stats = objectIn(data.stats);
  const gauges = objectIn(data.stats_gauges);
  point(out.metrics, METRICS.opsTotal, stats['total_commands_processed']);
  point(out.metrics, METRICS.opsPerSecond, gauges['instantaneous_ops_per_sec']);
  point(out.metrics, METRICS.cacheHits, stats['keyspace_hits']);
  point(out.metrics, METRICS.cacheMisses, stats['keyspace_misses']);
  point(out.metrics, METRICS.keysEvicted, stats['evicted_keys']);
  point(out.metrics, METRICS.keysExpired, stats['expired_keys']);
  for (const c of rowsIn(data.command_stats)) {
    const calls = num(c.calls) ?? 0;
    if (!calls) continue;
    const command = str(c.command) ?? '';
    point(out.metrics, METRICS.ops, calls, { command });
    out.queries.push({ fingerprint: `cmd/${command}`, database: null, text: command, calls, totalTimeMs: (num(c.usec) ?? 0) / 1000, rows: 0, blocksHit: 0, blocksRead: 0 });
  }
}

function operational(data: Data<'operational'>, out: Extracted): void {
  out.snapshots.settings = Object.entries(objectIn(data.config)).map(([name, value]) => ({ type: 'setting', name, def: { setting: value } }));
  const access: SnapshotItem[] = rowsIn(data.acl_users).map((u) => ({ type: 'user', name: str(u.user) ?? '', def: omitFields(u, ['user']) }));
  access.push({ type: 'setting', name: 'requirepass', def: { set: data.password_set === true } });
  // Without ACL LIST (refused to the monitoring user, or the acl_users collector disabled) the users are not known:
  // said in the snapshot, so the accounts view shows "not readable" instead of a server without users (issue 14).
  if (!Array.isArray(data.acl_users)) access.push({ type: 'unreadable', name: 'ACL users', def: { reason: 'ACL LIST was not collected: refused to the monitoring user (NOPERM) or the acl_users collector is disabled' } });
  out.snapshots.access = access;
}

function schema(data: Data<'schema'>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  for (const k of rowsIn(data.keyspace)) items.push({ type: 'database', name: `db${str(k.db)}`, def: {}, stats: omitFields(k, ['db']) });
  for (const p of rowsIn(data.key_patterns)) {
    for (const r of rowsIn(p.patterns)) {
      items.push({ type: 'key_pattern', name: `db${str(r.db)}:${str(r.pattern)}`, def: { type: r.type }, stats: { count: r.count, memoryBytes: r.memoryBytes } });
    }
  }
  out.snapshots.schema = items;
}

export const redisExtractor: EngineExtractor<'redis'> = {
  version: (data) => str(objectIn(data.server).version),
  categories: { runtime, workload, operational, schema },
};
