import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DEFAULT_RULE_PACK, ruleConditionSchema, ruleScopeSchema, type AlertSeverity, type RuleCondition, type RuleInput, type RuleScope } from '@logstag/schema';
import type { Db } from '../db';
import type { AlertRuleRow } from './alerts.tables';

/** A rule as the evaluator, the workflow and the API read it: condition and scope parsed. */
export interface AlertRule {
  id: string;
  organizationId: string;
  packKey: string | null;
  name: string;
  enabled: boolean;
  severity: AlertSeverity;
  condition: RuleCondition;
  scope: RuleScope;
  summaryTemplate: string;
  escalationPolicyId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export function alertRuleOf(row: AlertRuleRow): AlertRule {
  return {
    id: row.id,
    organizationId: row.organization_id,
    packKey: row.pack_key,
    name: row.name,
    enabled: row.enabled,
    severity: row.severity as AlertSeverity,
    condition: ruleConditionSchema.parse(row.condition),
    scope: ruleScopeSchema.parse(row.scope),
    summaryTemplate: row.summary_template,
    escalationPolicyId: row.escalation_policy_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

function columnsOf(input: RuleInput) {
  return {
    name: input.name,
    enabled: input.enabled,
    severity: input.severity,
    condition: JSON.stringify(input.condition),
    scope: JSON.stringify(input.scope),
    summary_template: input.summaryTemplate,
    escalation_policy_id: input.escalationPolicyId,
  };
}

export async function insertAlertRule(db: Db, organizationId: string, input: RuleInput, packKey: string | null = null): Promise<AlertRule> {
  const row = await db
    .insertInto('alert_rules')
    .values({ id: randomUUID(), organization_id: organizationId, pack_key: packKey, ...columnsOf(input), deleted_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return alertRuleOf(row);
}

/** The default rule pack, added to a new organization in the transaction that creates it. */
export async function seedDefaultAlertRules(db: Db, organizationId: string): Promise<AlertRule[]> {
  const rules: AlertRule[] = [];
  for (const { key, rule } of DEFAULT_RULE_PACK) rules.push(await insertAlertRule(db, organizationId, rule, key));
  return rules;
}

/** Replaces a rule's definition and bumps its version; undefined when it does not exist (or is deleted). */
export async function updateAlertRule(db: Db, organizationId: string, id: string, input: RuleInput): Promise<AlertRule | undefined> {
  const row = await db
    .updateTable('alert_rules')
    .set({ ...columnsOf(input), version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row ? alertRuleOf(row) : undefined;
}

export async function deleteAlertRule(db: Db, organizationId: string, id: string): Promise<AlertRule | undefined> {
  const row = await db
    .updateTable('alert_rules')
    .set({ deleted_at: sql<Date>`now()`, enabled: false, updated_at: sql<Date>`now()` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row ? alertRuleOf(row) : undefined;
}

/** A rule, deleted ones included (an alert workflow asks about its own rule). */
export async function findAlertRule(db: Db, organizationId: string, id: string): Promise<AlertRule | undefined> {
  const row = await db.selectFrom('alert_rules').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return row ? alertRuleOf(row) : undefined;
}

export async function listAlertRules(db: Db, organizationId: string): Promise<AlertRule[]> {
  const rows = await db.selectFrom('alert_rules').selectAll().where('organization_id', '=', organizationId).where('deleted_at', 'is', null).orderBy('name').orderBy('id').execute();
  return rows.map(alertRuleOf);
}

/** The enabled rules of these organizations, by organization; `kinds` narrows to condition kinds. */
export async function enabledAlertRules(db: Db, organizationIds: readonly string[], kinds?: ReadonlyArray<RuleCondition['kind']>): Promise<AlertRule[]> {
  if (organizationIds.length === 0) return [];
  let q = db.selectFrom('alert_rules').selectAll().where('organization_id', 'in', organizationIds).where('enabled', '=', true).where('deleted_at', 'is', null);
  if (kinds) q = q.where(sql<string>`condition->>'kind'`, 'in', kinds);
  return (await q.execute()).map(alertRuleOf);
}

/** Every enabled absence rule of the deployment (the absence schedule's pass). */
export async function enabledAbsenceRules(db: Db): Promise<AlertRule[]> {
  const rows = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('enabled', '=', true)
    .where('deleted_at', 'is', null)
    .where(sql<string>`condition->>'kind'`, '=', 'absence')
    .execute();
  return rows.map(alertRuleOf);
}
