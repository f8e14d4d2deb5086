import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { E2eTestSettings } from '@logstag/schema';
import { listEnabledE2eTestSettings, type Db } from '@logstag/store';
import type { integrationE2eTestWorkflow } from '@logstag/workflows';
import { scheduleIds, workflowIds, workflowTypes } from '../contracts';
import type { ScheduleDefinition, ScheduleService } from './schedule-service';

/**
 * An organization's daily end-to-end test of its integrations: every day at the chosen hour of its time zone (Temporal
 * keeps the hour across daylight-saving changes), never two at once; a run missed by under an hour (server down) still
 * runs, an older one waits for the next day.
 */
export function integrationE2eTestSchedule(organizationId: string, settings: Pick<E2eTestSettings, 'hour' | 'timeZone'>): ScheduleDefinition<typeof integrationE2eTestWorkflow> {
  return {
    scheduleId: scheduleIds.integrationE2eTest(organizationId),
    spec: { calendars: [{ hour: settings.hour, minute: 0, second: 0, comment: 'daily end-to-end test of integrations' }], timezone: settings.timeZone },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    workflowType: workflowTypes.integrationE2eTest satisfies (typeof integrationE2eTestWorkflow)['name'],
    workflowId: workflowIds.integrationE2eTest(organizationId),
    args: [{ organizationId }],
  };
}

/** Brings the organization's Schedule to its setting: put when on, removed when off. */
export async function applyIntegrationE2eTestSchedule(schedules: ScheduleService, organizationId: string, settings: E2eTestSettings): Promise<'scheduled' | 'removed'> {
  if (!settings.enabled) {
    await schedules.remove(scheduleIds.integrationE2eTest(organizationId));
    return 'removed';
  }
  await schedules.put(integrationE2eTestSchedule(organizationId, settings));
  return 'scheduled';
}

/**
 * Puts the Schedule of every organization whose setting is on, at start-up: a Temporal namespace that lost them (a
 * new cluster, the embedded server's file removed) gets them back; an existing one keeps its paused state.
 */
export async function restoreIntegrationE2eTestSchedules(schedules: ScheduleService, db: Db): Promise<number> {
  const enabled = await listEnabledE2eTestSettings(db);
  for (const s of enabled) await schedules.put(integrationE2eTestSchedule(s.organization_id, { hour: s.hour, timeZone: s.time_zone }));
  return enabled.length;
}
