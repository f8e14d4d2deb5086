import { executeChild, ParentClosePolicy, proxyActivities, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { Activities } from '@logstag/activities';
import type { DeliveryResult } from '@logstag/schema';
import { workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { deliveryWorkflow, DeliveryOptions } from './delivery.workflow';

const { prepareE2eTests, recordE2eTestResult } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

export interface IntegrationE2eTestInput {
  organizationId: string;
  /** Overrides the urgent profile's waits (milliseconds before each retry), for tests on the dev server. */
  retrySchedule?: number[];
}

export interface IntegrationE2eTestResult {
  tested: number;
  ok: number;
  failed: number;
}

/**
 * An organization's daily end-to-end test (`integration-e2e-test:<org>`, on its Schedule at the hour its Admins chose):
 * a test notification through each enabled integration, each an ordinary `deliveryWorkflow` child
 * (`delivery:<notificationId>`), so the attempts are recorded and retried like any other; on the urgent profile
 * (about 17 minutes) whatever the kind, so a day's result is known the same day and a run never overlaps the next.
 * Each integration's result is recorded as it ends.
 */
export async function integrationE2eTestWorkflow(input: IntegrationE2eTestInput): Promise<IntegrationE2eTestResult> {
  const requests = await prepareE2eTests(input.organizationId);
  const options: DeliveryOptions = { profile: 'urgent', ...(input.retrySchedule ? { schedule: input.retrySchedule } : {}) };
  const outcomes = await Promise.all(
    requests.map(async (request) => {
      const integrationId = request.recipient.kind === 'integration' ? request.recipient.integrationId : '';
      let result: DeliveryResult | null = null;
      let error: string | null = null;
      try {
        result = await executeChild<typeof deliveryWorkflow>(workflowTypes.delivery, {
          workflowId: workflowIds.delivery(request.notificationId),
          args: [request, options],
          // The delivery finishes (and records its attempts) even if this run is terminated.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      await recordE2eTestResult({ organizationId: input.organizationId, integrationId, deliveryId: request.notificationId, result, error });
      return result?.outcome === 'delivered';
    }),
  );
  const ok = outcomes.filter(Boolean).length;
  return { tested: outcomes.length, ok, failed: outcomes.length - ok };
}
