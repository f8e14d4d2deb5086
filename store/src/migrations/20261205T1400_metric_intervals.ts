import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// A counter's delta is what it added over its own collection interval (10 s, 1 min or 10 min, and longer after a
// missed collection). Rates were the bucket's deltas over the bucket's width, which depends on the zoom: a 60 s delta
// in a 12 s bucket read five times too high, sparse buckets too low. Each delta point keeps the seconds it covers, and
// the rollups their sum, so a bucket's rate is its total delta over the time those deltas cover. NULL on gauges and
// on points stored before this migration.
const TABLES = ['metric_points', 'metric_rollup_1m', 'metric_rollup_1h'];

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`alter table ${sql.table(table)} add column if not exists seconds double precision`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`alter table ${sql.table(table)} drop column if exists seconds`.execute(db);
}
