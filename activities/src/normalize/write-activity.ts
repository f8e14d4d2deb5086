import type { Transaction } from 'kysely';
import type { Database } from '@logstag/store';
import { sortedByKey } from './lock-order';
import type { ActivityView } from './types';

interface ActivityRow {
  organization_id: string;
  target_id: string;
  ts: Date;
  payload_id: string;
  sessions: string;
  lock_waits: string;
  blocking: string;
  connections: string | null;
  replication: string;
}

/** Rows per INSERT (9 parameters each). */
const CHUNK = 1_000;

/**
 * One runtime snapshot per collection; a second run for the same payload finds the row and leaves it (so does a second
 * payload of the same target and time: the first one counts). Written in one sorted pass (lock-order.ts).
 */
export class ActivityBatch {
  private readonly rows = new Map<string, ActivityRow>();

  /** One collection's runtime snapshot; call in collection order. */
  add(where: { organizationId: string; targetId: string; ts: Date; payloadId: string }, activity: ActivityView): void {
    const key = JSON.stringify([where.organizationId, where.targetId, where.ts.toISOString()]);
    if (this.rows.has(key)) return;
    this.rows.set(key, {
      organization_id: where.organizationId,
      target_id: where.targetId,
      ts: where.ts,
      payload_id: where.payloadId,
      sessions: JSON.stringify(activity.sessions),
      lock_waits: JSON.stringify(activity.lockWaits),
      blocking: JSON.stringify(activity.blocking),
      connections: activity.connections ? JSON.stringify(activity.connections) : null,
      replication: JSON.stringify(activity.replication),
    });
  }

  async write(trx: Transaction<Database>): Promise<void> {
    const rows = sortedByKey(this.rows.values(), (r) => [r.organization_id, r.target_id, r.ts.getTime()]);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('activity_snapshots')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['organization_id', 'target_id', 'ts']).doNothing())
        .execute();
    }
  }
}
