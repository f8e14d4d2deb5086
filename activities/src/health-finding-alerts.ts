// Pure: what a stored health report says about the organization's `health_finding` alert rules (issue 15 × 17).
// The alert of a finding (rule id + object) holds while the finding is critical and open (not accepted) in the last
// report in which its rule ran. Every such finding is observed as holding and every holding alert whose finding is no
// longer so (fixed, downgraded, accepted) as cleared; the condition record keeps only the transitions, so an alert
// starts when its finding became critical (new, regressed, raised to critical: the diff's `becameCritical`) or, for a
// rule created or edited since, at the first report that finds it critical, and never twice. Skipped and
// carried-forward rules neither start nor clear anything.
import type { AlertSeverity, HealthFindingCondition } from '@logstag/schema';
import type { HealthCategory, Severity } from '@logstag/schema/health';
import type { AlertRule, ConditionObservation } from '@logstag/store';
import { finding, type Finding } from './alert-evaluation';

/** A stored report as this step reads it (the jsonb columns of health_reports). */
export interface StoredHealthReport {
  id: string;
  targetId: string;
  createdAt: Date;
  results: ReadonlyArray<{
    ruleId: string;
    category: HealthCategory;
    status: 'pass' | 'fail' | 'skipped';
    carried?: boolean;
    findings: ReadonlyArray<{ ruleId: string; object: string; severity: Severity; category: HealthCategory; message: string; accepted?: boolean }>;
  }>;
}

/** An alert condition of a health_finding rule that holds now (alert_conditions row). */
export interface HoldingHealthAlert {
  ruleId: string;
  labels: Record<string, string>;
}

/** The alert's severity follows the finding's: critical is critical, high a warning, the rest info. */
export const alertSeverityOfFinding = (s: Severity): AlertSeverity => (s === 'critical' ? 'critical' : s === 'high' ? 'warning' : 'info');

const key = (ruleId: string, object: string) => `${ruleId}\u0000${object}`;

function selects(c: HealthFindingCondition, ruleId: string, category: HealthCategory | undefined): boolean {
  if (c.healthRuleIds.length > 0 && !c.healthRuleIds.includes(ruleId)) return false;
  if (c.categories.length > 0 && (!category || !c.categories.includes(category))) return false;
  return true;
}

/**
 * The observations to record for one report: `rules` are the organization's enabled health_finding rules already in
 * scope of the report's target, `holding` the alerts of those rules on this target whose condition holds now.
 */
export function healthFindingObservations(
  organizationId: string,
  report: StoredHealthReport,
  rules: readonly AlertRule[],
  holding: readonly HoldingHealthAlert[],
): { observations: ConditionObservation[]; findings: Map<string, Finding> } {
  const ran = new Set(report.results.filter((r) => r.status !== 'skipped' && !r.carried).map((r) => r.ruleId));
  const categoryOf = new Map(report.results.map((r) => [r.ruleId, r.category]));
  const criticalNow = new Map<string, { ruleId: string; object: string }>();
  for (const r of report.results) {
    if (!ran.has(r.ruleId)) continue;
    for (const f of r.findings) if (!f.accepted && f.severity === 'critical') criticalNow.set(key(f.ruleId, f.object), { ruleId: f.ruleId, object: f.object });
  }
  const observations: ConditionObservation[] = [];
  const findings = new Map<string, Finding>();
  const observe = (rule: AlertRule, healthRuleId: string, object: string, severity: AlertSeverity | null) => {
    const labels = { healthRuleId, object };
    const f = finding(rule, report.targetId, labels, severity, null);
    f.values = { healthRuleId, object, reportId: report.id };
    findings.set(`${organizationId}\u0000${f.fingerprint}`, f);
    observations.push({ organizationId, fingerprint: f.fingerprint, ruleId: rule.id, ruleVersion: rule.version, subjectId: report.targetId, labels, breaching: severity !== null, severity, value: null, observedAt: report.createdAt });
  };
  for (const rule of rules) {
    const c = rule.condition;
    if (c.kind !== 'health_finding') continue;
    for (const { ruleId, object } of criticalNow.values()) if (selects(c, ruleId, categoryOf.get(ruleId))) observe(rule, ruleId, object, alertSeverityOfFinding('critical'));
    for (const h of holding) {
      if (h.ruleId !== rule.id) continue;
      const healthRuleId = h.labels.healthRuleId;
      const object = h.labels.object;
      if (healthRuleId === undefined || object === undefined || !ran.has(healthRuleId)) continue;
      if (criticalNow.has(key(healthRuleId, object))) continue;
      observe(rule, healthRuleId, object, null);
    }
  }
  return { observations, findings };
}
