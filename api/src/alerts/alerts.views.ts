import type { AlertRuleView, AlertEpisodeView, AlertTimelineEvent, EscalationPolicyView } from '@logstag/schema/api';
import type { AlertSeverity, AlertStatus } from '@logstag/schema';
import type { AlertEpisodeRow, AlertEventRow, AlertRule, EscalationPolicy } from '@logstag/store';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function ruleView(r: AlertRule): AlertRuleView {
  return {
    id: r.id,
    packKey: r.packKey,
    name: r.name,
    enabled: r.enabled,
    severity: r.severity,
    condition: r.condition as unknown as Record<string, unknown>,
    scope: r.scope,
    summaryTemplate: r.summaryTemplate,
    escalationPolicyId: r.escalationPolicyId,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function policyView(p: EscalationPolicy): EscalationPolicyView {
  return { id: p.id, name: p.name, tiers: p.tiers, repeat: p.repeat, ackTimeoutSeconds: p.ackTimeoutSeconds, isDefault: p.isDefault, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() };
}

export function episodeView(e: AlertEpisodeRow): AlertEpisodeView {
  const value = e.values?.value;
  return {
    id: e.id,
    ruleId: e.rule_id,
    ruleName: e.rule_name,
    targetId: e.target_id,
    agentId: e.agent_id,
    labels: e.labels ?? {},
    status: e.status as AlertStatus,
    severity: e.severity as AlertSeverity,
    summary: e.summary,
    value: value === undefined ? null : value,
    values: e.values ?? {},
    startedAt: e.started_at.toISOString(),
    firingAt: iso(e.firing_at),
    acknowledgedAt: iso(e.acknowledged_at),
    acknowledgedBy: e.acknowledged_by,
    snoozedUntil: iso(e.snoozed_until),
    resolvedAt: iso(e.resolved_at),
    resolveReason: e.resolve_reason,
    updatedAt: e.updated_at.toISOString(),
  };
}

export function timelineEventView(e: AlertEventRow): AlertTimelineEvent {
  return { seq: e.seq, at: e.ts.toISOString(), kind: e.kind, actor: e.actor, reason: e.reason, data: (e.data ?? {}) as Record<string, unknown> };
}
