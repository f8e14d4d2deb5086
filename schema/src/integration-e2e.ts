// The optional daily end-to-end test (issue 16): once a day, at an hour an Admin chooses, a test notification goes
// through every enabled integration of the organization by the normal delivery workflow, and each integration shows
// when it last worked. Import-safe in workflows (zod only).
import { z } from 'zod';
import type { NotificationRequest } from './notifications';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The organization's setting: on or off, and the hour of the day (in `timeZone`) the test runs. */
export const e2eTestSettingsSchema = z.object({
  enabled: z.boolean(),
  hour: z.number().int().min(0).max(23),
  timeZone: z.string().min(1).max(100).refine(isTimeZone, 'an IANA time zone, e.g. Europe/Paris or UTC'),
});
export type E2eTestSettings = z.infer<typeof e2eTestSettingsSchema>;

/** Off until an Admin turns it on; 06:00 UTC when turned on without choosing. */
export const DEFAULT_E2E_TEST_SETTINGS: E2eTestSettings = { enabled: false, hour: 6, timeZone: 'UTC' };

/** The alert id the test notifications carry (deliveries need one): they belong to no alert. */
export const E2E_TEST_ALERT_ID = 'e2e-test';

/**
 * The test notification for one integration: event `test` (receivers see a test: Slack's and Teams' headline starts
 * with "Test:", webhooks get `alert.test`, PagerDuty a change event that opens no incident, Opsgenie an alert closed
 * at once), labelled `logstag_test` and saying nothing needs doing.
 */
export function e2eTestRequest(input: { organizationId: string; integrationId: string; integrationName: string; notificationId: string; now: string }): NotificationRequest {
  return {
    organizationId: input.organizationId,
    notificationId: input.notificationId,
    episodeId: input.notificationId,
    event: 'test',
    recipient: { kind: 'integration', integrationId: input.integrationId },
    alert: {
      alertId: E2E_TEST_ALERT_ID,
      ruleId: E2E_TEST_ALERT_ID,
      ruleName: `Daily end-to-end test of "${input.integrationName}"`,
      severity: 'info',
      status: 'test',
      targetId: null,
      targetName: null,
      engine: null,
      summary: `This is Logstag's daily end-to-end test of the integration "${input.integrationName}". It is a test: nothing needs doing. If you read this, the integration works.`,
      labels: { logstag_test: 'true', logstag_test_kind: 'daily-e2e' },
      values: {},
      startsAt: input.now,
      endsAt: null,
      url: null,
    },
    idempotencyKey: input.notificationId,
    requestedAt: input.now,
    replayOf: null,
  };
}
