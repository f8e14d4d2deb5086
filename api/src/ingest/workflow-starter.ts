import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '@logstag/store';
import { TASK_QUEUE, workflowIds } from '@logstag/temporal/constants';
import type { ingestWorkflow } from '@logstag/workflows';
import type { Metrics } from '../metrics';
import { listPendingPayloadIds, markWorkflowStarted } from './ingest.repository';

export interface WorkflowStarterDeps {
  db: Kysely<Database>;
  temporal: () => Client | null;
  logger: Logger;
  metrics: Metrics;
  /** How often the recovery loop looks for payloads whose workflow never started. */
  recoveryIntervalMs?: number;
  /** A payload younger than this is left to its own request's start. */
  recoveryGraceMs?: number;
}

/**
 * Starts `ingest:<payloadId>` workflows. A start that fails (Temporal down or slow) leaves the payload `pending` in
 * the store, where the recovery loop finds it and starts it later: an accepted payload is never lost.
 */
export function createWorkflowStarter(deps: WorkflowStarterDeps) {
  const { db, logger, metrics } = deps;
  let timer: NodeJS.Timeout | undefined;
  let sweeping = false;

  async function start(payloadId: string): Promise<boolean> {
    const client = deps.temporal();
    if (!client) {
      metrics.workflowStarts.inc({ result: 'deferred' });
      return false;
    }
    try {
      await client.workflow.start<typeof ingestWorkflow>('ingestWorkflow', {
        workflowId: workflowIds.ingest(payloadId),
        taskQueue: TASK_QUEUE,
        args: [payloadId],
        // A payload id is processed by one run, ever: a duplicate post after completion must not start another.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      metrics.workflowStarts.inc({ result: 'started' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        metrics.workflowStarts.inc({ result: 'deferred' });
        logger.warn({ payloadId, err: (err as Error).message }, 'ingest workflow start deferred to the recovery loop');
        return false;
      }
      metrics.workflowStarts.inc({ result: 'already_started' });
    }
    await markWorkflowStarted(db, [payloadId]);
    return true;
  }

  /** One recovery pass; returns how many workflows it started. */
  async function sweep(): Promise<number> {
    if (sweeping) return 0;
    sweeping = true;
    let started = 0;
    try {
      for (;;) {
        const ids = await listPendingPayloadIds(db, deps.recoveryGraceMs ?? 5_000, 200);
        if (ids.length === 0) break;
        let batchStarted = 0;
        for (const id of ids) if (await start(id)) batchStarted += 1;
        started += batchStarted;
        if (batchStarted < ids.length) break; // Temporal still unavailable: try again next tick.
      }
      if (started > 0) logger.info({ started }, 'recovery loop started pending ingest workflows');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'recovery sweep failed');
    } finally {
      sweeping = false;
    }
    return started;
  }

  return {
    start,
    sweep,
    startRecoveryLoop() {
      timer ??= setInterval(() => void sweep(), deps.recoveryIntervalMs ?? 5_000);
      timer.unref();
    },
    stopRecoveryLoop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
export type WorkflowStarter = ReturnType<typeof createWorkflowStarter>;
