/**
 * The engine-neutral shapes of live activity that normalization writes and the Activity Explorer API and web read.
 * Query text and names in them come from monitored databases: untrusted, rendered as text only.
 */
export interface SessionView {
  id: string;
  user: string | null;
  database: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  waitType: string | null;
  wait: string | null;
  query: string | null;
  durationSeconds: number | null;
  blockedBy: string[];
  /**
   * How long the session's transaction has been open (PostgreSQL xact_start), null outside a transaction; absent in
   * snapshots stored before it was kept. An old transaction, idle or not, holds locks and stops vacuum.
   */
  transactionSeconds?: number | null;
  /** Transactions since the snapshot this session holds (backend_xmin age): how far it holds vacuum back. */
  xminAge?: number | null;
  /**
   * PostgreSQL's backend_type ('client backend', 'autovacuum worker', 'checkpointer', …); absent for engines without
   * one and in snapshots stored before it was kept. Anything but a client backend is the server's own work.
   */
  backendType?: string | null;
  /**
   * PostgreSQL 14+ pg_stat_activity.query_id (with compute_query_id on): the statement running, or when not active
   * the last one the session ran, as pg_stat_statements' queryid identifies it. Absent elsewhere and before issue 14.
   */
  queryId?: string | null;
}

export interface LockWaitView {
  id: string;
  blockedBy: string[];
  lockType: string | null;
  mode: string | null;
  object: string | null;
  waitSeconds: number | null;
}

/** A blocker and, below it, the sessions waiting on it. */
export interface BlockingNode {
  id: string;
  waiters: BlockingNode[];
}
