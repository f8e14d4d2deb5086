import * as z from 'zod/mini';
import { isoTime } from './common';

// Health Check responses (api/src/health). Findings carry text from monitored servers: the web escapes it.
const category = z.enum(['performance', 'security', 'configuration', 'schema', 'maintenance']);
const severity = z.enum(['critical', 'high', 'medium', 'low']);
const evidence = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const scores = z.record(z.string(), z.nullable(z.number()));
const counts = z.object({ pass: z.number(), fail: z.number(), skipped: z.number(), findings: z.number(), accepted: z.number() });

export const healthRuleSchema = z.object({
  id: z.string(),
  title: z.string(),
  engines: z.array(z.string()),
  versions: z.string(),
  category,
  severity,
  frequency: z.enum(['frequent', 'standard', 'rare']),
  dataClass: z.enum(['statistics', 'privilege', 'host', 'external', 'history']),
  evidence: z.string(),
  explanation: z.string(),
  fix: z.string(),
  anchor: z.string(),
  thresholds: z.record(z.string(), z.number()),
  /** The organization's choice: disabled rules are not run. */
  enabled: z.boolean(),
  /** The organization's overrides of `thresholds`. */
  overrides: z.record(z.string(), z.number()),
});
export type HealthRuleView = z.infer<typeof healthRuleSchema>;
export const healthRulesSchema = z.object({ rules: z.array(healthRuleSchema), eolAsOf: z.string() });

/** A finding's alert (issue 15's health_finding rules): the newest episode opened by this report or an earlier one. */
export const healthFindingAlertSchema = z.object({ id: z.string(), status: z.string(), severity: z.string() });
export const healthFindingSchema = z.object({
  ruleId: z.string(),
  object: z.string(),
  category,
  severity,
  message: z.string(),
  evidence,
  accepted: z.boolean(),
  /** Its alert, `/api/alerts/{id}`; null when none was opened for it (absent from stored report bodies). */
  alert: z.optional(z.nullable(healthFindingAlertSchema)),
});
export type HealthFindingView = z.infer<typeof healthFindingSchema>;

export const healthRuleResultSchema = z.object({
  ruleId: z.string(),
  category,
  severity,
  status: z.enum(['pass', 'fail', 'skipped']),
  reason: z.nullable(z.string()),
  findings: z.array(healthFindingSchema),
  /** A rule of a frequency class not due in this scheduled run: its result is the previous report's. */
  carried: z.optional(z.boolean()),
});

export const healthDiffSchema = z.object({
  ruleId: z.string(),
  object: z.string(),
  state: z.enum(['new', 'fixed', 'unchanged', 'regressed', 'severity_changed']),
  severity,
  previousSeverity: z.nullable(severity),
  timeToFixSeconds: z.nullable(z.number()),
});

export const healthReportSummarySchema = z.object({
  id: z.string(),
  targetId: z.string(),
  engine: z.string(),
  createdAt: isoTime,
  trigger: z.enum(['schedule', 'manual']),
  score: z.nullable(z.number()),
  scores,
  counts,
  previousId: z.nullable(z.string()),
  eolAsOf: z.string(),
});
export type HealthReportSummaryView = z.infer<typeof healthReportSummarySchema>;
export const healthReportListSchema = z.object({ items: z.array(healthReportSummarySchema) });

export const healthReportSchema = z.extend(healthReportSummarySchema, { windowHours: z.number(), results: z.array(healthRuleResultSchema), diff: z.array(healthDiffSchema) });
export type HealthReportView = z.infer<typeof healthReportSchema>;

export const healthFleetSchema = z.object({
  items: z.array(
    z.object({ targetId: z.string(), engine: z.string(), reportId: z.string(), createdAt: isoTime, score: z.nullable(z.number()), scores, counts, trend: z.array(z.nullable(z.number())) }),
  ),
});
export type HealthFleetView = z.infer<typeof healthFleetSchema>;

export const acceptedRiskSchema = z.object({
  id: z.number(),
  targetId: z.string(),
  ruleId: z.string(),
  object: z.string(),
  reason: z.string(),
  expiresAt: isoTime,
  createdBy: z.string(),
  createdAt: isoTime,
  revokedAt: z.nullable(isoTime),
  active: z.boolean(),
});
export type AcceptedRiskView = z.infer<typeof acceptedRiskSchema>;
export const acceptedRiskListSchema = z.object({ items: z.array(acceptedRiskSchema) });

export const healthTargetSettingsSchema = z.object({ targetId: z.string(), frequency: z.enum(['frequent', 'standard', 'rare']), colocated: z.boolean(), memoryBytes: z.nullable(z.number()), scheduled: z.boolean() });
export const healthRunSchema = z.object({ workflowId: z.string() });
