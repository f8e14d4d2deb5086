import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Query Explorer's user filter (issue 14): pg_stat_statements counts a statement per role.
// - query_stats.by_user: per user, that user's share of the row's counters (a JSON array per user name, in the order
//   store/src/queries USER_STAT_COLUMNS gives). The row's own columns stay the statement's totals, so every existing
//   read, the health input and retention (daily partitions, dropped whole) are unchanged. NULL for engines without
//   users (MySQL/MariaDB digests, Redis) and for rows stored before.
// - queries.users: the users ever seen running the statement (a sorted JSON array): the filter's choices, and which
//   statements a user filter needs to read stats of. NULL likewise.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table query_stats add column if not exists by_user jsonb`.execute(db);
  await sql`alter table queries add column if not exists users jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table queries drop column if exists users`.execute(db);
  await sql`alter table query_stats drop column if exists by_user`.execute(db);
}
