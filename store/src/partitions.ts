import { sql, Transaction, type Kysely } from 'kysely';
import type { Database } from './database';
import type { Db } from './db';

/** Daily-partitioned parents (the allow-list of logstag_ensure_partitions in the migration). */
export const PARTITIONED_TABLES = ['metric_points', 'metric_rollup_1m', 'query_stats', 'activity_snapshots'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** The UTC day of an instant, as YYYY-MM-DD. */
export function utcDay(ts: Date): string {
  return ts.toISOString().slice(0, 10);
}

export function partitionName(table: PartitionedTable, day: string): string {
  return `${table}_p${day.replaceAll('-', '')}`;
}

/**
 * Serializes partition creation until the end of the caller's transaction. Every creator takes it (batch preparation,
 * rollup, the retention schedule's days ahead), so concurrent creators wait for each other instead of colliding; the
 * collision a stale catalog cache can still cause is absorbed by logstag_ensure_partitions (migration 20261204T1000).
 */
export async function lockPartitionCreation(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('logstag_ensure_partitions'))`.execute(trx);
}

/**
 * Makes sure the daily partitions of `table` exist for `days`. Normally the retention workflow has created them ahead;
 * this covers a replayed old payload or a clock that jumped. One catalog lookup per table and day of a batch; no
 * process-wide cache, which a rolled-back creation or a second store in the same process would make wrong.
 */
export async function ensurePartitions(db: Db, table: PartitionedTable, days: Iterable<string>): Promise<void> {
  // The lock below is held to the end of a transaction: outside one it would be released at once.
  if (!(db instanceof Transaction)) return db.transaction().execute((trx) => ensurePartitions(trx, table, days));
  for (const day of new Set(days)) {
    const name = partitionName(table, day);
    const { rows } = await sql<{ exists: boolean }>`select to_regclass(${name}) is not null as exists`.execute(db);
    if (rows[0]?.exists) continue;
    await lockPartitionCreation(db);
    // Attaching a partition needs an exclusive lock on the parent: queued behind a long explorer read it would stall
    // every later query of that table. Give up after a few seconds instead; the activity's retry tries again.
    await sql`set local lock_timeout = '5s'`.execute(db);
    await sql`select logstag_ensure_partitions(${table}, ${day}::date, 1)`.execute(db);
    await sql`set local lock_timeout to default`.execute(db);
  }
}

/** The partitioned tables normalization writes into (rollups are the retention workflow's). */
export const WRITTEN_BY_NORMALIZATION = ['metric_points', 'query_stats', 'activity_snapshots'] as const satisfies readonly PartitionedTable[];

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

/**
 * Creates `days` daily partitions of `table` from `fromDay` on, in a transaction of its own that waits at most
 * `lockTimeout` for the parent's exclusive lock (a 55P03 error then: the caller skips the table this run). Returns how
 * many it created.
 */
export async function createPartitionDays(db: Kysely<Database>, table: PartitionedTable, fromDay: string, days: number, lockTimeout = '2s'): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('lock_timeout', ${lockTimeout}, true)`.execute(trx);
    await lockPartitionCreation(trx);
    const { rows } = await sql<{ n: number }>`select logstag_ensure_partitions(${table}, ${fromDay}::date, ${days}) as n`.execute(trx);
    return rows[0]?.n ?? 0;
  });
}

/** The names of the partitions of every partitioned table, as the catalog lists them. */
export async function listPartitionNames(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
     where p.relname in (${sql.join([...PARTITIONED_TABLES])}) and c.relkind = 'r'`.execute(db);
  return rows.map((r) => r.name);
}

/** Drops one partition, waiting at most `lockTimeout` for its parent's exclusive lock (a 55P03 error then). */
export async function dropPartition(db: Kysely<Database>, name: string, lockTimeout = '2s'): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select set_config('lock_timeout', ${lockTimeout}, true)`.execute(trx);
    await sql`drop table if exists ${sql.table(name)}`.execute(trx);
  });
}
