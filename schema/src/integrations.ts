// Integrations (issue 16): where notifications go. Each kind has settings shown to Admins (`config`) and secrets that
// are encrypted at rest and never returned (`secrets`). Workflows take the retry schedules from ./retry instead (no zod).
import { z } from 'zod';
import type { RetryProfileName } from './retry';

export const INTEGRATION_KINDS = ['webhook', 'slack', 'pagerduty', 'teams', 'email', 'alertmanager', 'opsgenie'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** Opsgenie is legacy: Atlassian ends Opsgenie support on this day (shown in the UI and README). */
export const OPSGENIE_END_OF_SUPPORT = '2027-04-05';

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

/** A Standard Webhooks signing secret: `whsec_` and base64 of at least 24 bytes. */
export const signingSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((s) => base64Bytes(s.slice('whsec_'.length)) >= 24, 'must hold at least 24 bytes (32 recommended)');

function base64Bytes(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

const emailList = z.array(z.string().email()).min(1).max(50);

/** Non-secret settings, per kind. */
export const integrationConfigSchemas = {
  webhook: z.object({ url: httpUrl }),
  /** Slack incoming webhook; the channel name labels the rate limit (about 1 message/s per channel). */
  slack: z.object({ channel: z.string().max(80).default('') }),
  pagerduty: z.object({ apiUrl: httpUrl.default('https://events.pagerduty.com/v2/enqueue') }),
  teams: z.object({}),
  email: z.object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(587),
    /** tls: TLS from the first byte (465); starttls: upgrade required (587); none: only for a local relay. */
    security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
    from: z.string().email(),
    to: emailList,
  }),
  /** The Alertmanager's base URL; alerts are posted to `<url>/api/v2/alerts`. */
  alertmanager: z.object({ url: httpUrl }),
  opsgenie: z.object({ apiUrl: httpUrl.default('https://api.opsgenie.com') }),
} as const satisfies Record<IntegrationKind, z.ZodType>;

/** Secrets, per kind: encrypted at rest (AES-256-GCM), masked in every answer, never logged. */
export const integrationSecretSchemas = {
  webhook: z.object({
    signingSecret: signingSecretSchema,
    /** The secret being rotated out: both sign until it is removed, so receivers can switch without losing messages. */
    previousSigningSecret: signingSecretSchema.nullable().default(null),
  }),
  slack: z.object({ webhookUrl: httpUrl }),
  pagerduty: z.object({
    routingKey: z.string().min(1).max(64),
    /** The signing secret of a PagerDuty v3 webhook subscription: its acknowledged and resolved events flow back. */
    webhookSecret: z.string().max(256).nullable().default(null),
  }),
  teams: z.object({ workflowUrl: httpUrl }),
  email: z.object({ username: z.string().max(255).nullable().default(null), password: z.string().max(1024).nullable().default(null) }),
  alertmanager: z.object({ bearerToken: z.string().max(4096).nullable().default(null) }),
  opsgenie: z.object({ apiKey: z.string().min(1).max(128) }),
} as const satisfies Record<IntegrationKind, z.ZodType>;

export type IntegrationConfig<K extends IntegrationKind = IntegrationKind> = z.infer<(typeof integrationConfigSchemas)[K]>;
export type IntegrationSecrets<K extends IntegrationKind = IntegrationKind> = z.infer<(typeof integrationSecretSchemas)[K]>;

/** Which retry profile a kind's deliveries use: pages are urgent (about 17 minutes), the rest durable (about 75 hours). */
export const RETRY_PROFILE_OF: Record<IntegrationKind, RetryProfileName> = {
  pagerduty: 'urgent',
  opsgenie: 'urgent',
  slack: 'urgent',
  teams: 'urgent',
  webhook: 'durable',
  email: 'durable',
  alertmanager: 'durable',
};

export { RETRY_PROFILE_NAMES, RETRY_SCHEDULES, ATTEMPT_TIMEOUT_MS, MAX_RETRY_AFTER_MS, retryDelayMs, type RetryProfileName } from './retry';

export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'failed', 'suppressed', 'integration_disabled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One attempt's verdict, as the delivery workflow acts on it. */
export const ATTEMPT_VERDICTS = ['delivered', 'retry', 'failed', 'gone'] as const;
export type AttemptVerdict = (typeof ATTEMPT_VERDICTS)[number];

/** What an Admin may override when replaying a failed delivery ("replay with edit"). */
export const replayEditSchema = z.object({
  /** Send to another integration of the organization (e.g. a fixed copy). */
  integrationId: z.string().min(1).optional(),
  summary: z.string().max(10_000).optional(),
  severity: z.enum(['critical', 'warning', 'info']).optional(),
});
export type ReplayEdit = z.infer<typeof replayEditSchema>;

