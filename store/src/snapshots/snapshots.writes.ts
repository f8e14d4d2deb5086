import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../database';
import { rowKey, valuesByKey } from '../lock-order';
import { diffSnapshots, digestInput, toStoredItems, type ItemChange, type SnapshotItem } from './snapshot-diff';
import type { SnapshotKind, StoredItems } from './snapshots.tables';

export interface SnapshotWhere {
  organizationId: string;
  targetId: string;
  ts: Date;
  payloadId: string;
}

/**
 * Serializes snapshot writers of one (organization, target, kind) until commit. The locks are taken in the order of
 * their advisory lock keys (the hashes of the scope names, which can collide), so two batches never wait crosswise.
 */
export async function lockSnapshotScopes(trx: Transaction<Database>, scopes: Array<{ organizationId: string; targetId: string; kind: SnapshotKind }>): Promise<void> {
  if (scopes.length === 0) return;
  const names = scopes.map((s) => `snapshot:${s.organizationId}:${s.targetId}:${s.kind}`);
  const { rows } = await sql<{ h: number }>`select hashtext(n) as h from (values ${sql.join(names.map((n) => sql`(${n})`))}) v(n)`.execute(trx);
  for (const h of [...new Set(rows.map((r) => Number(r.h)))].sort((a, b) => a - b)) {
    await sql`select pg_advisory_xact_lock(${h}::bigint)`.execute(trx);
  }
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
 * The caller holds lockSnapshotScopes for this target and kind.
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

/**
 * A batch's snapshots, grouped by (organization, target, kind): every scope's lock first (lockSnapshotScopes), then
 * each scope's snapshots in collection order, as change detection expects.
 */
export class SnapshotBatch {
  private readonly scopes = new Map<string, { organizationId: string; targetId: string; kind: SnapshotKind; items: Array<[SnapshotWhere, SnapshotItem[]]> }>();

  /** One collection's snapshot of one kind; call in collection order. */
  add(where: SnapshotWhere, kind: SnapshotKind, items: SnapshotItem[]): void {
    const key = rowKey(where.organizationId, where.targetId, kind);
    let scope = this.scopes.get(key);
    if (!scope) this.scopes.set(key, (scope = { organizationId: where.organizationId, targetId: where.targetId, kind, items: [] }));
    scope.items.push([where, items]);
  }

  async write(trx: Transaction<Database>): Promise<void> {
    const scopes = valuesByKey(this.scopes);
    await lockSnapshotScopes(trx, scopes);
    for (const scope of scopes) {
      for (const [where, items] of scope.items) await writeSnapshot(trx, where, scope.kind, items);
    }
  }
}
