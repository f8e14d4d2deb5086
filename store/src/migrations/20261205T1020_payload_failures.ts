import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// A payload the store cannot hold (a data error), or whose workflow ran out of attempts, ends `failed` with its error
// and keeps its raw bytes, so an Admin can retry or discard it; `discarded` is an Admin's decision to give it up.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payloads').dropConstraint('payloads_status_check').execute();
  await db.schema
    .alterTable('payloads')
    .addCheckConstraint('payloads_status_check', sql`status in ('pending', 'started', 'stored', 'failed', 'discarded')`)
    .execute();
  await db.schema
    .alterTable('payloads')
    // 'data_error' | 'retries_exhausted' | 'not_retryable': what the admin list and the metric group failures by.
    .addColumn('error_reason', 'text')
    .addColumn('error_message', 'text')
    // SQLSTATE (e.g. 22021) or the JavaScript error's name (RangeError): what the failure was, for a machine.
    .addColumn('error_code', 'text')
    .addColumn('failed_at', 'timestamptz')
    // Store attempts that ended in a failure of this payload, over its whole life (an Admin's retry adds to it).
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('discarded_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('payloads')
    .addCheckConstraint('payloads_error_reason_check', sql`error_reason is null or error_reason in ('data_error', 'retries_exhausted', 'not_retryable')`)
    .execute();
  // The admin list of failed payloads, per organization, newest failure first; and the metric's count by reason.
  await db.schema
    .createIndex('payloads_failed_idx')
    .on('payloads')
    .columns(['organization_id', 'failed_at', 'id'])
    .where(sql.ref('status'), '=', 'failed')
    .execute();
  // Accepted but not finished: the admin list of stuck payloads and the stuck gauge, read at every /metrics scrape.
  // Small while the pipeline keeps up, so scanning it whole is cheap.
  await sql`create index payloads_unfinished_idx on payloads (organization_id, received_at, id) where status in ('pending', 'started')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payloads_unfinished_idx').execute();
  await db.schema.dropIndex('payloads_failed_idx').execute();
  await sql`update payloads set status = 'pending' where status = 'failed'`.execute(db);
  await sql`delete from payloads where status = 'discarded'`.execute(db);
  await db.schema.alterTable('payloads').dropConstraint('payloads_error_reason_check').execute();
  for (const c of ['error_reason', 'error_message', 'error_code', 'failed_at', 'attempts', 'discarded_at']) {
    await db.schema.alterTable('payloads').dropColumn(c).execute();
  }
  await db.schema.alterTable('payloads').dropConstraint('payloads_status_check').execute();
  await db.schema.alterTable('payloads').addCheckConstraint('payloads_status_check', sql`status in ('pending', 'started', 'stored')`).execute();
}
