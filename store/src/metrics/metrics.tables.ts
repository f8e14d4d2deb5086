import type { Selectable } from 'kysely';
import type { Json, Timestamp } from '../column-types';


/** Raw metric points (partitioned by day on ts). `labels_key` is the canonical JSON of the series' labels. */
export interface MetricPointTable {
  organization_id: string;
  target_id: string;
  metric: string;
  labels_key: string;
  ts: Timestamp;
  value: number;
  /** For a delta: the seconds it covers (its collection interval). NULL on gauges and on points stored before. */
  seconds?: number | null;
}

/** metric_rollup_1m (partitioned by day) and metric_rollup_1h share this shape. */
export interface MetricRollupTable {
  organization_id: string;
  target_id: string;
  metric: string;
  labels_key: string;
  ts: Timestamp;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** The seconds the bucket's deltas cover, summed (NULL when none of its points said). */
  seconds?: number | null;
}

export type MetricKind = 'gauge' | 'delta';

export interface MetricSeriesTable {
  organization_id: string;
  target_id: string;
  metric: string;
  labels_key: string;
  labels: Json<Record<string, string>>;
  kind: MetricKind;
  first_ts: Timestamp;
  last_ts: Timestamp;
  last_value: number;
}
export type MetricSeriesRow = Selectable<MetricSeriesTable>;

export interface RollupPendingTable {
  organization_id: string;
  hour: Timestamp;
}

export interface MetricsTables {
  metric_points: MetricPointTable;
  metric_rollup_1m: MetricRollupTable;
  metric_rollup_1h: MetricRollupTable;
  metric_series: MetricSeriesTable;
  rollup_pending: RollupPendingTable;
}
