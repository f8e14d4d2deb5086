import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, SnapshotKind } from '@logstag/store';
import { diffSnapshots, digestInput, toStoredItems, type StoredItems } from './snapshot-diff';
import type { SnapshotItem } from './types';

export interface SnapshotWhere {
  organizationId: string;
  targetId: string;
  ts: Date;
  payloadId: string;
}

/**
 * Stores a configuration/access/schema snapshot when it differs from the previous one of its kind and records each
 * difference as a change row. Same structure as before: only the previous row's stats are refreshed.
 * An older payload arriving after a newer one (replayed from the agent's spool) is not diffed: the timeline already
 * compares the states in the order they were collected.
 */
export async function writeSnapshot(trx: Transaction<Database>, where: SnapshotWhere, kind: SnapshotKind, list: SnapshotItem[]): Promise<void> {
  const { organizationId, targetId, ts, payloadId } = where;
  const items = toStoredItems(list);
  const digest = createHash('sha256').update(digestInput(items)).digest('hex');
  const scope = trx.selectFrom('snapshots').where('organization_id', '=', organizationId).where('target_id', '=', targetId).where('kind', '=', kind);

  const done = await trx.selectFrom('snapshots').select('ts').where('payload_id', '=', payloadId).where('kind', '=', kind).executeTakeFirst();
  if (done) return;
  const newer = await scope.select('ts').where('ts', '>', ts).limit(1).executeTakeFirst();
  if (newer) return;
  const prev = await scope.select(['ts', 'digest', 'items']).where('ts', '<=', ts).orderBy('ts', 'desc').limit(1).executeTakeFirst();

  if (prev && prev.digest === digest) {
    await trx
      .updateTable('snapshots')
      .set({ items: JSON.stringify(items) })
      .where('organization_id', '=', organizationId)
      .where('target_id', '=', targetId)
      .where('kind', '=', kind)
      .where('ts', '=', prev.ts)
      .execute();
    return;
  }
  await trx
    .insertInto('snapshots')
    .values({ organization_id: organizationId, target_id: targetId, kind, ts, payload_id: payloadId, digest, items: JSON.stringify(items) })
    .onConflict((oc) => oc.doNothing())
    .execute();
  // The first snapshot of a target is its baseline: everything in it is "as found", not a change.
  if (!prev) return;
  const changes = diffSnapshots(prev.items as StoredItems, items);
  for (let i = 0; i < changes.length; i += 1_000) {
    await trx
      .insertInto('snapshot_changes')
      .values(
        changes.slice(i, i + 1_000).map((c) => ({
          organization_id: organizationId,
          target_id: targetId,
          kind,
          ts,
          payload_id: payloadId,
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
