// What the alert workflow (one per alert, `alert:<org>:<fingerprint>`) takes, receives and answers: the evaluator,
// the API and the workflow agree on these. Import-safe in workflows (types only).
import type { AlertSeverity, NotificationRecipient } from './notifications';
import type { AlertStatus, EscalationTier, ResolveReason } from './alerts';

/** Which alert: organization, fingerprint (rule + subject + labels), and what it watches. */
export interface AlertIdentity {
  organizationId: string;
  fingerprint: string;
  ruleId: string;
  /** The target watched (null for agent silent). */
  targetId: string | null;
  /** The agent watched (agent silent only). */
  agentId: string | null;
  labels: Record<string, string>;
}

/** The evaluator's signal: only on transitions. */
export interface ConditionSignal {
  change: 'started' | 'severity' | 'cleared';
  severity: AlertSeverity | null;
  value: number | null;
  summary: string;
  observedAt: string;
  /** Kept on the episode beside `value` (a health finding's healthRuleId, object and reportId); absent for metrics. */
  values?: Record<string, string | number | null>;
}

/** Who did it, and why (acknowledge, resolve, snooze, reopen; rule changed or deleted, target removed). */
export interface ActorInput {
  actor: string;
  reason?: string | null;
}

export interface SnoozeInput extends ActorInput {
  /** ISO time the snooze ends. */
  until: string;
}

/** What the alert workflow reads once per episode (and again when its rule changes). */
export interface AlertContext {
  ruleName: string;
  ruleDeleted: boolean;
  severity: AlertSeverity;
  forSeconds: number;
  clearForSeconds: number;
  policy: { id: string; tiers: EscalationTier[]; repeat: number; ackTimeoutSeconds: number | null } | null;
  targetName: string | null;
  engine: string | null;
  /** Link to the alert in Logstag, null when the public URL is unknown. */
  url: string | null;
}

/** Why notifications of an alert are held back now, if they are, and when to ask again. */
export interface NotificationGate {
  suppressed: string | null;
  /** When the suppression is known to end (a silence's expiry, a window's end); null: ask again after a minute. */
  until: string | null;
}

/** The workflow's answer to alertStateQuery and to its updates. */
export interface AlertView {
  workflowId: string;
  status: AlertStatus | 'idle';
  episodeId: string | null;
  severity: AlertSeverity | null;
  breaching: boolean;
  /** Recipients (`integration:<id>`, `user:<id>`) that got a trigger in this episode: each gets exactly one resolve. */
  triggered: string[];
  resolvedNotified: string[];
  escalationStep: number | null;
  runHistoryLength: number;
  /** Runs so far (1 + continue-as-new count). */
  runs: number;
  lastResolveReason: ResolveReason | null;
}

export const recipientKey = (r: NotificationRecipient): string => (r.kind === 'integration' ? `integration:${r.integrationId}` : `user:${r.userId}`);

const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
/** Lower is more severe: sorts critical first. */
export const severityRank = (s: AlertSeverity): number => SEVERITY_RANK[s];
