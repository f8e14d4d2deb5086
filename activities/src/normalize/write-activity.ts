import type { Transaction } from 'kysely';
import type { Database } from '@logstag/store';
import type { ActivityView } from './types';

/** One runtime snapshot per collection; a second run for the same payload finds the row and leaves it. */
export async function writeActivity(
  trx: Transaction<Database>,
  where: { organizationId: string; targetId: string; ts: Date; payloadId: string },
  activity: ActivityView,
): Promise<void> {
  await trx
    .insertInto('activity_snapshots')
    .values({
      organization_id: where.organizationId,
      target_id: where.targetId,
      ts: where.ts,
      payload_id: where.payloadId,
      sessions: JSON.stringify(activity.sessions),
      lock_waits: JSON.stringify(activity.lockWaits),
      blocking: JSON.stringify(activity.blocking),
      connections: activity.connections ? JSON.stringify(activity.connections) : null,
      replication: JSON.stringify(activity.replication),
    })
    .onConflict((oc) => oc.columns(['organization_id', 'target_id', 'ts']).doNothing())
    .execute();
}
