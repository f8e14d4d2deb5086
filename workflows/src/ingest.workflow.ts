import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '@logstag/activities';

const { storePayloads, evaluateAlerts } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    // The payload ids are wrong: no retry can fix that.
    nonRetryableErrorTypes: ['PayloadNotFound'],
  },
});

export interface IngestResult {
  stored: number;
  alreadyStored: number;
  rulesEvaluated: number;
}

/**
 * A batch of accepted payloads (one, when traffic is light): normalize them into the store, then evaluate alert
 * rules against the new data. Receives payload ids only (claim check): bodies stay in the store, out of history.
 */
export async function ingestWorkflow(payloadIds: string[]): Promise<IngestResult> {
  const { stored, alreadyStored } = await storePayloads(payloadIds);
  const { rulesEvaluated } = await evaluateAlerts(payloadIds);
  return { stored, alreadyStored, rulesEvaluated };
}
