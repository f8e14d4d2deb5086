import type { Transaction } from 'kysely';
import { readPayloadBody, type Database, type PayloadRow, type SnapshotKind } from '@logstag/store';
import { extractCollection } from './extract';
import { WRITTEN_BY_NORMALIZATION, ensurePartitions, utcDay } from './partitions';
import type { CollectionBody } from './types';
import { writeActivity } from './write-activity';
import { writeHeartbeat, writeTargetSeen, type CollectionSeen } from './write-assets';
import { MetricBatch } from './write-metrics';
import { writeQueries } from './write-queries';
import { lockSnapshotScope, writeSnapshot } from './write-snapshots';

export { extractCollection } from './extract';
export { LIVE_ROLLUP_WINDOW_MS } from './write-metrics';
export { ensurePartitions, partitionName, utcDay } from './partitions';
export { diffSnapshots } from './snapshot-diff';
export type * from './types';

const SNAPSHOT_KINDS: SnapshotKind[] = ['settings', 'access', 'schema'];

/** The payload as the agent sent it (validated at ingest), decompressed off the event loop. */
async function bodyOf(row: PayloadRow): Promise<Record<string, unknown>> {
  const b = await readPayloadBody(row);
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>) : {};
}

/**
 * Normalizes raw payloads into the explorer tables (metric series, query stats, activity and change-tracked
 * snapshots, assets). Called inside the storePayloads transaction with the payloads not stored before. Idempotent:
 * every write is an upsert keyed on the payload id or on (target, ts, metric, labels), so a second run changes nothing.
 */
export async function normalizePayloads(trx: Transaction<Database>, rows: PayloadRow[]): Promise<void> {
  const metrics = new MetricBatch();
  // Oldest first: snapshot change detection compares each state with the one collected before it.
  const ordered = [...rows].sort((a, b) => new Date(a.collected_at).getTime() - new Date(b.collected_at).getTime());
  // The partitions the collections' writes land in (their collection days), checked once per table and day before the
  // first write rather than by each writer per payload. storePayloads has normally created them already
  // (preparePartitions); heartbeats write no partitioned table.
  const days = ordered.filter((r) => r.kind === 'collection').map((r) => utcDay(new Date(r.collected_at)));
  for (const table of WRITTEN_BY_NORMALIZATION) await ensurePartitions(trx, table, days);
  // Snapshot writers of one target and kind are serialized; all locks up front, in one order, so two batches never
  // wait on each other crosswise.
  const scopes = new Set<string>();
  for (const r of rows) {
    if (r.kind !== 'collection' || !r.target_id) continue;
    const kinds: SnapshotKind[] = r.category === 'schema' ? ['schema'] : r.category === 'operational' ? ['settings', 'access'] : [];
    for (const k of kinds) scopes.add(JSON.stringify([r.organization_id, r.target_id, k]));
  }
  for (const s of [...scopes].sort()) {
    const [org, target, kind] = JSON.parse(s) as [string, string, SnapshotKind];
    await lockSnapshotScope(trx, org, target, kind);
  }
  // Target rows are written last, in (organization, target) order: each upsert locks its target's row until commit,
  // and concurrent batches of the same targets would otherwise wait on each other for their whole normalization
  // (the end-to-end tail at 200 payloads/s) and could take the locks crosswise.
  const seen: CollectionSeen[] = [];
  for (const row of ordered) {
    const body = await bodyOf(row);
    const organizationId = row.organization_id;
    if (row.kind === 'heartbeat') {
      await writeHeartbeat(trx, organizationId, body as unknown as Parameters<typeof writeHeartbeat>[2]);
      continue;
    }
    const c = body as unknown as CollectionBody;
    const ts = new Date(c.collectedAt);
    const data = c.data && typeof c.data === 'object' ? c.data : {};
    const extracted = extractCollection(c.engine, c.category, data);
    const errors = Array.isArray(c.errors) ? c.errors : [];
    seen.push({
      organizationId,
      targetId: c.targetId,
      agentId: c.agentId,
      engine: c.engine,
      category: c.category,
      ts,
      version: extracted.version,
      errors,
      failed: Object.keys(data).length === 0 && errors.length > 0,
    });
    metrics.add(organizationId, c.targetId, ts, extracted.metrics);
    await writeQueries(trx, { organizationId, targetId: c.targetId, engine: c.engine, ts }, extracted.queries);
    const where = { organizationId, targetId: c.targetId, ts, payloadId: row.id };
    if (extracted.activity) await writeActivity(trx, where, extracted.activity);
    for (const kind of SNAPSHOT_KINDS) {
      const items = extracted.snapshots[kind];
      if (items) await writeSnapshot(trx, where, kind, items);
    }
  }
  await metrics.flush(trx);
  // A stable sort: one target's payloads keep their collected_at order, as the upserts' "newer" rules expect.
  seen.sort((a, b) => (a.organizationId === b.organizationId ? cmp(a.targetId, b.targetId) : cmp(a.organizationId, b.organizationId)));
  for (const c of seen) await writeTargetSeen(trx, c);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
