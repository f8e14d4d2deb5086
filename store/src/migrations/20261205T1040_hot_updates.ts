import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Every ingest batch updates the row of each series, statement and target it saw (latest value, last seen). None of
// the updated columns is indexed, so PostgreSQL can update them in place on the same page (a HOT update: no new index
// entries, less WAL, the row's lock held for a shorter write) when the page has room. Full pages (the default
// fillfactor of 100) made every such update a new tuple elsewhere plus an index insertion, inside the part of a batch
// that concurrent batches of the same targets queue for. Half of each page is left free; new pages take it at once,
// existing ones as vacuum frees them.
const UPDATED_IN_PLACE = ['metric_series', 'queries', 'targets'];

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of UPDATED_IN_PLACE) await sql`alter table ${sql.table(table)} set (fillfactor = 50)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of UPDATED_IN_PLACE) await sql`alter table ${sql.table(table)} reset (fillfactor)`.execute(db);
}
