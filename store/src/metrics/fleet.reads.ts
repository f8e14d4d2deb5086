import { sql } from 'kysely';
import type { Db } from '../db';
import type { Resolution } from './metrics.reads';

export interface FleetBucketRow {
  target_id: string;
  metric: string;
  bucket: Date;
  sum: number;
  count: number;
  max: number;
  /** The seconds the bucket's deltas cover (null for gauges and points stored before intervals were kept). */
  seconds: number | null;
}

/**
 * A few metrics of every target of an organization, in buckets of `stepSeconds` (all label sets together): the fleet
 * overview's throughput, cache hits and sparklines in one statement. Same tiers as metricBuckets: a rollup serves
 * the range up to its last built interval, raw points the rest.
 */
export async function fleetBuckets(
  db: Db,
  where: { organizationId: string; targetIds: readonly string[]; metrics: readonly string[]; from: Date; to: Date },
  resolution: Resolution,
  stepSeconds: number,
): Promise<FleetBucketRow[]> {
  if (where.metrics.length === 0 || where.targetIds.length === 0) return [];
  const bucket = sql<Date>`to_timestamp(floor(extract(epoch from ts) / ${stepSeconds}) * ${stepSeconds})`;
  const metrics = sql.join(where.metrics.map((m) => sql`${m}`));
  const targets = sql.join(where.targetIds.map((t) => sql`${t}`));
  // Targets and metrics named in full: the primary key (organization, target, metric, labels, ts) then serves each
  // pair's range, instead of every point of the organization in the range.
  const scope = sql`organization_id = ${where.organizationId} and target_id in (${targets}) and metric in (${metrics}) and ts >= ${where.from} and ts < ${where.to}`;
  const query =
    resolution === 'raw'
      ? sql<FleetBucketRow>`select target_id, metric, ${bucket} as bucket, sum(value) as sum, count(*)::int as count, max(value) as max, sum(seconds) as seconds
          from metric_points where ${scope} group by 1, 2, 3 order by 1, 2, 3`
      : sql<FleetBucketRow>`with rolled as (
            select target_id, metric, labels_key, ts, sum, count, max, seconds from ${sql.table(resolution === '1m' ? 'metric_rollup_1m' : 'metric_rollup_1h')} where ${scope}
          ), built as (
            select target_id, metric, labels_key, max(ts) as until from rolled group by 1, 2, 3
          ), merged as (
            select r.target_id, r.metric, r.ts, r.sum, r.count, r.max, r.seconds from rolled r join built b using (target_id, metric, labels_key) where r.ts < b.until
            union all
            select p.target_id, p.metric, p.ts, p.value, 1, p.value, p.seconds from metric_points p left join built b using (target_id, metric, labels_key)
             where ${scope} and p.ts >= coalesce(b.until, ${where.from})
          )
          select target_id, metric, ${bucket} as bucket, sum(sum) as sum, sum(count)::int as count, max(max) as max, sum(seconds) as seconds
            from merged group by 1, 2, 3 order by 1, 2, 3`;
  return (await query.execute(db)).rows;
}

/** The newest value of each series of these metrics, for every target of an organization. */
export async function fleetLatest(db: Db, organizationId: string, metrics: readonly string[]) {
  if (metrics.length === 0) return [];
  return db
    .selectFrom('metric_series')
    .select(['target_id', 'metric', 'labels', 'last_value', 'last_ts'])
    .where('organization_id', '=', organizationId)
    .where('metric', 'in', metrics)
    .execute();
}
