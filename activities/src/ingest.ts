import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '@logstag/temporal/contracts';
import {
  lockPayloads,
  markPayloadFailed,
  markPayloadsFailed,
  markPayloadsStored,
  payloadCollectedTimes,
  payloadStatuses,
  preparePartitions,
  type FailedStep,
  type PayloadFailure,
} from '@logstag/store';
import { normalizePayloads } from './normalize/index';
import { classifyStoreError, type ClassifiedStoreError } from './store-errors';
import type { ActivityDeps } from './deps';

/** Thrown (non-retryable) when a workflow names payloads the store does not have: retrying cannot help. */
export const PAYLOAD_NOT_FOUND = failureTypes.payloadNotFound;
/** Thrown (retryable) when the store could not answer: the activity's retry policy tries again with backoff. */
export const STORE_UNAVAILABLE = failureTypes.storeUnavailable;

export interface StoreResult {
  /** Stored by this attempt. */
  stored: number;
  /** Stored before (a retry after a crash). */
  alreadyStored: number;
  /** Failed with a data error (by this attempt or an earlier one) or discarded by an Admin: not stored. */
  failed: number;
}

// Statuses a workflow still has to store. `failed` and `discarded` are final for this run: an Admin's retry puts a
// payload back to `pending`, and the dispatcher gives it a new workflow.
const OPEN = ['pending', 'started'] as const;

/** How often storePayloads heartbeats; the ingest workflow's heartbeat timeout is a few times this. */
export const HEARTBEAT_EVERY_MS = 5_000;

function retryable(c: ClassifiedStoreError): ApplicationFailure {
  return ApplicationFailure.create({ message: c.message, type: STORE_UNAVAILABLE, details: [{ code: c.code }] });
}

/** Heartbeats when running as an activity, so a long one-by-one pass shows progress; a no-op when called directly. */
function beat(): void {
  try {
    heartbeat();
  } catch {
    // Not inside an activity (a direct call from a test or a script).
  }
}

export function createIngestActivities({ db }: Pick<ActivityDeps, 'db'>) {
  /**
   * Normalizes the open payloads among `ids` into the explorer tables and marks them stored, in one transaction.
   * Rows stored (or failed, or discarded) meanwhile are left as they are.
   */
  async function storeTogether(ids: readonly string[]): Promise<{ stored: number; alreadyStored: number }> {
    await preparePartitions(db, await payloadCollectedTimes(db, ids));
    return db.transaction().execute(async (trx) => {
      const rows = await lockPayloads(trx, ids);
      const fresh = rows.filter((r) => (OPEN as readonly string[]).includes(r.status));
      const done = rows.filter((r) => r.status === 'stored');
      await normalizePayloads(trx, fresh);
      const touched = [...fresh, ...done].map((r) => r.id);
      if (touched.length > 0) await markPayloadsStored(trx, touched);
      return { stored: fresh.length, alreadyStored: done.length };
    });
  }

  /** Keeps a payload the store refused as `failed`, with its error; its raw bytes stay for a retry or a look. */
  async function failForData(id: string, c: ClassifiedStoreError): Promise<void> {
    try {
      await markPayloadFailed(db, id, { reason: 'data_error', message: c.message, code: c.code, attempts: 1 });
    } catch (err) {
      throw retryable(classifyStoreError(err));
    }
  }

  return {
    /**
     * Stores a batch of accepted payloads. The batch goes in one transaction; when that fails with a data error (a
     * payload the store cannot hold), each payload is stored alone, and one that fails alone with a data error is
     * marked `failed` with its error and kept with its raw bytes, so it never holds back the rest. A transient error
     * (connection, deadlock, lock timeout) is thrown as retryable. Idempotent: a retry skips what is stored or failed.
     */
    async storePayloads(payloadIds: string[]): Promise<StoreResult> {
      // Heartbeats while a batch is stored, so a worker killed mid-batch is noticed by the workflow's heartbeat timeout
      // (seconds) instead of the 2-minute start-to-close timeout, and the batch is retried on another worker.
      const beating = setInterval(beat, HEARTBEAT_EVERY_MS);
      try {
        return await storeOpen(payloadIds);
      } finally {
        clearInterval(beating);
      }
    },

    /**
     * Marks a workflow's unfinished payloads `failed` when one of its steps ran out of attempts (or failed for good),
     * so they show in the Admins' list instead of staying `started`. For the store step, the payloads not stored; for
     * the alert step, the stored ones not yet evaluated. Returns how many it marked.
     */
    async markPayloadsFailed(payloadIds: string[], step: FailedStep, failure: PayloadFailure): Promise<{ marked: number }> {
      return { marked: await markPayloadsFailed(db, payloadIds, step, failure) };
    },
  };

  async function storeOpen(payloadIds: string[]): Promise<StoreResult> {
    const rows = await payloadStatuses(db, payloadIds).catch((err: unknown) => {
      throw retryable(classifyStoreError(err));
    });
    if (rows.length !== payloadIds.length) {
      const found = new Set(rows.map((r) => r.id));
      throw ApplicationFailure.nonRetryable(`payloads not in the store: ${payloadIds.filter((id) => !found.has(id)).join(', ')}`, PAYLOAD_NOT_FOUND);
    }
    const open = rows.filter((r) => (OPEN as readonly string[]).includes(r.status)).map((r) => r.id);
    const result: StoreResult = {
      stored: 0,
      alreadyStored: rows.filter((r) => r.status === 'stored').length,
      failed: rows.length - open.length - rows.filter((r) => r.status === 'stored').length,
    };
    if (open.length === 0) return result;
    try {
      const r = await storeTogether(open);
      return { ...result, stored: r.stored, alreadyStored: result.alreadyStored + r.alreadyStored, failed: result.failed + open.length - r.stored - r.alreadyStored };
    } catch (err) {
      const c = classifyStoreError(err);
      if (c.kind === 'transient') throw retryable(c);
      if (open.length === 1) {
        await failForData(open[0]!, c);
        return { ...result, failed: result.failed + 1 };
      }
    }
    // A data error: find the payload(s) the store refuses, one transaction each.
    for (const id of open) {
      try {
        const r = await storeTogether([id]);
        result.stored += r.stored;
        result.alreadyStored += r.alreadyStored;
        if (r.stored + r.alreadyStored === 0) result.failed += 1;
      } catch (err) {
        const c = classifyStoreError(err);
        if (c.kind === 'transient') throw retryable(c);
        await failForData(id, c);
        result.failed += 1;
      }
      beat();
    }
    return result;
  }
}
