import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '@logstag/activities';
import type { RetentionPolicy } from '@logstag/store';

const { createPartitionsAhead, buildRollups, dropExpiredPartitions } = proxyActivities<Activities>({
  // A rollup pass over a large backlog of replayed hours can take minutes; each step is idempotent.
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

export interface RetentionResult {
  partitionsCreated: number;
  pendingHours: number;
  dropped: string[];
}

/**
 * Run by the `retention` Temporal Schedule: partitions for the coming days, rollups of the live window and of replayed
 * hours, then expired partitions dropped. Every step is idempotent, so an overlapping or retried run is harmless.
 */
export async function retentionWorkflow(policy: RetentionPolicy, daysAhead = 3): Promise<RetentionResult> {
  const { created } = await createPartitionsAhead(daysAhead);
  const { pendingHours } = await buildRollups();
  const { dropped } = await dropExpiredPartitions(policy);
  return { partitionsCreated: created, pendingHours, dropped };
}
