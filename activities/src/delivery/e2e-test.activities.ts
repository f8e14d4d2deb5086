// The daily end-to-end test's activities: which integrations to test (with the test notification for each), and each
// one's result, kept per integration so the Integrations page shows when it last worked.
import { randomUUID } from 'node:crypto';
import { e2eTestRequest, type DeliveryResult, type NotificationRequest } from '@logstag/schema';
import { findE2eTestSettings, listIntegrations, recordE2eTestOutcome } from '@logstag/store';
import type { ActivityDeps } from '../deps';

export interface E2eTestResultInput {
  organizationId: string;
  integrationId: string;
  deliveryId: string;
  /** The delivery's result, or null when its workflow could not run (the error says why). */
  result: DeliveryResult | null;
  error: string | null;
}

export function createE2eTestActivities(deps: Pick<ActivityDeps, 'db' | 'clock' | 'logger'>) {
  const { db, clock, logger } = deps;
  return {
    /**
     * The test notifications of this run: one per enabled integration, none when the organization turned the test
     * off (a Schedule left behind by a failed removal runs and sends nothing). Ids are made here, so the workflow
     * replays with the same ones.
     */
    async prepareE2eTests(organizationId: string): Promise<NotificationRequest[]> {
      const settings = await findE2eTestSettings(db, organizationId);
      if (!settings?.enabled) return [];
      const now = clock().toISOString();
      return (await listIntegrations(db, organizationId))
        .filter((i) => i.enabled)
        .map((i) => e2eTestRequest({ organizationId, integrationId: i.id, integrationName: i.name, notificationId: `e2e-${randomUUID()}`, now }));
    },

    /** One integration's result: ok when delivered; anything else (failed, disabled, the workflow failing) is a failure. */
    async recordE2eTestResult(input: E2eTestResultInput): Promise<void> {
      const ok = input.result?.outcome === 'delivered';
      const error = ok ? null : (input.result ? `${input.result.outcome}${input.result.lastError ? `: ${input.result.lastError}` : ''}` : (input.error ?? 'the test delivery did not run')).slice(0, 1000);
      await recordE2eTestOutcome(db, { organizationId: input.organizationId, integrationId: input.integrationId, at: clock(), ok, error, deliveryId: input.deliveryId });
      logger.info({ organizationId: input.organizationId, integrationId: input.integrationId, deliveryId: input.deliveryId, ok }, 'integration end-to-end test');
    },
  };
}
