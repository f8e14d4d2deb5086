// Response shapes of the explorer API: the types inferred from the schemas its routes are declared with
// (@logstag/schema/api, api/src/explorer/*.routes.ts). Never re-declared here.
import type { LockWaitView } from '@logstag/schema';

export type { BlockingNode, Engine, SessionView } from '@logstag/schema';
export type {
  AgentView,
  BlockingView,
  CollectorErrorView,
  Fleet,
  FleetTarget,
  ConnectionsView,
  HostView,
  MetricSeries,
  MetricSeriesInfo,
  QueryApplications,
  QueryDetail,
  SchemaChange,
  SchemaObject,
  SeriesPoint,
  SessionsPage,
  SettingView,
  SettingsView,
  SnapshotPage,
  TargetView,
  TopOrder,
  TopQueries,
  TopQuery,
  WaitBreakdown,
  WaitBuckets,
  WaitCount,
} from '@logstag/schema/api';
/** A lock wait as the blocking view lists it. */
export type LockWait = LockWaitView;

/** A time range the web asks for (sent as ISO 8601 `from`/`to`). */
export interface Range {
  from: Date;
  to: Date;
}
