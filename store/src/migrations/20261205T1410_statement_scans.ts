import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// What MySQL/MariaDB statement digests say about full scans: rows examined (stored as blocks_read until now, under
// a PostgreSQL name it does not mean), executions that used no index, full table scans and joins, temporary tables
// on disk. NULL for engines that do not count them and for rows stored before.
const COLUMNS = ['rows_examined', 'no_index_used', 'full_scans', 'full_joins', 'tmp_disk_tables'];

export async function up(db: Kysely<any>): Promise<void> {
  for (const c of COLUMNS) await sql`alter table query_stats add column if not exists ${sql.ref(c)} double precision`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of COLUMNS) await sql`alter table query_stats drop column if exists ${sql.ref(c)}`.execute(db);
}
