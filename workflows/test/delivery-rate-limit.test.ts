// A burst of Slack notifications to one channel on the real Temporal dev server: the per-channel token bucket spaces
// them about a second apart, so a receiver that allows 1 message/s never answers 429 and none is dropped; when it
// does answer 429 with Retry-After, the delivery waits that long and succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { checkSlack, loopbackDeliveryDeps, notification, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { listDeliveryAttempts, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { createWorker, TASK_QUEUE } from '@logstag/temporal';
import { workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { DeliveryResult, NotificationRequest } from '@logstag/schema';

describe('rate limits per destination (Temporal dev server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;
  let receiver: Receiver;
  let org: string;

  beforeAll(async () => {
    [env, tdb] = await Promise.all([startTestTemporal(), createTestDatabase()]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 10 });
    worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'logstag', activities: createActivities({ db: store.db, delivery: loopbackDeliveryDeps }) });
    running = worker.run();
    receiver = await startReceiver();
    org = await testOrganization(store.db);
  });
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await receiver?.close();
    await store?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  const deliver = (request: NotificationRequest) =>
    env.client.workflow.execute(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: TASK_QUEUE, args: [request, { schedule: [200, 200] }] }) as Promise<DeliveryResult>;

  it('spaces a burst of 6 to one channel about a second apart: all delivered, none refused', async () => {
    // The receiver behaves like Slack and refuses messages that come too close together (600 ms, a margin under the
    // bucket's 1 s for timers that fire late on a loaded machine); without the bucket all 6 arrive within ~100 ms.
    let lastAt = 0;
    receiver.check = (r) => {
      const refusal = checkSlack(r);
      if (refusal) return refusal;
      const tooSoon = r.at - lastAt < 600;
      lastAt = r.at;
      return tooSoon && receiver.requests.length > 1 ? 'rate_limited (test receiver: under 600 ms since the previous message)' : null;
    };
    const id = await testIntegration(store.db, org, 'slack', { channel: '#db' }, { webhookUrl: receiver.url });
    const requests = Array.from({ length: 6 }, () => notification(org, id));
    const started = Date.now();
    const results = await Promise.all(requests.map(deliver));
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill('delivered'));
    expect(results.map((r) => r.attempts)).toEqual(Array(6).fill(1));
    expect(receiver.requests).toHaveLength(6);
    const times = receiver.requests.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(600);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    receiver.check = null;
  });

  it('waits out a Slack 429 with Retry-After, then delivers', async () => {
    receiver.requests.length = 0;
    receiver.script({ kind: 'status', status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' });
    const id = await testIntegration(store.db, org, 'slack', { channel: '#other' }, { webhookUrl: `${receiver.url}?c=other` });
    const request = notification(org, id);
    const result = await deliver(request);
    expect(result).toMatchObject({ outcome: 'delivered', attempts: 2 });
    const [a, b] = receiver.requests.map((r) => r.at);
    expect(b! - a!).toBeGreaterThanOrEqual(1_900);
    const attempts = await listDeliveryAttempts(store.db, [request.notificationId]);
    expect(attempts[0]).toMatchObject({ status: 429, retry_after_ms: 2000, response_excerpt: 'rate_limited' });
  });
});
