// The health report workflow on the real Temporal dev server and PostgreSQL 15: a target's Schedule, time-shortened
// (the frequent class every 2 s instead of 4 h), fires and stores reports, each diffed with the one before; run-now
// starts the same workflow on demand. The target's data are recorded PostgreSQL collections stored by storePayloads.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { insertPayloadRows, type PayloadJson } from '@logstag/activities/testing';
import { listHealthReports, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { createScheduleService, createWorker, healthReportSchedule, TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { HealthReportResult } from '../src/health-report.workflow';

const ORG = 'org-health-wf';
const TARGET = 'pg-shop';

/** The recorded PostgreSQL payloads as new collections of the last minutes (fresh ids, times shifted to now). */
function recordedBodies(): PayloadJson[] {
  const lines = readFileSync(new URL('../../api/test/fixtures/postgresql.jsonl', import.meta.url), 'utf8').trim().split('\n');
  const now = Date.now();
  return lines.map((l, i) => {
    const p = JSON.parse(l) as PayloadJson;
    return { ...p, id: randomUUID(), targetId: TARGET, collectedAt: new Date(now - (lines.length - i) * 5_000).toISOString() };
  });
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the health report workflow (Temporal dev server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    [env, tdb] = await Promise.all([startTestTemporal(), createTestDatabase('logstag_health_wf')]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
    const activities = createActivities({ db: store.db });
    const ids = await insertPayloadRows(store.db, ORG, recordedBodies());
    await new MockActivityEnvironment().run(activities.storePayloads, ids);
    worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'logstag', activities });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await store?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  it('the target\'s Schedule fires on its (shortened) class and stores reports, each diffed with the one before', async () => {
    const schedules = createScheduleService(env.client);
    const def = healthReportSchedule(ORG, TARGET, 'frequent', { frequent: 2 / 3600, standard: 1, rare: 1 });
    expect(def.scheduleId).toBe(`health-report:${ORG}:${TARGET}`);
    await schedules.put(def);
    try {
      const reports = await eventually(() => listHealthReports(store.db, ORG, TARGET, 10), (r) => r.length >= 2, 45_000);
      expect(reports.length).toBeGreaterThanOrEqual(2);
      const [second, first] = reports as [(typeof reports)[number], (typeof reports)[number]];
      expect(second.trigger).toBe('schedule');
      expect(second.previous_id).toBe(first.id);
      // Same stored data, same catalog: the first report's findings are all new, the second's all unchanged.
      const counts = second.counts as { findings: number; fail: number; skipped: number };
      expect(counts.findings).toBeGreaterThan(0);
      expect(counts.skipped).toBeGreaterThan(0);
      expect(second.score).toBe(first.score);
      const full = await store.db.selectFrom('health_reports').select(['id', 'diff']).where('id', 'in', [first.id, second.id]).execute();
      const diffOf = (id: string) => (full.find((r) => r.id === id)!.diff as Array<{ state: string }>).map((d) => d.state);
      expect(new Set(diffOf(first.id))).toEqual(new Set(['new']));
      expect(new Set(diffOf(second.id))).toEqual(new Set(['unchanged']));
      const desc = await env.client.schedule.getHandle(def.scheduleId).describe();
      expect(desc.action.type === 'startWorkflow' && desc.action.workflowType).toBe(workflowTypes.healthReport);
    } finally {
      await schedules.remove(def.scheduleId);
    }
  }, 60_000);

  it('runs now on demand with the manual trigger', async () => {
    const result = (await env.client.workflow.execute(workflowTypes.healthReport, {
      workflowId: `${workflowIds.healthReport(ORG, TARGET)}:now:${randomUUID()}`,
      taskQueue: TASK_QUEUE,
      args: [{ organizationId: ORG, targetId: TARGET, trigger: 'manual' }],
    })) as HealthReportResult;
    expect(result.reportId).toMatch(/^[0-9a-f-]{36}$/);
    const [latest] = await listHealthReports(store.db, ORG, TARGET, 1);
    expect(latest).toMatchObject({ id: result.reportId, trigger: 'manual' });
  }, 30_000);

  it('keeps a target\'s reports for the retention period, and always its newest', async () => {
    expect((await listHealthReports(store.db, ORG, TARGET, 100)).length).toBeGreaterThanOrEqual(3);
    const activities = createActivities({ db: store.db });
    await new MockActivityEnvironment().run(activities.runHealthReport, { organizationId: ORG, targetId: TARGET, trigger: 'manual' as const, retentionDays: 0 });
    expect(await listHealthReports(store.db, ORG, TARGET, 100)).toHaveLength(1);
  }, 30_000);

  it('a scheduled run evaluates the classes due and carries the others forward', async () => {
    const schedules = createScheduleService(env.client);
    // Frequent every 2 s; the standard and rare classes an hour: the runs after the first carry them forward.
    const def = healthReportSchedule(ORG, TARGET, 'frequent', { frequent: 2 / 3600, standard: 1, rare: 1 });
    const before = (await listHealthReports(store.db, ORG, TARGET, 100)).length;
    await schedules.put(def);
    try {
      await eventually(() => listHealthReports(store.db, ORG, TARGET, 100), (r) => r.length >= before + 1, 30_000);
      const [latest] = await listHealthReports(store.db, ORG, TARGET, 1);
      const row = await store.db.selectFrom('health_reports').select('results').where('id', '=', latest!.id).executeTakeFirstOrThrow();
      const results = row.results as Array<{ ruleId: string; carried?: boolean }>;
      expect(results.find((r) => r.ruleId === 'pg.config.fsync-off')?.carried).toBe(true);
      expect(results.find((r) => r.ruleId === 'pg.performance.blocked-sessions')?.carried).toBeUndefined();
    } finally {
      await schedules.remove(def.scheduleId);
    }
  }, 45_000);
});
