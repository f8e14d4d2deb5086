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
  /**
   * How long a nudge waits before dispatching, so that the payloads committed meanwhile share one workflow. A full
   * batch (a backlog) is dispatched without waiting.
   */
  lingerMs?: number;
  /** Deadline of one workflow start call. */
  startTimeoutMs?: number;
  /** A claim whose workflow has not stored the payload after this long is released (the claimer crashed). */
  staleClaimMs?: number;
}

/**
 * Starts ingest workflows for committed payloads, batching whatever has been committed during the linger after a
 * nudge (and while the previous start was in flight): one payload alone becomes `ingest:<payloadId>`; under load one
 * workflow takes up to `maxBatch` ids, so the Temporal actions per payload fall as the rate rises. Claims use SKIP
 * LOCKED, so several API replicas can dispatch. A start that fails (Temporal down) releases its claims: the payloads
 * stay `pending` in the store and the next pass starts them. An accepted payload is never lost.
 */
export function createWorkflowStarter(deps: WorkflowStarterDeps) {
  const { db, logger, metrics, recoveryIntervalMs = 5_000, maxBatch = 200, lingerMs = 100, startTimeoutMs = 5_000, staleClaimMs = 5 * 60_000 } = deps;
  let timer: NodeJS.Timeout | undefined;
  let lingering: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let again = false;
  let lastRequeue = 0;

  async function startBatch(ids: string[]): Promise<boolean> {
    const client = deps.temporal();
    if (!client) return false;
    try {
      // Bounded: while Temporal is down the SDK would retry for a long time, holding the claims and the dispatcher.
      await client.withDeadline(Date.now() + startTimeoutMs, () =>
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

  /**
   * Dispatches what is pending: full batches back to back while there is a backlog, then the remainder; returns how
   * many payloads got a workflow. Stops when Temporal refuses.
   */
  async function pass(): Promise<number> {
    let started = 0;
    try {
      // A scan of the claimed rows; their claims are minutes old before they count, so every few seconds is enough.
      if (Date.now() - lastRequeue >= Math.min(staleClaimMs, recoveryIntervalMs)) {
        lastRequeue = Date.now();
        await requeueStaleClaims(db, staleClaimMs);
      }
      for (;;) {
        const ids = await claimPendingPayloads(db, maxBatch);
        if (ids.length === 0) break;
        if (!(await startBatch(ids))) {
          await releaseClaims(db, ids);
          break;
        }
        started += ids.length;
        if (ids.length < maxBatch) break;
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'ingest dispatch pass failed; the next one retries');
    }
    return started;
  }

  /** One pass at a time; a nudge during a pass gets a pass of its own after it (after the linger). */
  function dispatch(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = null;
      if (again) {
        again = false;
        nudge();
      }
    });
    return running;
  }

  function nudge(): void {
    if (lingering) return;
    lingering = setTimeout(() => {
      lingering = undefined;
      void dispatch();
    }, lingerMs);
  }

  return {
    /** A payload was committed: dispatch within the linger. Never makes the caller wait for Temporal. */
    nudge,
    /** Runs a dispatch pass now (tests, recovery). */
    sweep: dispatch,
    startRecoveryLoop() {
      timer ??= setInterval(() => void dispatch(), recoveryIntervalMs);
      timer.unref();
    },
    async stopRecoveryLoop() {
      clearInterval(timer);
      clearTimeout(lingering);
      timer = undefined;
      lingering = undefined;
      await running;
    },
  };
}
export type WorkflowStarter = ReturnType<typeof createWorkflowStarter>;
