import { sql, type Kysely } from 'kysely';
import { PARTITIONED_TABLES, type Database, type PartitionedTable, type RetentionPolicy } from '@logstag/store';
import { LIVE_ROLLUP_WINDOW_MS, ensurePartitions, utcDay } from './normalize/index';
import { lockPartitionCreation } from '@logstag/store';
import type { ActivityDeps } from './deps';

const HOUR = 3_600_000;
/** Strictly what logstag_ensure_partitions names: nothing else is ever dropped. */
const PARTITION_NAME = new RegExp(`^(${PARTITIONED_TABLES.join('|')})_p(\\d{4})(\\d{2})(\\d{2})$`);

function keepHours(policy: RetentionPolicy, table: PartitionedTable): number {
  return { metric_points: policy.rawHours, metric_rollup_1m: policy.rollup1mHours, query_stats: policy.queryStatsHours, activity_snapshots: policy.activityHours }[table];
}

async function rollupRange(db: Kysely<Database>, from: Date, to: Date, organizationId?: string): Promise<void> {
  const org = organizationId === undefined ? sql`true` : sql`organization_id = ${organizationId}`;
  const days: string[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += 24 * HOUR) days.push(utcDay(new Date(t)));
  days.push(utcDay(new Date(to.getTime() - 1)));
  await ensurePartitions(db, 'metric_rollup_1m', days);
  // Recomputed from the finer tier, never incremented: running twice gives the same rows.
  await sql`insert into metric_rollup_1m (organization_id, target_id, metric, labels_key, ts, sum, count, min, max)
    select organization_id, target_id, metric, labels_key, date_trunc('minute', ts), sum(value), count(*), min(value), max(value)
      from metric_points where ts >= ${from} and ts < ${to} and ${org}
     group by 1, 2, 3, 4, 5
    on conflict (organization_id, target_id, metric, labels_key, ts) do update
      set sum = excluded.sum, count = excluded.count, min = excluded.min, max = excluded.max`.execute(db);
  const hourFrom = new Date(Math.floor(from.getTime() / HOUR) * HOUR);
  const hourTo = new Date(Math.ceil(to.getTime() / HOUR) * HOUR);
  await sql`insert into metric_rollup_1h (organization_id, target_id, metric, labels_key, ts, sum, count, min, max)
    select organization_id, target_id, metric, labels_key, date_trunc('hour', ts), sum(sum), sum(count), min(min), max(max)
      from metric_rollup_1m where ts >= ${hourFrom} and ts < ${hourTo} and ${org}
     group by 1, 2, 3, 4, 5
    on conflict (organization_id, target_id, metric, labels_key, ts) do update
      set sum = excluded.sum, count = excluded.count, min = excluded.min, max = excluded.max`.execute(db);
}

export function createRetentionActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Creates the daily partitions of every partitioned table from today to `daysAhead` days ahead. */
    async createPartitionsAhead(daysAhead: number): Promise<{ created: number; skipped: string[] }> {
      let created = 0;
      const skipped: string[] = [];
      for (const table of PARTITIONED_TABLES) {
        try {
          const n = await db.transaction().execute(async (trx) => {
            // Creating a partition locks its parent exclusively: never queue behind (and in front of) long reads.
            // Days are created well ahead, so a table skipped now is simply done on the next run.
            await sql`set local lock_timeout = '2s'`.execute(trx);
            await lockPartitionCreation(trx);
            const { rows } = await sql<{ n: number }>`select logstag_ensure_partitions(${table}, ${utcDay(new Date())}::date, ${daysAhead + 1}) as n`.execute(trx);
            return rows[0]?.n ?? 0;
          });
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
      const claimed = await db.deleteFrom('rollup_pending').returning(['organization_id', 'hour']).execute();
      for (const p of claimed) await rollupRange(db, p.hour, new Date(p.hour.getTime() + HOUR), p.organization_id);
      return { pendingHours: claimed.length };
    },

    /** Drops the daily partitions whose whole day is older than the tier's retention, and expired hour rollups. */
    async dropExpiredPartitions(policy: RetentionPolicy, nowIso?: string): Promise<{ dropped: string[] }> {
      const now = nowIso ? new Date(nowIso) : new Date();
      const { rows } = await sql<{ name: string }>`select c.relname as name from pg_inherits i
          join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
         where p.relname in (${sql.join([...PARTITIONED_TABLES])}) and c.relkind = 'r'`.execute(db);
      const dropped: string[] = [];
      for (const { name } of rows) {
        const m = PARTITION_NAME.exec(name);
        if (!m) continue;
        const dayEnd = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]) + 1);
        if (dayEnd > now.getTime() - keepHours(policy, m[1] as PartitionedTable) * HOUR) continue;
        try {
          await db.transaction().execute(async (trx) => {
            // Dropping a partition locks its parent exclusively too: skip it this run rather than stall readers.
            await sql`set local lock_timeout = '2s'`.execute(trx);
            await sql`drop table if exists ${sql.table(name)}`.execute(trx);
          });
          dropped.push(name);
        } catch (err) {
          if ((err as { code?: string }).code !== '55P03') throw err;
        }
      }
      await db.deleteFrom('metric_rollup_1h').where('ts', '<', new Date(now.getTime() - policy.rollup1hHours * HOUR)).execute();
      return { dropped: dropped.sort() };
    },
  };
}
