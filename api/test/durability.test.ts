import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { payloadSchema } from '@logstag/schema';
import { openStore, payloadBodyFromJson, type Store } from '@logstag/store';
import { connectClient, connectWorker, createWorker, freePort, startDevServer, TASK_QUEUE, workflowIds, workflowTypes, type DevServer } from '@logstag/temporal';
import { testTemporalCli } from '@logstag/temporal/testing';
import { insertPayload } from '@logstag/store';
import { collectionPayload, waitFor } from './context';

/**
 * The Temporal dev server is killed while an ingest workflow is between its two steps, started again on the same
 * SQLite file, and the workflow finishes with each step's effect recorded exactly once.
 */
describe('durability across a Temporal dev server restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-durability-'));
  const dbFile = join(dir, 'temporal.db');
  let port: number;
  let server: DevServer;
  let store: Store;
  let client: Client;
  let workerConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  let evaluateReached!: () => void;
  const reached = new Promise<void>((r) => (evaluateReached = r));
  let releaseEvaluate!: () => void;
  const released = new Promise<void>((r) => (releaseEvaluate = r));
  let evaluateCalls = 0;
  const done = payloadSchema.parse(collectionPayload());
  const interrupted = payloadSchema.parse(collectionPayload({ id: uuidv7() }));

  const start = async () =>
    startDevServer({ binary: testTemporalCli(), port, uiPort: null, dbFile, namespace: 'logstag', logFile: join(dir, 'temporal.log') });

  beforeAll(async () => {
    port = await freePort();
    server = await start();
    store = await openStore({ dataDir: join(dir, 'pglite') });
    client = await connectClient({ address: server.address, namespace: 'logstag' });
    workerConnection = await connectWorker({ address: server.address, namespace: 'logstag' });
    const real = createActivities({ db: store.db });
    worker = await createWorker({
      connection: workerConnection,
      namespace: 'logstag',
      activities: {
        ...real,
        // The real activity, held at its start until the test has restarted the server.
        evaluateAlerts: async (ids: string[]) => {
          if (!ids.includes(interrupted.id)) return real.evaluateAlerts(ids);
          evaluateCalls += 1;
          evaluateReached();
          await released;
          return real.evaluateAlerts(ids);
        },
      },
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await workerRun?.catch(() => undefined);
    await workerConnection?.close();
    await client?.connection.close();
    await server?.stop();
    await store?.close();
  });

  it('completes a workflow interrupted by a crash of the server, losing no step and repeating none', async () => {
    // A workflow that finished before the crash must still be listed afterwards (visibility survives too).
    await insertPayload(store.db, 'org', done, await payloadBodyFromJson(done));
    await client.workflow.execute(workflowTypes.ingest, { workflowId: workflowIds.ingest(done.id), taskQueue: TASK_QUEUE, args: [[done.id]] });
    await insertPayload(store.db, 'org', interrupted, await payloadBodyFromJson(interrupted));

    const handle = await client.workflow.start(workflowTypes.ingest, { workflowId: workflowIds.ingest(interrupted.id), taskQueue: TASK_QUEUE, args: [[interrupted.id]] });
    await reached;
    const stored = await store.db.selectFrom('payloads').select(['status', 'store_count', 'evaluated_at']).where('id', '=', interrupted.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'stored', store_count: 1, evaluated_at: null });

    await server.stop({ signal: 'SIGKILL' });
    server = await start();
    releaseEvaluate();

    await expect(handle.result()).resolves.toEqual({ stored: 1, alreadyStored: 0, failed: 0, rulesEvaluated: 0 });
    const after = await store.db.selectFrom('payloads').select(['status', 'store_count', 'evaluated_at']).where('id', '=', interrupted.id).executeTakeFirstOrThrow();
    expect(after.store_count).toBe(1);
    expect(after.evaluated_at).toBeInstanceOf(Date);
    expect(evaluateCalls).toBeGreaterThanOrEqual(1);

    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(scheduled).toEqual(['storePayloads', 'evaluateAlerts']);

    const listed = await waitFor(async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowType = '${workflowTypes.ingest}'` })) ids.push(wf.workflowId);
      return ids.includes(workflowIds.ingest(interrupted.id)) ? ids : null;
    }, 20_000, 'the workflows to be listed after the restart');
    expect(listed).toEqual(expect.arrayContaining([workflowIds.ingest(done.id), workflowIds.ingest(interrupted.id)]));
  });
});
