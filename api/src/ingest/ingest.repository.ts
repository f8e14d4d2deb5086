import { sql, type Kysely } from 'kysely';
import type { Database, NewPayloadRow, PayloadBodyColumns } from '@logstag/store';
import type { Payload } from '@logstag/schema';

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
export async function insertPayloadRows(db: Kysely<Database>, rows: readonly NewPayloadRow[]): Promise<Set<string>> {
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
export async function insertPayload(db: Kysely<Database>, organizationId: string, payload: Payload, body: PayloadBodyColumns): Promise<boolean> {
  return (await insertPayloadRows(db, [payloadRow(organizationId, payload, body)])).size === 1;
}

export async function findPayloadOwner(db: Kysely<Database>, id: string): Promise<{ organization_id: string; status: string } | undefined> {
  return db.selectFrom('payloads').select(['organization_id', 'status']).where('id', '=', id).executeTakeFirst();
}

/**
 * Claims up to `limit` pending payloads, oldest first, for one ingest workflow. SKIP LOCKED lets several dispatchers
 * (API replicas) claim disjoint batches without waiting on each other.
 */
export async function claimPendingPayloads(db: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await db
    .updateTable('payloads')
    .set({ status: 'started', workflow_started_at: sql<Date>`now()` })
    .where('id', 'in', (eb) =>
      eb.selectFrom('payloads').select('id').where('status', '=', 'pending').orderBy('received_at').limit(limit).forUpdate().skipLocked(),
    )
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Gives claims back when their workflow could not be started. */
export async function releaseClaims(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('payloads').set({ status: 'pending', workflow_started_at: null }).where('id', 'in', ids).where('status', '=', 'started').execute();
}

/**
 * Releases claims whose workflow never stored the payload (the dispatcher crashed between claim and start, or the
 * start was lost). Storing is idempotent, so a payload that was in fact being processed is merely processed twice.
 */
export async function requeueStaleClaims(db: Kysely<Database>, olderThanMs: number): Promise<number> {
  const r = await db
    .updateTable('payloads')
    .set({ status: 'pending', workflow_started_at: null })
    .where('status', '=', 'started')
    .where(sql<boolean>`workflow_started_at < now() - make_interval(secs => ${olderThanMs / 1000})`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
