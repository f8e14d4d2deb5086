import { sql, type Transaction } from 'kysely';
import type { Database, MetricKind } from '@logstag/store';
import { sortedByKey } from './lock-order';
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
  /** The series' oldest point in the batch (ts and value are its newest). */
  firstTs: Date;
}

const seriesKey = (r: PointRow) => [r.organization_id, r.target_id, r.metric, r.labels_key];

/**
 * Collects the points of a batch of payloads, deduplicated on their primary key (one INSERT cannot hit a row twice),
 * and the newest point of each series. Written in lock order (see lock-order.ts): points with the batch's own rows,
 * series and pending rollup hours with the rows other batches share.
 */
export class MetricBatch {
  private readonly points = new Map<string, PointRow>();
  private readonly series = new Map<string, SeriesRow>();

  add(organizationId: string, targetId: string, ts: Date, metrics: MetricPoint[]): void {
    const at = ts.toISOString();
    for (const m of metrics) {
      const key = labelsKey(m.labels);
      const row = { organization_id: organizationId, target_id: targetId, metric: m.metric, labels_key: key, ts, value: m.value };
      const id = JSON.stringify([organizationId, targetId, m.metric, key]);
      this.points.set(`${id}@${at}`, row);
      const prev = this.series.get(id);
      const firstTs = prev && prev.firstTs < ts ? prev.firstTs : ts;
      if (!prev || prev.ts <= ts) this.series.set(id, { ...row, labels: m.labels, kind: m.kind, firstTs });
      else prev.firstTs = firstTs;
    }
  }

  async writePoints(trx: Transaction<Database>): Promise<void> {
    const points = sortedByKey(this.points.values(), (p) => [...seriesKey(p), p.ts.getTime()]);
    for (let i = 0; i < points.length; i += CHUNK) {
      await trx
        .insertInto('metric_points')
        .values(points.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['organization_id', 'target_id', 'metric', 'labels_key', 'ts']).doUpdateSet({ value: sql`excluded.value` }))
        .execute();
    }
  }

  /** Each series' identity, kind and latest value. A replayed old payload does not replace the latest value. */
  async writeSeries(trx: Transaction<Database>): Promise<void> {
    const series = sortedByKey(this.series.values(), seriesKey);
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
            first_ts: s.firstTs,
            last_ts: s.ts,
            last_value: s.value,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['organization_id', 'target_id', 'metric', 'labels_key']).doUpdateSet({
            kind: sql`excluded.kind`,
            first_ts: sql`least(metric_series.first_ts, excluded.first_ts)`,
            last_value: sql`case when excluded.last_ts >= metric_series.last_ts then excluded.last_value else metric_series.last_value end`,
            last_ts: sql`greatest(metric_series.last_ts, excluded.last_ts)`,
          }),
        )
        .execute();
    }
  }

  /** The hours that received points older than the live window: the rollup job rebuilds them. */
  async writeRollupPending(trx: Transaction<Database>, now = new Date()): Promise<void> {
    const pending = new Map<string, { organization_id: string; hour: Date }>();
    for (const p of this.points.values()) {
      if (now.getTime() - p.ts.getTime() < LIVE_ROLLUP_WINDOW_MS) continue;
      const hour = new Date(Math.floor(p.ts.getTime() / 3_600_000) * 3_600_000);
      pending.set(`${p.organization_id}@${hour.toISOString()}`, { organization_id: p.organization_id, hour });
    }
    if (pending.size === 0) return;
    const rows = sortedByKey(pending.values(), (p) => [p.organization_id, p.hour.getTime()]);
    await trx.insertInto('rollup_pending').values(rows).onConflict((oc) => oc.doNothing()).execute();
  }
}
