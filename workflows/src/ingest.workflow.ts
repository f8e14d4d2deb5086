import type { ActivityOptions, Duration } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities, FailedStep, PayloadFailure } from '@logstag/activities';
import { NON_RETRYABLE_INGEST_FAILURES } from '@logstag/temporal/contracts';

/** How long each ingest step may keep trying before its payloads are handed to the Admins as `failed`. */
export interface IngestLimits {
  /** Attempts of storePayloads and of evaluateAlerts (each), the first included. */
  maximumAttempts: number;
  /** First retry delay; each next one doubles, up to maximumInterval. */
  initialInterval: Duration;
  maximumInterval: Duration;
  /** Attempts of markPayloadsFailed, the step that records a give-up: longer, since the store may be what is down. */
  markAttempts: number;
}

/**
 * 10 attempts at 1, 2, 4, 8, 16, then 30 s apart: a store that is down for about 3 minutes is waited out; longer, and
 * the payloads are marked `failed` ('retries_exhausted') for an Admin to retry. Marking is tried for about 2 hours
 * (5 s doubling to 5 minutes, 30 attempts); a workflow that cannot even mark them leaves them `started`, which the
 * admin list and the stuck gauge show once they are older than the stuck threshold.
 */
export const DEFAULT_INGEST_LIMITS: IngestLimits = { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '30 seconds', markAttempts: 30 };

export interface IngestResult {
  stored: number;
  alreadyStored: number;
  /** Not stored: failed with a data error, discarded by an Admin, or marked failed when a step gave up. */
  failed: number;
  rulesEvaluated: number;
}

/** The failure to record for a step's activity failure; anything else (cancellation) is not ours to record. */
function failureOf(err: unknown, limits: IngestLimits): PayloadFailure {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  const last = cause?.message ?? err.message;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { code?: unknown } | undefined) : undefined;
  const code = typeof details?.code === 'string' ? details.code : cause instanceof ApplicationFailure ? (cause.type ?? null) : (cause?.name ?? null);
  if (err.retryState === 'MAXIMUM_ATTEMPTS_REACHED') {
    return { reason: 'retries_exhausted', message: `retries exhausted: ${last}`, code, attempts: limits.maximumAttempts };
  }
  return { reason: 'not_retryable', message: last, code, attempts: 1 };
}

/**
 * A batch of accepted payloads (one, when traffic is light): normalize them into the store, then evaluate alert
 * rules against the new data. Receives payload ids only (claim check): bodies stay in the store, out of history.
 * A payload the store refuses is failed alone by storePayloads; a step that runs out of attempts has the batch's
 * unfinished payloads marked failed, and the workflow completes: nothing retries for ever, nothing stays `started`.
 */
export async function ingestWorkflow(payloadIds: string[], limits: Partial<IngestLimits> = {}): Promise<IngestResult> {
  const l: IngestLimits = { ...DEFAULT_INGEST_LIMITS, ...limits };
  const stepOptions = {
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: l.initialInterval,
      backoffCoefficient: 2,
      maximumInterval: l.maximumInterval,
      maximumAttempts: l.maximumAttempts,
      // The payload ids are wrong: no retry can fix that.
      nonRetryableErrorTypes: [...NON_RETRYABLE_INGEST_FAILURES],
    },
  } satisfies ActivityOptions;
  const { evaluateAlerts } = proxyActivities<Activities>(stepOptions);
  // storePayloads heartbeats every 5 s: a worker killed mid-batch is noticed within 30 s, not after 2 minutes.
  const { storePayloads } = proxyActivities<Activities>({ ...stepOptions, heartbeatTimeout: '30 seconds' });
  const { markPayloadsFailed } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: l.markAttempts },
  });

  const giveUp = async (step: FailedStep, err: unknown) => (await markPayloadsFailed(payloadIds, step, failureOf(err, l))).marked;

  let storeResult;
  try {
    storeResult = await storePayloads(payloadIds);
  } catch (err) {
    const marked = await giveUp('store', err);
    return { stored: 0, alreadyStored: 0, failed: marked, rulesEvaluated: 0 };
  }
  const { stored, alreadyStored, failed } = storeResult;
  try {
    const { rulesEvaluated } = await evaluateAlerts(payloadIds);
    return { stored, alreadyStored, failed, rulesEvaluated };
  } catch (err) {
    const marked = await giveUp('evaluate', err);
    return { stored, alreadyStored, failed: failed + marked, rulesEvaluated: 0 };
  }
}
