// A delivery waiting out its back-off while its worker stops and the Temporal dev server is SIGKILLed and started
// again on the same SQLite file: the timer survives, a new worker makes the next attempt when it fires (not at once,
// not from the start of the schedule), and the delivery completes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { loopbackDeliveryDeps, newSigningSecret, notification, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { listDeliveryAttempts, openStore, type Store } from '@logstag/store';
import { connectClient, connectWorker, createWorker, freePort, startDevServer, TASK_QUEUE, workflowIds, workflowTypes, type DevServer } from '@logstag/temporal';
import { testTemporalCli } from '@logstag/temporal/testing';
import type { DeliveryResult } from '@logstag/schema';
import { waitFor } from './context';

describe('a delivery back-off across a worker stop and a Temporal dev server crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-delivery-restart-'));
  const dbFile = join(dir, 'temporal.db');
  let port: number;
  let server: DevServer;
  let store: Store;
  let client: Client;
  let connection: NativeConnection;
  let receiver: Receiver;

  const start = async () => startDevServer({ binary: testTemporalCli(), port, uiPort: null, dbFile, namespace: 'logstag', logFile: join(dir, 'temporal.log') });
  const runWorker = async (): Promise<{ worker: Worker; running: Promise<void> }> => {
    const worker = await createWorker({ connection, namespace: 'logstag', activities: createActivities({ db: store.db, delivery: loopbackDeliveryDeps }) });
    return { worker, running: worker.run() };
  };

  beforeAll(async () => {
    port = await freePort();
    server = await start();
    [store, receiver] = await Promise.all([openStore({ dataDir: join(dir, 'pglite') }), startReceiver()]);
    client = await connectClient({ address: server.address, namespace: 'logstag' });
    connection = await connectWorker({ address: server.address, namespace: 'logstag' });
  });
  afterAll(async () => {
    await connection?.close();
    await client?.connection.close();
    await server?.stop();
    await store?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the next attempt when the back-off ends, after the restarts', async () => {
    const org = await testOrganization(store.db);
    const id = await testIntegration(store.db, org, 'webhook', { url: receiver.url }, { signingSecret: newSigningSecret(), previousSigningSecret: null });
    receiver.script({ kind: 'status', status: 503, body: 'maintenance' });
    const request = notification(org, id);
    const first = await runWorker();
    // An 8 s back-off (±20 %): long enough to stop everything in the middle of it.
    const handle = await client.workflow.start(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: TASK_QUEUE, args: [request, { schedule: [8_000] }] });
    await waitFor(async () => {
      const history = await handle.fetchHistory();
      return (history.events ?? []).some((e) => e.timerStartedEventAttributes) || null;
    }, 20_000, 'the back-off timer to start');
    first.worker.shutdown();
    await first.running;
    await server.stop({ signal: 'SIGKILL' });
    server = await start();
    const second = await runWorker();
    try {
      const result = (await handle.result()) as DeliveryResult;
      expect(result).toMatchObject({ outcome: 'delivered', attempts: 2, lastStatus: 200 });
    } finally {
      second.worker.shutdown();
      await second.running;
    }
    const [a, b] = receiver.requests.map((r) => r.at);
    expect(b! - a!).toBeGreaterThanOrEqual(6_000);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect((await listDeliveryAttempts(store.db, [request.notificationId])).map((x) => [x.attempt, x.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
  });
});
