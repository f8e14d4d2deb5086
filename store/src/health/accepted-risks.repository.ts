import type { Db } from '../db';

export interface NewAcceptedRisk {
  organizationId: string;
  targetId: string;
  ruleId: string;
  object: string;
  reason: string;
  expiresAt: Date;
  createdBy: string;
}

export async function createAcceptedRisk(db: Db, r: NewAcceptedRisk) {
  return db
    .insertInto('health_accepted_risks')
    .values({ organization_id: r.organizationId, target_id: r.targetId, rule_id: r.ruleId, object: r.object, reason: r.reason, expires_at: r.expiresAt, created_by: r.createdBy, revoked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The risks in force on a target at `at` (not revoked, not expired): their findings leave the score. */
export async function activeAcceptedRisks(db: Db, organizationId: string, targetId: string, at: Date) {
  return db
    .selectFrom('health_accepted_risks')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .execute();
}

export async function listAcceptedRisks(db: Db, organizationId: string, targetId?: string) {
  let q = db.selectFrom('health_accepted_risks').selectAll().where('organization_id', '=', organizationId);
  if (targetId) q = q.where('target_id', '=', targetId);
  return q.orderBy('created_at', 'desc').limit(500).execute();
}

/** Revokes a risk; returns it as it was (for the audit event), or undefined when it is not the organization's. */
export async function revokeAcceptedRisk(db: Db, organizationId: string, id: number, at: Date) {
  const before = await db.selectFrom('health_accepted_risks').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  if (!before) return undefined;
  await db.updateTable('health_accepted_risks').set({ revoked_at: at }).where('id', '=', id).where('organization_id', '=', organizationId).execute();
  return before;
}
