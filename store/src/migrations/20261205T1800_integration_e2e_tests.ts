import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// The optional daily end-to-end test of integrations (issue 16): each organization's setting (on or off, the hour in
// a time zone), and per integration the last test's result, so the Integrations page shows when each last worked.
// And an index for an alert episode's deliveries.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integration_e2e_settings')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('integration_e2e_settings_hour_check', sql`hour between 0 and 23`)
    .execute();

  await db.schema
    .createTable('integration_e2e_results')
    // Removed with its integration.
    .addColumn('integration_id', 'text', (c) => c.primaryKey().references('integrations.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('last_run_at', 'timestamptz', (c) => c.notNull())
    // 'ok' or 'failed'.
    .addColumn('last_result', 'text', (c) => c.notNull())
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_failure_at', 'timestamptz')
    .addColumn('last_error', 'text')
    // The last test delivery (in the delivery log); kept as text, deliveries may be cleaned up independently.
    .addColumn('last_delivery_id', 'text')
    .addCheckConstraint('integration_e2e_results_result_check', sql`last_result in ('ok', 'failed')`)
    .execute();
  await db.schema.createIndex('integration_e2e_results_organization_idx').on('integration_e2e_results').column('organization_id').execute();
  // An alert episode's deliveries, listed with their attempts on the alert's page.
  await db.schema.createIndex('deliveries_episode_idx').on('deliveries').columns(['organization_id', 'episode_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_episode_idx').execute();
  await db.schema.dropTable('integration_e2e_results').execute();
  await db.schema.dropTable('integration_e2e_settings').execute();
}
