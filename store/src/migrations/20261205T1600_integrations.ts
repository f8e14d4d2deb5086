import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Integrations (where notifications go), their deliveries (one per notification, each a durable workflow), every
// attempt of each delivery, and the per-destination rate-limit slots the deliveries share.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // Settings shown to Admins (URLs without tokens, SMTP host, recipients).
    .addColumn('config', 'jsonb', (c) => c.notNull())
    // AES-256-GCM sealed JSON of the kind's secrets (`v1.<iv>.<tag>.<ciphertext>`, base64url); never returned.
    .addColumn('secrets_sealed', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    // Why it was turned off: an Admin, or a receiver that answered 410 Gone.
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('integrations_kind_check', sql`kind in ('webhook', 'slack', 'pagerduty', 'teams', 'email', 'alertmanager', 'opsgenie')`)
    .execute();
  await db.schema.createIndex('integrations_organization_idx').on('integrations').columns(['organization_id', 'name']).execute();

  await db.schema
    .createTable('deliveries')
    // The notification id: the delivery workflow is `delivery:<id>`.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('integration_id', 'text', (c) => c.references('integrations.id').onDelete('set null'))
    .addColumn('kind', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('episode_id', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    // The NotificationRequest as asked (a replay re-sends it, edited or not).
    .addColumn('request', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('replay_of', 'text', (c) => c.references('deliveries.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addCheckConstraint('deliveries_status_check', sql`status in ('pending', 'delivering', 'delivered', 'failed', 'suppressed', 'integration_disabled')`)
    .execute();
  // The failed list (newest first) and an integration's health (its last 7 days).
  await sql`create index deliveries_failed_idx on deliveries (organization_id, finished_at desc, id) where status = 'failed'`.execute(db);
  await db.schema.createIndex('deliveries_integration_idx').on('deliveries').columns(['integration_id', 'created_at']).execute();
  await db.schema.createIndex('deliveries_alert_idx').on('deliveries').columns(['organization_id', 'alert_id', 'created_at']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    // HTTP status or SMTP reply code.
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    // The first bytes of the answer, secrets removed.
    .addColumn('response_excerpt', 'text')
    .addColumn('retry_after_ms', 'integer')
    .addPrimaryKeyConstraint('delivery_attempts_pkey', ['delivery_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('delivery_rate_slots')
    // kind + a hash of the destination (Slack channel URL, Teams URL, PagerDuty key); never the secret itself.
    .addColumn('key', 'text', (c) => c.primaryKey())
    // GCRA's theoretical arrival time: the next free slot.
    .addColumn('tat', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_rate_slots').execute();
  await db.schema.dropTable('delivery_attempts').execute();
  await db.schema.dropTable('deliveries').execute();
  await db.schema.dropTable('integrations').execute();
}
