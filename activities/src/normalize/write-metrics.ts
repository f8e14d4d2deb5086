import { sql, type Transaction } from 'kysely';
import type { Database, MetricKind } from '@logstag/store';
import type { MetricPoint } from './types';
import { labelsKey } from './values';

/** Points newer than this are rolled up by the retention job's live pass; older ones mark their hour pending. */
export const LIVE_ROLLUP_WINDOW_MS = 15 * 60_000;

/** Rows per INSERT: 6 parameters each stays far below PostgreSQL's 65,535-parameter limit. */
const CHUNK = 2_000;

interface PointRow {
  organization_id: string;
  target_id: string;
  metric: string;
  labels_key: string;
  ts: Date;
  value: number;
}

interface SeriesRow extends PointRow {
  labels: Record<string, string>;
  kind: MetricKind;
}

/** Collects the points of a batch of payloads, deduplicated on their primary key (one INSERT cannot hit a row twice). */
export class MetricBatch {
  private readonly points = new Map<string, PointRow>();
  private readonly series = new Map<string, SeriesRow>();

  add(organizationId: string, targetId: string, ts: Date, metrics: MetricPoint[]): void {
    const at = ts.toISOString();
    for (const m of metrics) {
      const key = labelsKey(m.labels);
      const row = { organization_id: organizationId, target_id: targetId, metric: m.metric, labels_key: key, ts, value: m.value };
      const seriesKey = JSON.stringify([organizationId, targetId, m.metric, key]);
      this.points.set(`${seriesKey}@${at}`, row);
      const prev = this.series.get(seriesKey);
      if (!prev || prev.ts <= ts) this.series.set(seriesKey, { ...row, labels: m.labels, kind: m.kind });
    }
  }

  async flush(trx: Transaction<Database>, now = new Date()): Promise<void> {
    const points = [...this.points.values()];
    if (points.length === 0) return;
    for (let i = 0; i < points.length; i += CHUNK) {
      await trx
        .insertInto('metric_points')
        .values(points.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['organization_id', 'target_id', 'metric', 'labels_key', 'ts']).doUpdateSet({ value: sql`excluded.value` }))
        .execute();
    }
    const series = [...this.series.values()];
    for (let i = 0; i < series.length; i += CHUNK) {
      await trx
        .insertInto('metric_series')
        .values(
          series.slice(i, i + CHUNK).map((s) => ({
            organization_id: s.organization_id,
            target_id: s.target_id,
            metric: s.metric,
            labels_key: s.labels_key,
            labels: JSON.stringify(s.labels),
            kind: s.kind,
            first_ts: s.ts,
            last_ts: s.ts,
            last_value: s.value,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['organization_id', 'target_id', 'metric', 'labels_key']).doUpdateSet({
            kind: sql`excluded.kind`,
            first_ts: sql`least(metric_series.first_ts, excluded.first_ts)`,
            // A replayed old payload must not replace the latest value.
            last_value: sql`case when excluded.last_ts >= metric_series.last_ts then excluded.last_value else metric_series.last_value end`,
            last_ts: sql`greatest(metric_series.last_ts, excluded.last_ts)`,
          }),
        )
        .execute();
    }
    const pending = new Map<string, { organization_id: string; hour: Date }>();
    for (const p of points) {
      if (now.getTime() - p.ts.getTime() < LIVE_ROLLUP_WINDOW_MS) continue;
      const hour = new Date(Math.floor(p.ts.getTime() / 3_600_000) * 3_600_000);
      pending.set(`${p.organization_id}@${hour.toISOString()}`, { organization_id: p.organization_id, hour });
    }
    if (pending.size > 0) {
      await trx.insertInto('rollup_pending').values([...pending.values()]).onConflict((oc) => oc.doNothing()).execute();
    }
  }
}
