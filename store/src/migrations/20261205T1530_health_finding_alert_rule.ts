import { sql, type Kysely } from 'kysely';

/**
 * The default rule pack gains "Health finding became critical" (issue 15 × 17): added, enabled, to every organization
 * that exists now and has no rule of that pack key. New organizations get it from schema's DEFAULT_RULE_PACK. The rule
 * is a frozen copy: later edits of the pack do not change what this migration inserted.
 */
const RULE = {
  key: 'health-finding-critical',
  name: 'Health finding became critical',
  severity: 'critical',
  condition: { kind: 'health_finding', healthRuleIds: [], categories: [], forSeconds: 0, clearForSeconds: 0 },
  scope: { engines: [], targetIds: [], tags: {} },
  summaryTemplate: '{{target}}: {{labels.healthRuleId}} on {{labels.object}} became critical',
};

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into alert_rules (id, organization_id, pack_key, name, enabled, severity, condition, scope, summary_template, escalation_policy_id)
    select gen_random_uuid()::text, o.id, ${RULE.key}, ${RULE.name}, true, ${RULE.severity}, ${JSON.stringify(RULE.condition)}::jsonb,
           ${JSON.stringify(RULE.scope)}::jsonb, ${RULE.summaryTemplate}, null
    from organizations o
    where not exists (select 1 from alert_rules r where r.organization_id = o.id and r.pack_key = ${RULE.key})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from alert_rules where pack_key = ${RULE.key}`.execute(db);
}
