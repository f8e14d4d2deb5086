// Time skipping for workflows with long timers: Temporal's time-skipping test server (the Java test server, fetched
// into .tools by @logstag/temporal/testing) jumps over a workflow's timers while a test awaits its result.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startTimeSkippingTemporal } from '@logstag/temporal/testing';
import type { WaitResult } from './time-skipping/waiting.workflow';

const MINUTE = 60_000;

describe('time skipping (Temporal test server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    env = await startTimeSkippingTemporal();
    bundle = await bundleWorkflowCode({
      workflowsPath: new URL('./time-skipping/waiting.workflow.ts', import.meta.url).pathname,
      logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 15 minutes in seconds of wall time, its clock 15 minutes later', async () => {
    const woken: number[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'time-skipping-test',
      workflowBundle: bundle,
      activities: { recordWake: async (at: number) => (woken.push(at), Date.now()) },
    });
    const wallStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute('waitingWorkflow', { workflowId: `wait:${randomUUID()}`, taskQueue: 'time-skipping-test', args: ['15 minutes'] }) as Promise<WaitResult>,
    );
    const wall = Date.now() - wallStart;
    expect(result.wokeAt - result.startedAt).toBeGreaterThanOrEqual(15 * MINUTE);
    expect(woken).toEqual([result.wokeAt]);
    expect(wall).toBeLessThan(30_000);
  });

  it('moves the server clock by env.sleep without waiting for it', async () => {
    const before = await env.currentTimeMs();
    const wallStart = Date.now();
    await env.sleep('2 hours');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(120 * MINUTE);
    expect(Date.now() - wallStart).toBeLessThan(10_000);
  });
});
