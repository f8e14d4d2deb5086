import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { METRICS } from '@logstag/schema';
import type { Fleet, FleetTarget } from '@logstag/schema/api';
import { fleetBuckets, fleetLatest, listTargets, type Database, type FleetBucketRow } from '@logstag/store';
import { bucketRate, chooseResolution, targetView } from './databases.service';
import { FleetBucketCache } from './fleet-cache';

export { FleetBucketCache } from './fleet-cache';

/** Sparkline points per target. */
const SPARK_BUCKETS = 12;
/** The fleet overview lists at most this many targets (an organization's whole fleet on one page). */
export const FLEET_LIMIT = 500;

const BUCKETED = [METRICS.transactionsCommits.name, METRICS.opsTotal.name, METRICS.cacheHits.name, METRICS.cacheMisses.name];
/** Gauges read as each bucket's highest value, for the sparklines of the columns shown as last collected. */
const GAUGES = [METRICS.connectionsUsed.name, METRICS.locksWaiting.name, METRICS.replicationLagSeconds.name, METRICS.statementsSlowestMean.name];
const LATEST = [METRICS.connectionsUsed.name, METRICS.connectionsMax.name, METRICS.locksWaiting.name, METRICS.replicationLagSeconds.name];

/** Commits where the engine counts transactions, otherwise operations (Redis commands, MongoDB opcounters). */
function throughputMetric(engine: string): { metric: string; label: string } {
  return engine === 'postgresql' || engine === 'mysql' ? { metric: METRICS.transactionsCommits.name, label: 'commits/s' } : { metric: METRICS.opsTotal.name, label: 'ops/s' };
}

const defaultCache = new FleetBucketCache();

/**
 * Per target: reporting state, connections against the limit, throughput and cache hit over the range, blocked
 * sessions and replication lag now, the slowest statement's mean over the range, and a sparkline per column. Two
 * statements for the whole fleet: the buckets of eight metrics and the newest value of four.
 */
export async function fleetOverview(db: Kysely<Database>, organizationId: string, range: { from: Date; to: Date }, now = Date.now(), cache: FleetBucketCache | null = defaultCache): Promise<Fleet> {
  const targets = await listTargets(db, organizationId, {}, FLEET_LIMIT);
  const step = Math.max(60, Math.ceil((range.to.getTime() - range.from.getTime()) / 1000 / SPARK_BUCKETS));
  const targetIds = targets.map((t) => t.target_id);
  // Buckets of at least a minute: minute or hour rollups (their tails from raw points), never raw alone.
  const resolution = chooseResolution(range.from, step, now) === '1h' ? '1h' : '1m';
  const metrics = [...BUCKETED, ...GAUGES];
  const query = (from: Date, to: Date, bucketSeconds: number, tier: 'raw' | '1m' | '1h', settled?: boolean) =>
    fleetBuckets(db, { organizationId, targetIds, metrics, from, to }, tier, bucketSeconds, { settled });
  const key = createHash('sha256').update([organizationId, resolution, step, ...metrics, ...targetIds].join('\u0000')).digest('base64url');
  // Without a cache, a throwaway one: the same pieces from the same tiers (the first hour from minute rollups), read once.
  const [buckets, latest] = await Promise.all([
    (cache ?? new FleetBucketCache()).read(key, { from: range.from.getTime(), to: range.to.getTime() }, step, resolution, now, query),
    fleetLatest(db, organizationId, LATEST),
  ]);
  // Grouped once (a list per target, appended in place): the week's hourly buckets of a hundred targets are tens of
  // thousands of rows.
  const byTarget = new Map<string, FleetBucketRow[]>();
  for (const b of buckets) {
    const list = byTarget.get(b.target_id);
    if (list) list.push(b);
    else byTarget.set(b.target_id, [b]);
  }
  const latestByKey = new Map<string, number[]>();
  for (const l of latest) {
    const key = `${l.target_id}\u0000${l.metric}`;
    const list = latestByKey.get(key);
    if (list) list.push(l.last_value);
    else latestByKey.set(key, [l.last_value]);
  }
  const latestOf = (targetId: string, metric: string) => latestByKey.get(`${targetId}\u0000${metric}`) ?? [];

  const items: FleetTarget[] = targets.map((t) => {
    const rows = byTarget.get(t.target_id) ?? [];
    const { metric, label } = throughputMetric(t.engine);
    const through = rows.filter((r) => r.metric === metric);
    const total = (m: string) => rows.filter((r) => r.metric === m).reduce((s, r) => s + r.sum, 0);
    const covered = through.reduce((s, r) => s + (r.seconds ?? 0), 0);
    const hits = total(METRICS.cacheHits.name);
    const misses = total(METRICS.cacheMisses.name);
    const used = latestOf(t.target_id, METRICS.connectionsUsed.name)[0] ?? null;
    const max = latestOf(t.target_id, METRICS.connectionsMax.name)[0] ?? null;
    const lags = latestOf(t.target_id, METRICS.replicationLagSeconds.name);
    const first = Math.floor(range.from.getTime() / 1000 / step) * step;
    const byBucket = new Map(through.map((x) => [x.bucket.getTime(), x]));
    const count = Math.ceil((range.to.getTime() / 1000 - first) / step);
    const sparkline = Array.from({ length: count }, (_, i) => {
      const ts = new Date((first + i * step) * 1000);
      const r = byBucket.get(ts.getTime());
      return { ts: ts.toISOString(), value: r ? bucketRate(r, step) : null };
    });
    // Each column's sparkline on the same buckets: a gauge's highest value in the bucket, the cache hit ratio of the
    // bucket's reads.
    const bucketsOf = (m: string) => new Map(rows.filter((r) => r.metric === m).map((r) => [r.bucket.getTime(), r]));
    const spark = (at: (ms: number) => number | null) => Array.from({ length: count }, (_, i) => at((first + i * step) * 1000));
    const peak = (m: string) => {
      const b = bucketsOf(m);
      return spark((ms) => b.get(ms)?.max ?? null);
    };
    const hitBuckets = bucketsOf(METRICS.cacheHits.name);
    const missBuckets = bucketsOf(METRICS.cacheMisses.name);
    const slowest = rows.filter((r) => r.metric === METRICS.statementsSlowestMean.name);
    return {
      target: targetView(t, now),
      connectionsUsed: used,
      connectionsMax: max,
      connectionsRatio: used !== null && max ? used / max : null,
      // Points stored before deltas kept their interval have no covered seconds: their buckets' rates (per bucket width).
      throughputPerSecond: through.length === 0 ? null : covered > 0 ? through.reduce((s, r) => s + r.sum, 0) / covered : through.reduce((s, r) => s + bucketRate(r, step), 0) / through.length,
      throughputLabel: label,
      cacheHitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
      blockedSessions: latestOf(t.target_id, METRICS.locksWaiting.name)[0] ?? null,
      replicationLagSeconds: lags.length ? Math.max(...lags) : null,
      slowestStatementMeanMs: slowest.length ? Math.max(...slowest.map((r) => r.max)) : null,
      sparkline,
      sparklines: {
        connections: peak(METRICS.connectionsUsed.name),
        cacheHit: spark((ms) => {
          const h = hitBuckets.get(ms)?.sum ?? 0;
          const m = missBuckets.get(ms)?.sum ?? 0;
          return h + m > 0 ? h / (h + m) : null;
        }),
        slowestStatement: peak(METRICS.statementsSlowestMean.name),
        blocked: peak(METRICS.locksWaiting.name),
        lag: peak(METRICS.replicationLagSeconds.name),
      },
    };
  });
  return { from: range.from.toISOString(), to: range.to.toISOString(), stepSeconds: step, items };
}
