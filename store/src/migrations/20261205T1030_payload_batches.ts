import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// The ingest dispatcher claims pending payloads as batches: each claim gets a batch id, its workflow is
// `ingest:<batch_id>` and takes exactly that batch's payloads. `claim_expires_at` is when the dispatcher next asks
// Temporal about the batch's workflow (still running, ended without storing them, or never started).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payloads').addColumn('batch_id', 'uuid').addColumn('claim_expires_at', 'timestamptz').execute();
  // Claims taken before batches existed have no batch to check: give them back, the dispatcher batches them again
  // (storing is idempotent, so a payload whose old workflow still runs is merely stored once and counted twice).
  await sql`update payloads set status = 'pending', workflow_started_at = null where status = 'started'`.execute(db);
  // The payloads of one batch, and the batches whose claim has expired: both read on claimed rows only, which stay few.
  await sql`create index payloads_started_batch_idx on payloads (batch_id) where status = 'started'`.execute(db);
  await sql`create index payloads_claim_expiry_idx on payloads (claim_expires_at) where status = 'started'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payloads_claim_expiry_idx').execute();
  await db.schema.dropIndex('payloads_started_batch_idx').execute();
  await db.schema.alterTable('payloads').dropColumn('claim_expires_at').dropColumn('batch_id').execute();
}
