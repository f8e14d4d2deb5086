import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Health Check (issue 17): reports per target with their rule results, the identity ledger of findings across
// reports (first seen, fixed, regressed), per-organization rule settings, accepted risks, and per-target settings.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('health_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('window_hours', 'integer', (c) => c.notNull())
    // 'schedule' | 'manual': who asked for it.
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('score', 'real')
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    // RuleResult[] with the findings (accepted ones marked), as evaluated.
    .addColumn('results', 'jsonb', (c) => c.notNull())
    // FindingDiff[] against the previous report of the target.
    .addColumn('diff', 'jsonb', (c) => c.notNull())
    .addColumn('previous_id', 'text')
    .addColumn('eol_as_of', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('health_reports_target_idx').on('health_reports').columns(['organization_id', 'target_id', 'created_at']).execute();

  await db.schema
    .createTable('health_findings')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
    // Null while open; set when a report no longer finds it.
    .addColumn('fixed_at', 'timestamptz')
    .addColumn('times_fixed', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('health_findings_pk', ['organization_id', 'target_id', 'rule_id', 'object'])
    .execute();

  await db.schema
    .createTable('health_rule_settings')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('thresholds', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('health_rule_settings_pk', ['organization_id', 'rule_id'])
    .execute();

  await db.schema
    .createTable('health_accepted_risks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('health_accepted_risks_target_idx').on('health_accepted_risks').columns(['organization_id', 'target_id', 'expires_at']).execute();

  await db.schema
    .createTable('health_targets')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    // 'frequent' | 'standard' | 'rare': the schedule's class.
    .addColumn('frequency', 'text', (c) => c.notNull().defaultTo('standard'))
    .addColumn('colocated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('memory_bytes', 'bigint')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('health_targets_pk', ['organization_id', 'target_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['health_targets', 'health_accepted_risks', 'health_rule_settings', 'health_findings', 'health_reports']) await db.schema.dropTable(t).execute();
}
