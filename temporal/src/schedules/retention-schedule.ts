import { ScheduleOverlapPolicy } from '@temporalio/client';
import { DEFAULT_RETENTION, type RetentionPolicy } from '@logstag/store';
import type { retentionWorkflow } from '@logstag/workflows';
import { scheduleIds, workflowTypes } from '../contracts';
import { alertAbsenceSchedule } from './alert-absence-schedule';
import type { ScheduleDefinition, ScheduleService } from './schedule-service';

/** The deployment's retention pass: partitions ahead, rollups, expired data dropped. */
export function retentionSchedule(policy: RetentionPolicy = DEFAULT_RETENTION): ScheduleDefinition<typeof retentionWorkflow> {
  return {
    scheduleId: scheduleIds.retention,
    // Every 5 minutes: the live rollup window is 15 minutes, so a missed run or two loses nothing.
    spec: { intervals: [{ every: '5 minutes' }] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
    workflowType: workflowTypes.retention satisfies (typeof retentionWorkflow)['name'],
    args: [policy],
  };
}

/**
 * Creates the Temporal Schedules Logstag relies on, once: a second start (or another replica) finds them and leaves
 * them as they are, so an operator's pause or changed interval survives restarts.
 */
export async function ensureSchedules(schedules: ScheduleService, policy: RetentionPolicy = DEFAULT_RETENTION): Promise<void> {
  await schedules.ensure(retentionSchedule(policy));
  await schedules.ensure(alertAbsenceSchedule());
}
