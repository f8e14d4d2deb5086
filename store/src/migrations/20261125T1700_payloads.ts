import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payloads')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('engine', 'text')
    .addColumn('category', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('collected_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('replayed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('body_bytes', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('workflow_started_at', 'timestamptz')
    .addColumn('stored_at', 'timestamptz')
    .addColumn('store_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('evaluated_at', 'timestamptz')
    .addCheckConstraint('payloads_status_check', sql`status in ('pending', 'started', 'stored')`)
    .execute();
  // The recovery loop scans for payloads whose workflow was never started.
  await db.schema
    .createIndex('payloads_pending_idx')
    .on('payloads')
    .columns(['received_at'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('payloads_target_idx')
    .on('payloads')
    .columns(['organization_id', 'target_id', 'collected_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payloads').execute();
}
