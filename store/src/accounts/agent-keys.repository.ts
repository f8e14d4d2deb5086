import { sql } from 'kysely';
import type { Db } from '../db';
import type { AgentKeyRow, NewAgentKeyRow } from './accounts.tables';

export async function insertAgentKey(db: Db, row: NewAgentKeyRow): Promise<AgentKeyRow> {
  return db.insertInto('agent_keys').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listAgentKeys(db: Db, organizationId: string, afterId: string | undefined, limit: number): Promise<AgentKeyRow[]> {
  let q = db.selectFrom('agent_keys').selectAll().where('organization_id', '=', organizationId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

/** Tenant-scoped: another organization's key id finds nothing. */
export async function findAgentKey(db: Db, organizationId: string, id: string): Promise<AgentKeyRow | undefined> {
  return db.selectFrom('agent_keys').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/** Ingest's lookup: by the visible prefix, across organizations (the key itself says which organization it is for). */
export async function findAgentKeyByPrefix(db: Db, prefix: string): Promise<AgentKeyRow | undefined> {
  return db.selectFrom('agent_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
}

export async function revokeAgentKey(db: Db, organizationId: string, id: string): Promise<void> {
  await db.updateTable('agent_keys').set({ revoked_at: sql<Date>`now()` }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export async function setAgentKeyExpiry(db: Db, organizationId: string, id: string, expiresAt: Date): Promise<void> {
  await db.updateTable('agent_keys').set({ expires_at: expiresAt }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

/** Writes batched last-used times; never moves a time backwards when two replicas flush out of order. */
export async function recordAgentKeysUsed(db: Db, used: ReadonlyMap<string, Date>): Promise<void> {
  for (const [id, at] of used) {
    await db
      .updateTable('agent_keys')
      .set({ last_used_at: sql<Date>`greatest(coalesce(last_used_at, ${at}), ${at})` })
      .where('id', '=', id)
      .execute();
  }
}
