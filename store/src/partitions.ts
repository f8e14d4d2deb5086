/** Daily-partitioned parents (the allow-list of logstag_ensure_partitions in the migration). */
export const PARTITIONED_TABLES = ['metric_points', 'metric_rollup_1m', 'query_stats', 'activity_snapshots'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];
