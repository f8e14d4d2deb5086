import {
  claimPendingRollupHours,
  createPartitionDays,
  deleteHourRollupsBefore,
  deleteStatementApplicationsBefore,
  dropPartition,
  LIVE_ROLLUP_WINDOW_MS,
  listPartitionNames,
  PARTITIONED_TABLES,
  rollupRange,
  utcDay,
  type PartitionedTable,
  type RetentionPolicy,
} from '@logstag/store';
import type { ActivityDeps } from './deps';

const HOUR = 3_600_000;
/** Strictly what logstag_ensure_partitions names: nothing else is ever dropped. */
const PARTITION_NAME = new RegExp(`^(${PARTITIONED_TABLES.join('|')})_p(\\d{4})(\\d{2})(\\d{2})$`);

function keepHours(policy: RetentionPolicy, table: PartitionedTable): number {
  return { metric_points: policy.rawHours, metric_rollup_1m: policy.rollup1mHours, query_stats: policy.queryStatsHours, activity_snapshots: policy.activityHours }[table];
}

export function createRetentionActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Creates the daily partitions of every partitioned table from today to `daysAhead` days ahead. */
    async createPartitionsAhead(daysAhead: number): Promise<{ created: number; skipped: string[] }> {
      let created = 0;
      const skipped: string[] = [];
      for (const table of PARTITIONED_TABLES) {
        try {
          // Creating a partition locks its parent exclusively: never queue behind (and in front of) long reads.
          // Days are created well ahead, so a table skipped now is simply done on the next run.
          const n = await createPartitionDays(db, table, utcDay(new Date()), daysAhead + 1, '2s');
          created += n;
        } catch (err) {
          if ((err as { code?: string }).code !== '55P03') throw err;
          skipped.push(table);
        }
      }
      return { created, skipped };
    },

    /**
     * Rebuilds the rollups of the live window (the last minutes, whole hours included) and of every hour a replayed
     * payload marked pending. Pending hours are claimed (deleted) before they are rebuilt, so a payload for such an
     * hour arriving during the rebuild marks it again for the next run.
     */
    async buildRollups(nowIso?: string): Promise<{ pendingHours: number }> {
      const now = nowIso ? new Date(nowIso) : new Date();
      const liveFrom = new Date(Math.floor((now.getTime() - LIVE_ROLLUP_WINDOW_MS) / HOUR) * HOUR);
      await rollupRange(db, liveFrom, new Date(now.getTime() + 60_000));
      const claimed = await claimPendingRollupHours(db);
      for (const p of claimed) await rollupRange(db, p.hour, new Date(p.hour.getTime() + HOUR), p.organization_id);
      return { pendingHours: claimed.length };
    },

    /** Drops the daily partitions whose whole day is older than the tier's retention, and expired hour rollups. */
    async dropExpiredPartitions(policy: RetentionPolicy, nowIso?: string): Promise<{ dropped: string[] }> {
      const now = nowIso ? new Date(nowIso) : new Date();
      const dropped: string[] = [];
      for (const name of await listPartitionNames(db)) {
        const m = PARTITION_NAME.exec(name);
        if (!m) continue;
        const dayEnd = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]) + 1);
        if (dayEnd > now.getTime() - keepHours(policy, m[1] as PartitionedTable) * HOUR) continue;
        try {
          // Dropping a partition locks its parent exclusively too: skip it this run rather than stall readers.
          await dropPartition(db, name, '2s');
          dropped.push(name);
        } catch (err) {
          if ((err as { code?: string }).code !== '55P03') throw err;
        }
      }
      await deleteHourRollupsBefore(db, new Date(now.getTime() - policy.rollup1hHours * HOUR));
      // The (statement, application) sightings outlive neither the statements' figures nor the activity they came from.
      await deleteStatementApplicationsBefore(db, new Date(now.getTime() - Math.max(policy.queryStatsHours, policy.activityHours) * HOUR));
      return { dropped: dropped.sort() };
    },
  };
}
