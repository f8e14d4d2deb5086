import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database, SnapshotKind } from '@logstag/store';
import { diffSnapshots, digestInput, toStoredItems, type ItemChange, type StoredItems } from './snapshot-diff';
import type { SnapshotItem } from './types';

export interface SnapshotWhere {
  organizationId: string;
  targetId: string;
  ts: Date;
  payloadId: string;
}

/** Serializes snapshot writers of one (organization, target, kind); take the locks in a fixed order (see index.ts). */
export async function lockSnapshotScope(trx: Transaction<Database>, organizationId: string, targetId: string, kind: SnapshotKind): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`snapshot:${organizationId}:${targetId}:${kind}`}))`.execute(trx);
}

async function recordChanges(trx: Transaction<Database>, where: SnapshotWhere, kind: SnapshotKind, changes: ItemChange[]): Promise<void> {
  for (let i = 0; i < changes.length; i += 1_000) {
    await trx
      .insertInto('snapshot_changes')
      .values(
        changes.slice(i, i + 1_000).map((c) => ({
          organization_id: where.organizationId,
          target_id: where.targetId,
          kind,
          ts: where.ts,
          payload_id: where.payloadId,
          object_type: c.objectType,
          object_name: c.objectName,
          change: c.change,
          before: c.before ? JSON.stringify(c.before) : null,
          after: c.after ? JSON.stringify(c.after) : null,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * Stores a configuration/access/schema snapshot when it differs from the one collected before it and records each
 * difference as a change row. Same structure as before: only that row's stats are refreshed (when it is the latest).
 * Payloads may be normalized out of order (batches run in parallel, the agent replays its spool): a snapshot that lands
 * between two stored ones is diffed against its predecessor, and its successor's changes are recomputed against it.
 * The caller holds lockSnapshotScope for this target and kind.
 */
export async function writeSnapshot(trx: Transaction<Database>, where: SnapshotWhere, kind: SnapshotKind, list: SnapshotItem[]): Promise<void> {
  const { organizationId, targetId, ts, payloadId } = where;
  const items = toStoredItems(list);
  const digest = createHash('sha256').update(digestInput(items)).digest('hex');
  const scope = () =>
    trx.selectFrom('snapshots').select(['ts', 'digest', 'items', 'payload_id']).where('organization_id', '=', organizationId).where('target_id', '=', targetId).where('kind', '=', kind);

  const done = await trx.selectFrom('snapshots').select('ts').where('payload_id', '=', payloadId).where('kind', '=', kind).executeTakeFirst();
  if (done) return;
  const prev = await scope().where('ts', '<', ts).orderBy('ts', 'desc').limit(1).executeTakeFirst();
  const next = await scope().where('ts', '>', ts).orderBy('ts', 'asc').limit(1).executeTakeFirst();

  if (prev && prev.digest === digest) {
    if (!next) {
      await trx
        .updateTable('snapshots')
        .set({ items: JSON.stringify(items) })
        .where('organization_id', '=', organizationId)
        .where('target_id', '=', targetId)
        .where('kind', '=', kind)
        .where('ts', '=', prev.ts)
        .execute();
    }
    return;
  }
  await trx
    .insertInto('snapshots')
    .values({ organization_id: organizationId, target_id: targetId, kind, ts, payload_id: payloadId, digest, items: JSON.stringify(items) })
    .onConflict((oc) => oc.doNothing())
    .execute();
  // The first snapshot of a target is its baseline: everything in it is "as found", not a change.
  if (prev) await recordChanges(trx, where, kind, diffSnapshots(prev.items as StoredItems, items));
  if (next) {
    await trx.deleteFrom('snapshot_changes').where('payload_id', '=', next.payload_id).where('kind', '=', kind).execute();
    const nextWhere = { organizationId, targetId, ts: next.ts, payloadId: next.payload_id };
    await recordChanges(trx, nextWhere, kind, diffSnapshots(items, next.items as StoredItems));
  }
}
