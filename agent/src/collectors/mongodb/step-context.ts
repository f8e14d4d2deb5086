import type { AreaContext } from './area';
import { grantFix } from './check';
import type { ProfilerCursor } from './profiler';

/** What the server is, from `hello`: steps that cannot apply (top on mongos, oplog on a standalone) are skipped, not failed. */
export interface ServerKind {
  mongos: boolean;
  replicaSet: boolean;
}

/** What a MongoDB step sees: the area context, the server's kind and what persists between runs. */
export interface MongodbContext extends AreaContext {
  kind: ServerKind;
  /** The monitoring user the fixes name. */
  user: string | undefined;
  /** The newest profiler entry already sent, per database. */
  profilerCursor: ProfilerCursor;
}

/** The role agent/setup/mongodb.js grants (with read on local); an Unauthorized (13) reply is fixed by granting it. */
export const CLUSTER_MONITOR = { privilege: 'clusterMonitor', fix: ({ user }: MongodbContext) => grantFix(user) } as const;
