import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { escalationTierSchema, type EscalationPolicyInput, type EscalationTier } from '@logstag/schema';
import type { Db } from '../db';
import type { EscalationPolicyRow } from './alerts.tables';

export interface EscalationPolicy {
  id: string;
  organizationId: string;
  name: string;
  tiers: EscalationTier[];
  repeat: number;
  ackTimeoutSeconds: number | null;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function policyOf(row: EscalationPolicyRow): EscalationPolicy {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    tiers: escalationTierSchema.array().parse(row.tiers),
    repeat: row.repeat,
    ackTimeoutSeconds: row.ack_timeout_seconds,
    isDefault: row.is_default,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const columnsOf = (input: EscalationPolicyInput) => ({
  name: input.name,
  tiers: JSON.stringify(input.tiers),
  repeat: input.repeat,
  ack_timeout_seconds: input.ackTimeoutSeconds,
  is_default: input.isDefault,
});

/** One default per organization: making a policy the default takes it from the previous one (same transaction). */
async function clearDefault(db: Db, organizationId: string, exceptId: string | null) {
  let q = db.updateTable('escalation_policies').set({ is_default: false }).where('organization_id', '=', organizationId).where('is_default', '=', true);
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}

export async function insertEscalationPolicy(db: Db, organizationId: string, input: EscalationPolicyInput): Promise<EscalationPolicy> {
  if (input.isDefault) await clearDefault(db, organizationId, null);
  const row = await db
    .insertInto('escalation_policies')
    .values({ id: randomUUID(), organization_id: organizationId, ...columnsOf(input), deleted_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return policyOf(row);
}

export async function updateEscalationPolicy(db: Db, organizationId: string, id: string, input: EscalationPolicyInput): Promise<EscalationPolicy | undefined> {
  if (input.isDefault) await clearDefault(db, organizationId, id);
  const row = await db
    .updateTable('escalation_policies')
    .set({ ...columnsOf(input), updated_at: sql<Date>`now()` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row ? policyOf(row) : undefined;
}

export async function deleteEscalationPolicy(db: Db, organizationId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('escalation_policies')
    .set({ deleted_at: sql<Date>`now()`, is_default: false })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function listEscalationPolicies(db: Db, organizationId: string): Promise<EscalationPolicy[]> {
  const rows = await db.selectFrom('escalation_policies').selectAll().where('organization_id', '=', organizationId).where('deleted_at', 'is', null).orderBy('name').execute();
  return rows.map(policyOf);
}

export async function findEscalationPolicy(db: Db, organizationId: string, id: string): Promise<EscalationPolicy | undefined> {
  const row = await db.selectFrom('escalation_policies').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return row ? policyOf(row) : undefined;
}

/** The policy a rule's alerts follow: the rule's own, else the organization's default; undefined: notify nobody. */
export async function policyForRule(db: Db, organizationId: string, policyId: string | null): Promise<EscalationPolicy | undefined> {
  if (policyId) {
    const own = await findEscalationPolicy(db, organizationId, policyId);
    if (own) return own;
  }
  const row = await db.selectFrom('escalation_policies').selectAll().where('organization_id', '=', organizationId).where('is_default', '=', true).where('deleted_at', 'is', null).executeTakeFirst();
  return row ? policyOf(row) : undefined;
}
