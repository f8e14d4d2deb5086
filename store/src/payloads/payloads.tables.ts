import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Timestamp } from '../column-types';

/**
 * The raw payload as the agent sent it (claim check). Workflows receive its id, never its body.
 * `status` moves pending → started (workflow accepted by Temporal) → stored (normalized), or → failed (the store cannot
 * hold it, or its workflow ran out of attempts; raw bytes kept) → pending again (an Admin's retry) or discarded.
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
  /** The body as the agent sent it: gzip bytes as a rule (see payload-body.ts). */
  body_raw: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  body_encoding: 'gzip' | 'identity';
  /** Decompressed size. */
  body_bytes: number;
  status: Generated<PayloadStatus>;
  workflow_started_at: Timestamp | null;
  /** The dispatcher's batch that claimed the payload last: its workflow is `ingest:<batch_id>`. */
  batch_id: string | null;
  /** While `started`: when the dispatcher next asks Temporal about the batch's workflow. */
  claim_expires_at: Timestamp | null;
  stored_at: Timestamp | null;
  store_count: Generated<number>;
  evaluated_at: Timestamp | null;
  /** Set with status `failed` (kept after a retry or a discard, as the last failure). */
  error_reason: PayloadFailureReason | null;
  error_message: string | null;
  /** SQLSTATE (22021) or the JavaScript error's name (RangeError). */
  error_code: string | null;
  failed_at: Timestamp | null;
  /** Store attempts that ended in a failure of this payload, over its whole life. */
  attempts: Generated<number>;
  discarded_at: Timestamp | null;
}
export type PayloadStatus = 'pending' | 'started' | 'stored' | 'failed' | 'discarded';
/** data_error: the store refused the payload itself; retries_exhausted: its workflow ran out of attempts; not_retryable: a step failed for good. */
export type PayloadFailureReason = 'data_error' | 'retries_exhausted' | 'not_retryable';
export type PayloadRow = Selectable<PayloadTable>;
export type NewPayloadRow = Insertable<PayloadTable>;
export type PayloadUpdate = Updateable<PayloadTable>;

