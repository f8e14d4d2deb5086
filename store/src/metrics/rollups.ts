import { sql } from 'kysely';
import type { Db } from '../db';
import { ensurePartitions, utcDay } from '../partitions';

const HOUR = 3_600_000;

/**
 * Rebuilds the minute and hour rollups of from…to (the hours that contain it, for the hour tier), one organization's
 * or every one. Recomputed from the finer tier, never incremented: running twice gives the same rows.
 */
export async function rollupRange(db: Db, from: Date, to: Date, organizationId?: string): Promise<void> {
  const org = organizationId === undefined ? sql`true` : sql`organization_id = ${organizationId}`;
  const days: string[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += 24 * HOUR) days.push(utcDay(new Date(t)));
  days.push(utcDay(new Date(to.getTime() - 1)));
  await ensurePartitions(db, 'metric_rollup_1m', days);
  await sql`insert into metric_rollup_1m (organization_id, target_id, metric, labels_key, ts, sum, count, min, max, seconds)
    select organization_id, target_id, metric, labels_key, date_trunc('minute', ts), sum(value), count(*), min(value), max(value), sum(seconds)
      from metric_points where ts >= ${from} and ts < ${to} and ${org}
     group by 1, 2, 3, 4, 5
    on conflict (organization_id, target_id, metric, labels_key, ts) do update
      set sum = excluded.sum, count = excluded.count, min = excluded.min, max = excluded.max, seconds = excluded.seconds`.execute(db);
  const hourFrom = new Date(Math.floor(from.getTime() / HOUR) * HOUR);
  const hourTo = new Date(Math.ceil(to.getTime() / HOUR) * HOUR);
  await sql`insert into metric_rollup_1h (organization_id, target_id, metric, labels_key, ts, sum, count, min, max, seconds)
    select organization_id, target_id, metric, labels_key, date_trunc('hour', ts), sum(sum), sum(count), min(min), max(max), sum(seconds)
      from metric_rollup_1m where ts >= ${hourFrom} and ts < ${hourTo} and ${org}
     group by 1, 2, 3, 4, 5
    on conflict (organization_id, target_id, metric, labels_key, ts) do update
      set sum = excluded.sum, count = excluded.count, min = excluded.min, max = excluded.max, seconds = excluded.seconds`.execute(db);
}

/** Takes (deletes and returns) the hours a replayed payload marked pending, so one arriving meanwhile marks them again. */
export async function claimPendingRollupHours(db: Db): Promise<Array<{ organization_id: string; hour: Date }>> {
  return db.deleteFrom('rollup_pending').returning(['organization_id', 'hour']).execute();
}

/** Deletes the hour rollups older than `before` (the hour tier is not partitioned). */
export async function deleteHourRollupsBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('metric_rollup_1h').where('ts', '<', before).execute();
}
