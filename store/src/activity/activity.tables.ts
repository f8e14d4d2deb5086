import type { Selectable } from 'kysely';
import type { BlockingNode, LockWaitView, SessionView } from '@logstag/schema';
import type { ConnectionsSnapshot } from '@logstag/schema/api';
import type { Json, Timestamp } from '../column-types';

/** Activity Explorer: one row per activity collection (the sessions, lock waits and blocking tree at that time). */
export interface ActivitySnapshotTable {
  organization_id: string;
  target_id: string;
  ts: Timestamp;
  payload_id: string;
  // Typed with the views normalization writes into them (activities/src/normalize/write-sessions.ts).
  sessions: Json<SessionView[]>;
  lock_waits: Json<LockWaitView[]>;
  blocking: Json<BlockingNode[]>;
  connections: Json<ConnectionsSnapshot> | null;
  replication: Json<unknown[]>;
}
export type ActivitySnapshotRow = Selectable<ActivitySnapshotTable>;

export interface ActivityTables {
  activity_snapshots: ActivitySnapshotTable;
}
