import type { CounterSpec } from '../types';
import type { Info } from './info';
import { keyspaceRows, parseFields, withoutHuman } from './info';

/**
 * Runtime gauges from INFO: clients, memory, persistence, replication, keyspace. CPU seconds are cumulative, so the
 * cpu section is declared as counters and sent as deltas (CPU used during the interval).
 * https://redis.io/docs/latest/commands/info/
 */
export interface RuntimeInfo {
  data: Record<string, unknown>;
  counters: Record<string, CounterSpec>;
}

export function runtimeSections(info: Info): RuntimeInfo {
  const replication = withoutHuman(info['replication']);
  // slaveN: ip=…,port=…,state=online,offset=…,lag=0 → rows; the replica's address identifies topology, no secret.
  const replicas = Object.entries(replication)
    .filter(([k]) => /^slave\d+$/.test(k))
    .map(([, v]) => parseFields(v));
  for (const k of Object.keys(replication)) if (/^slave\d+$/.test(k)) delete replication[k];
  const cpu = withoutHuman(info['cpu']);
  return {
    data: {
      clients: withoutHuman(info['clients']),
      memory: withoutHuman(info['memory']),
      persistence: withoutHuman(info['persistence']),
      replication: { ...replication, replicas },
      cpu,
      keyspace: keyspaceRows(info),
    },
    counters: { cpu: { key: [], counters: Object.keys(cpu).filter((k) => typeof cpu[k] === 'number') } },
  };
}

/** The server facts every payload's reader needs: version, mode, uptime. */
export function serverFacts(info: Info): Record<string, unknown> {
  const s = info['server'] ?? {};
  return {
    version: s['redis_version'] ?? null,
    mode: s['redis_mode'] ?? null,
    os: s['os'] ?? null,
    uptimeSeconds: s['uptime_in_seconds'] ?? null,
    runId: s['run_id'] ?? null,
  };
}
