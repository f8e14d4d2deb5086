import { sql } from 'kysely';
import type { Payload } from '@logstag/schema';
import type { Db } from '../db';
import type { PayloadBodyColumns } from './payload-body';
import type { NewPayloadRow, PayloadRow, PayloadStatus } from './payloads.tables';

/** The row that keeps an accepted payload (claim check): its routing columns and the body as sent. */
export function payloadRow(organizationId: string, payload: Payload, body: PayloadBodyColumns): NewPayloadRow {
  return {
    id: payload.id,
    organization_id: organizationId,
    agent_id: payload.agentId,
    target_id: payload.kind === 'collection' ? payload.targetId : null,
    engine: payload.kind === 'collection' ? payload.engine : null,
    category: payload.kind === 'collection' ? payload.category : null,
    kind: payload.kind,
    collected_at: payload.collectedAt,
    replayed: payload.replayed,
    ...body,
  };
}

/**
 * Commits raw payloads in one statement (one transaction). Returns the ids it inserted: an id missing from the set
 * was already stored. The rows' ids must be distinct.
 */
export async function insertPayloadRows(db: Db, rows: readonly NewPayloadRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db
    .insertInto('payloads')
    .values([...rows])
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return new Set(inserted.map((r) => r.id));
}

/** Commits one raw payload. Returns false when a payload with this id was already stored. */
export async function insertPayload(db: Db, organizationId: string, payload: Payload, body: PayloadBodyColumns): Promise<boolean> {
  return (await insertPayloadRows(db, [payloadRow(organizationId, payload, body)])).size === 1;
}

export async function findPayloadOwner(db: Db, id: string): Promise<{ organization_id: string; status: string } | undefined> {
  return db.selectFrom('payloads').select(['organization_id', 'status']).where('id', '=', id).executeTakeFirst();
}

/** When the payloads were collected: the days whose partitions storing them needs. */
export async function payloadCollectedTimes(db: Db, ids: readonly string[]): Promise<Date[]> {
  const rows = await db.selectFrom('payloads').select('collected_at').where('id', 'in', ids).execute();
  return rows.map((r) => r.collected_at);
}

export async function payloadStatuses(db: Db, ids: readonly string[]): Promise<Array<{ id: string; status: PayloadStatus }>> {
  return db.selectFrom('payloads').select(['id', 'status']).where('id', 'in', ids).execute();
}

/** The payloads, oldest collected first, locked (in `trx`) until it ends: one storing pass at a time per payload. */
export async function lockPayloads(trx: Db, ids: readonly string[]): Promise<PayloadRow[]> {
  return trx.selectFrom('payloads').selectAll().where('id', 'in', ids).orderBy('collected_at').forUpdate().execute();
}

/** Marks payloads stored (again, for a retry: store_count counts the passes). */
export async function markPayloadsStored(trx: Db, ids: readonly string[]): Promise<void> {
  await trx
    .updateTable('payloads')
    .set({
      status: 'stored',
      // The time normalization finished (now() would be the transaction's start): stored_at - received_at is
      // the end-to-end latency that ingest is measured by.
      stored_at: sql<Date>`coalesce(stored_at, clock_timestamp())`,
      store_count: sql<number>`store_count + 1`,
    })
    .where('id', 'in', ids)
    .execute();
}

/** Records the alert pass over stored payloads (the first one's time is kept); failed or discarded payloads are skipped. */
export async function markPayloadsEvaluated(db: Db, ids: readonly string[]): Promise<void> {
  await db
    .updateTable('payloads')
    .set({ evaluated_at: sql<Date>`coalesce(evaluated_at, now())` })
    .where('id', 'in', ids)
    .where('status', '=', 'stored')
    .execute();
}
