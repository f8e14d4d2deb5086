// The two retry profiles at their real lengths, on Temporal's time-skipping test server: a receiver that keeps
// answering 503 makes the delivery wait out the whole schedule (about 17 minutes urgent, about 75 hours durable), in
// seconds of wall time. The waits are read from the workflow's own timers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { loopbackDeliveryDeps, notification, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { listDeliveryAttempts, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import { startTimeSkippingTemporal } from '@logstag/temporal/testing';
import { RETRY_SCHEDULES, type DeliveryResult, type IntegrationKind } from '@logstag/schema';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('delivery retry profiles at full length (time-skipping test server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let tdb: TestDatabase;
  let store: Store;
  let receiver: Receiver;
  let org: string;

  beforeAll(async () => {
    [env, tdb, bundle] = await Promise.all([
      startTimeSkippingTemporal(),
      createTestDatabase(),
      bundleWorkflowCode({
        workflowsPath: new URL('../src/delivery.workflow.ts', import.meta.url).pathname,
        logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
      }),
    ]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
    receiver = await startReceiver();
    receiver.fallback = { kind: 'status', status: 503, body: 'maintenance' };
    org = await testOrganization(store.db);
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  async function exhaust(kind: IntegrationKind, secrets: Record<string, unknown>, config: Record<string, unknown>) {
    const id = await testIntegration(store.db, org, kind, config, secrets);
    const request = notification(org, id);
    const taskQueue = `delivery-schedule-${kind}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
      activities: createActivities({ db: store.db, delivery: loopbackDeliveryDeps }),
    });
    const handle = await env.client.workflow.start(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue, args: [request] });
    const result = (await worker.runUntil(handle.result())) as DeliveryResult;
    const history = await handle.fetchHistory();
    const timers = (history.events ?? [])
      .map((e) => e.timerStartedEventAttributes?.startToFireTimeout)
      .filter((t) => !!t)
      .map((t) => Number(t!.seconds ?? 0) * 1000 + Math.round((t!.nanos ?? 0) / 1e6));
    const attempts = await listDeliveryAttempts(store.db, [request.notificationId]);
    return { result, timers, attempts };
  }

  it('urgent (PagerDuty): 9 attempts over about 17 minutes with jittered waits, then failed', async () => {
    receiver.requests.length = 0;
    const { result, timers, attempts } = await exhaust('pagerduty', { routingKey: 'R0UT1NGKEY0000000000000000000000' }, { apiUrl: receiver.url });
    expect(result).toMatchObject({ outcome: 'failed', attempts: 9, lastStatus: 503 });
    expect(attempts).toHaveLength(9);
    expect(receiver.requests).toHaveLength(9);
    const schedule = RETRY_SCHEDULES.urgent;
    expect(timers).toHaveLength(schedule.length);
    // Each wait is the schedule's ±20 %, and not all equal to it (jitter).
    timers.forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual(schedule[i]! * 0.8 - 1);
      expect(t).toBeLessThanOrEqual(schedule[i]! * 1.2 + 1);
    });
    expect(timers.some((t, i) => t !== schedule[i])).toBe(true);
    const total = timers.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(13 * MINUTE);
    expect(total).toBeLessThan(21 * MINUTE);
  });

  it('durable (webhook): the Standard Webhooks schedule, 10 attempts over about 75 hours, then failed', async () => {
    receiver.requests.length = 0;
    const { result, timers, attempts } = await exhaust('webhook', { signingSecret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, previousSigningSecret: null }, { url: receiver.url });
    expect(result).toMatchObject({ outcome: 'failed', attempts: 10, lastStatus: 503 });
    expect(attempts.map((a) => a.status)).toEqual(Array(10).fill(503));
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const total = timers.reduce((a, b) => a + b, 0);
    expect(timers).toHaveLength(RETRY_SCHEDULES.durable.length);
    expect(total).toBeGreaterThan(60 * HOUR);
    expect(total).toBeLessThan(91 * HOUR);
  });
});
