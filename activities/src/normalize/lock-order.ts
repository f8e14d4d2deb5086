/**
 * The one order in which normalization takes its locks. Batches are normalized concurrently (several activities per
 * worker, several workers) and under load they share targets, so they upsert the same series, statements and target
 * rows. Two transactions can deadlock only if they take two locks in opposite orders; every batch therefore writes its
 * tables in the order below, each table in one pass over its rows deduplicated and sorted by conflict key:
 *
 *   1. metric_points, query_stats, activity_snapshots: rows of one payload each (keyed by its collection time), that
 *      other batches do not touch;
 *   2. snapshot scopes (advisory locks, sorted), then that scope's snapshots and snapshot_changes;
 *   3. agents, hosts (heartbeats);
 *   4. queries, metric_series, rollup_pending, targets: rows every batch of the same targets updates. They come last,
 *      just before commit, so a batch that must wait for another waits for that batch's commit only, not its whole
 *      normalization.
 *
 * Partitions are created before any of it (ensurePartitions), and storePayloads' lock on the payload rows comes first.
 */
export type LockKey = ReadonlyArray<string | number>;

/** Orders keys column by column (strings by UTF-16 code units, numbers numerically): any total order works if all use it. */
export function compareKeys(a: LockKey, b: LockKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Rows sorted by their lock key; rows with equal keys keep their order (Array.prototype.sort is stable). */
export function sortedByKey<T>(rows: Iterable<T>, key: (row: T) => LockKey): T[] {
  return [...rows].map((row) => ({ row, key: key(row) })).sort((a, b) => compareKeys(a.key, b.key)).map((e) => e.row);
}
