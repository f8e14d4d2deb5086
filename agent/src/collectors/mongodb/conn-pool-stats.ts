import type { AreaContext, AreaResult } from './area';
import { runCommand } from './client';
import { asRecord, num } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/connPoolStats/
 * Outgoing connection pools (to other members/shards): totals, and one row per remote host. The per-host
 * acquisition-time histograms are left out; their total count is kept.
 */
export const connPoolStatsCommand = Object.freeze({ connPoolStats: 1 });

export async function collectConnPoolStats(ctx: AreaContext): Promise<AreaResult> {
  const stats = await runCommand(ctx.admin, connPoolStatsCommand, ctx.timeoutMs);
  const hosts = Object.entries(asRecord(stats.hosts)).map(([host, value]) => {
    const h = asRecord(value);
    return {
      host,
      inUse: num(h.inUse),
      available: num(h.available),
      leased: num(h.leased),
      created: num(h.created),
      refreshing: num(h.refreshing),
      acquisitions: num(asRecord(h.acquisitionWaitTimes).totalCount),
    };
  });
  return {
    data: {
      conn_pool: {
        totalInUse: num(stats.totalInUse),
        totalAvailable: num(stats.totalAvailable),
        totalCreated: num(stats.totalCreated),
        totalRefreshing: num(stats.totalRefreshing),
        numClientConnections: num(stats.numClientConnections),
        pools: Object.keys(asRecord(stats.pools)),
      },
      conn_pool_hosts: hosts,
    },
    counters: {
      conn_pool: { key: [], counters: ['totalCreated'] },
      conn_pool_hosts: { key: ['host'], counters: ['created', 'acquisitions'] },
    },
  };
}
