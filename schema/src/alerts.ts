// Alert rules, escalation policies and the alert states: the shapes the store keeps, the evaluator reads, the alert
// workflow carries and the API and web show. Import-safe in workflows (zod only).
import { z } from 'zod';
import { ENGINES, type Engine } from './domain';
import { HEALTH_CATEGORIES } from './health/types';
import { ALERT_SEVERITIES, notificationRecipientSchema, type AlertSeverity } from './notifications';

export const COMPARATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparator = (typeof COMPARATORS)[number];

export const ACTIVITY_CONDITIONS = ['blocked_sessions', 'idle_in_transaction', 'long_running_statement'] as const;
export type ActivityConditionKind = (typeof ACTIVITY_CONDITIONS)[number];

const seconds = z.number().int().min(0).max(7 * 86_400);

/**
 * A threshold on a metric of the catalog, per series (one alert per replica, database…). With `ratioOf`, the value is
 * 100 × metric ÷ the sum of those metrics (connections used of the limit, cache hits of hits + misses). `for`: how long
 * the condition must hold before the alert fires; `clearFor`: how long it must stay clear before it resolves
 * (hysteresis: a metric flapping faster than that keeps one alert open).
 */
export const thresholdConditionSchema = z.object({
  kind: z.literal('threshold'),
  metric: z.string().min(1).max(200),
  ratioOf: z.array(z.string().min(1).max(200)).max(4).optional(),
  comparator: z.enum(COMPARATORS),
  value: z.number().finite(),
  /** Optional second threshold, past `value` in the comparator's direction, that makes the alert critical. */
  criticalValue: z.number().finite().optional(),
  forSeconds: seconds,
  clearForSeconds: seconds,
});

/**
 * A condition on live activity, evaluated on each activity collection: the number of sessions matching it is the
 * value (blocked longer than `seconds`, idle in transaction longer than `seconds`, running a statement longer than
 * `seconds`); the condition holds when at least `minSessions` match.
 */
export const activityConditionSchema = z.object({
  kind: z.literal('activity'),
  condition: z.enum(ACTIVITY_CONDITIONS),
  seconds: seconds,
  minSessions: z.number().int().min(1).max(100_000).default(1),
  forSeconds: seconds,
  clearForSeconds: seconds,
});

/**
 * Absence: no collection from a target (`target`) or no heartbeat from an agent (`agent`) for `silentSeconds`. Evaluated
 * by the absence schedule every 30 s, never by ingest. A target-silent alert suppresses the notifications of its
 * target's other alerts; an agent-silent one those of every target of that agent (no flood of "no data").
 */
export const absenceConditionSchema = z.object({
  kind: z.literal('absence'),
  subject: z.enum(['target', 'agent']),
  silentSeconds: z.number().int().min(30).max(7 * 86_400),
  forSeconds: seconds.default(0),
  clearForSeconds: seconds.default(0),
});

/**
 * Rate of change: how fast a metric's series moves, per second, between a collection and the previous stored one of
 * the same series (at most an hour earlier): `connections.used` rising by more than 5/s, replication lag growing.
 */
export const rateConditionSchema = z.object({
  kind: z.literal('rate'),
  metric: z.string().min(1).max(200),
  comparator: z.enum(COMPARATORS),
  /** Change per second. */
  value: z.number().finite(),
  forSeconds: seconds,
  clearForSeconds: seconds,
});

/**
 * A Health Check finding became critical (issue 17): one alert per finding (health rule id + object) of a target in
 * scope, holding while the finding is critical and open in the last report in which its health rule ran. It starts
 * with the report that finds it critical (new, regressed, raised to critical; for a rule created or edited since, the
 * first report after) and clears with the first later report in which that rule ran and the finding is fixed, no
 * longer critical, or accepted as a risk; skipped rules change nothing. The alert's severity follows the finding's
 * (critical). Empty `healthRuleIds` / `categories` mean every rule / category. Evaluated by the health report
 * workflow after each stored report, never by ingest.
 */
export const healthFindingConditionSchema = z.object({
  kind: z.literal('health_finding'),
  healthRuleIds: z.array(z.string().min(1).max(200)).max(500).default([]),
  categories: z.array(z.enum(HEALTH_CATEGORIES)).max(HEALTH_CATEGORIES.length).default([]),
  forSeconds: seconds.default(0),
  clearForSeconds: seconds.default(0),
});

export const ruleConditionSchema = z.discriminatedUnion('kind', [thresholdConditionSchema, rateConditionSchema, activityConditionSchema, absenceConditionSchema, healthFindingConditionSchema]);
export type RuleCondition = z.infer<typeof ruleConditionSchema>;
export type ThresholdCondition = z.infer<typeof thresholdConditionSchema>;
export type ActivityCondition = z.infer<typeof activityConditionSchema>;
export type AbsenceCondition = z.infer<typeof absenceConditionSchema>;
export type RateCondition = z.infer<typeof rateConditionSchema>;
export type HealthFindingCondition = z.infer<typeof healthFindingConditionSchema>;

/** Which targets a rule watches: all of them when empty; engines, target ids and tags (all must match) narrow it. */
export const ruleScopeSchema = z.object({
  engines: z.array(z.enum(ENGINES)).max(4).default([]),
  targetIds: z.array(z.string().min(1).max(200)).max(500).default([]),
  tags: z.record(z.string().max(100), z.string().max(200)).default({}),
});
export type RuleScope = z.infer<typeof ruleScopeSchema>;

export const ruleInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  severity: z.enum(ALERT_SEVERITIES),
  condition: ruleConditionSchema,
  scope: ruleScopeSchema.default({ engines: [], targetIds: [], tags: {} }),
  /** `{{target}}`, `{{value}}`, `{{rule}}`, `{{severity}}` and `{{labels.<name>}}` are replaced; the rest is kept. */
  summaryTemplate: z.string().max(1000).default('{{rule}} on {{target}}: {{value}}'),
  escalationPolicyId: z.string().min(1).nullable().default(null),
});
export type RuleInput = z.infer<typeof ruleInputSchema>;

/** One tier: who is notified, and how long to wait for an acknowledgement before the next tier. */
export const escalationTierSchema = z.object({
  delaySeconds: z.number().int().min(0).max(86_400),
  recipients: z.array(notificationRecipientSchema).max(50),
});
export type EscalationTier = z.infer<typeof escalationTierSchema>;

export const escalationPolicyInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  tiers: z.array(escalationTierSchema).min(1).max(10),
  /** How many times the whole policy runs again after its last tier when nobody acknowledges (0–9). */
  repeat: z.number().int().min(0).max(9).default(0),
  /** An acknowledgement that expires re-triggers the escalation (PagerDuty's default: 30 minutes); null: never. */
  ackTimeoutSeconds: z.number().int().min(60).max(7 * 86_400).nullable().default(null),
  /** The policy of rules that name none. */
  isDefault: z.boolean().default(false),
});
export type EscalationPolicyInput = z.infer<typeof escalationPolicyInputSchema>;

/**
 * An alert's states. pending: the condition holds, not yet for `for`; firing: notifying by the escalation policy;
 * acknowledged: someone is on it (escalation stops); snoozed: notifications paused until a time; resolved: the episode
 * ended. Target silent and agent silent use the same states: they fire when no data arrives (Grafana's NoData), and
 * while they fire the target's other alerts keep their state but notify nobody ("suppressed" on their timeline).
 */
export const ALERT_STATUSES = ['pending', 'firing', 'acknowledged', 'snoozed', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Why an episode ended. */
export const RESOLVE_REASONS = ['cleared', 'resolved', 'rule_changed', 'rule_deleted', 'target_removed'] as const;
export type ResolveReason = (typeof RESOLVE_REASONS)[number];

export { severityRank } from './alert-workflow';

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** The severity a threshold condition gives a value, or null when it does not hold. */
export function thresholdSeverity(c: Pick<ThresholdCondition, 'comparator' | 'value' | 'criticalValue'>, ruleSeverity: AlertSeverity, value: number): AlertSeverity | null {
  if (c.criticalValue !== undefined && compare(value, c.comparator, c.criticalValue)) return 'critical';
  return compare(value, c.comparator, c.value) ? ruleSeverity : null;
}

/** Whether a target is in a rule's scope. */
export function inScope(scope: RuleScope, target: { targetId: string; engine: string | null; tags: Record<string, string> }): boolean {
  if (scope.engines.length > 0 && !(scope.engines as readonly string[]).includes(target.engine ?? '')) return false;
  if (scope.targetIds.length > 0 && !scope.targetIds.includes(target.targetId)) return false;
  return Object.entries(scope.tags).every(([k, v]) => target.tags[k] === v);
}

/** Canonical JSON of labels (keys sorted), the same text for the same labels. */
export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/**
 * The alert's fingerprint: rule, subject (target or agent) and labels. With the organization it makes the workflow id
 * `alert:<org>:<fingerprint>`; readable and bounded (labels are hashed when long).
 */
export function alertFingerprint(ruleId: string, subject: string, labels: Record<string, string>): string {
  const key = labelsKey(labels);
  const lab = key === '{}' ? '' : `:${key.length <= 120 ? key : `h${fnv1a(key)}`}`;
  return `${ruleId}:${subject}${lab}`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The summary template with its values. The result holds untrusted text (names from monitored databases): escape it where shown. */
export function renderSummary(template: string, v: { rule: string; target: string | null; value: number | string | null; severity: AlertSeverity; labels: Record<string, string> }): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g, (whole, name: string) => {
    if (name === 'rule') return v.rule;
    if (name === 'target') return v.target ?? '';
    if (name === 'severity') return v.severity;
    if (name === 'value') return v.value === null ? '' : typeof v.value === 'number' ? formatValue(v.value) : v.value;
    if (name.startsWith('labels.')) return v.labels[name.slice(7)] ?? '';
    return whole;
  });
}

function formatValue(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** A rule of the default pack: a stable key (so editing it keeps it recognisable), and its input. */
export interface PackRule {
  key: string;
  rule: RuleInput;
}

const base = { enabled: true, escalationPolicyId: null } as const;
const scope = (engines: Engine[]) => ({ engines, targetIds: [], tags: {} });

/**
 * The default rule pack, enabled for every new organization (and added to existing ones by migration
 * 20261205T1500_alerts, which keeps its own frozen copy). One rule per concern, scoped by engine; editable.
 * Not in it yet, for want of a collected metric: transaction-ID wraparound headroom, MongoDB's oplog window and the
 * disk of `data_paths`.
 */
export const DEFAULT_RULE_PACK: readonly PackRule[] = [
  {
    key: 'connections-near-limit',
    rule: { ...base, name: 'Connections above 85 % of the limit', severity: 'warning', condition: { kind: 'threshold', metric: 'connections.used', ratioOf: ['connections.max'], comparator: '>', value: 85, criticalValue: 95, forSeconds: 60, clearForSeconds: 120 }, scope: scope([]), summaryTemplate: '{{target}}: connections at {{value}} % of the limit' },
  },
  {
    key: 'replication-lag',
    rule: { ...base, name: 'Replication lag', severity: 'warning', condition: { kind: 'threshold', metric: 'replication.lag_seconds', comparator: '>', value: 60, criticalValue: 300, forSeconds: 120, clearForSeconds: 120 }, scope: scope([]), summaryTemplate: '{{target}}: replica {{labels.replica}} is {{value}} s behind' },
  },
  {
    key: 'long-running-statement',
    rule: { ...base, name: 'Long-running statement', severity: 'warning', condition: { kind: 'activity', condition: 'long_running_statement', seconds: 300, minSessions: 1, forSeconds: 0, clearForSeconds: 60 }, scope: scope(['postgresql', 'mysql', 'mongodb']), summaryTemplate: '{{target}}: {{value}} statement(s) running for more than 5 minutes' },
  },
  {
    key: 'blocked-sessions',
    rule: { ...base, name: 'Blocked sessions', severity: 'warning', condition: { kind: 'activity', condition: 'blocked_sessions', seconds: 30, minSessions: 1, forSeconds: 0, clearForSeconds: 60 }, scope: scope(['postgresql', 'mysql']), summaryTemplate: '{{target}}: {{value}} session(s) blocked for more than 30 s' },
  },
  {
    key: 'idle-in-transaction',
    rule: { ...base, name: 'Idle in transaction', severity: 'warning', condition: { kind: 'activity', condition: 'idle_in_transaction', seconds: 600, minSessions: 1, forSeconds: 0, clearForSeconds: 60 }, scope: scope(['postgresql']), summaryTemplate: '{{target}}: {{value}} session(s) idle in transaction for more than 10 minutes' },
  },
  {
    key: 'deadlocks',
    rule: { ...base, name: 'Deadlocks', severity: 'warning', condition: { kind: 'threshold', metric: 'deadlocks', comparator: '>', value: 0, forSeconds: 0, clearForSeconds: 600 }, scope: scope(['postgresql']), summaryTemplate: '{{target}}: {{value}} deadlock(s) in {{labels.database}}' },
  },
  {
    key: 'cache-hit-ratio',
    rule: { ...base, name: 'Cache hit ratio below 90 %', severity: 'info', condition: { kind: 'threshold', metric: 'cache.hits', ratioOf: ['cache.hits', 'cache.misses'], comparator: '<', value: 90, forSeconds: 600, clearForSeconds: 600 }, scope: scope(['postgresql', 'mysql', 'redis']), summaryTemplate: '{{target}}: cache hit ratio {{value}} %' },
  },
  {
    key: 'memory-near-maxmemory',
    rule: { ...base, name: 'Memory near maxmemory', severity: 'warning', condition: { kind: 'threshold', metric: 'memory.used_bytes', ratioOf: ['memory.max_bytes'], comparator: '>', value: 90, criticalValue: 98, forSeconds: 60, clearForSeconds: 120 }, scope: scope(['redis']), summaryTemplate: '{{target}}: memory at {{value}} % of maxmemory' },
  },
  {
    key: 'target-silent',
    rule: { ...base, name: 'Target silent', severity: 'critical', condition: { kind: 'absence', subject: 'target', silentSeconds: 180, forSeconds: 0, clearForSeconds: 0 }, scope: scope([]), summaryTemplate: '{{target}}: no data for more than 3 minutes' },
  },
  {
    key: 'agent-silent',
    rule: { ...base, name: 'Agent silent', severity: 'critical', condition: { kind: 'absence', subject: 'agent', silentSeconds: 180, forSeconds: 0, clearForSeconds: 0 }, scope: scope([]), summaryTemplate: 'Agent {{target}}: no heartbeat for more than 3 minutes' },
  },
  {
    key: 'health-finding-critical',
    rule: { ...base, name: 'Health finding became critical', severity: 'critical', condition: { kind: 'health_finding', healthRuleIds: [], categories: [], forSeconds: 0, clearForSeconds: 0 }, scope: scope([]), summaryTemplate: '{{target}}: {{labels.healthRuleId}} on {{labels.object}} became critical' },
  },
];
