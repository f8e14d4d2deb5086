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
 * the range up to its last built interval, raw points the rest (and the range's head before its first interval).
 *
 * The series are enumerated first (metric_series) and each is read with its own index range (organization, target,
 * metric, labels, ts): a scan by target and metric alone reads every point of the day's partition for those series
 * (no skip scan before PostgreSQL 18), which for a hundred targets was most of the overview's 200 ms. Each series'
 * first and last rollup interval in range are two index probes in a materialized step, before any row is read: the
 * planner expects a handful of rows from a lateral over series and joined the rollup rows to their series' bounds in
 * a nested loop (first the raw points: 176 million comparisons and 40 s for a one-hour overview; then the rollup rows:
 * 979,300 comparisons, about 100 ms of CPU, for the five minutes a cached overview reads). Rollup rows and raw points
 * are summed into buckets per series inside their laterals, and buckets are cut with date_bin: the epoch arithmetic on
 * numeric (extract(epoch) is numeric since PostgreSQL 14) for every row and sorting them all (spilling to disk for a
 * week) were most of the rest (bench:explorer's week: 465 -> 135 ms of the server's CPU).
 *
 * `raw` reads raw points alone, one index range per series: for the newest few minutes (which raw points always hold
 * and rollups may not yet), where the tiered statement's five index descents per series are most of its time.
 */
export async function fleetBuckets(
  db: Db,
  where: { organizationId: string; targetIds: readonly string[]; metrics: readonly string[]; from: Date; to: Date },
  resolution: Resolution,
  stepSeconds: number,
  /** Every interval in range is built and its raw points are gone (older than their retention): the rollup alone. */
  opts: { settled?: boolean } = {},
): Promise<FleetBucketRow[]> {
  if (where.metrics.length === 0 || where.targetIds.length === 0) return [];
  // The same buckets as to_timestamp(floor(epoch / step) * step) for every time after 1970, in integer arithmetic.
  const bucket = (ts: RawBuilder<unknown>) => sql<Date>`date_bin(make_interval(secs => ${stepSeconds}), ${ts}, timestamptz '1970-01-01 00:00:00+00')`;
  const metrics = sql.join(where.metrics.map((m) => sql`${m}`));
  const targets = sql.join(where.targetIds.map((t) => sql`${t}`));
  const org = where.organizationId;
  const rollup = sql.table(resolution === '1h' ? 'metric_rollup_1h' : 'metric_rollup_1m');
  const series = sql`select organization_id, target_id, metric, labels_key from metric_series
     where organization_id = ${org} and target_id in (${targets}) and metric in (${metrics}) and last_ts >= ${where.from}`;
  const ofSeries = (t: string) => sql.raw(`${t}.organization_id = s.organization_id and ${t}.target_id = s.target_id and ${t}.metric = s.metric and ${t}.labels_key = s.labels_key`);
  const inRange = sql`r.ts >= ${where.from} and r.ts < ${where.to}`;
  // A series' last built interval may be partial (rollups are rebuilt over the live window) and is read from raw
  // points instead, but only if it is its newest: looked for up to two intervals past \`to\`, so a range that ends in
  // the past (the fleet cache reads a week in pieces) keeps its last interval from the rollup, its raw points deleted
  // by retention after 72 hours.
  const beyond = new Date(where.to.getTime() + 2 * (resolution === '1h' ? 3_600_000 : 60_000));
  // Raw points serve each series' tail after its last built rollup interval and its head before the first: a range
  // that starts inside an interval has that interval's points after \`from\` in range, and no rollup row holds them.
  const raw = (since: RawBuilder<unknown>, until: RawBuilder<unknown>) => sql`select ${bucket(sql`p.ts`)} as bucket, sum(p.value) as sum, count(*)::int as count,
       max(p.value) as max, sum(p.seconds) as seconds from metric_points p
     where ${ofSeries('p')} and p.ts >= ${since} and p.ts < ${until} group by 1`;
  // One series' rollup rows in buckets, from \`from\` up to \`until\`.
  const rolled = (until: RawBuilder<unknown>) => sql`select ${bucket(sql`r.ts`)} as bucket, sum(r.sum) as sum, sum(r.count)::int as count,
       max(r.max) as max, sum(r.seconds) as seconds from ${rollup} r
     where ${ofSeries('r')} and r.ts >= ${where.from} and r.ts < ${until} group by 1`;
  // Buckets as epoch milliseconds: parsing a first read's 25,000 timestamps was the API's largest cost for it.
  const epochMs = (ts: RawBuilder<unknown>) => sql`(extract(epoch from ${ts}) * 1000)::float8`;
  // One source per series (a lateral of bucketed rows), summed per target and metric over the series' label sets.
  const perSeries = (source: RawBuilder<unknown>) => sql<FleetBucketRow>`with series as (${series})
          select s.target_id, s.metric, ${epochMs(sql`b.bucket`)} as bucket, sum(b.sum) as sum, sum(b.count)::int as count, max(b.max) as max, sum(b.seconds) as seconds
            from series s join lateral (${source}) b on true
           group by 1, 2, 3 order by 1, 2, 3`;
  // Minute or hour rollups, their partial first and last intervals from raw points: an overview's buckets are at least
  // a minute wide.
  const tiered = () => sql<FleetBucketRow>`with series as (${series}), starts as materialized (
            select s.organization_id, s.target_id, s.metric, s.labels_key,
                   (select min(r.ts) from ${rollup} r where ${ofSeries('r')} and ${inRange}) as first,
                   (select max(r.ts) from ${rollup} r where ${ofSeries('r')} and r.ts >= ${where.from} and r.ts < ${beyond}) as until
              from series s
          ), merged as (
            select s.target_id, s.metric, r.bucket, r.sum, r.count, r.max, r.seconds
              from starts s join lateral (${rolled(sql`least(s.until, ${where.to})`)}) r on true
             where s.until is not null
            union all
            select s.target_id, s.metric, p.bucket, p.sum, p.count, p.max, p.seconds
              from starts s join lateral (${raw(sql`least(coalesce(s.until, ${where.from}), ${where.to})`, sql`${where.to}`)}) p on true
            union all
            select s.target_id, s.metric, p.bucket, p.sum, p.count, p.max, p.seconds
              from starts s join lateral (${raw(sql`${where.from}`, sql`s.first`)}) p on true where s.first is not null
          )
          select target_id, metric, ${epochMs(sql`bucket`)} as bucket, sum(sum) as sum, sum(count)::int as count, max(max) as max, sum(seconds) as seconds
            from merged group by 1, 2, 3 order by 1, 2, 3`;
  const statement =
    // Raw points alone (a range of the last few minutes, kept by its caller): one index range per series, without the
    // two probes for rollup bounds and the two raw laterals around them that make the tiered statement cost about five
    // index descents per series (700 series: 82 ms for the newest three minutes on the bench's database, 20 of them here).
    resolution === 'raw'
      ? perSeries(raw(sql`${where.from}`, sql`${where.to}`))
      : // A settled range (days old): the rollup rows alone, one index range per series instead of five descents.
        opts.settled
        ? perSeries(rolled(sql`${where.to}`))
        : tiered();
  // Without JIT: the planner's cost for hundreds of series passes jit_above_cost (the week's overview of 700 series did
  // before the change above), and compiling the statement took 92 ms of a query that runs in less.
  const run = async (trx: Db) => {
    await sql`set local jit = off`.execute(trx);
    const rows = (await statement.execute(trx)).rows;
    for (const r of rows) r.bucket = new Date(r.bucket as unknown as number);
    return rows;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
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
