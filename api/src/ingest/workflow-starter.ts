import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '@logstag/store';
import { TASK_QUEUE, workflowIds } from '@logstag/temporal/constants';
import type { ingestWorkflow } from '@logstag/workflows';
import type { Metrics } from '../metrics';
import { claimPendingPayloads, releaseClaims, requeueStaleClaims } from './ingest.repository';

export interface WorkflowStarterDeps {
  db: Kysely<Database>;
  temporal: () => Client | null;
  logger: Logger;
  metrics: Metrics;
  /** How often the dispatcher looks for pending payloads when nobody nudges it (Temporal came back, another replica). */
  recoveryIntervalMs?: number;
  /** Most payload ids one ingest workflow takes. */
  maxBatch?: number;
  /** Deadline of one workflow start call. */
  startTimeoutMs?: number;
  /** A claim whose workflow has not stored the payload after this long is released (the claimer crashed). */
  staleClaimMs?: number;
}

/**
 * Starts ingest workflows for committed payloads, batching whatever has accumulated while the previous start was in
 * flight: one payload alone becomes `ingest:<payloadId>`; under load one workflow takes up to `maxBatch` ids, so the
 * Temporal actions per payload fall as the rate rises. Claims use SKIP LOCKED, so several API replicas can dispatch.
 * A start that fails (Temporal down) releases its claims: the payloads stay `pending` in the store and the next pass
 * starts them. An accepted payload is never lost.
 */
export function createWorkflowStarter(deps: WorkflowStarterDeps) {
  const { db, logger, metrics } = deps;
  const maxBatch = deps.maxBatch ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let again = false;

  async function startBatch(ids: string[]): Promise<boolean> {
    const client = deps.temporal();
    if (!client) return false;
    try {
      // Bounded: while Temporal is down the SDK would retry for a long time, holding the claims and the dispatcher.
      await client.withDeadline(Date.now() + (deps.startTimeoutMs ?? 5_000), () =>
        client.workflow.start<typeof ingestWorkflow>('ingestWorkflow', {
          workflowId: workflowIds.ingest(ids[0]!),
          taskQueue: TASK_QUEUE,
          args: [ids],
          // A payload id leads one run, ever: a retry of the same batch after a crash must not start another.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      );
      metrics.workflowStarts.inc({ result: 'started' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        metrics.workflowStarts.inc({ result: 'deferred' });
        logger.warn({ payloads: ids.length, err: (err as Error).message }, 'ingest workflow start deferred: payloads stay pending');
        return false;
      }
      metrics.workflowStarts.inc({ result: 'already_started' });
    }
    metrics.batchSize.observe(ids.length);
    return true;
  }

  /** Dispatches until nothing is pending or Temporal refuses; returns how many payloads got a workflow. */
  async function pass(): Promise<number> {
    let started = 0;
    try {
      await requeueStaleClaims(db, deps.staleClaimMs ?? 5 * 60_000);
      for (;;) {
        again = false;
        const ids = await claimPendingPayloads(db, maxBatch);
        if (ids.length === 0) {
          if (again) continue;
          break;
        }
        if (!(await startBatch(ids))) {
          await releaseClaims(db, ids);
          break;
        }
        started += ids.length;
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'ingest dispatch pass failed; the next one retries');
    }
    return started;
  }

  /** One pass at a time; a nudge during a pass makes it look again before it ends. */
  function dispatch(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    /** A payload was committed: dispatch soon. Never makes the caller wait for Temporal. */
    nudge(): void {
      void dispatch();
    },
    /** Runs a dispatch pass now (tests, recovery). */
    sweep: dispatch,
    startRecoveryLoop() {
      timer ??= setInterval(() => void dispatch(), deps.recoveryIntervalMs ?? 5_000);
      timer.unref();
    },
    async stopRecoveryLoop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
export type WorkflowStarter = ReturnType<typeof createWorkflowStarter>;
