import type { ColumnType, Selectable, Updateable } from 'kysely';
import type { Json, Timestamp } from '../column-types';

export interface AgentAssetTable {
  organization_id: string;
  agent_id: string;
  hostname: string | null;
  version: string | null;
  first_seen: Timestamp;
  last_heartbeat: Timestamp;
  facts: Json<Record<string, unknown>>;
}

export interface HostAssetTable {
  organization_id: string;
  hostname: string;
  agent_id: string;
  facts: Json<Record<string, unknown>>;
  last_seen: Timestamp;
}

export type TargetStatus = 'ok' | 'failing' | 'unknown';

export interface TargetAssetTable {
  organization_id: string;
  target_id: string;
  engine: string;
  agent_id: string | null;
  version: string | null;
  tags: ColumnType<Record<string, string>, string | undefined, string>;
  status: ColumnType<TargetStatus, TargetStatus | undefined, TargetStatus>;
  last_seen: Timestamp | null;
  last_payloads: ColumnType<Record<string, string>, string | undefined, string>;
  last_errors: ColumnType<unknown[], string | undefined, string>;
}
export type TargetAssetRow = Selectable<TargetAssetTable>;
export type TargetAssetUpdate = Updateable<TargetAssetTable>;

export interface TargetsTables {
  agents: AgentAssetTable;
  hosts: HostAssetTable;
  targets: TargetAssetTable;
}
