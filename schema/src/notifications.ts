// The seam where alerts (issue 15) meet integrations (issue 16): an alert workflow asks for one notification, and the
// delivery workflow `deliveryWorkflow` (id `delivery:<notificationId>`, see @logstag/temporal/contracts) carries it out
// with retries, recording every attempt. Import-safe in workflows (zod only).
import { z } from 'zod';

/** What happened to the alert episode that a notification tells. `test` is a test send from the Integrations page. */
export const NOTIFICATION_EVENTS = ['trigger', 'acknowledge', 'resolve', 'escalate', 'severity_change', 'catch_up', 'test'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Who receives it: an integration of the organization, or a user by e-mail (through the organization's SMTP set-up). */
export const notificationRecipientSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('integration'), integrationId: z.string().min(1) }),
  z.object({ kind: z.literal('user'), userId: z.string().min(1), email: z.string().email() }),
]);
export type NotificationRecipient = z.infer<typeof notificationRecipientSchema>;

/** The alert as a notification shows it: everything an adapter needs, so delivery never reads alert state. */
export const notificationAlertSchema = z.object({
  alertId: z.string().min(1),
  ruleId: z.string().min(1),
  ruleName: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  /** The episode's state after the event (firing, acknowledged, resolved, snoozed). */
  status: z.string(),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
  engine: z.string().nullable(),
  /** The rendered summary template (untrusted text from monitored databases is escaped by each adapter). */
  summary: z.string(),
  labels: z.record(z.string(), z.string()),
  values: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  /** Link to the alert in Logstag, when the server knows its public URL. */
  url: z.string().nullable(),
});
export type NotificationAlert = z.infer<typeof notificationAlertSchema>;

export const notificationRequestSchema = z.object({
  organizationId: z.string().min(1),
  /**
   * Idempotency key of this notification: the delivery workflow's id is `delivery:<notificationId>`, so asking twice
   * (a workflow task retried, a worker killed between start and record) starts one delivery. A replay is a new
   * delivery with the same `idempotencyKey`.
   */
  notificationId: z.string().min(1),
  /**
   * The alert episode (opening to resolution): PagerDuty `dedup_key`, Opsgenie `alias`, Alertmanager labels and the
   * Standard Webhooks `webhook-id` derive from it (with the event, for webhooks).
   */
  episodeId: z.string().min(1).max(255),
  event: z.enum(NOTIFICATION_EVENTS),
  recipient: notificationRecipientSchema,
  alert: notificationAlertSchema,
  /** Stable across retries and replays: what a dedup-aware receiver keys on. Defaults to notificationId. */
  idempotencyKey: z.string().min(1),
  requestedAt: z.string(),
  /** Set on replays: the delivery this one re-sends. */
  replayOf: z.string().nullable().default(null),
});
export type NotificationRequest = z.infer<typeof notificationRequestSchema>;

/** How a delivery ended, as the delivery workflow returns it (the alert workflow records it on the timeline). */
export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'suppressed', 'integration_disabled'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface DeliveryResult {
  deliveryId: string;
  outcome: DeliveryOutcome;
  attempts: number;
  /** Last HTTP status or SMTP reply code, when there was one. */
  lastStatus: number | null;
  lastError: string | null;
}
