import type { Engine } from '../domain';

/** One object of a stored configuration, access or schema snapshot (store/src/snapshots: `def` compared, `stats` shown). */
export interface HealthItem {
  type: string;
  name: string;
  def: Record<string, unknown>;
  stats?: Record<string, unknown>;
}

/** The latest stored snapshot of one kind: when it was collected, and its objects. */
export interface HealthSnapshot {
  ts: string;
  items: HealthItem[];
}

/** A stored series' latest value (metric_series), and for delta series their sum over the report window. */
export interface HealthSeries {
  metric: string;
  labels: Record<string, string>;
  kind: 'gauge' | 'delta';
  /** Last value stored (for a delta series: the last interval's delta). */
  value: number;
  ts: string;
  firstTs: string;
  /** Deltas only: the sum of the deltas stored within the window (null when none were). */
  windowSum: number | null;
}

/** One 10-second runtime snapshot (activity_snapshots) within the report window. */
export interface HealthActivitySample {
  ts: string;
  sessions: Array<{
    id: string;
    user: string | null;
    database: string | null;
    client: string | null;
    state: string | null;
    waitType: string | null;
    wait: string | null;
    query: string | null;
    durationSeconds: number | null;
    blockedBy: string[];
    /** PostgreSQL: how long the session's transaction has been open, and the age of the xmin it holds (issue 14). */
    transactionSeconds?: number | null;
    xminAge?: number | null;
    /** PostgreSQL's backend_type ('client backend', 'autovacuum worker', …); absent from agents before issue 14. */
    backendType?: string | null;
  }>;
  lockWaits: Array<{ id: string; blockedBy: string[]; object: string | null; waitSeconds: number | null }>;
  connections: { used: number; max: number | null } | null;
  replication: Array<{ name: string; state: string | null; lagSeconds: number | null; lagBytes: number | null }>;
}

/** One statement's totals over the report window (query_stats summed), with its text when stored. */
export interface HealthStatement {
  fingerprint: string;
  database: string | null;
  text: string | null;
  calls: number;
  totalTimeMs: number;
  rows: number;
  blocksHit: number;
  blocksRead: number;
  /** MySQL/MariaDB digests: runs without an index and full scans over the window; null elsewhere or when not stored. */
  noIndexUsed?: number | null;
  fullScans?: number | null;
}

/** A collector's error as the agent reported it on its latest payloads (a missing privilege, a blocked command). */
export interface HealthCollectorError {
  collector: string;
  message: string;
  code?: string | undefined;
}

/**
 * Everything a report reads about one target, as the store holds it (store/src/health builds it). Plain JSON: it
 * crosses the activity boundary in tests and benchmarks, and the catalog's evaluators are pure functions of it.
 */
export interface HealthInput {
  organizationId: string;
  targetId: string;
  engine: Engine;
  /** The version text the target last reported (`15.18 (Debian …)`, `10.11.19-MariaDB…`, `7.0.15`). */
  version: string | null;
  /** The report's time (ISO). */
  now: string;
  windowHours: number;
  settings: HealthSnapshot | null;
  access: HealthSnapshot | null;
  schema: HealthSnapshot | null;
  /** When the first schema snapshot of this target was stored: how long its statistics have been observed. */
  observedSince: string | null;
  series: HealthSeries[];
  activity: HealthActivitySample[];
  statements: HealthStatement[];
  errors: HealthCollectorError[];
  /** Facts of the host, when the target is declared co-located with its agent or its RAM is configured. */
  host: { memoryBytes: number | null; colocated: boolean } | null;
}
