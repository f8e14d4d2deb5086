// A worker process (LOGSTAG_ROLE=worker) SIGKILLed while a delivery's request is at the receiver: the attempt's
// heartbeats stop, Temporal retries it on another worker process, and the receiver, which de-duplicates on
// webhook-id, notifies exactly once. The delivery ends delivered with its attempt recorded.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { newSigningSecret, notification, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { createSecretBox, findDelivery, listDeliveryAttempts, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { DeliveryResult } from '@logstag/schema';
import { waitFor } from './context';

const ROOT = resolve(import.meta.dirname, '../..');

describe('a worker killed in the middle of a delivery', () => {
  let temporal: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  let receiver: Receiver;
  const workers: ChildProcess[] = [];
  const key = randomBytes(32);

  async function startWorker(): Promise<ChildProcess> {
    let err = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOGSTAG_ROLE: 'worker',
        TEMPORAL_ADDRESS: temporal.address,
        DATABASE_URL: tdb.url,
        LOGSTAG_SECRET_KEY: key.toString('base64'),
        LOGSTAG_OUTBOUND_ALLOW: '127.0.0.0/8',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.push(child);
    child.stderr?.on('data', (d) => (err += d));
    await new Promise<void>((ready, fail) => {
      child.stdout?.on('data', (d) => String(d).includes('worker is running') && ready());
      child.once('exit', (code) => fail(new Error(`worker exited ${code}: ${err}`)));
    });
    return child;
  }

  beforeAll(async () => {
    [temporal, tdb, receiver] = await Promise.all([startTestTemporal(), createTestDatabase(), startReceiver()]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await receiver?.close();
    await store?.close();
    await temporal?.teardown();
    await tdb?.drop();
  });

  it('is delivered exactly once to a receiver that de-duplicates on webhook-id', async () => {
    const org = await testOrganization(store.db);
    const integration = await testIntegration(store.db, org, 'webhook', { url: receiver.url }, { signingSecret: newSigningSecret(), previousSigningSecret: null }, createSecretBox(key));
    // The receiver takes the first request in and holds its answer past the kill.
    receiver.script({ kind: 'late', status: 200, delayMs: 120_000 });
    const first = await startWorker();
    const request = notification(org, integration);
    const handle = await temporal.client.workflow.start(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: TASK_QUEUE, args: [request] });
    await waitFor(async () => receiver.requests.length >= 1, 30_000, 'the first request to reach the receiver');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await startWorker();

    const result = (await handle.result()) as DeliveryResult;
    expect(result).toMatchObject({ outcome: 'delivered', attempts: 1, lastStatus: 200 });
    // Sent twice (the first answer never came back), with one webhook-id: a dedup-aware receiver notifies once.
    expect(receiver.requests).toHaveLength(2);
    const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(await findDelivery(store.db, request.notificationId)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect((await listDeliveryAttempts(store.db, [request.notificationId])).map((a) => [a.attempt, a.verdict, a.status])).toEqual([[1, 'delivered', 200]]);
  });
});
