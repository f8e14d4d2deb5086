import type { BlockingNode, LockWaitView, SessionView } from '@logstag/schema';
import type { ActivityView, MetricPoint, QueryStat, SnapshotItem, SnapshotKind } from '@logstag/store';

// The activity views are shared with the API and web through @logstag/schema.
export type { BlockingNode, LockWaitView, SessionView };
// What the writes take, declared beside them in @logstag/store.
export type { ActivityView, ConnectionsView, MetricPoint, QueryStat, ReplicationView, SnapshotItem } from '@logstag/store';

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
