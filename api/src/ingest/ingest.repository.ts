import { sql, type Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import type { Payload } from '@logstag/schema';

/** Commits the raw payload (claim check). Returns false when a payload with this id was already stored. */
export async function insertPayload(db: Kysely<Database>, organizationId: string, payload: Payload, bodyBytes: number): Promise<boolean> {
  const inserted = await db
    .insertInto('payloads')
    .values({
      id: payload.id,
      organization_id: organizationId,
      agent_id: payload.agentId,
      target_id: payload.kind === 'collection' ? payload.targetId : null,
      engine: payload.kind === 'collection' ? payload.engine : null,
      category: payload.kind === 'collection' ? payload.category : null,
      kind: payload.kind,
      collected_at: payload.collectedAt,
      replayed: payload.replayed,
      body: JSON.stringify(payload),
      body_bytes: bodyBytes,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findPayloadOwner(db: Kysely<Database>, id: string): Promise<{ organization_id: string; status: string } | undefined> {
  return db.selectFrom('payloads').select(['organization_id', 'status']).where('id', '=', id).executeTakeFirst();
}

export async function markWorkflowStarted(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('payloads')
    .set({ status: 'started', workflow_started_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute();
}

/** Payloads accepted but whose workflow was never started (Temporal was down), oldest first. */
export async function listPendingPayloadIds(db: Kysely<Database>, olderThanMs: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('payloads')
    .select('id')
    .where('status', '=', 'pending')
    .where(sql<boolean>`received_at < now() - make_interval(secs => ${olderThanMs / 1000})`)
    .orderBy('received_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
