// A test-only workflow (bundled by time-skipping.test.ts, never by the worker): it waits like the coming escalation
// timers do, and reports the workflow clock before and after, which is the server's (skipped) time.
import { proxyActivities, sleep } from '@temporalio/workflow';

const { recordWake } = proxyActivities<{ recordWake(at: number): Promise<number> }>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

export interface WaitResult {
  startedAt: number;
  wokeAt: number;
  /** What the activity saw: activities run on the worker's real clock, only timers are skipped. */
  activityAnswer: number;
}

export async function waitingWorkflow(wait: string): Promise<WaitResult> {
  const startedAt = Date.now();
  await sleep(wait);
  const wokeAt = Date.now();
  return { startedAt, wokeAt, activityAnswer: await recordWake(wokeAt) };
}
