// Response shapes of the explorer API (api/src/explorer/*.routes.ts).
import type { BlockingNode, Engine, LockWaitView, SessionView } from '@logstag/schema';
import type { Page } from './types';

export type { BlockingNode, Engine, SessionView };
/** A lock wait as the blocking view lists it. */
export type LockWait = LockWaitView;


export interface CollectorErrorView {
  collector?: string;
  message?: string;
  fix?: string;
  [k: string]: unknown;
}

export interface TargetView {
  targetId: string;
  engine: Engine | string;
  version: string | null;
  agentId: string | null;
  tags: Record<string, string>;
  status: 'ok' | 'failing' | 'unknown' | string;
  health: 'healthy' | 'failing' | 'stale' | 'unknown' | string;
  lastSeen: string | null;
  lastPayloads: Record<string, string>;
  errors: CollectorErrorView[];
}

export interface MetricSeriesInfo {
  metric: string;
  labels: Record<string, string>;
  kind: 'gauge' | 'counter' | 'delta' | string;
  lastValue: number;
  lastTs: string;
  firstTs: string;
}

export interface SeriesPoint {
  ts: string;
  avg: number | null;
  min: number;
  max: number;
  sum: number;
  count: number;
  ratePerSecond?: number;
}

export interface MetricSeries {
  targetId: string;
  metric: string;
  kind: string;
  resolution: string;
  stepSeconds: number;
  from: string;
  to: string;
  series: Array<{ labels: Record<string, string>; points: SeriesPoint[] }>;
}

export interface SessionsPage {
  snapshotTs: string | null;
  total: number;
  items: SessionView[];
  nextCursor: string | null;
}

export interface WaitCount {
  waitType: string;
  wait: string;
  samples: number;
}

export interface WaitBreakdown {
  from: string;
  to: string;
  snapshots: number;
  waits: WaitCount[];
}

/** The waits API with `step`: the range's breakdown and the same per bucket (the first from `from`, the last to `to`). */
export interface WaitBuckets extends WaitBreakdown {
  stepSeconds: number;
  buckets: Array<{ from: string; to: string; snapshots: number; waits: WaitCount[] }>;
}

export interface BlockingView {
  snapshotTs: string | null;
  tree: BlockingNode[];
  lockWaits: LockWait[];
  sessions: SessionView[];
}

export interface ConnectionsView {
  resolution: string | null;
  stepSeconds: number | null;
  used: SeriesPoint[];
  max: SeriesPoint[];
  latest: ({ ts: string; used?: number; max?: number | null; byState?: Record<string, number> } & Record<string, unknown>) | null;
}

export type TopOrder = 'totalTime' | 'calls' | 'meanTime' | 'rows';

export interface TopQuery {
  fingerprint: string;
  database: string | null;
  text: string | null;
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number;
  rows: number;
  blocksHit: number;
  blocksRead: number;
}

export interface TopQueries {
  from: string;
  to: string;
  orderBy: TopOrder;
  items: TopQuery[];
  nextCursor: string | null;
}

export interface QueryDetail {
  fingerprint: string;
  engine: string;
  database: string | null;
  text: string | null;
  firstSeen: string;
  lastSeen: string;
  stepSeconds: number;
  totals: { calls: number; totalTimeMs: number; rows: number };
  series: Array<{ ts: string; calls: number; totalTimeMs: number; meanTimeMs: number | null; rows: number; blocksHit: number; blocksRead: number }>;
}

export interface Range {
  from: Date;
  to: Date;
}

export interface SchemaObject {
  type: string;
  name: string;
  definition: Record<string, unknown> | null;
  stats: Record<string, unknown> | null;
  flags?: { unused: boolean; invalid: boolean; duplicate: boolean; duplicateOf: unknown[] };
}

export interface SnapshotPage<T> extends Page<T> {
  snapshotTs: string | null;
}

export interface SchemaChange {
  id: number;
  ts: string;
  kind: string;
  objectType: string;
  objectName: string;
  change: 'added' | 'removed' | 'altered';
  before: unknown;
  after: unknown;
}

export interface HostView {
  hostname: string;
  agentId: string;
  facts: Record<string, unknown>;
  lastSeen: string;
  health: 'online' | 'offline' | string;
}

export interface AgentView {
  agentId: string;
  hostname: string | null;
  version: string | null;
  firstSeen: string;
  lastHeartbeat: string;
  health: 'online' | 'offline' | string;
}
