import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { alertAbsenceWorkflow } from '@logstag/workflows';
import { alertAbsence } from '../contracts';
import type { ScheduleDefinition } from './schedule-service';

/** The absence pass of alert rules (target silent, agent silent): every 30 s, never two at once, no catch-up of missed passes. */
export function alertAbsenceSchedule(): ScheduleDefinition<typeof alertAbsenceWorkflow> {
  return {
    scheduleId: alertAbsence.scheduleId,
    spec: { intervals: [{ every: '30 seconds' }] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    workflowType: alertAbsence.workflowType satisfies (typeof alertAbsenceWorkflow)['name'],
    args: [],
  };
}
