import type { RedisData } from './sections';
import type Redis from 'ioredis';
import type { CounterSpecs } from '../step';
import type { Info } from './info';
import { parseFields, readInfo, withoutHuman } from './info';

/**
 * INFO stats split into counters (totals since start: sent as deltas) and gauges (instantaneous rates, current
 * pub/sub and tracking sizes), INFO commandstats as counters keyed by command, and INFO errorstats keyed by error
 * prefix. Counters reset on restart or CONFIG RESETSTAT; the runner detects that.
 * https://redis.io/docs/latest/commands/info/
 */
const STATS_GAUGE = /^(instantaneous_|pubsub|slave_expires_tracked_keys|tracking_|current_|mem_|io_threads_active|reply_buffer_|latest_fork_usec|expired_time_cap|expire_cycle_cpu_milliseconds$|expired_stale_perc)/;

export const COMMAND_COUNTERS = ['calls', 'usec', 'rejectedCalls', 'failedCalls'] as const;

export interface CommandStatRow {
  command: string;
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export interface Workload {
  data: Pick<RedisData, 'stats' | 'stats_gauges' | 'error_stats'>;
  counters: CounterSpecs<RedisData>;
}

export function statsSections(info: Info): Workload {
  const stats = withoutHuman(info['stats']);
  const counters: Record<string, number> = {};
  const gauges: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(stats)) {
    if (typeof v === 'number' && !STATS_GAUGE.test(k)) counters[k] = v;
    else gauges[k] = v;
  }
  // errorstat_ERR:count=3 → { error: 'ERR', count: 3 }
  const errors = Object.entries(info['errorstats'] ?? {}).map(([k, v]) => ({
    error: k.replace(/^errorstat_/, ''),
    count: Number(parseFields(v)['count'] ?? 0),
  }));
  return {
    data: { stats: counters, stats_gauges: gauges, error_stats: errors },
    counters: {
      stats: { key: [], counters: Object.keys(counters) },
      error_stats: { key: ['error'], counters: ['count'] },
    },
  };
}

/** cmdstat_client|list:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0 */
export function commandStatRows(info: Info): CommandStatRow[] {
  return Object.entries(info['commandstats'] ?? {}).map(([k, v]) => {
    const f = parseFields(v);
    return {
      command: k.replace(/^cmdstat_/, ''),
      calls: Number(f['calls'] ?? 0),
      usec: Number(f['usec'] ?? 0),
      // Redis 6.2+; absent before.
      rejectedCalls: Number(f['rejected_calls'] ?? 0),
      failedCalls: Number(f['failed_calls'] ?? 0),
    };
  });
}

export async function collectCommandStats(client: Redis): Promise<CommandStatRow[]> {
  return commandStatRows(await readInfo(client, 'commandstats'));
}
