// Response shapes of the Logstag REST API, as the routes in api/src answer them.

export type Role = 'owner' | 'admin' | 'member';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  roleTitle: string;
  createdAt: string;
}

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

export interface Session {
  user: User;
  organization: Organization;
  permissions: string[];
  csrfToken: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  createdAt: string;
  expiresAt: string;
}

export interface CreatedInvitation {
  invitation: Invitation;
  token: string;
  acceptPath: string;
}

export interface AgentKey {
  id: string;
  name: string;
  prefix: string;
  status: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rotatedFromId: string | null;
}

export interface CreatedAgentKey {
  agentKey: AgentKey;
  key: string;
}

/** An accepted payload the pipeline could not finish (GET /api/payloads?status=failed|stuck). */
export interface IngestPayload {
  id: string;
  status: 'pending' | 'started' | 'stored' | 'failed' | 'discarded';
  targetId: string | null;
  engine: string | null;
  category: string | null;
  kind: string;
  collectedAt: string;
  receivedAt: string;
  claimedAt: string | null;
  error: { reason: 'data_error' | 'retries_exhausted' | 'not_retryable'; message: string | null; code: string | null; at: string | null } | null;
  attempts: number;
  discardedAt: string | null;
  size: { bytes: number; rawBytes: number };
}
export type PayloadListStatus = 'failed' | 'stuck';

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  actorUserId: string | null;
  action: string;
  object: { type: string; id: string | null } | null;
  ip: string | null;
  userAgent: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}
