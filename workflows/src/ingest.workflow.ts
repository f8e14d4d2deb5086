import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '@logstag/activities';

const { storePayload, evaluateAlerts } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    // The payload id is wrong: no retry can fix it.
    nonRetryableErrorTypes: ['PayloadNotFound'],
  },
});

export interface IngestResult {
  alreadyStored: boolean;
  rulesEvaluated: number;
}

/**
 * One accepted payload: normalize it into the store, then evaluate alert rules against it. Receives the payload id
 * only (claim check): the body stays in the store, out of workflow history.
 */
export async function ingestWorkflow(payloadId: string): Promise<IngestResult> {
  const { alreadyStored } = await storePayload(payloadId);
  const { rulesEvaluated } = await evaluateAlerts(payloadId);
  return { alreadyStored, rulesEvaluated };
}
