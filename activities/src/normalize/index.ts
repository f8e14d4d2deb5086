import type { Transaction } from 'kysely';
import type { CollectionPayloadInput } from '@logstag/schema';
import { type Database, ensurePartitions, MetricBatch, QueryBatch, SessionBatch, SnapshotBatch, StatementApplicationBatch, type PayloadRow, readPayloadBody, utcDay, WRITTEN_BY_NORMALIZATION } from '@logstag/store';
import { extractCollection } from './extract-collection';
import { AssetBatch } from './write-assets';

export { extractCollection } from './extract-collection';
export { LIVE_ROLLUP_WINDOW_MS } from '@logstag/store';
export { ensurePartitions, partitionName, utcDay } from '@logstag/store';
export { diffSnapshots } from '@logstag/store';
export type * from './types';

const SNAPSHOT_KINDS = ['settings', 'access', 'schema'] as const;

/** The payload as the agent sent it (validated at ingest), decompressed off the event loop. */
async function bodyOf(row: PayloadRow): Promise<Record<string, unknown>> {
  const b = await readPayloadBody(row);
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>) : {};
}

/**
 * Normalizes raw payloads into the explorer tables (metric series, query stats, activity and change-tracked
 * snapshots, assets). Called inside the storePayloads transaction with the payloads not stored before. Idempotent:
 * every write is an upsert keyed on the payload id or on (target, ts, metric, labels), so a second run changes nothing.
 *
 * The whole batch is read and merged first; then each table is written in one pass, in the order of lock-order.ts,
 * so that concurrent batches over the same targets never deadlock and wait for each other only at the end.
 */
export async function normalizePayloads(trx: Transaction<Database>, rows: PayloadRow[]): Promise<void> {
  // Oldest first: snapshot change detection compares each state with the one collected before it, and the merged
  // rows (series, statements, targets) keep what successive upserts in collection order would.
  const ordered = [...rows].sort((a, b) => new Date(a.collected_at).getTime() - new Date(b.collected_at).getTime());
  // The partitions the collections' writes land in (their collection days), checked once per table and day before the
  // first write rather than by each writer per payload. storePayloads has normally created them already
  // (preparePartitions); heartbeats write no partitioned table.
  const days = ordered.filter((r) => r.kind === 'collection').map((r) => utcDay(new Date(r.collected_at)));
  for (const table of WRITTEN_BY_NORMALIZATION) await ensurePartitions(trx, table, days);

  const metrics = new MetricBatch();
  const queries = new QueryBatch();
  const sessions = new SessionBatch();
  const applications = new StatementApplicationBatch();
  const snapshots = new SnapshotBatch();
  const assets = new AssetBatch();
  const bodies = await Promise.all(ordered.map(bodyOf));
  for (const [i, row] of ordered.entries()) {
    const body = bodies[i]!;
    const organizationId = row.organization_id;
    if (row.kind === 'heartbeat') {
      assets.addHeartbeat(organizationId, body as unknown as Parameters<AssetBatch['addHeartbeat']>[1]);
      continue;
    }
    // The body passed collectionPayloadSchema of its version at ingest (defaults not applied: it is stored as sent).
    const c = body as unknown as CollectionPayloadInput;
    const ts = new Date(c.collectedAt);
    const data = c.data && typeof c.data === 'object' ? c.data : {};
    const extracted = extractCollection(c.engine, c.category, data, c.schemaVersion);
    const errors = Array.isArray(c.errors) ? c.errors : [];
    assets.addCollection({
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
    queries.add({ organizationId, targetId: c.targetId, engine: c.engine, ts }, extracted.queries);
    const where = { organizationId, targetId: c.targetId, ts, payloadId: row.id };
    if (extracted.activity) sessions.add(where, extracted.activity);
    // The statements sessions showed, per application: the Query Explorer's application filter (issue 14).
    if (extracted.activity) applications.add({ organizationId, targetId: c.targetId, engine: c.engine, ts }, extracted.activity.sessions);
    for (const kind of SNAPSHOT_KINDS) {
      const items = extracted.snapshots[kind];
      if (items) snapshots.add(where, kind, items);
    }
  }

  // Rows of this batch's own payloads, which no other batch writes.
  await metrics.writePoints(trx);
  await queries.writeStats(trx);
  await sessions.write(trx);
  // Rows shared with other batches of the same targets, in one order for all.
  await snapshots.write(trx);
  await assets.writeAgentsAndHosts(trx);
  await queries.writeQueries(trx);
  await applications.write(trx);
  await metrics.writeSeries(trx);
  await metrics.writeRollupPending(trx);
  await assets.writeTargets(trx);
}
