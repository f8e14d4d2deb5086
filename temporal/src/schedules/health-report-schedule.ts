import { ScheduleOverlapPolicy } from '@temporalio/client';
import { DEFAULT_FREQUENCY_HOURS, type Frequency } from '@logstag/schema/health';
import type { healthReportWorkflow } from '@logstag/workflows';
import { scheduleIds, workflowIds, workflowTypes } from '../contracts';
import type { ScheduleDefinition, ScheduleService } from './schedule-service';

/** Hours per frequency class: PMM's 4 h / 24 h / 78 h unless the deployment (or a test) says otherwise. */
export type FrequencyHours = Readonly<Record<Frequency, number>>;

/** A target's health report on its frequency class: every N hours, never two at once, a missed run caught up within its period. */
export function healthReportSchedule(
  organizationId: string,
  targetId: string,
  frequency: Frequency,
  hours: FrequencyHours = DEFAULT_FREQUENCY_HOURS,
): ScheduleDefinition<typeof healthReportWorkflow> {
  const every = hours[frequency];
  const everyMs = Math.max(1_000, Math.round(every * 3_600_000));
  return {
    scheduleId: scheduleIds.healthReport(organizationId, targetId),
    spec: { intervals: [{ every: everyMs }] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(60_000, everyMs) },
    workflowType: workflowTypes.healthReport satisfies (typeof healthReportWorkflow)['name'],
    workflowId: workflowIds.healthReport(organizationId, targetId),
    args: [{ organizationId, targetId, trigger: 'schedule', schedule: { periodHours: every, hours } }],
  };
}

/** Puts (creates or updates) the schedules of the given targets; removing a target removes its schedule. */
export async function putHealthReportSchedules(
  schedules: ScheduleService,
  targets: ReadonlyArray<{ organizationId: string; targetId: string; frequency: Frequency }>,
  hours: FrequencyHours = DEFAULT_FREQUENCY_HOURS,
): Promise<void> {
  for (const t of targets) await schedules.put(healthReportSchedule(t.organizationId, t.targetId, t.frequency, hours));
}
