import { sql, type Transaction } from 'kysely';
import type { BlockingNode, LockWaitView, SessionView } from '@logstag/schema';
import { bulkInsert, type BulkColumn } from '../bulk-insert';
import type { Database } from '../database';
import { rowKey, valuesByKey } from '../lock-order';

export interface ConnectionsView {
  used: number;
  max: number | null;
  byState: Record<string, number>;
}

export interface ReplicationView {
  name: string;
  state: string | null;
  lagSeconds: number | null;
  lagBytes: number | null;
}

export interface ActivityView {
  sessions: SessionView[];
  lockWaits: LockWaitView[];
  blocking: BlockingNode[];
  connections: ConnectionsView | null;
  replication: ReplicationView[];
}

interface ActivityRow {
  organization_id: string;
  target_id: string;
  /** The collection time as ISO text. */
  ts: string;
  payload_id: string;
  sessions: string;
  lock_waits: string;
  blocking: string;
  connections: string | null;
  replication: string;
}

const COLUMNS: Array<BulkColumn<ActivityRow>> = [
  { name: 'organization_id', type: 'text', value: (r) => r.organization_id },
  { name: 'target_id', type: 'text', value: (r) => r.target_id },
  { name: 'ts', type: 'timestamptz', value: (r) => r.ts },
  { name: 'payload_id', type: 'uuid', value: (r) => r.payload_id },
  { name: 'sessions', type: 'jsonb', value: (r) => r.sessions },
  { name: 'lock_waits', type: 'jsonb', value: (r) => r.lock_waits },
  { name: 'blocking', type: 'jsonb', value: (r) => r.blocking },
  { name: 'connections', type: 'jsonb', value: (r) => r.connections },
  { name: 'replication', type: 'jsonb', value: (r) => r.replication },
];

/**
 * The Activity Explorer's sessions: one runtime snapshot (sessions, lock waits, blocking, connections, replication)
 * per collection, in activity_snapshots; a second run for the same payload finds the row and leaves it (so does a second
 * payload of the same target and time: the first one counts). Written in one sorted pass (lock-order.ts).
 */
export class SessionBatch {
  private readonly rows = new Map<string, ActivityRow>();

  /** One collection's runtime snapshot; call in collection order. */
  add(where: { organizationId: string; targetId: string; ts: Date; payloadId: string }, activity: ActivityView): void {
    const ts = where.ts.toISOString();
    const key = rowKey(where.organizationId, where.targetId, ts);
    if (this.rows.has(key)) return;
    this.rows.set(key, {
      organization_id: where.organizationId,
      target_id: where.targetId,
      ts,
      payload_id: where.payloadId,
      sessions: JSON.stringify(activity.sessions),
      lock_waits: JSON.stringify(activity.lockWaits),
      blocking: JSON.stringify(activity.blocking),
      connections: activity.connections ? JSON.stringify(activity.connections) : null,
      replication: JSON.stringify(activity.replication),
    });
  }

  async write(trx: Transaction<Database>): Promise<void> {
    await bulkInsert(trx, 'activity_snapshots', COLUMNS, valuesByKey(this.rows), { onConflict: sql`on conflict (organization_id, target_id, ts) do nothing`, insertFirst: true });
  }
}
