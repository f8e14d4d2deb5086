import type { Kysely } from 'kysely';
import { DEFAULT_RETENTION, labelsKey as labelsKeyOf, type Database, type MetricKind, type RetentionPolicy, type TargetAssetRow } from '@logstag/store';
import { ApiError } from '../http/api-error';
import { findTarget, metricBuckets, seriesStart, type Resolution } from '@logstag/store';
import type { CollectorErrorView, SeriesPoint, TargetView } from '@logstag/schema/api';

const HOUR = 3_600_000;
/** A target that has sent nothing for this long is shown as stale, whatever its last status said. */
export const STALE_AFTER_MS = 5 * 60_000;

export function targetView(t: TargetAssetRow, now = Date.now()): TargetView {
  const lastSeen = t.last_seen ? t.last_seen.toISOString() : null;
  const stale = !t.last_seen || now - t.last_seen.getTime() > STALE_AFTER_MS;
  return {
    targetId: t.target_id,
    engine: t.engine,
    version: t.version,
    agentId: t.agent_id,
    tags: t.tags,
    status: t.status,
    health: t.status === 'failing' ? 'failing' : stale ? 'stale' : t.status === 'ok' ? 'healthy' : 'unknown',
    lastSeen,
    lastPayloads: t.last_payloads,
    // Written by normalization from the payload's `errors`, validated by collectorErrorSchema at the door.
    errors: t.last_errors as CollectorErrorView[],
  };
}

export async function requireTarget(db: Kysely<Database>, organizationId: string, targetId: string): Promise<TargetAssetRow> {
  const t = await findTarget(db, organizationId, targetId);
  // Another organization's target answers exactly like a missing one.
  if (!t) throw new ApiError(404, 'not_found', `no target ${targetId}`);
  return t;
}

/**
 * The coarsest table that still has the data and is not coarser than the step: raw under a minute, minute rollups
 * under an hour, hour rollups beyond; a range reaching past a tier's retention moves to the next tier.
 */
export function chooseResolution(from: Date, stepSeconds: number, now = Date.now(), policy: RetentionPolicy = DEFAULT_RETENTION): Resolution {
  const age = now - from.getTime();
  if (stepSeconds >= 3600 || age > policy.rollup1mHours * HOUR) return '1h';
  if (stepSeconds >= 60 || age > policy.rawHours * HOUR) return '1m';
  return 'raw';
}

/** Ranges longer than this are served from hour rollups whatever the step asked for. */
export const HOURLY_BEYOND_MS = 3 * 24 * HOUR;

/** A default step giving about 300 points, at least 10 s. */
export function defaultStep(from: Date, to: Date): number {
  return Math.max(10, Math.ceil((to.getTime() - from.getTime()) / 1000 / 300));
}

/**
 * The step actually served. Beyond three days a chart gets hourly points (168 for a week, 720 for 30 days): reading
 * minute rollups instead scans 60 times the rows (10,080 per series for a week) and measured p95 155 ms on 100
 * targets, over the 100 ms budget, for detail no chart of that width can show. The response says which step it used.
 */
export function effectiveStep(from: Date, to: Date, step: number | undefined): number {
  const s = step ?? defaultStep(from, to);
  return to.getTime() - from.getTime() > HOURLY_BEYOND_MS ? Math.max(s, 3600) : s;
}

/**
 * A bucket's rate per second: its total delta over the seconds those deltas cover (each its own collection interval),
 * the same at every zoom. Points stored before intervals were kept fall back to the bucket's width.
 */
export function bucketRate(r: { sum: number; seconds: number | null }, stepSeconds: number): number {
  return r.seconds !== null && r.seconds > 0 ? r.sum / r.seconds : r.sum / stepSeconds;
}

export async function metricSeries(
  db: Kysely<Database>,
  q: { organizationId: string; targetId: string; metric: string; labels?: Record<string, string> | undefined; from: Date; to: Date; step?: number | undefined },
) {
  const step = effectiveStep(q.from, q.to, q.step);
  const resolution = chooseResolution(q.from, step);
  const start = await seriesStart(db, q.organizationId, q.targetId, q.metric);
  const kind: MetricKind | undefined = start?.kind;
  if (!start || !kind) throw new ApiError(404, 'not_found', `target ${q.targetId} has no metric ${q.metric}`);
  const labelsKey = q.labels ? labelsKeyOf(q.labels) : undefined;
  const rows = await metricBuckets(db, { ...q, labelsKey }, resolution, step);
  const series = new Map<string, { labels: Record<string, string>; points: SeriesPoint[] }>();
  for (const r of rows) {
    const s = series.get(r.labels_key) ?? { labels: JSON.parse(r.labels_key) as Record<string, string>, points: [] };
    s.points.push({
      ts: r.bucket.toISOString(),
      avg: r.count ? r.sum / r.count : null,
      min: r.min,
      max: r.max,
      sum: r.sum,
      count: r.count,
      ...(kind === 'delta' ? { ratePerSecond: bucketRate(r, step) } : {}),
    });
    series.set(r.labels_key, s);
  }
  // Buckets start on the step's boundary (09:00 at 7 d), before the data (09:50): the page says when it really starts.
  const dataSince = start.firstTs > q.from ? { dataSince: start.firstTs.toISOString() } : {};
  return { targetId: q.targetId, metric: q.metric, kind, resolution, stepSeconds: step, from: q.from.toISOString(), to: q.to.toISOString(), ...dataSince, series: [...series.values()] };
}
