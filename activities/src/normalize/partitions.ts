import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, PartitionedTable } from '@logstag/store';

type Db = Kysely<Database> | Transaction<Database>;

/** The UTC day of an instant, as YYYY-MM-DD. */
export function utcDay(ts: Date): string {
  return ts.toISOString().slice(0, 10);
}

export function partitionName(table: PartitionedTable, day: string): string {
  return `${table}_p${day.replaceAll('-', '')}`;
}

/**
 * Makes sure the daily partitions of `table` exist for `days`. Normally the retention workflow has created them ahead;
 * this covers a replayed old payload or a clock that jumped. One catalog lookup per table and day of a batch; no
 * process-wide cache, which a rolled-back creation or a second store in the same process would make wrong.
 */
export async function ensurePartitions(db: Db, table: PartitionedTable, days: Iterable<string>): Promise<void> {
  for (const day of new Set(days)) {
    const name = partitionName(table, day);
    const { rows } = await sql<{ exists: boolean }>`select to_regclass(${name}) is not null as exists`.execute(db);
    if (rows[0]?.exists) continue;
    // Two ingest transactions creating the same day would collide in the catalog: serialize creation.
    await sql`select pg_advisory_xact_lock(hashtext('logstag_ensure_partitions'))`.execute(db);
    // Attaching a partition needs an exclusive lock on the parent: queued behind a long explorer read it would stall
    // every later query of that table. Give up after a few seconds instead; the activity's retry tries again.
    await sql`set local lock_timeout = '5s'`.execute(db);
    await sql`select logstag_ensure_partitions(${table}, ${day}::date, 1)`.execute(db);
    await sql`set local lock_timeout to default`.execute(db);
  }
}

