import type { Db } from '../db';
import type { SnapshotChangeRow, SnapshotKind } from './snapshots.tables';

export async function latestSnapshot(db: Db, organizationId: string, targetId: string, kind: SnapshotKind) {
  return db
    .selectFrom('snapshots')
    .select(['ts', 'items'])
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('kind', '=', kind)
    .orderBy('ts', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface ChangeFilter {
  organizationId: string;
  targetId: string;
  kind?: SnapshotKind | undefined;
  from: Date;
  to: Date;
  beforeId?: number | undefined;
}

export async function listChanges(db: Db, f: ChangeFilter, limit: number): Promise<SnapshotChangeRow[]> {
  let q = db
    .selectFrom('snapshot_changes')
    .selectAll()
    .where('organization_id', '=', f.organizationId)
    .where('target_id', '=', f.targetId)
    .where('ts', '>=', f.from)
    .where('ts', '<', f.to);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return q.orderBy('ts', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

