import * as z from 'zod/mini';
import { DELIVERY_STATUSES, INTEGRATION_KINDS, ATTEMPT_VERDICTS } from '../integrations';
import { NOTIFICATION_EVENTS } from '../notifications';
import { isoTime } from './common';

/** An integration as Admins see it: settings, secrets masked (never their values), and its health. */
export const integrationViewSchema = z.object({
  id: z.string(),
  kind: z.enum(INTEGRATION_KINDS),
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  /** Each secret field: null when unset, else a mask that shows at most its last 4 characters. */
  secrets: z.record(z.string(), z.nullable(z.string())),
  enabled: z.boolean(),
  disabledReason: z.nullable(z.string()),
  /** Opsgenie: Atlassian ends its support on 2027-04-05. */
  legacy: z.nullable(z.object({ endOfSupport: z.string(), note: z.string() })),
  health: z.object({
    lastSuccessAt: z.nullable(isoTime),
    lastFailureAt: z.nullable(isoTime),
    /** Delivered / (delivered + failed) over 7 days; null when nothing was sent. */
    successRate7d: z.nullable(z.number()),
    delivered7d: z.number(),
    failed7d: z.number(),
  }),
  /** The daily end-to-end test's last run through this integration; null when it never ran. */
  e2eTest: z.nullable(
    z.object({
      lastRunAt: isoTime,
      /** How the last test delivery ended: `ok` delivered, `failed` not (failed, or the integration disabled). */
      lastResult: z.enum(['ok', 'failed']),
      lastSuccessAt: z.nullable(isoTime),
      lastFailureAt: z.nullable(isoTime),
      /** Why the last one failed (scrubbed of secrets by the delivery); null when it worked. */
      lastError: z.nullable(z.string()),
      /** The last test delivery, in the delivery log. */
      deliveryId: z.nullable(z.string()),
    }),
  ),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type IntegrationView = z.infer<typeof integrationViewSchema>;

export const deliveryAttemptViewSchema = z.object({
  attempt: z.number(),
  startedAt: isoTime,
  latencyMs: z.number(),
  verdict: z.enum(ATTEMPT_VERDICTS),
  status: z.nullable(z.number()),
  error: z.nullable(z.string()),
  responseExcerpt: z.nullable(z.string()),
  retryAfterMs: z.nullable(z.number()),
});
export type DeliveryAttemptView = z.infer<typeof deliveryAttemptViewSchema>;

export const deliveryViewSchema = z.object({
  id: z.string(),
  integrationId: z.nullable(z.string()),
  integrationKind: z.nullable(z.enum(INTEGRATION_KINDS)),
  alertId: z.string(),
  episodeId: z.string(),
  event: z.enum(NOTIFICATION_EVENTS),
  status: z.enum(DELIVERY_STATUSES),
  profile: z.string(),
  idempotencyKey: z.string(),
  replayOf: z.nullable(z.string()),
  attemptCount: z.number(),
  lastStatus: z.nullable(z.number()),
  lastError: z.nullable(z.string()),
  createdAt: isoTime,
  finishedAt: z.nullable(isoTime),
  attempts: z.array(deliveryAttemptViewSchema),
});
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

/** POST /api/deliveries/replay: what was started, per original. */
export const replayResultSchema = z.object({
  replayed: z.array(z.object({ originalId: z.string(), deliveryId: z.string() })),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

/** POST /api/integrations/:id/test: the test delivery, when it ended (or its state after the wait). */
export const testSendResultSchema = z.object({ delivery: deliveryViewSchema });
export type TestSendResult = z.infer<typeof testSendResultSchema>;

/** GET /api/integrations. */
export const integrationListSchema = z.object({ items: z.array(integrationViewSchema) });

/** GET and PUT /api/integration-e2e-test: the organization's daily end-to-end test setting. */
export const e2eTestSettingsViewSchema = z.object({
  enabled: z.boolean(),
  /** Hour of the day (0–23) in `timeZone` at which the test runs. */
  hour: z.number(),
  timeZone: z.string(),
  /** Null until an Admin first saves the setting. */
  updatedAt: z.nullable(isoTime),
});
export type E2eTestSettingsView = z.infer<typeof e2eTestSettingsViewSchema>;
