import type { Logger } from 'pino';
import type { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDepsInput } from '@logstag/activities';
import { connectWorker, type TemporalEndpoint } from './connection';
import { createBackoff, type RestartBackoff } from './backoff';
import { createWorker } from './worker';

export interface RunningWorker {
  stop(): Promise<void>;
}

export interface RunWorkerOptions {
  /** Waits between restarts of a worker that stopped with an error; same shape as the dev server's. */
  backoff?: Partial<RestartBackoff>;
  /** Every restart, for metrics. */
  onRestart?: () => void;
  /** Activities run at once (the store's pool must have as many connections, plus headroom: poolSizeFor). */
  activityConcurrency?: number;
}

/**
 * Connects a worker with Logstag's activities (their dependencies injected: the store, and what else the process
 * has) and runs it, for the all-in-one server and the worker-only process alike. A worker whose run ends with an
 * error (Core gave up on the server) is created again on the same connection after a wait that doubles up to
 * `maxMs`; Temporal keeps the tasks it had, so nothing is lost meanwhile.
 * stop() lets the current worker finish its tasks and closes the connection; nothing is restarted after it.
 */
export async function runWorker(endpoint: TemporalEndpoint, deps: ActivityDepsInput, logger: Logger, options: RunWorkerOptions = {}): Promise<RunningWorker> {
  const backoff = createBackoff(options.backoff);
  const connection = await connectWorker(endpoint);
  const activities = createActivities({ logger: logger.child({ component: 'activities' }), ...deps });
  const create = () =>
    createWorker({
      connection,
      namespace: endpoint.namespace,
      activities,
      ...(options.activityConcurrency ? { maxConcurrentActivityTaskExecutions: options.activityConcurrency } : {}),
    });
  // The first worker is created here so a start-up problem (unknown namespace) fails the start.
  let current: Worker | null = await create();
  let stopping = false;

  async function runUntilStopped(first: Worker): Promise<void> {
    let worker: Worker | null = first;
    while (worker) {
      const startedAt = Date.now();
      try {
        // A run that ends without an error was shut down on purpose (stop(), or the SDK Runtime on SIGTERM/SIGINT).
        await worker.run();
        return;
      } catch (err) {
        if (stopping) return;
        logger.error({ err }, 'Temporal worker stopped with an error');
      }
      current = null;
      backoff.ended(startedAt);
      worker = null;
      while (!worker) {
        logger.warn({ delayMs: backoff.delayMs }, 'restarting the Temporal worker');
        await backoff.wait();
        if (stopping) return;
        try {
          worker = await create();
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'Temporal worker could not be created; retrying');
        }
      }
      if (stopping) {
        // Created while stop() ran: run it only to shut it down, which releases its native resources.
        const run = worker.run();
        worker.shutdown();
        await run.catch(() => undefined);
        return;
      }
      current = worker;
      options.onRestart?.();
      logger.info('Temporal worker restarted');
    }
  }

  const running = runUntilStopped(current);
  return {
    async stop() {
      stopping = true;
      backoff.wake();
      if (current?.getState() === 'RUNNING') current.shutdown();
      await running;
      await connection.close();
    },
  };
}
