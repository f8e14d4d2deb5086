import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '@logstag/activities';

const { evaluateAbsence } = proxyActivities<Activities>({
  // A pass reads every organization's targets and agents: short, and the next pass is 30 s away, so few retries.
  startToCloseTimeout: '25 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 3 },
});

/** One absence pass (target silent, agent silent), started by the `alert-absence` Schedule every 30 s. */
export async function alertAbsenceWorkflow(): Promise<{ rulesEvaluated: number; silent: number; transitions: number }> {
  return evaluateAbsence();
}
