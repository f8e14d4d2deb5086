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


/** The partitioned tables normalization writes into (rollups are the retention workflow's). */
const WRITTEN_BY_NORMALIZATION = ['metric_points', 'query_stats', 'activity_snapshots'] as const satisfies readonly PartitionedTable[];

/**
 * Creates the daily partitions a batch will write into, each in its own short transaction, before the batch's
 * normalization transaction opens. Created inside that transaction, a partition needs an exclusive lock on its parent
 * while the batch already holds locks from its inserts, and two concurrent batches deadlock (seen in the full suite).
 */
export async function preparePartitions(db: Kysely<Database>, instants: Iterable<Date>): Promise<void> {
  const days = [...new Set([...instants].map(utcDay))];
  for (const table of WRITTEN_BY_NORMALIZATION) {
    await db.transaction().execute((trx) => ensurePartitions(trx, table, days));
  }
}
