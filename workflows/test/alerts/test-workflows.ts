// The workflow bundle of the alert workflow's time-skipping tests: the real alertWorkflow, and a stand-in
// deliveryWorkflow that records each NotificationRequest with the workflow clock (the real one, of the Integrations
// issue, is exercised on the dev server in alert-workflow-e2e.test.ts).
import { proxyActivities } from '@temporalio/workflow';
import type { DeliveryResult, NotificationRequest } from '@logstag/schema';

export { alertWorkflow } from '../../src/alert.workflow';

const { recordNotification } = proxyActivities<{ recordNotification(request: NotificationRequest, at: number): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

export async function deliveryWorkflow(request: NotificationRequest): Promise<DeliveryResult> {
  await recordNotification(request, Date.now());
  return { deliveryId: request.notificationId, outcome: 'delivered', attempts: 1, lastStatus: 200, lastError: null };
}
