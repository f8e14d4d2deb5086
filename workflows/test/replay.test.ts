import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openStore, type Store } from '@logstag/store';
import { workflowBundle, workflowTypes } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import * as workflows from '../src/index';
import { historyFile, pathRecorders, recordIngest, recorders, type RecordContext } from './record-histories';

const HISTORIES = join(import.meta.dirname, 'histories');

// protobufjs's JSON form (what History.toJSON writes) read back with fromObject. The SDK's historyFromJSON is meant
// for the CLI's canonical JSON and trips over vitest loading two copies of protobufjs.
const historyFrom = (json: unknown) => temporal.api.history.v1.History.fromObject(json as Record<string, unknown>);

/** Every workflow the worker registers: the functions @logstag/workflows exports whose names end in `Workflow`. */
const WORKFLOW_TYPES = Object.entries(workflows)
  .filter(([name, value]) => typeof value === 'function' && name.endsWith('Workflow'))
  .map(([name]) => name)
  .sort();

/** The workflow type a recorded history ran: its first event starts it. */
function workflowTypeOf(json: unknown): string | undefined {
  return historyFrom(json).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}

/**
 * `LOGSTAG_RECORD_HISTORIES=1` records every type; `=retentionWorkflow,ingestWorkflow` only those; a file name of
 * pathRecorders (`=alert-workflow-with-deliveries.json`) that history of a later code path.
 */
function typesToRecord(): string[] {
  const v = process.env.LOGSTAG_RECORD_HISTORIES;
  if (!v) return [];
  return v === '1' || v === 'true' ? WORKFLOW_TYPES : v.split(',').map((s) => s.trim());
}

/**
 * Replays recorded histories of real runs against the current workflow code: a change that breaks determinism
 * (reordered activities, a new step without patching) fails here before it reaches running workflows. Every exported
 * workflow type has one. `npm run record-histories -w @logstag/workflows` records fresh ones from the real dev server.
 */
describe('workflow replay', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let ctx: RecordContext;
  beforeAll(async () => {
    env = await startTestTemporal();
    store = await openStore({ dataDir: 'memory://' });
    ctx = { env, store };
  });
  afterAll(async () => {
    await env?.teardown();
    await store?.close();
  });

  it('has a recorder and a recorded history of a real run for every exported workflow type', async () => {
    for (const type of typesToRecord()) {
      const record = recorders[type] ?? pathRecorders[type];
      if (!record) throw new Error(`no recorder for ${type} in record-histories.ts`);
      mkdirSync(HISTORIES, { recursive: true });
      const { history } = await record(ctx);
      writeFileSync(join(HISTORIES, recorders[type] ? historyFile(type) : type), `${JSON.stringify(history, null, 1)}\n`);
    }
    expect(WORKFLOW_TYPES).toContain(workflowTypes.ingest);
    // The contract names every exported workflow, and each has a recorder.
    expect(Object.values(workflowTypes).sort()).toEqual(WORKFLOW_TYPES);
    expect(Object.keys(recorders).sort()).toEqual(WORKFLOW_TYPES);
    const recorded = Object.fromEntries(
      readdirSync(HISTORIES)
        .filter((f) => f.endsWith('.json'))
        .map((f) => [f, workflowTypeOf(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8')))]),
    );
    // Each type's file exists and holds a run of that type.
    expect(Object.fromEntries(WORKFLOW_TYPES.map((t) => [historyFile(t), recorded[historyFile(t)]]))).toEqual(Object.fromEntries(WORKFLOW_TYPES.map((t) => [historyFile(t), t])));
  });

  it('replays every committed history without a determinism error', async () => {
    const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(WORKFLOW_TYPES.length);
    const histories = files.map((f) => ({ workflowId: f, history: historyFrom(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8'))) }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) results.push(r);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(files.map((f) => [f, null]));
  });

  it('replays a history recorded just now from the real server', async () => {
    const { workflowId, history } = await recordIngest(ctx);
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFrom(history), workflowId)).resolves.toBeUndefined();
  });

  it('fails to replay a history whose steps the code no longer takes', async () => {
    const { history } = await recordIngest(ctx);
    const tampered = history as { events: Array<{ activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }> };
    const first = tampered.events.find((e) => e.activityTaskScheduledEventAttributes);
    first!.activityTaskScheduledEventAttributes!.activityType!.name = 'somethingElse';
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFrom(tampered))).rejects.toThrow(/[Nn]ondeterminis|DeterminismViolation/);
  });
});
