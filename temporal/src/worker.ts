import { createRequire } from 'node:module';
import { bundleWorkflowCode, Worker, type NativeConnection, type PatchActivationCallback, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '@logstag/activities';
import { TASK_QUEUE } from './contracts';

const require = createRequire(import.meta.url);

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The workflow bundle, built once per process: bundling takes seconds and the code does not change while we run.
 * Workers and replay tests share it.
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('@logstag/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  return bundle;
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: Activities;
  taskQueue?: string;
  /**
   * Activities run at once. Size it from the store (ACTIVITY_CONCURRENCY in @logstag/store) and give the store's pool
   * as many connections plus headroom (poolSizeFor): an activity that waits for a pool connection holds its slot and
   * its payloads while it waits.
   */
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * Local activities run at once: the alert and delivery workflows' short store steps (context, gate, timeline,
   * prepare, finish) run in the worker within the workflow task, each holding a pool connection for milliseconds.
   * Defaults to the activity concurrency, so the pool's headroom still covers the API's requests.
   */
  maxConcurrentLocalActivityExecutions?: number;
  /** Benchmarks only: leaves patches inactive in new runs, to measure the code path before a change (A/B). */
  patchActivationCallback?: PatchActivationCallback;
}

/** For callers that do not say; the store-sized value is passed by the server and the worker-only process. */
export const DEFAULT_ACTIVITY_CONCURRENCY = 8;

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: options.activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? DEFAULT_ACTIVITY_CONCURRENCY,
    maxConcurrentLocalActivityExecutions: options.maxConcurrentLocalActivityExecutions ?? options.maxConcurrentActivityTaskExecutions ?? DEFAULT_ACTIVITY_CONCURRENCY,
    ...(options.patchActivationCallback ? { patchActivationCallback: options.patchActivationCallback } : {}),
  });
}
