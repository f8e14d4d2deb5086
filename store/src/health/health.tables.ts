import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../column-types';

export interface HealthReportTable {
  id: string;
  organization_id: string;
  target_id: string;
  engine: string;
  created_at: Timestamp;
  window_hours: number;
  trigger: 'schedule' | 'manual';
  score: number | null;
  scores: Json<Record<string, number | null>>;
  counts: Json<{ pass: number; fail: number; skipped: number; findings: number; accepted: number }>;
  results: Json<unknown[]>;
  diff: Json<unknown[]>;
  previous_id: string | null;
  eol_as_of: string;
}
export type HealthReportRow = Selectable<HealthReportTable>;

export interface HealthFindingTable {
  organization_id: string;
  target_id: string;
  rule_id: string;
  object: string;
  severity: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
  fixed_at: Timestamp | null;
  times_fixed: Generated<number>;
}

export interface HealthRuleSettingTable {
  organization_id: string;
  rule_id: string;
  enabled: Generated<boolean>;
  thresholds: ColumnType<Record<string, number>, string | undefined, string>;
  updated_at: Generated<Timestamp>;
  updated_by: string | null;
}

export interface HealthAcceptedRiskTable {
  id: Generated<number>;
  organization_id: string;
  target_id: string;
  rule_id: string;
  object: string;
  reason: string;
  expires_at: Timestamp;
  created_by: string;
  created_at: Generated<Timestamp>;
  revoked_at: Timestamp | null;
}
export type HealthAcceptedRiskRow = Selectable<HealthAcceptedRiskTable>;

export interface HealthTargetTable {
  organization_id: string;
  target_id: string;
  frequency: Generated<'frequent' | 'standard' | 'rare'>;
  colocated: Generated<boolean>;
  memory_bytes: number | null;
  updated_at: Generated<Timestamp>;
}
export type HealthTargetRow = Selectable<HealthTargetTable>;

export interface HealthTables {
  health_reports: HealthReportTable;
  health_findings: HealthFindingTable;
  health_rule_settings: HealthRuleSettingTable;
  health_accepted_risks: HealthAcceptedRiskTable;
  health_targets: HealthTargetTable;
}
