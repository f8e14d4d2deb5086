import type { Section } from '@logstag/schema/core';
import type { RedisData } from './sections';
import type { CounterSpecs } from '../step';
import type { Info } from './info';
import { keyspaceRows, parseFields, withoutHuman } from './info';

/**
 * Runtime gauges from INFO: clients, memory, persistence, replication, keyspace. CPU seconds are cumulative, so the
 * cpu section is declared as counters and sent as deltas (CPU used during the interval).
 * https://redis.io/docs/latest/commands/info/
 */
export interface RuntimeInfo {
  data: Pick<RedisData, 'clients' | 'memory' | 'persistence' | 'replication' | 'cpu' | 'keyspace'>;
  counters: CounterSpecs<RedisData>;
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
export function serverFacts(info: Info): Section<'redis', 'server'> {
  const s = info['server'] ?? {};
  const text = (v: string | number | undefined) => (v === undefined ? null : String(v));
  const uptime = s['uptime_in_seconds'];
  return {
    version: text(s['redis_version']),
    mode: text(s['redis_mode']),
    os: text(s['os']),
    uptimeSeconds: typeof uptime === 'number' ? uptime : null,
    runId: text(s['run_id']),
  };
}
