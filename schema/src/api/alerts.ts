import * as z from 'zod/mini';
import { ALERT_STATUSES } from '../alerts';
import { ALERT_SEVERITIES } from '../notifications';
import { isoTime } from './common';

/** An alert rule as the API shows it (condition and scope as stored; see ruleInputSchema in @logstag/schema). */
export const alertRuleViewSchema = z.object({
  id: z.string(),
  packKey: z.nullable(z.string()),
  name: z.string(),
  enabled: z.boolean(),
  severity: z.enum(ALERT_SEVERITIES),
  condition: z.record(z.string(), z.unknown()),
  scope: z.object({ engines: z.array(z.string()), targetIds: z.array(z.string()), tags: z.record(z.string(), z.string()) }),
  summaryTemplate: z.string(),
  escalationPolicyId: z.nullable(z.string()),
  version: z.number(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type AlertRuleView = z.infer<typeof alertRuleViewSchema>;
export const alertRuleListSchema = z.object({ items: z.array(alertRuleViewSchema) });

const recipientView = z.union([
  z.object({ kind: z.literal('integration'), integrationId: z.string() }),
  z.object({ kind: z.literal('user'), userId: z.string(), email: z.string() }),
]);

export const escalationPolicyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  tiers: z.array(z.object({ delaySeconds: z.number(), recipients: z.array(recipientView) })),
  repeat: z.number(),
  ackTimeoutSeconds: z.nullable(z.number()),
  isDefault: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type EscalationPolicyView = z.infer<typeof escalationPolicyViewSchema>;
export const escalationPolicyListSchema = z.object({ items: z.array(escalationPolicyViewSchema) });

/** One alert episode (opening to resolution): what the Alerts page lists. Summary and labels hold untrusted text. */
export const alertEpisodeViewSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  targetId: z.nullable(z.string()),
  agentId: z.nullable(z.string()),
  labels: z.record(z.string(), z.string()),
  status: z.enum(ALERT_STATUSES),
  severity: z.enum(ALERT_SEVERITIES),
  summary: z.string(),
  value: z.nullable(z.union([z.number(), z.string()])),
  /** What the episode keeps beside its value: a health finding's healthRuleId, object and the reportId that opened it. */
  values: z.optional(z.record(z.string(), z.nullable(z.union([z.number(), z.string()])))),
  startedAt: isoTime,
  firingAt: z.nullable(isoTime),
  acknowledgedAt: z.nullable(isoTime),
  acknowledgedBy: z.nullable(z.string()),
  snoozedUntil: z.nullable(isoTime),
  resolvedAt: z.nullable(isoTime),
  resolveReason: z.nullable(z.string()),
  updatedAt: isoTime,
});
export type AlertEpisodeView = z.infer<typeof alertEpisodeViewSchema>;
export const alertEpisodeListSchema = z.object({ items: z.array(alertEpisodeViewSchema) });

export const alertTimelineEventSchema = z.object({
  seq: z.number(),
  at: isoTime,
  kind: z.string(),
  actor: z.nullable(z.string()),
  reason: z.nullable(z.string()),
  data: z.record(z.string(), z.unknown()),
});
export type AlertTimelineEvent = z.infer<typeof alertTimelineEventSchema>;

export const alertDetailSchema = z.object({ episode: alertEpisodeViewSchema, timeline: z.array(alertTimelineEventSchema) });
export type AlertDetail = z.infer<typeof alertDetailSchema>;

/** What acknowledge, resolve, snooze and reopen answer: the alert's state in its workflow right after. */
export const alertActionResultSchema = z.object({ episodeId: z.string(), status: z.string(), accepted: z.boolean() });
export type AlertActionResult = z.infer<typeof alertActionResultSchema>;

const matchersView = z.object({ ruleIds: z.optional(z.array(z.string())), targetIds: z.array(z.string()), tags: z.record(z.string(), z.string()) });

/** A silence: holds back the notifications of matching alerts until it ends (evaluation goes on). */
export const silenceViewSchema = z.object({
  id: z.string(),
  matchers: matchersView,
  reason: z.string(),
  createdBy: z.string(),
  startsAt: isoTime,
  endsAt: isoTime,
  createdAt: isoTime,
  /** When someone ended it before `endsAt` (null: it runs, or ran, to its end). */
  expiredAt: z.nullable(isoTime),
});
export type SilenceView = z.infer<typeof silenceViewSchema>;
export const silenceListSchema = z.object({ items: z.array(silenceViewSchema) });

/** A maintenance window in local time of its zone, once or recurring (RRULE); `openNow` when it holds notifications now. */
export const maintenanceWindowViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  matchers: matchersView,
  start: z.string(),
  durationMinutes: z.number(),
  timeZone: z.string(),
  rrule: z.nullable(z.string()),
  createdBy: z.string(),
  createdAt: isoTime,
  openNow: z.nullable(z.object({ start: isoTime, end: isoTime })),
  /** The occurrence open now, else the next one; null when none is left (a one-off past, a recurrence ended). */
  next: z.nullable(z.object({ start: isoTime, end: isoTime })),
});
export type MaintenanceWindowView = z.infer<typeof maintenanceWindowViewSchema>;
export const maintenanceWindowListSchema = z.object({ items: z.array(maintenanceWindowViewSchema) });

/** How often a rule would have opened over the last 24 hours of stored data (POST /api/alert-rule-previews). */
export const rulePreviewSchema = z.object({
  from: isoTime,
  to: isoTime,
  /** Series (target and labels) evaluated. */
  series: z.number(),
  openings: z.number(),
  episodes: z.array(z.object({ targetId: z.string(), labels: z.record(z.string(), z.string()), firedAt: isoTime, resolvedAt: z.nullable(isoTime), peak: z.number() })),
  /** Why nothing could be previewed (activity and absence rules read data the preview does not replay). */
  note: z.nullable(z.string()),
});
export type RulePreview = z.infer<typeof rulePreviewSchema>;

/** Who an escalation policy notifies, minute by minute, when nobody acknowledges (POST /api/escalation-simulations). */
export const escalationSimulationSchema = z.object({
  steps: z.array(z.object({ minute: z.number(), tier: z.number(), round: z.number(), event: z.string(), recipients: z.array(z.string()) })),
});
export type EscalationSimulation = z.infer<typeof escalationSimulationSchema>;
