import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Timestamp } from './database';

/** jsonb: written as JSON text (pg and PGlite would otherwise treat a JS array as a Postgres array), read parsed. */
type Json<T = unknown> = ColumnType<T, string, string>;

/** Raw metric points (partitioned by day on ts). `labels_key` is the canonical JSON of the series' labels. */
export interface MetricPointTable {
  organization_id: string;
  target_id: string;
  metric: string;
  labels_key: string;
  ts: Timestamp;
  value: number;
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

export interface QueryTable {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  engine: string;
  database_name: string | null;
  query_text: string | null;
  first_seen: Timestamp;
  last_seen: Timestamp;
}
export type QueryRow = Selectable<QueryTable>;

export interface QueryStatTable {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  ts: Timestamp;
  calls: number;
  total_time_ms: number;
  rows: number;
  blocks_hit: number;
  blocks_read: number;
}
export type NewQueryStatRow = Insertable<QueryStatTable>;

export interface ActivitySnapshotTable {
  organization_id: string;
  target_id: string;
  ts: Timestamp;
  payload_id: string;
  sessions: Json<unknown[]>;
  lock_waits: Json<unknown[]>;
  blocking: Json<unknown[]>;
  connections: Json<unknown> | null;
  replication: Json<unknown[]>;
}
export type ActivitySnapshotRow = Selectable<ActivitySnapshotTable>;

export type SnapshotKind = 'schema' | 'settings' | 'access';

export interface SnapshotTable {
  organization_id: string;
  target_id: string;
  kind: SnapshotKind;
  ts: Timestamp;
  payload_id: string;
  digest: string;
  items: Json<Record<string, unknown>>;
}
export type SnapshotRow = Selectable<SnapshotTable>;

export interface SnapshotChangeTable {
  id: Generated<number>;
  organization_id: string;
  target_id: string;
  kind: SnapshotKind;
  ts: Timestamp;
  payload_id: string;
  object_type: string;
  object_name: string;
  change: 'added' | 'removed' | 'altered';
  before: Json | null;
  after: Json | null;
}
export type SnapshotChangeRow = Selectable<SnapshotChangeTable>;
export type NewSnapshotChangeRow = Insertable<SnapshotChangeTable>;

export interface AgentAssetTable {
  organization_id: string;
  agent_id: string;
  hostname: string | null;
  version: string | null;
  first_seen: Timestamp;
  last_heartbeat: Timestamp;
  facts: Json<Record<string, unknown>>;
}

export interface HostAssetTable {
  organization_id: string;
  hostname: string;
  agent_id: string;
  facts: Json<Record<string, unknown>>;
  last_seen: Timestamp;
}

export type TargetStatus = 'ok' | 'failing' | 'unknown';

export interface TargetAssetTable {
  organization_id: string;
  target_id: string;
  engine: string;
  agent_id: string | null;
  version: string | null;
  tags: ColumnType<Record<string, string>, string | undefined, string>;
  status: ColumnType<TargetStatus, TargetStatus | undefined, TargetStatus>;
  last_seen: Timestamp | null;
  last_payloads: ColumnType<Record<string, string>, string | undefined, string>;
  last_errors: ColumnType<unknown[], string | undefined, string>;
}
export type TargetAssetRow = Selectable<TargetAssetTable>;
export type TargetAssetUpdate = Updateable<TargetAssetTable>;

/** The explorer tables; `Database` in database.ts extends this. */
export interface ExplorerTables {
  metric_points: MetricPointTable;
  metric_rollup_1m: MetricRollupTable;
  metric_rollup_1h: MetricRollupTable;
  metric_series: MetricSeriesTable;
  rollup_pending: RollupPendingTable;
  queries: QueryTable;
  query_stats: QueryStatTable;
  activity_snapshots: ActivitySnapshotTable;
  snapshots: SnapshotTable;
  snapshot_changes: SnapshotChangeTable;
  agents: AgentAssetTable;
  hosts: HostAssetTable;
  targets: TargetAssetTable;
}

/** Daily-partitioned parents (the allow-list of logstag_ensure_partitions in the migration). */
export const PARTITIONED_TABLES = ['metric_points', 'metric_rollup_1m', 'query_stats', 'activity_snapshots'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];
