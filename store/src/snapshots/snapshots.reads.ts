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

/** When each object of a kind last changed (added, altered or removed), and the kind's first snapshot. */
export async function lastChanges(db: Db, organizationId: string, targetId: string, kind: SnapshotKind): Promise<{ changed: Map<string, Date>; firstSnapshot: Date | null }> {
  const [rows, first] = await Promise.all([
    db
      .selectFrom('snapshot_changes')
      .select(['object_name', (eb) => eb.fn.max('ts').as('ts')])
      .where('organization_id', '=', organizationId)
      .where('target_id', '=', targetId)
      .where('kind', '=', kind)
      .groupBy('object_name')
      .execute(),
    db
      .selectFrom('snapshots')
      .select((eb) => eb.fn.min('ts').as('ts'))
      .where('organization_id', '=', organizationId)
      .where('target_id', '=', targetId)
      .where('kind', '=', kind)
      .executeTakeFirst(),
  ]);
  const changed = new Map(rows.map((r) => [r.object_name, new Date(r.ts as unknown as string | Date)]));
  return { changed, firstSnapshot: first?.ts ? new Date(first.ts as unknown as string | Date) : null };
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

