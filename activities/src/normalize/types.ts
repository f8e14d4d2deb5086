import type { BlockingNode, LockWaitView, SessionView } from '@logstag/schema';
import type { MetricKind, SnapshotKind } from '@logstag/store';

// The activity views are shared with the API and web through @logstag/schema.
export type { BlockingNode, LockWaitView, SessionView };

/** One value of one series at the payload's collection time. */
export interface MetricPoint {
  metric: string;
  labels: Record<string, string>;
  value: number;
  kind: MetricKind;
}

/** One statement's counters over the collection interval (deltas), with its normalized text. */
export interface QueryStat {
  fingerprint: string;
  database: string | null;
  text: string | null;
  calls: number;
  totalTimeMs: number;
  rows: number;
  blocksHit: number;
  blocksRead: number;
}

export interface ConnectionsView {
  used: number;
  max: number | null;
  byState: Record<string, number>;
}

export interface ReplicationView {
  name: string;
  state: string | null;
  lagSeconds: number | null;
  lagBytes: number | null;
}

export interface ActivityView {
  sessions: SessionView[];
  lockWaits: LockWaitView[];
  blocking: BlockingNode[];
  connections: ConnectionsView | null;
  replication: ReplicationView[];
}

/**
 * One object of a configuration, access or schema snapshot. `def` is what change detection compares (structure,
 * values of settings, privileges); `stats` is shown but never compared (sizes, scan counts).
 */
export interface SnapshotItem {
  type: string;
  name: string;
  def: Record<string, unknown>;
  stats?: Record<string, unknown>;
}

/** What one collection payload contributes to the explorer tables. */
export interface Extracted {
  version: string | null;
  metrics: MetricPoint[];
  queries: QueryStat[];
  activity: ActivityView | null;
  snapshots: Partial<Record<SnapshotKind, SnapshotItem[]>>;
}

export function emptyExtracted(): Extracted {
  return { version: null, metrics: [], queries: [], activity: null, snapshots: {} };
}
