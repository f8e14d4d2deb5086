// The delivery workflow on the real Temporal dev server and PostgreSQL 15, delivering signed webhooks to a loopback
// receiver that verifies them with the `standardwebhooks` package and misbehaves on demand.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import {
  loopbackDeliveryDeps,
  newSigningSecret,
  notification,
  ok,
  startReceiver,
  testIntegration,
  testOrganization,
  type Receiver,
} from '@logstag/activities/delivery-testing';
import { createSecretBox, findDelivery, findIntegration, listAuditEvents, listDeliveryAttempts, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { createWorker, TASK_QUEUE } from '@logstag/temporal';
import { workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { DeliveryResult, NotificationRequest } from '@logstag/schema';
import type { DeliveryOptions } from '../src/delivery.workflow';

describe('deliveryWorkflow with signed webhooks (Temporal dev server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;
  let receiver: Receiver;
  let org: string;
  const secret = newSigningSecret();

  beforeAll(async () => {
    [env, tdb] = await Promise.all([startTestTemporal(), createTestDatabase()]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 6 });
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'logstag',
      activities: createActivities({ db: store.db, delivery: loopbackDeliveryDeps }),
    });
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
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.check = null;
  });

  const webhook = (secrets: Record<string, unknown> = { signingSecret: secret, previousSigningSecret: null }, url = receiver.url) =>
    testIntegration(store.db, org, 'webhook', { url }, secrets);

  async function deliver(request: NotificationRequest, options: DeliveryOptions = { schedule: [200, 200, 200] }): Promise<DeliveryResult> {
    return env.client.workflow.execute(workflowTypes.delivery, {
      workflowId: workflowIds.delivery(request.notificationId),
      taskQueue: TASK_QUEUE,
      args: [request, options],
    }) as Promise<DeliveryResult>;
  }

  it('delivers a notification as a Standard Webhook the standardwebhooks package verifies, and records the attempt', async () => {
    const id = await webhook();
    const request = notification(org, id);
    const result = await deliver(request);
    expect(result).toMatchObject({ deliveryId: request.notificationId, outcome: 'delivered', attempts: 1, lastStatus: 200, lastError: null });

    expect(receiver.requests).toHaveLength(1);
    const r = receiver.requests[0]!;
    const verified = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: { episodeId: string; alert: { summary: string } } };
    expect(verified.type).toBe('alert.trigger');
    expect(verified.data.episodeId).toBe(request.episodeId);
    expect(verified.data.alert.summary).toBe(request.alert.summary);
    expect(r.headers['webhook-id']).toMatch(/^msg_/);

    const row = await findDelivery(store.db, request.notificationId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_status: 200, integration_id: id });
    const attempts = await listDeliveryAttempts(store.db, [request.notificationId]);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, verdict: 'delivered', status: 200, response_excerpt: 'ok' });
    expect(attempts[0]!.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('retries a 500 and a reset connection, keeping the same webhook-id, and records every attempt', async () => {
    const id = await webhook();
    receiver.script({ kind: 'status', status: 500, body: 'db down' }, { kind: 'reset' }, ok());
    const request = notification(org, id);
    const result = await deliver(request);
    expect(result).toMatchObject({ outcome: 'delivered', attempts: 3, lastStatus: 200 });
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    // Each attempt is signed anew (its own timestamp) and verifies.
    for (const r of receiver.requests) new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
    const attempts = await listDeliveryAttempts(store.db, [request.notificationId]);
    expect(attempts.map((a) => [a.attempt, a.verdict, a.status])).toEqual([
      [1, 'retry', 500],
      [2, 'retry', null],
      [3, 'delivered', 200],
    ]);
    expect(attempts[0]!.response_excerpt).toBe('db down');
    expect(attempts[1]!.error).toMatch(/no answer \(ECONNRESET\)/);
  });

  it('honours Retry-After in seconds and as an HTTP date over a shorter schedule', async () => {
    const id = await webhook();
    const t0 = Date.now();
    // An HTTP date has whole seconds: this one is 4 to 5 s after t0.
    const inFive = new Date(t0 + 5_000).toUTCString();
    receiver.script({ kind: 'status', status: 429, headers: { 'retry-after': '2' } }, { kind: 'status', status: 503, headers: { 'retry-after': inFive } }, ok());
    const request = notification(org, id);
    const result = await deliver(request, { schedule: [100, 100] });
    expect(result).toMatchObject({ outcome: 'delivered', attempts: 3 });
    const [a, b, c] = receiver.requests.map((r) => r.at);
    // A 100 ms schedule, but the receiver asked for 2 s, then until a date 4 to 5 s after the start.
    expect(b! - a!).toBeGreaterThanOrEqual(1_900);
    expect(c! - t0).toBeGreaterThanOrEqual(3_900);
    const attempts = await listDeliveryAttempts(store.db, [request.notificationId]);
    expect(attempts[0]!.retry_after_ms).toBe(2_000);
    expect(attempts[1]!.retry_after_ms).toBeGreaterThan(0);
  });

  it('fails a redirect without following it, and a 400 without retrying', async () => {
    const id = await webhook();
    receiver.script({ kind: 'status', status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const redirected = await deliver(notification(org, id));
    expect(redirected).toMatchObject({ outcome: 'failed', attempts: 1, lastStatus: 302 });
    expect(redirected.lastError).toMatch(/redirect 302 not followed/);

    receiver.script({ kind: 'status', status: 400, body: 'bad payload' });
    const refused = await deliver(notification(org, id));
    expect(refused).toMatchObject({ outcome: 'failed', attempts: 1, lastStatus: 400 });
    expect(receiver.requests).toHaveLength(2);
  });

  it('gives up after the schedule with the delivery failed and every attempt listed', async () => {
    const id = await webhook();
    receiver.fallback = { kind: 'status', status: 502 };
    try {
      const request = notification(org, id);
      const result = await deliver(request, { schedule: [100, 100, 100] });
      expect(result).toMatchObject({ outcome: 'failed', attempts: 4, lastStatus: 502 });
      expect(result.lastError).toMatch(/retries exhausted after 4 attempts/);
      expect(await findDelivery(store.db, request.notificationId)).toMatchObject({ status: 'failed', attempts: 4, last_status: 502 });
      expect((await listDeliveryAttempts(store.db, [request.notificationId])).map((a) => a.status)).toEqual([502, 502, 502, 502]);
    } finally {
      receiver.fallback = ok();
    }
  });

  it('disables the integration on 410 Gone, audit-logs it, and sends nothing more through it', async () => {
    const id = await webhook();
    receiver.script({ kind: 'status', status: 410 });
    const result = await deliver(notification(org, id));
    expect(result).toMatchObject({ outcome: 'integration_disabled', attempts: 1, lastStatus: 410 });
    const integration = await findIntegration(store.db, org, id);
    expect(integration).toMatchObject({ enabled: false });
    expect(integration!.disabled_reason).toMatch(/410 Gone/);
    const events = await listAuditEvents(store.db, { organizationId: org, action: 'integration.disabled', objectId: id }, 10);
    expect(events).toHaveLength(1);

    const next = await deliver(notification(org, id));
    expect(next).toMatchObject({ outcome: 'integration_disabled', attempts: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('signs with both secrets during a rotation: a receiver with either one verifies', async () => {
    const previous = newSigningSecret();
    const id = await webhook({ signingSecret: secret, previousSigningSecret: previous });
    await deliver(notification(org, id));
    const r = receiver.requests[0]!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [secret, previous]) new Webhook(s).verify(r.body, r.headers as Record<string, string>);
    expect(() => new Webhook(newSigningSecret()).verify(r.body, r.headers as Record<string, string>)).toThrow();
  });

  it('starts one delivery per notification id: asking twice sends once', async () => {
    const id = await webhook();
    const request = notification(org, id);
    const first = await deliver(request);
    expect(first.outcome).toBe('delivered');
    // Started again under the same id once the first run completed (the default id reuse policy allows it): the
    // delivery row already ended, so the second run reports it and sends nothing.
    const again = await deliver(request);
    expect(again).toMatchObject({ deliveryId: request.notificationId, outcome: 'delivered', attempts: 0 });
    expect(again.lastError).toMatch(/^already delivered/);
    expect(receiver.requests).toHaveLength(1);
    expect((await listDeliveryAttempts(store.db, [request.notificationId])).length).toBe(1);
  });

  it('fails at once, with the reason, when the integration was sealed with another secret key', async () => {
    const id = await testIntegration(store.db, org, 'webhook', { url: receiver.url }, { signingSecret: secret, previousSigningSecret: null }, createSecretBox(randomBytes(32)));
    const result = await deliver(notification(org, id));
    expect(result).toMatchObject({ outcome: 'failed', attempts: 0 });
    expect(result.lastError).toMatch(/settings cannot be read: .*LOGSTAG_SECRET_KEY/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a private destination that the allowlist does not name, without retrying', async () => {
    const strictWorkerQueue = `strict-${randomUUID()}`;
    const strict = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'logstag',
      taskQueue: strictWorkerQueue,
      activities: createActivities({ db: store.db, delivery: { ...loopbackDeliveryDeps, destinations: { allow: [] } } }),
    });
    const id = await webhook();
    const request = notification(org, id);
    const result = (await strict.runUntil(
      env.client.workflow.execute(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: strictWorkerQueue, args: [request, {}] }),
    )) as DeliveryResult;
    expect(result).toMatchObject({ outcome: 'failed', attempts: 1, lastStatus: null });
    expect(result.lastError).toMatch(/destination refused .*loopback/);
    expect(receiver.requests).toHaveLength(0);
  });
});
