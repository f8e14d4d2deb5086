import type { ColumnType, Generated, Selectable } from 'kysely';
import type { GeneratedTimestamp, Json, Timestamp } from '../column-types';
import type { SilencesTables } from './silences.repository';

/** An organization's alert rule. Deleted rules are kept (`deleted_at`) so history and timelines still name them. */
export interface AlertRuleTable {
  id: string;
  organization_id: string;
  /** The default pack's key when the rule came from it (edits keep it). */
  pack_key: string | null;
  name: string;
  enabled: boolean;
  severity: string;
  condition: Json<unknown>;
  scope: Json<unknown>;
  summary_template: string;
  escalation_policy_id: string | null;
  /** Bumped by each edit: the evaluator's condition state of an older version is dropped. */
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  deleted_at: Timestamp | null;
}
export type AlertRuleRow = Selectable<AlertRuleTable>;

export interface EscalationPolicyTable {
  id: string;
  organization_id: string;
  name: string;
  tiers: Json<unknown>;
  repeat: number;
  ack_timeout_seconds: number | null;
  is_default: boolean;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  deleted_at: Timestamp | null;
}
export type EscalationPolicyRow = Selectable<EscalationPolicyTable>;

/**
 * The evaluator's memory: whether each alert's condition held at its last evaluation, so it signals the alert workflow
 * only when that changes (started, severity changed, cleared). One row per fingerprint.
 */
export interface AlertConditionTable {
  organization_id: string;
  fingerprint: string;
  rule_id: string;
  rule_version: number;
  /** The target id (or the agent id, for agent silent). */
  subject_id: string;
  labels: Json<Record<string, string>>;
  breaching: boolean;
  severity: string | null;
  value: number | null;
  observed_at: Timestamp;
  changed_at: Timestamp;
}
export type AlertConditionRow = Selectable<AlertConditionTable>;

/** One episode of an alert, from opening to resolution: what the Alerts page lists. Written by the alert workflow. */
export interface AlertEpisodeTable {
  id: string;
  organization_id: string;
  fingerprint: string;
  workflow_id: string;
  rule_id: string;
  rule_name: string;
  target_id: string | null;
  agent_id: string | null;
  labels: Json<Record<string, string>>;
  status: string;
  severity: string;
  summary: string;
  values: Json<Record<string, number | string | null>>;
  started_at: Timestamp;
  firing_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  snoozed_until: Timestamp | null;
  resolved_at: Timestamp | null;
  resolve_reason: string | null;
  updated_at: Timestamp;
}
export type AlertEpisodeRow = Selectable<AlertEpisodeTable>;

/** An episode's timeline: transitions (actor, time, reason), notifications asked for and their delivery results. */
export interface AlertEventTable {
  /** Deterministic (the workflow's episode and sequence), so a retried write records it once. */
  id: string;
  organization_id: string;
  episode_id: string;
  seq: number;
  ts: Timestamp;
  kind: string;
  actor: string | null;
  reason: string | null;
  data: ColumnType<unknown, string, string>;
}
export type AlertEventRow = Selectable<AlertEventTable>;

export interface AlertsTables extends SilencesTables {
  alert_rules: AlertRuleTable;
  escalation_policies: EscalationPolicyTable;
  alert_conditions: AlertConditionTable;
  alert_episodes: AlertEpisodeTable;
  alert_events: AlertEventTable;
}
