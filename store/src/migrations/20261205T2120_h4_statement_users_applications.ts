import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Query Explorer's application filter (issue 14): pg_stat_statements has no application, so the statements a session
// showed (pg_stat_activity.query_id) are recorded per application as runtime snapshots are stored, one row per
// (statement, application) with its first and last sighting (no count of samples: normalizing a payload twice must
// change nothing, and least/greatest are the only merges that allow it). Reading them from the activity
// snapshots instead took 0.7-1.5 s per request over 48 h of 10-second samples. Bounded like `queries`: one row per
// statement and application ever seen.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table if not exists statement_applications (
    organization_id text not null,
    target_id text not null,
    fingerprint text not null,
    application text not null,
    first_seen timestamptz not null,
    last_seen timestamptz not null,
    primary key (organization_id, target_id, fingerprint, application)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists statement_applications`.execute(db);
}
