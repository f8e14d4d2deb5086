// The schedule service against the real Temporal dev server: per-target Schedules (health reports next) created,
// updated and deleted idempotently. Intervals are hours long, so nothing fires during the test and no worker is needed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_RETENTION } from '@logstag/store';
import { scheduleIds, TASK_QUEUE, workflowTypes } from '../src/contracts';
import { createScheduleService, type ScheduleDefinition, type ScheduleService } from '../src/schedules/schedule-service';
import { startTestTemporal } from '../testing';

const HOUR_MS = 3_600_000;

/** A target's schedule every `hours` hours (the workflow it names is never started within the test). */
function targetSchedule(organizationId: string, targetId: string, hours: number): ScheduleDefinition {
  return {
    scheduleId: scheduleIds.healthReport(organizationId, targetId),
    spec: { intervals: [{ every: `${hours} hours` }] },
    workflowType: workflowTypes.retention,
    args: [DEFAULT_RETENTION],
  };
}

async function scheduleIdsListed(client: Client, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of client.schedule.list()) if (s.scheduleId.startsWith(prefix)) ids.push(s.scheduleId);
  return ids;
}

/** Schedule listing goes through visibility, which follows writes by a moment. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('schedule service (real Temporal dev server)', () => {
  let env: TestWorkflowEnvironment;
  let schedules: ScheduleService;
  const org = `org-${randomUUID()}`;

  beforeAll(async () => {
    env = await startTestTemporal();
    schedules = createScheduleService(env.client);
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  const describeSchedule = (id: string) => env.client.schedule.getHandle(id).describe();

  it('creates a schedule once however often it is put, on Logstag task queue, with the id naming organization and target', async () => {
    const def = targetSchedule(org, 'pg-main', 4);
    expect(await schedules.put(def)).toBe('created');
    expect(await schedules.put(def)).toBe('updated');
    await expect(Promise.all([schedules.put(def), schedules.put(def)])).resolves.toEqual(['updated', 'updated']);

    const listed = await eventually(() => scheduleIdsListed(env.client, `health-report:${org}:`), (ids) => ids.length > 0);
    expect(listed).toEqual([`health-report:${org}:pg-main`]);
    const d = await describeSchedule(def.scheduleId);
    expect(d.spec.intervals?.map((i) => i.every)).toEqual([4 * HOUR_MS]);
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: TASK_QUEUE, args: [DEFAULT_RETENTION] });
  });

  it('updates the spec of an existing schedule and keeps an operator’s pause', async () => {
    const id = scheduleIds.healthReport(org, 'mysql-1');
    await schedules.put(targetSchedule(org, 'mysql-1', 4));
    await env.client.schedule.getHandle(id).pause('paused by an operator');

    expect(await schedules.put(targetSchedule(org, 'mysql-1', 24))).toBe('updated');
    const d = await describeSchedule(id);
    expect(d.spec.intervals?.map((i) => i.every)).toEqual([24 * HOUR_MS]);
    expect(d.state.paused).toBe(true);
  });

  it('ensure creates once and then leaves the schedule as it is', async () => {
    const id = scheduleIds.healthReport(org, 'redis-1');
    expect(await schedules.ensure(targetSchedule(org, 'redis-1', 4))).toBe('created');
    expect(await schedules.ensure(targetSchedule(org, 'redis-1', 78))).toBe('exists');
    expect((await describeSchedule(id)).spec.intervals?.map((i) => i.every)).toEqual([4 * HOUR_MS]);
  });

  it('removes a schedule, and removing one that does not exist (any more) is fine', async () => {
    const id = scheduleIds.healthReport(org, 'mongo-1');
    await schedules.put(targetSchedule(org, 'mongo-1', 4));
    expect(await schedules.remove(id)).toBe('deleted');
    await expect(describeSchedule(id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await schedules.remove(id)).toBe('absent');
    expect(await schedules.remove(scheduleIds.healthReport(org, `never-${randomUUID()}`))).toBe('absent');

    // A put after a remove creates it again.
    expect(await schedules.put(targetSchedule(org, 'mongo-1', 4))).toBe('created');
  });
});
