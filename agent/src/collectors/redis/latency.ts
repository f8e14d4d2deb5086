import type Redis from 'ioredis';

/**
 * Latency monitor events (fork, aof-fsync-always, expire-cycle, command, …): latest and all-time max per event.
 * Empty unless latency-monitor-threshold is set.
 * https://redis.io/docs/latest/commands/latency-latest/
 */
export interface LatencyEvent {
  event: string;
  timestamp: string;
  latestMs: number;
  maxMs: number;
}

export async function collectLatency(client: Redis): Promise<LatencyEvent[]> {
  const raw = (await client.call('LATENCY', 'LATEST')) as unknown[][];
  return raw.map((r) => ({
    event: String(r[0]),
    timestamp: new Date(Number(r[1]) * 1000).toISOString(),
    latestMs: Number(r[2]),
    maxMs: Number(r[3]),
  }));
}
