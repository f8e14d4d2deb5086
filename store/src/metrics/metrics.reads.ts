import { sql } from 'kysely';
import type { Db } from '../db';
import type { MetricKind } from './metrics.tables';

export type Resolution = 'raw' | '1m' | '1h';

export async function listSeries(db: Db, organizationId: string, targetId: string, prefix: string | undefined, after: [string, string] | undefined, limit: number) {
  let q = db
    .selectFrom('metric_series')
    .select(['metric', 'labels_key', 'labels', 'kind', 'first_ts', 'last_ts', 'last_value'])
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId);
  if (prefix) q = q.where(sql<boolean>`starts_with(metric, ${prefix})`);
  if (after) q = q.where(sql<boolean>`(metric, labels_key) > (${after[0]}, ${after[1]})`);
  return q.orderBy('metric').orderBy('labels_key').limit(limit).execute();
}

export async function seriesKind(db: Db, organizationId: string, targetId: string, metric: string): Promise<MetricKind | undefined> {
  const r = await db
    .selectFrom('metric_series')
    .select('kind')
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('metric', '=', metric)
    .limit(1)
    .executeTakeFirst();
  return r?.kind;
}

/** The newest value of every series of these metrics (e.g. each index's scans), with its labels and time. */
export async function latestSeriesValues(db: Db, organizationId: string, targetId: string, metrics: readonly string[]) {
  if (metrics.length === 0) return [];
  return db
    .selectFrom('metric_series')
    .select(['metric', 'labels', 'last_value', 'last_ts'])
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('metric', 'in', metrics)
    .execute();
}

/** A metric's kind and its oldest point of any label set (when a chart's data really starts), undefined when absent. */
export async function seriesStart(db: Db, organizationId: string, targetId: string, metric: string): Promise<{ kind: MetricKind; firstTs: Date } | undefined> {
  const r = await db
    .selectFrom('metric_series')
    .select(['kind', (eb) => eb.fn.min('first_ts').as('first_ts')])
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('metric', '=', metric)
    .groupBy('kind')
    .limit(1)
    .executeTakeFirst();
  return r ? { kind: r.kind, firstTs: new Date(r.first_ts as unknown as string | Date) } : undefined;
}

export interface BucketRow {
  labels_key: string;
  bucket: Date;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** The seconds the bucket's deltas cover (null when none of its points said: gauges, points stored before). */
  seconds: number | null;
}

/**
 * One metric's buckets of `stepSeconds` from the table of the chosen resolution, every label set or one. Buckets are
 * aligned on the epoch so a chart does not shift as the range slides.
 *
 * Rollups are rebuilt every few minutes by the retention schedule, so they end a little before now (and do not exist
 * yet for a target seen for the first time minutes ago). Per label set, the rollup serves the range up to its last
 * built interval and the raw points serve that interval and everything after it: the newest data is never missing
 * from a long range, and the last interval (possibly built while it was still filling) is not counted twice. A range
 * that starts inside an interval reads that interval's part from the raw points too: the first rollup row at or after
 * `from` starts on the next boundary, and the points before it are in range.
 */
export async function metricBuckets(
  db: Db,
  where: { organizationId: string; targetId: string; metric: string; labelsKey?: string | undefined; from: Date; to: Date },
  resolution: Resolution,
  stepSeconds: number,
): Promise<BucketRow[]> {
  const bucket = sql<Date>`to_timestamp(floor(extract(epoch from ts) / ${stepSeconds}) * ${stepSeconds})`;
  const labels = where.labelsKey === undefined ? sql`true` : sql`labels_key = ${where.labelsKey}`;
  const scope = sql`organization_id = ${where.organizationId} and target_id = ${where.targetId} and metric = ${where.metric}
    and ts >= ${where.from} and ts < ${where.to} and ${labels}`;
  const query =
    resolution === 'raw'
      ? sql<BucketRow>`select labels_key, ${bucket} as bucket, sum(value) as sum, count(*)::int as count, min(value) as min, max(value) as max, sum(seconds) as seconds
          from metric_points where ${scope} group by 1, 2 order by 1, 2`
      : sql<BucketRow>`with rolled as (
            select labels_key, ts, sum, count, min, max, seconds from ${sql.table(resolution === '1m' ? 'metric_rollup_1m' : 'metric_rollup_1h')} where ${scope}
          ), built as (
            select labels_key, min(ts) as first, max(ts) as until from rolled group by labels_key
          ), merged as (
            select r.labels_key, r.ts, r.sum, r.count, r.min, r.max, r.seconds from rolled r join built b using (labels_key) where r.ts < b.until
            union all
            select p.labels_key, p.ts, p.value, 1, p.value, p.value, p.seconds from metric_points p left join built b using (labels_key)
             where ${scope} and p.ts >= coalesce(b.until, ${where.from})
            union all
            select p.labels_key, p.ts, p.value, 1, p.value, p.value, p.seconds from metric_points p join built b using (labels_key)
             where ${scope} and p.ts < b.first
          )
          select labels_key, ${bucket} as bucket, sum(sum) as sum, sum(count)::int as count, min(min) as min, max(max) as max, sum(seconds) as seconds
            from merged group by 1, 2 order by 1, 2`;
  return (await query.execute(db)).rows;
}
