import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// The raw payload is kept as the bytes the agent sent (gzip as a rule) instead of jsonb: nothing queries inside it,
// and PostgreSQL parsing 5-60 KB of JSON per payload capped ingest at ~2,200 inserts/s where bytea took ~14,600/s.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payloads').addColumn('body_raw', 'bytea').execute();
  await db.schema.alterTable('payloads').addColumn('body_encoding', 'text', (c) => c.notNull().defaultTo('identity')).execute();
  await sql`update payloads set body_raw = convert_to(body::text, 'UTF8'), body_encoding = 'identity'`.execute(db);
  await db.schema.alterTable('payloads').alterColumn('body_raw', (c) => c.setNotNull()).execute();
  await db.schema.alterTable('payloads').alterColumn('body_encoding', (c) => c.dropDefault()).execute();
  await db.schema
    .alterTable('payloads')
    .addCheckConstraint('payloads_body_encoding_check', sql`body_encoding in ('gzip', 'identity')`)
    .execute();
  await db.schema.alterTable('payloads').dropColumn('body').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Gzip bodies cannot be turned back into jsonb in SQL: down keeps only identity ones.
  await db.schema.alterTable('payloads').addColumn('body', 'jsonb').execute();
  await sql`update payloads set body = convert_from(body_raw, 'UTF8')::jsonb where body_encoding = 'identity'`.execute(db);
  await db.schema.alterTable('payloads').dropConstraint('payloads_body_encoding_check').execute();
  await db.schema.alterTable('payloads').dropColumn('body_raw').execute();
  await db.schema.alterTable('payloads').dropColumn('body_encoding').execute();
}
