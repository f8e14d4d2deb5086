import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Query Explorer (issue 14):
// - queries.monitoring: the statement reads only the server's catalogs or is a monitoring command (the agent's own
//   statements and those of other monitoring tools), hidden by default. Set when a statement is written; statements
//   stored before are classified the next time they are collected.
// - query_stats: PostgreSQL's temporary-file and I/O-time counters of a statement, and the sum of squared execution
//   times, from which the standard deviation over any range follows. NULL for engines that do not count them and for
//   rows stored before.
const STAT_COLUMNS = ['temp_blks_read', 'temp_blks_written', 'blk_read_time_ms', 'blk_write_time_ms', 'exec_time_sq'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table queries add column if not exists monitoring boolean not null default false`.execute(db);
  for (const c of STAT_COLUMNS) await sql`alter table query_stats add column if not exists ${sql.ref(c)} double precision`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of STAT_COLUMNS) await sql`alter table query_stats drop column if exists ${sql.ref(c)}`.execute(db);
  await sql`alter table queries drop column if exists monitoring`.execute(db);
}
