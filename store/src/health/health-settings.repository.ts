import type { Db } from '../db';

/** An organization's rule choices: disabled rules and threshold overrides. */
export async function healthRuleSettings(db: Db, organizationId: string) {
  const rows = await db.selectFrom('health_rule_settings').selectAll().where('organization_id', '=', organizationId).execute();
  return rows.map((r) => ({ ruleId: r.rule_id, enabled: r.enabled, thresholds: (typeof r.thresholds === 'string' ? JSON.parse(r.thresholds) : r.thresholds) as Record<string, number>, updatedAt: r.updated_at, updatedBy: r.updated_by }));
}

/** Upserts one rule's setting; returns the row before (for the audit event). */
export async function putHealthRuleSetting(db: Db, organizationId: string, ruleId: string, value: { enabled: boolean; thresholds: Record<string, number> }, by: string) {
  const before = await db.selectFrom('health_rule_settings').selectAll().where('organization_id', '=', organizationId).where('rule_id', '=', ruleId).executeTakeFirst();
  await db
    .insertInto('health_rule_settings')
    .values({ organization_id: organizationId, rule_id: ruleId, enabled: value.enabled, thresholds: JSON.stringify(value.thresholds), updated_by: by })
    .onConflict((oc) => oc.columns(['organization_id', 'rule_id']).doUpdateSet({ enabled: value.enabled, thresholds: JSON.stringify(value.thresholds), updated_by: by, updated_at: new Date() }))
    .execute();
  return before ? { enabled: before.enabled, thresholds: before.thresholds } : null;
}

export async function healthTargetSettings(db: Db, organizationId: string, targetId: string) {
  return db.selectFrom('health_targets').selectAll().where('organization_id', '=', organizationId).where('target_id', '=', targetId).executeTakeFirst();
}

export async function listHealthTargetSettings(db: Db, organizationId?: string) {
  let q = db.selectFrom('health_targets').selectAll();
  if (organizationId) q = q.where('organization_id', '=', organizationId);
  return q.execute();
}

export async function putHealthTargetSettings(db: Db, organizationId: string, targetId: string, v: { frequency: 'frequent' | 'standard' | 'rare'; colocated: boolean; memoryBytes: number | null }) {
  const before = await healthTargetSettings(db, organizationId, targetId);
  await db
    .insertInto('health_targets')
    .values({ organization_id: organizationId, target_id: targetId, frequency: v.frequency, colocated: v.colocated, memory_bytes: v.memoryBytes })
    .onConflict((oc) => oc.columns(['organization_id', 'target_id']).doUpdateSet({ frequency: v.frequency, colocated: v.colocated, memory_bytes: v.memoryBytes, updated_at: new Date() }))
    .execute();
  return before ?? null;
}
