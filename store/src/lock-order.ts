/**
 * The one order in which normalization takes its locks. Batches are normalized concurrently (several activities per
 * worker, several workers) and under load they share targets, so they upsert the same series, statements and target
 * rows. Two transactions can deadlock only if they take two locks in opposite orders; every batch therefore writes its
 * tables in the order below, each table in one pass over its rows deduplicated and sorted by conflict key:
 *
 *   1. metric_points, query_stats, activity_snapshots: rows of one payload each (keyed by its collection time), that
 *      other batches do not touch;
 *   2. snapshot scopes (advisory locks, in key order), then that scope's snapshots and snapshot_changes;
 *   3. agents, hosts (heartbeats);
 *   4. queries, statement_applications, metric_series, rollup_pending, targets: rows every batch of the same targets updates. They come last,
 *      just before commit, so a batch that must wait for another waits for that batch's commit only, not its whole
 *      normalization.
 *
 * Partitions are created before any of it (ensurePartitions), and storePayloads' lock on the payload rows comes first.
 *
 * A row's key is a string made from its conflict key (rowKey). The order of keys need not mean anything (string order,
 * numbers as digits); it only has to be the same in every batch, which it is because it depends on the key alone.
 */
export function rowKey(...parts: Array<string | number>): string {
  // NUL cannot occur in a stored text value, so the parts cannot run into each other.
  return parts.join('\u0000');
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** A map's values in the order of their keys (rowKey strings). */
export function valuesByKey<T>(rows: Map<string, T>): T[] {
  return [...rows].map(([key, row]) => ({ key, row })).sort(byKey).map((e) => e.row);
}

/** Entries sorted by key; entries with equal keys keep their order (Array.prototype.sort is stable). */
export function sortedByKey<T extends { key: string }>(entries: Iterable<T>): T[] {
  return [...entries].sort(byKey);
}
