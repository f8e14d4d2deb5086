import { sql } from 'kysely';
import type { Db } from '../db';
import type { InvitationRow, NewInvitationRow } from './accounts.tables';

export async function insertInvitation(db: Db, row: NewInvitationRow): Promise<InvitationRow> {
  return db.insertInto('invitations').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listInvitations(db: Db, organizationId: string, afterId: string | undefined, limit: number): Promise<InvitationRow[]> {
  let q = db.selectFrom('invitations').selectAll().where('organization_id', '=', organizationId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

export async function findInvitation(db: Db, organizationId: string, id: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function revokeInvitation(db: Db, organizationId: string, id: string): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ revoked_at: sql<Date>`now()` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Marks a usable invitation accepted and returns it; a used, revoked or expired token returns nothing (one use only). */
export async function claimInvitation(db: Db, tokenHash: string): Promise<InvitationRow | undefined> {
  return db
    .updateTable('invitations')
    .set({ accepted_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
}
