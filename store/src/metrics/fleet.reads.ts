import { sql, type RawBuilder } from 'kysely';
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
 *
 * The series are enumerated first (metric_series) and each is read with its own index range (organization, target,
 * metric, labels, ts): a scan by target and metric alone reads every point of the day's partition for those series
 * (no skip scan before PostgreSQL 18), which for a hundred targets was most of the overview's 200 ms. Where each
 * series' raw tail starts is fixed in a materialized step before its points are read: joined in the same step, the
 * planner (which expects a handful of rolled series) read every raw point of the range for each of 700 series and
 * matched them against the rollups' ends in a nested loop, 176 million comparisons and 40 s for a one-hour overview.
 */
export async function fleetBuckets(
  db: Db,
  where: { organizationId: string; targetIds: readonly string[]; metrics: readonly string[]; from: Date; to: Date },
  resolution: Exclude<Resolution, 'raw'>,
  stepSeconds: number,
): Promise<FleetBucketRow[]> {
  if (where.metrics.length === 0 || where.targetIds.length === 0) return [];
  const bucket = sql<Date>`to_timestamp(floor(extract(epoch from ts) / ${stepSeconds}) * ${stepSeconds})`;
  const metrics = sql.join(where.metrics.map((m) => sql`${m}`));
  const targets = sql.join(where.targetIds.map((t) => sql`${t}`));
  const org = where.organizationId;
  const series = sql`select target_id, metric, labels_key from metric_series
     where organization_id = ${org} and target_id in (${targets}) and metric in (${metrics}) and last_ts >= ${where.from}`;
  // Raw points serve each series' tail after its last built rollup interval and its head before the first: a range
  // that starts inside an interval has that interval's points after \`from\` in range, and no rollup row holds them.
  const raw = (since: RawBuilder<unknown>, until: RawBuilder<unknown>) => sql`select p.ts, p.value, p.seconds from metric_points p
     where p.organization_id = ${org} and p.target_id = s.target_id and p.metric = s.metric and p.labels_key = s.labels_key
       and p.ts >= ${since} and p.ts < ${until}`;
  // Minute or hour rollups: an overview's buckets are at least a minute wide.
  const query = sql<FleetBucketRow>`with series as (${series}), rolled as (
            select s.target_id, s.metric, s.labels_key, r.ts, r.sum, r.count, r.max, r.seconds
              from series s join lateral (
                select ts, sum, count, max, seconds from ${sql.table(resolution === '1m' ? 'metric_rollup_1m' : 'metric_rollup_1h')} r
                 where r.organization_id = ${org} and r.target_id = s.target_id and r.metric = s.metric and r.labels_key = s.labels_key
                   and r.ts >= ${where.from} and r.ts < ${where.to}) r on true
          ), built as (
            select target_id, metric, labels_key, min(ts) as first, max(ts) as until from rolled group by 1, 2, 3
          ), starts as materialized (
            select s.target_id, s.metric, s.labels_key, coalesce(b.until, ${where.from}) as since, b.first as head_until
              from series s left join built b using (target_id, metric, labels_key)
          ), merged as (
            select r.target_id, r.metric, r.ts, r.sum, r.count, r.max, r.seconds from rolled r join built b using (target_id, metric, labels_key) where r.ts < b.until
            union all
            select s.target_id, s.metric, p.ts, p.value, 1, p.value, p.seconds
              from starts s join lateral (${raw(sql`s.since`, sql`${where.to}`)}) p on true
            union all
            select s.target_id, s.metric, p.ts, p.value, 1, p.value, p.seconds
              from starts s join lateral (${raw(sql`${where.from}`, sql`s.head_until`)}) p on true where s.head_until is not null
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
