import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '@logstag/activities';
import { payloadSchema, SCHEMA_VERSION } from '@logstag/schema';
import { openStore, payloadBodyFromJson, type Store } from '@logstag/store';
import { TASK_QUEUE, workflowBundle, workflowIds } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';

const HISTORIES = join(import.meta.dirname, 'histories');

// protobufjs's JSON form (what History.toJSON writes) read back with fromObject. The SDK's historyFromJSON is meant
// for the CLI's canonical JSON and trips over vitest loading two copies of protobufjs.
const historyFrom = (json: unknown) => temporal.api.history.v1.History.fromObject(json as Record<string, unknown>);

/**
 * Replays recorded histories of real runs against the current workflow code: a change that breaks determinism
 * (reordered activities, a new step without patching) fails here before it reaches running workflows.
 * `npm run record-histories -w @logstag/workflows` records fresh ones from the real dev server.
 */
describe('workflow replay', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  beforeAll(async () => {
    env = await startTestTemporal();
    store = await openStore({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await env?.teardown();
    await store?.close();
  });

  async function runIngestOnce(): Promise<{ workflowId: string; json: string }> {
    const id = crypto.randomUUID().replace(/^(.{14})./, '$17');
    const collectedAt = new Date().toISOString();
    // A real, schema-valid payload: the store activity normalizes what it stores.
    const body = payloadSchema.parse({
      id,
      kind: 'collection',
      agentId: 'agent-1',
      targetId: 'redis-1',
      engine: 'redis',
      category: 'runtime',
      collectedAt,
      schemaVersion: SCHEMA_VERSION,
      data: {},
    });
    await store.db
      .insertInto('payloads')
      .values({ id, organization_id: 'org', agent_id: 'agent-1', target_id: 'redis-1', engine: 'redis', category: 'runtime', kind: 'collection', collected_at: collectedAt, replayed: false, ...(await payloadBodyFromJson(body)) })
      .execute();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'logstag',
      taskQueue: TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ db: store.db }),
    });
    const workflowId = workflowIds.ingest(id);
    await worker.runUntil(env.client.workflow.execute('ingestWorkflow', { workflowId, taskQueue: TASK_QUEUE, args: [[id]] }));
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    // protobufjs's own JSON form; historyToJSON trips over vitest loading two copies of the proto module.
    return { workflowId, json: JSON.stringify(history) };
  }

  it('replays every committed history without a determinism error', async () => {
    if (process.env.LOGSTAG_RECORD_HISTORIES) {
      mkdirSync(HISTORIES, { recursive: true });
      const { json } = await runIngestOnce();
      writeFileSync(join(HISTORIES, 'ingest-workflow.json'), `${JSON.stringify(JSON.parse(json), null, 1)}\n`);
    }
    const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const histories = files.map((f) => ({ workflowId: f, history: historyFrom(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8'))) }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) results.push(r);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(files.map((f) => [f, null]));
  });

  it('replays a history recorded just now from the real server', async () => {
    const { workflowId, json } = await runIngestOnce();
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFrom(JSON.parse(json)), workflowId)).resolves.toBeUndefined();
  });

  it('fails to replay a history whose steps the code no longer takes', async () => {
    const { json } = await runIngestOnce();
    const tampered = JSON.parse(json) as { events: Array<{ activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }> };
    const first = tampered.events.find((e) => e.activityTaskScheduledEventAttributes);
    first!.activityTaskScheduledEventAttributes!.activityType!.name = 'somethingElse';
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFrom(tampered))).rejects.toThrow(/[Nn]ondeterminis|DeterminismViolation/);
  });
});
