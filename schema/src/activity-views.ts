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
