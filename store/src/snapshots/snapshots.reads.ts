import { sql } from 'kysely';
import type { Db } from '../db';
import type { SnapshotChangeRow, SnapshotKind } from './snapshots.tables';

/** The newest snapshot of a target and kind, as a query to select from. */
const newest = (db: Db, organizationId: string, targetId: string, kind: SnapshotKind) =>
  db.selectFrom('snapshots').where('organization_id', '=', organizationId).where('target_id', '=', targetId).where('kind', '=', kind).orderBy('ts', 'desc').limit(1);

export async function latestSnapshot(db: Db, organizationId: string, targetId: string, kind: SnapshotKind) {
  return newest(db, organizationId, targetId, kind).select(['ts', 'items']).executeTakeFirst();
}

/**
 * The newest snapshot's identity without its items: its time and the row version (PostgreSQL's `xmin`, which changes
 * whenever the row is rewritten, as writeSnapshot does when only statistics moved). A reader that keeps parsed items
 * asks this first and reads the items again only when either differs.
 */
export async function latestSnapshotVersion(db: Db, organizationId: string, targetId: string, kind: SnapshotKind): Promise<{ ts: Date; version: string } | undefined> {
  const row = await newest(db, organizationId, targetId, kind).select(['ts', sql<string>`xmin::text`.as('version')]).executeTakeFirst();
  return row ? { ts: new Date(row.ts as unknown as string | Date), version: row.version } : undefined;
}

/** The newest snapshot with its row version (see latestSnapshotVersion). */
export async function latestSnapshotWithVersion(db: Db, organizationId: string, targetId: string, kind: SnapshotKind) {
  return newest(db, organizationId, targetId, kind).select(['ts', 'items', sql<string>`xmin::text`.as('version')]).executeTakeFirst();
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

