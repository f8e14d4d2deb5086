import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Silences (matchers on rule, target, tags; reason, creator, expiry) and maintenance windows (targets or tags, a
// local start and duration in a time zone, an optional RRULE): they hold notifications back, not evaluation.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table alert_silences (
      id text primary key,
      organization_id text not null references organizations(id) on delete cascade,
      matchers jsonb not null,
      reason text not null,
      created_by text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create index alert_silences_active_idx on alert_silences (organization_id, ends_at) where deleted_at is null`.execute(db);
  await sql`
    create table maintenance_windows (
      id text primary key,
      organization_id text not null references organizations(id) on delete cascade,
      name text not null,
      matchers jsonb not null,
      start_local text not null,
      duration_minutes integer not null,
      time_zone text not null,
      rrule text,
      created_by text not null,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create index maintenance_windows_org_idx on maintenance_windows (organization_id) where deleted_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('maintenance_windows').execute();
  await db.schema.dropTable('alert_silences').execute();
}
