// Pure rule evaluation: what one collection (its metric points or activity snapshot) says about each rule's condition.
// The alerts activities read the store, call these, and keep only the transitions.
import type { BlockingNode, LockWaitView, SessionView } from '@logstag/schema';
import { alertFingerprint, compare, renderSummary, thresholdSeverity, thresholdValues, type ActivityCondition, type AlertSeverity, type RateCondition, type ThresholdCondition } from '@logstag/schema';
import type { AlertRule, PointAt } from '@logstag/store';

export interface Finding {
  fingerprint: string;
  labels: Record<string, string>;
  breaching: boolean;
  severity: AlertSeverity | null;
  value: number | null;
  summary: string;
  /** What the alert's episode keeps beside its value (a health finding's rule id, object and report id). */
  values?: Record<string, string | number | null>;
}

const parseLabels = (key: string): Record<string, string> => {
  try {
    const v = JSON.parse(key) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
};

/** The metrics a threshold rule reads. */
export const metricsOf = (c: ThresholdCondition): string[] => [c.metric, ...(c.ratioOf ?? [])];

/**
 * A threshold rule against one collection's points: one finding per series of the rule's metric. With `ratioOf`, the
 * value is 100 × metric ÷ the sum of those metrics in the same labels (or unlabelled); a zero or missing denominator
 * (maxmemory 0: no limit) evaluates nothing.
 */
export function evaluateThreshold(rule: AlertRule, c: ThresholdCondition, targetId: string, points: readonly PointAt[]): Finding[] {
  return thresholdValues(c, points).map(({ labelsKey, value }) => finding(rule, targetId, parseLabels(labelsKey), thresholdSeverity(c, rule.severity, value), value));
}

/** A rate rule: each series' change per second since its previous stored point. */
export function evaluateRate(rule: AlertRule, c: RateCondition, targetId: string, ts: Date, points: readonly PointAt[], previous: ReadonlyArray<PointAt & { ts: Date }>): Finding[] {
  const before = new Map(previous.filter((p) => p.metric === c.metric).map((p) => [p.labelsKey, p]));
  const out: Finding[] = [];
  for (const p of points) {
    const prev = before.get(p.labelsKey);
    if (p.metric !== c.metric || !prev) continue;
    const seconds = (ts.getTime() - prev.ts.getTime()) / 1000;
    if (seconds <= 0) continue;
    const rate = (p.value - prev.value) / seconds;
    out.push(finding(rule, targetId, parseLabels(p.labelsKey), compare(rate, c.comparator, c.value) ? rule.severity : null, rate));
  }
  return out;
}

const isIdleInTransaction = (s: SessionView) => /idle in transaction/i.test(s.state ?? '');
const isRunning = (s: SessionView) => s.query !== null && !/idle|sleep/i.test(s.state ?? '') && !/^(binlog|system|daemon)/i.test(s.user ?? '');

/** An activity rule against one snapshot: the number of sessions in the condition is the value. */
export function evaluateActivity(
  rule: AlertRule,
  c: ActivityCondition,
  targetId: string,
  snapshot: { sessions: SessionView[]; lock_waits: LockWaitView[]; blocking: BlockingNode[] },
): Finding {
  let count: number;
  if (c.condition === 'blocked_sessions') {
    const waits = snapshot.lock_waits.filter((w) => (w.waitSeconds ?? 0) >= c.seconds);
    count = waits.length > 0 ? waits.length : snapshot.sessions.filter((s) => s.blockedBy.length > 0 && (s.durationSeconds ?? 0) >= c.seconds).length;
  } else if (c.condition === 'idle_in_transaction') {
    count = snapshot.sessions.filter((s) => isIdleInTransaction(s) && (s.durationSeconds ?? 0) > c.seconds).length;
  } else {
    count = snapshot.sessions.filter((s) => isRunning(s) && !isIdleInTransaction(s) && (s.durationSeconds ?? 0) > c.seconds).length;
  }
  return finding(rule, targetId, {}, count >= c.minSessions ? rule.severity : null, count);
}

export function finding(rule: AlertRule, subject: string, labels: Record<string, string>, severity: AlertSeverity | null, value: number | null): Finding {
  return {
    fingerprint: alertFingerprint(rule.id, subject, labels),
    labels,
    breaching: severity !== null,
    severity,
    value,
    summary: renderSummary(rule.summaryTemplate, { rule: rule.name, target: subject, value: value === null ? null : Math.round(value * 100) / 100, severity: severity ?? rule.severity, labels }),
  };
}
