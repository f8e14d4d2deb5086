import { patched, proxyActivities, proxyLocalActivities, sleep, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '@logstag/activities';
import { RETRY_SCHEDULES, retryDelayMs, type RetryProfileName } from '@logstag/schema/workflow';
import type { DeliveryOutcome, DeliveryResult, NotificationRequest } from '@logstag/schema';

// Store steps: quick, retried while the store is unavailable.
const storeStepOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: ['DeliveryBadRequest', 'DeliveryNotConfigured'] },
} satisfies ActivityOptions;
const taskStoreSteps = proxyActivities<Activities>(storeStepOptions);
const { reserveDeliverySlot } = taskStoreSteps;
// prepareDelivery and finishDelivery as local activities (the `delivery-local-store-steps` patch): they run in the
// worker within the workflow task (the insert is keyed by notification id, the finish an update: a worker lost
// mid-task runs them again harmlessly), so a delivery costs two workflow tasks and one activity task (the attempt)
// instead of four and three. reserveDeliverySlot stays an activity task: run again it would take a second slot.
// While the store is down, retries more than 10 s apart wait in a timer, so the workflow task (and its slot) is let go.
const localStoreSteps = proxyLocalActivities<Activities>({ ...storeStepOptions, localRetryThreshold: '10 seconds' });

// One attempt: the HTTP deadline is 15–30 s; the activity throws only when it cannot record (store down, worker
// killed: its heartbeats stop), and is then retried with the same attempt number. The receiver may see the same
// webhook-id again: that is what it dedups on.
const { attemptDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '75 seconds',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: ['DeliveryBadRequest', 'DeliveryNotConfigured'] },
});

export interface DeliveryOptions {
  /** Overrides the integration kind's profile: `once` for a test send. */
  profile?: RetryProfileName;
  /** Overrides the profile's waits (milliseconds before each retry), for tests of long schedules on the dev server. */
  schedule?: number[];
}

/**
 * One notification, delivered through its integration with retries (`delivery:<notificationId>`, started by the alert
 * workflow as a child with ParentClosePolicy ABANDON, or by a test send or a replay). Every attempt is recorded by
 * the activity; waits follow the profile's schedule with jitter, and honour the receiver's Retry-After.
 */
export async function deliveryWorkflow(request: NotificationRequest, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  // Read once, first: a run recorded before the patch replays its activity tasks to the end.
  const { prepareDelivery, finishDelivery } = patched('delivery-local-store-steps') ? localStoreSteps : taskStoreSteps;
  const prepared = await prepareDelivery(request, options.profile ?? null);
  const { deliveryId } = prepared;
  if (prepared.outcome) return { deliveryId, outcome: prepared.outcome, attempts: 0, lastStatus: null, lastError: prepared.reason };

  const schedule = options.schedule ?? RETRY_SCHEDULES[prepared.profile];
  let attempt = 0;
  for (;;) {
    attempt += 1;
    if (prepared.rateLimited) {
      // A burst waits its turn at the destination: nothing is dropped, and the receiver is not pushed into 429s.
      const wait = await reserveDeliverySlot(deliveryId);
      if (wait > 0) await sleep(wait);
    }
    const last = await attemptDelivery(deliveryId, attempt);
    let outcome: DeliveryOutcome | null = null;
    if (last.verdict === 'delivered') outcome = 'delivered';
    else if (last.verdict === 'failed') outcome = 'failed';
    else if (last.verdict === 'gone') outcome = 'integration_disabled';
    else if (attempt > schedule.length) outcome = 'failed';
    if (outcome) {
      const lastError = outcome === 'failed' && last.verdict === 'retry' ? `retries exhausted after ${attempt} attempts: ${last.error ?? ''}` : last.error;
      await finishDelivery(deliveryId, outcome, { status: last.status, error: lastError });
      return { deliveryId, outcome, attempts: attempt, lastStatus: last.status, lastError };
    }
    await sleep(retryDelayMs(schedule[attempt - 1] ?? 0, last.retryAfterMs, Math.random()));
  }
}
