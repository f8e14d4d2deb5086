import { sql, type Transaction } from 'kysely';
import { bulkInsert, type BulkColumn } from '../bulk-insert';
import type { Database } from '../database';
import { rowKey, valuesByKey } from '../lock-order';
import type { MetricKind } from './metrics.tables';
import { labelsKey } from './series-identity';

/** One value of one series at the payload's collection time. */
export interface MetricPoint {
  metric: string;
  labels: Record<string, string>;
  value: number;
  kind: MetricKind;
  /** A delta's collection interval: the seconds it covers, so that a rate is read per second of it. */
  seconds?: number;
}

/** Points newer than this are rolled up by the retention job's live pass; older ones mark their hour pending. */
export const LIVE_ROLLUP_WINDOW_MS = 15 * 60_000;

interface PointRow {
  organization_id: string;
  target_id: string;
  metric: string;
  labels_key: string;
  ts: Date;
  /** ts as ISO text, made once per payload. */
  at: string;
  value: number;
  seconds: number | null;
}

interface SeriesRow extends PointRow {
  kind: MetricKind;
  /** The series' oldest point in the batch, as ISO text (ts and value are its newest). */
  firstAt: string;
  firstTs: Date;
}

const POINT_COLUMNS: Array<BulkColumn<PointRow>> = [
  { name: 'organization_id', type: 'text', value: (p) => p.organization_id },
  { name: 'target_id', type: 'text', value: (p) => p.target_id },
  { name: 'metric', type: 'text', value: (p) => p.metric },
  { name: 'labels_key', type: 'text', value: (p) => p.labels_key },
  { name: 'ts', type: 'timestamptz', value: (p) => p.at },
  { name: 'value', type: 'float8', value: (p) => p.value },
  { name: 'seconds', type: 'float8', value: (p) => p.seconds },
];

const SERIES_COLUMNS: Array<BulkColumn<SeriesRow>> = [
  ...(POINT_COLUMNS.slice(0, 4) as unknown as Array<BulkColumn<SeriesRow>>),
  // labels_key is the labels' canonical JSON: as jsonb it is the same value as the labels object.
  { name: 'labels', type: 'jsonb', value: (s) => s.labels_key },
  { name: 'kind', type: 'text', value: (s) => s.kind },
  { name: 'first_ts', type: 'timestamptz', value: (s) => s.firstAt },
  { name: 'last_ts', type: 'timestamptz', value: (s) => s.at },
  { name: 'last_value', type: 'float8', value: (s) => s.value },
];

/**
 * Collects the points of a batch of payloads, deduplicated on their primary key (one INSERT cannot hit a row twice),
 * and the newest point of each series. Written in lock order (see lock-order.ts): points with the batch's own rows,
 * series and pending rollup hours with the rows other batches share.
 */
export class MetricBatch {
  private readonly points = new Map<string, PointRow>();
  private readonly series = new Map<string, SeriesRow>();
  /** The labels object of the previous point and its key: a row's fields share one labels object (genericMetrics). */
  private lastLabels: Record<string, string> | undefined;
  private lastLabelsKey = '';

  add(organizationId: string, targetId: string, ts: Date, metrics: MetricPoint[]): void {
    const at = ts.toISOString();
    const t = ts.getTime();
    // rowKey(organizationId, targetId, metric, labelsKey) and rowKey(that, at), built from a shared prefix: a batch
    // adds about 70 points per payload, and building each key part by part was a large share of normalization's time.
    const prefix = `${rowKey(organizationId, targetId)}\u0000`;
    for (const m of metrics) {
      if (m.labels !== this.lastLabels) {
        this.lastLabels = m.labels;
        this.lastLabelsKey = labelsKey(m.labels);
      }
      const key = this.lastLabelsKey;
      const seconds = m.kind === 'delta' && m.seconds !== undefined && m.seconds > 0 ? m.seconds : null;
      const id = `${prefix}${m.metric}\u0000${key}`;
      this.points.set(`${id}\u0000${at}`, { organization_id: organizationId, target_id: targetId, metric: m.metric, labels_key: key, ts, at, value: m.value, seconds });
      const prev = this.series.get(id);
      if (!prev) {
        this.series.set(id, { organization_id: organizationId, target_id: targetId, metric: m.metric, labels_key: key, ts, at, value: m.value, seconds, kind: m.kind, firstTs: ts, firstAt: at });
        continue;
      }
      // In place: the newest point gives the value and kind, the oldest the first time (as successive upserts would).
      if (prev.ts.getTime() <= t) {
        prev.ts = ts;
        prev.at = at;
        prev.value = m.value;
        prev.seconds = seconds;
        prev.kind = m.kind;
      }
      if (t < prev.firstTs.getTime()) {
        prev.firstTs = ts;
        prev.firstAt = at;
      }
    }
  }

  async writePoints(trx: Transaction<Database>): Promise<void> {
    await bulkInsert(
      trx,
      'metric_points',
      POINT_COLUMNS,
      valuesByKey(this.points),
      // A point exists only when a payload of the same target and collection time was stored before.
      { onConflict: sql`on conflict (organization_id, target_id, metric, labels_key, ts) do update set value = excluded.value, seconds = excluded.seconds`, insertFirst: true },
    );
  }

  /** Each series' identity, kind and latest value. A replayed old payload does not replace the latest value. */
  async writeSeries(trx: Transaction<Database>): Promise<void> {
    await bulkInsert(
      trx,
      'metric_series',
      SERIES_COLUMNS,
      valuesByKey(this.series),
      sql`on conflict (organization_id, target_id, metric, labels_key) do update set
        kind = excluded.kind,
        first_ts = least(metric_series.first_ts, excluded.first_ts),
        last_value = case when excluded.last_ts >= metric_series.last_ts then excluded.last_value else metric_series.last_value end,
        last_ts = greatest(metric_series.last_ts, excluded.last_ts)`,
    );
  }

  /** The hours that received points older than the live window: the rollup job rebuilds them. */
  async writeRollupPending(trx: Transaction<Database>, now = new Date()): Promise<void> {
    const pending = new Map<string, { organization_id: string; hour: Date }>();
    for (const p of this.points.values()) {
      if (now.getTime() - p.ts.getTime() < LIVE_ROLLUP_WINDOW_MS) continue;
      const hour = new Date(Math.floor(p.ts.getTime() / 3_600_000) * 3_600_000);
      pending.set(rowKey(p.organization_id, hour.toISOString()), { organization_id: p.organization_id, hour });
    }
    if (pending.size === 0) return;
    await trx.insertInto('rollup_pending').values(valuesByKey(pending)).onConflict((oc) => oc.doNothing()).execute();
  }
}
