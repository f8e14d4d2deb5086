import type { Generated, Insertable, Selectable } from 'kysely';
import type { Json, Timestamp } from '../column-types';

/** One object of a snapshot as stored: its definition, and its statistics where it has any. */
export interface StoredItem {
  type: string;
  name: string;
  def: Record<string, unknown>;
  stats?: Record<string, unknown>;
}
/** A snapshot's objects by key (`type:name`). */
export type StoredItems = Record<string, StoredItem>;

export type SnapshotKind = 'schema' | 'settings' | 'access';

export interface SnapshotTable {
  organization_id: string;
  target_id: string;
  kind: SnapshotKind;
  ts: Timestamp;
  payload_id: string;
  digest: string;
  items: Json<StoredItems>;
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

export interface SnapshotsTables {
  snapshots: SnapshotTable;
  snapshot_changes: SnapshotChangeTable;
}
