import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ExplorerTables } from './explorer-tables';

/** timestamptz: written as Date or ISO string, read as Date. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

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

export type Role = 'owner' | 'admin' | 'member';

/** timestamptz the database fills in (`default now()`): optional on insert, read as Date. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganizationTable {
  id: string;
  name: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}
export type OrganizationRow = Selectable<OrganizationTable>;
export type NewOrganizationRow = Insertable<OrganizationTable>;
export type OrganizationUpdate = Updateable<OrganizationTable>;

export interface UserTable {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}
export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;

/** A signed-in browser. The cookie value itself is never stored, only its sha256. */
export interface SessionTable {
  token_hash: string;
  user_id: string;
  organization_id: string;
  csrf_token: string;
  created_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}
export type SessionRow = Selectable<SessionTable>;
export type NewSessionRow = Insertable<SessionTable>;
export type SessionUpdate = Updateable<SessionTable>;

export interface InvitationTable {
  id: string;
  organization_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
}
export type InvitationRow = Selectable<InvitationTable>;
export type NewInvitationRow = Insertable<InvitationTable>;
export type InvitationUpdate = Updateable<InvitationTable>;

export interface AgentKeyTable {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  rotated_from_id: string | null;
}
export type AgentKeyRow = Selectable<AgentKeyTable>;
export type NewAgentKeyRow = Insertable<AgentKeyTable>;
export type AgentKeyUpdate = Updateable<AgentKeyTable>;

/** Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). */
export interface AuditEventTable {
  id: Generated<number>;
  organization_id: string | null;
  actor_user_id: string | null;
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  user_agent: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  created_at: GeneratedTimestamp;
}
export type AuditEventRow = Selectable<AuditEventTable>;
export type NewAuditEventRow = Insertable<AuditEventTable>;
export type AuditEventUpdate = Updateable<AuditEventTable>;

export interface LoginThrottleTable {
  key: string;
  failures: Generated<number>;
  window_started_at: GeneratedTimestamp;
  locked_until: Timestamp | null;
}
export type LoginThrottleRow = Selectable<LoginThrottleTable>;
export type NewLoginThrottleRow = Insertable<LoginThrottleTable>;
export type LoginThrottleUpdate = Updateable<LoginThrottleTable>;

export interface SetupTokenTable {
  token_hash: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}
export type SetupTokenRow = Selectable<SetupTokenTable>;
export type NewSetupTokenRow = Insertable<SetupTokenTable>;
export type SetupTokenUpdate = Updateable<SetupTokenTable>;

export interface Database extends ExplorerTables {
  payloads: PayloadTable;
  organizations: OrganizationTable;
  users: UserTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  agent_keys: AgentKeyTable;
  audit_events: AuditEventTable;
  login_throttle: LoginThrottleTable;
  setup_tokens: SetupTokenTable;
}
