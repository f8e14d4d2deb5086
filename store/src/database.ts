import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** timestamptz: written as Date or ISO string, read as Date. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * The raw payload as the agent sent it (claim check). Workflows receive its id, never its body.
 * `status` moves pending → started (workflow accepted by Temporal) → stored (normalized).
 */
export interface PayloadTable {
  id: string;
  organization_id: string;
  agent_id: string;
  target_id: string | null;
  engine: string | null;
  category: string | null;
  kind: 'collection' | 'heartbeat';
  collected_at: Timestamp;
  received_at: Generated<Timestamp>;
  replayed: boolean;
  body: ColumnType<unknown, string, string>;
  body_bytes: number;
  status: Generated<'pending' | 'started' | 'stored'>;
  workflow_started_at: Timestamp | null;
  stored_at: Timestamp | null;
  store_count: Generated<number>;
  evaluated_at: Timestamp | null;
}
export type PayloadRow = Selectable<PayloadTable>;
export type NewPayloadRow = Insertable<PayloadTable>;
export type PayloadUpdate = Updateable<PayloadTable>;

export interface Database {
  payloads: PayloadTable;
}
