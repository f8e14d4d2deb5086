import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { DEFAULT_RETENTION, type RetentionPolicy } from '@logstag/activities';
import { TASK_QUEUE } from '@logstag/temporal/constants';
import type { retentionWorkflow } from '@logstag/workflows';

export const RETENTION_SCHEDULE_ID = 'retention';

/**
 * Creates the Temporal Schedules Logstag relies on, once: a second start (or another replica) finds them and leaves
 * them as they are, so an operator's pause or changed interval survives restarts.
 */
export async function ensureSchedules(client: Client, policy: RetentionPolicy = DEFAULT_RETENTION): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      // Every 5 minutes: the live rollup window is 15 minutes, so a missed run or two loses nothing.
      spec: { intervals: [{ every: '5 minutes' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      action: {
        type: 'startWorkflow',
        workflowType: 'retentionWorkflow' satisfies (typeof retentionWorkflow)['name'],
        taskQueue: TASK_QUEUE,
        args: [policy],
      },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
