// Integrations (issue 16): where notifications go. Each kind has settings shown to Admins (`config`) and secrets that
// are encrypted at rest and never returned (`secrets`). Import-safe in workflows (zod only).
import { z } from 'zod';

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

export const RETRY_PROFILE_NAMES = ['urgent', 'durable', 'once'] as const;
export type RetryProfileName = (typeof RETRY_PROFILE_NAMES)[number];

const S = 1_000;
const M = 60 * S;
const H = 60 * M;

/**
 * Waits before each attempt after the first, in milliseconds. durable is the Standard Webhooks schedule (immediately,
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: 75 h 35 min in all); urgent pages give up after about
 * 17 minutes, when a person is better told that the page did not go out; once is a test send.
 */
export const RETRY_SCHEDULES: Record<RetryProfileName, readonly number[]> = {
  urgent: [5 * S, 15 * S, 30 * S, 1 * M, 2 * M, 4 * M, 4 * M, 5 * M],
  durable: [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H],
  once: [],
};

/** How long one attempt may take before it counts as a timeout (15–30 s, the bounds). */
export const ATTEMPT_TIMEOUT_MS: Record<RetryProfileName, number> = { urgent: 15 * S, durable: 30 * S, once: 15 * S };

/** The longest Retry-After honoured: a receiver asking for more gets the schedule's next wait or this. */
export const MAX_RETRY_AFTER_MS = 24 * H;

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

/**
 * The wait before the next attempt: the schedule's wait with ±20 % jitter (so a receiver that comes back is not hit by
 * every delivery at once), and never less than the receiver's Retry-After (capped at MAX_RETRY_AFTER_MS).
 * `random` in [0, 1): the workflow's deterministic Math.random.
 */
export function retryDelayMs(scheduledMs: number, retryAfterMs: number | null, random: number): number {
  const jittered = Math.round(scheduledMs * (0.8 + 0.4 * random));
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
