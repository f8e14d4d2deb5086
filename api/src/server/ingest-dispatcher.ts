import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowExecutionStatusName } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '@logstag/store';
import { TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { ingestWorkflow } from '@logstag/workflows';
import type { Metrics } from '../metrics';
import { claimPendingBatch, countClaimedPayloads, expireBatchClaim, findExpiredBatches, releaseBatch, takeExpiredBatch, type ClaimedBatch } from '@logstag/store';

export interface IngestDispatcherDeps {
  db: Kysely<Database>;
  temporal: () => Client | null;
  logger: Logger;
  metrics: Metrics;
  /** How often the dispatcher looks for pending payloads when nobody nudges it (Temporal came back, another replica). */
  recoveryIntervalMs?: number;
  /** Most payload ids one ingest workflow takes. */
  maxBatch?: number;
  /**
   * Most payloads claimed and not yet stored (default 4 full batches). Beyond it the rest of a backlog stays pending in
   * the store, where the next claims take it grouped by target in full batches, instead of being cut into time slices
   * across every target as it arrives and queued in Temporal. 4 rather than 16: under a sustained load the dispatcher
   * then keeps a second or so of arrivals pending and claims them grouped, which stores a payload for about a fifth less
   * CPU end to end than time slices (docs/benchmarks.md, bench:ingest session 8); below a few hundred payloads a second
   * the bound is never reached and nothing waits.
   */
  maxInFlight?: number;
  /**
   * How long a nudge waits before dispatching, so that the payloads committed meanwhile share one workflow. A full
   * batch (a backlog) is dispatched without waiting.
   */
  lingerMs?: number;
  /** Deadline of one workflow start call. */
  startTimeoutMs?: number;
  /**
   * How long a claimed batch is trusted before the dispatcher asks Temporal about its workflow: still running (the
   * claim is extended), ended without storing its payloads (released to a new batch), or never started (started now).
   */
  staleClaimMs?: number;
}

/** What the check of an expired claim found and did. */
type ClaimCheck = 'running' | 'released' | 'restarted' | 'unavailable';

/** A workflow in one of these states will not store its payloads any more. */
const ENDED: ReadonlySet<WorkflowExecutionStatusName> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT']);

/** Expired batches read per query while checking claims. */
const CHECK_PAGE = 50;

/**
 * The ingest outbox's dispatcher: starts ingest workflows for committed payloads, batching whatever has been committed
 * during the linger after a nudge (and while the previous start was in flight); under load one workflow takes up to
 * `maxBatch` ids, so the Temporal actions per payload fall as the rate rises. Claims use SKIP LOCKED, so several API replicas can dispatch.
 *
 * Each claim is a batch with a fresh id: its workflow is `ingest:<batchId>` with exactly the batch's payload ids, and a
 * payload belongs to one batch until that batch's workflow has ended. A claim expires after `staleClaimMs`; the
 * dispatcher then asks Temporal about the workflow: running (extend the claim, leave it), ended with payloads still
 * claimed (release them to a new batch), or not found (the claimer crashed before the start, or the start did not
 * answer: start the same batch now). A start Temporal does not answer keeps its batch, checked on the next pass, and
 * no new batch is claimed while Temporal is down. An accepted payload is never lost nor stranded.
 */
export function createIngestDispatcher(deps: IngestDispatcherDeps) {
  const { db, logger, metrics, recoveryIntervalMs = 5_000, maxBatch = 200, lingerMs = 100, startTimeoutMs = 5_000, staleClaimMs = 5 * 60_000 } = deps;
  const maxInFlight = deps.maxInFlight ?? 4 * maxBatch;
  let timer: NodeJS.Timeout | undefined;
  let lingering: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let again = false;
  let lastClaimCheck = 0;

  /** Starts the batch's workflow; false when Temporal did not answer (the batch stays claimed). */
  async function startBatch(client: Client, { batchId, payloadIds }: ClaimedBatch): Promise<boolean> {
    try {
      // Bounded: while Temporal is down the SDK would retry for a long time, holding the claims and the dispatcher.
      await client.withDeadline(Date.now() + startTimeoutMs, () =>
        client.workflow.start<typeof ingestWorkflow>(workflowTypes.ingest, {
          workflowId: workflowIds.ingestBatch(batchId),
          taskQueue: TASK_QUEUE,
          args: [payloadIds],
          // A batch runs once, ever: a retry of its start after a crash or a lost answer must not run it again.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      );
      metrics.workflowStarts.inc({ result: 'started' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        metrics.workflowStarts.inc({ result: 'deferred' });
        logger.warn({ batchId, payloads: payloadIds.length, err: (err as Error).message }, 'ingest workflow start deferred: the batch stays claimed');
        return false;
      }
      // The batch's id is its own: the workflow that has it was started with these very payloads (a start whose
      // answer was lost, or two dispatchers checking the same expired claim).
      metrics.workflowStarts.inc({ result: 'already_started' });
    }
    metrics.batchSize.observe(payloadIds.length);
    return true;
  }

  /** Asks Temporal about the workflow of a batch whose claim expired, and acts on the answer. */
  async function checkBatch(client: Client, batchId: string, payloadIds: string[]): Promise<ClaimCheck> {
    let status: WorkflowExecutionStatusName;
    try {
      const handle = client.workflow.getHandle(workflowIds.ingestBatch(batchId));
      status = (await client.withDeadline(Date.now() + startTimeoutMs, () => handle.describe())).status.name;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) {
        logger.warn({ batchId, err: (err as Error).message }, 'ingest claim check deferred: Temporal did not answer');
        return 'unavailable';
      }
      logger.warn({ batchId, payloads: payloadIds.length }, 'ingest batch was claimed but never started: starting it now');
      return (await startBatch(client, { batchId, payloadIds })) ? 'restarted' : 'unavailable';
    }
    // Still running (slow, or stuck: the claim was extended, the next check is one timeout away).
    if (!ENDED.has(status)) return 'running';
    const released = await releaseBatch(db, batchId);
    logger.warn({ batchId, status, released }, 'ingest workflow ended without storing its payloads: released to a new batch');
    return 'released';
  }

  /** Checks every batch whose claim expired; false when Temporal did not answer (nothing new should be claimed). */
  async function checkExpiredClaims(client: Client): Promise<boolean> {
    for (;;) {
      const expired = await findExpiredBatches(db, CHECK_PAGE);
      for (const batchId of expired) {
        const payloadIds = await takeExpiredBatch(db, batchId, staleClaimMs);
        if (payloadIds.length === 0) continue; // another dispatcher is checking it
        const outcome = await checkBatch(client, batchId, payloadIds);
        if (outcome === 'unavailable') {
          await expireBatchClaim(db, batchId);
          return false;
        }
        metrics.claimChecks.inc({ outcome });
      }
      if (expired.length < CHECK_PAGE) return true;
    }
  }

  /**
   * Checks expired claims, then dispatches what is pending: full batches back to back while there is a backlog, then
   * the remainder; returns how many payloads got a workflow. Stops when Temporal does not answer.
   */
  async function pass(): Promise<number> {
    const client = deps.temporal();
    if (!client) return 0;
    let started = 0;
    try {
      // An indexed look at the claimed rows; claims expire minutes after they are taken, so every few seconds is
      // enough (at once after a deferred start).
      if (Date.now() - lastClaimCheck >= Math.min(staleClaimMs, recoveryIntervalMs)) {
        lastClaimCheck = Date.now();
        if (!(await checkExpiredClaims(client))) return 0;
      }
      for (;;) {
        if ((await countClaimedPayloads(db)) >= maxInFlight) {
          // Workflows finishing do not nudge this process: look again after the linger.
          nudge();
          break;
        }
        const batch = await claimPendingBatch(db, { limit: maxBatch, claimTimeoutMs: staleClaimMs });
        if (!batch) break;
        if (!(await startBatch(client, batch))) {
          // Kept under its id: the next pass asks Temporal whether the start went through before starting it again.
          await expireBatchClaim(db, batch.batchId);
          lastClaimCheck = 0;
          break;
        }
        started += batch.payloadIds.length;
        if (batch.payloadIds.length < maxBatch) break;
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
      // The last pass may have asked for another (a capped pass, or a nudge during it): not after stopping.
      clearTimeout(lingering);
      lingering = undefined;
    },
  };
}
export type IngestDispatcher = ReturnType<typeof createIngestDispatcher>;
