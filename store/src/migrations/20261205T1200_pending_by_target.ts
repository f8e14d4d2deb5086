import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// The ingest dispatcher claims a backlog's pending payloads grouped by target (the targets of the oldest pending
// payloads, each target's pending payloads oldest first). This index gives one target's pending payloads in order;
// payloads without a target (heartbeats) are the group ''. Partial: a payload leaves it when it is claimed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index payloads_pending_target_idx on payloads ((coalesce(target_id, '')), received_at) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payloads_pending_target_idx').execute();
}
