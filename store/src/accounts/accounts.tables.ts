import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GeneratedTimestamp, Timestamp } from '../column-types';

export type Role = 'owner' | 'admin' | 'member';

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

/** The accounts area's tables, as they appear in the Database interface. */
export interface AccountsTables {
  organizations: OrganizationTable;
  users: UserTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  agent_keys: AgentKeyTable;
  login_throttle: LoginThrottleTable;
  setup_tokens: SetupTokenTable;
}
