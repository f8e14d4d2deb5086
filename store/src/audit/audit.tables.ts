import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GeneratedTimestamp } from '../column-types';

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

export interface AuditTables {
  audit_events: AuditEventTable;
}
