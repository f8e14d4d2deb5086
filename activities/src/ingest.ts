import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@logstag/store';

export interface IngestDeps {
  db: Kysely<Database>;
}

/** Thrown (non-retryable) when a workflow names a payload the store does not have: retrying cannot help. */
export const PAYLOAD_NOT_FOUND = 'PayloadNotFound';

export function createIngestActivities({ db }: IngestDeps) {
  return {
    /**
     * Normalizes the stored raw payload into the explorer tables and marks it stored. Idempotent: a retry after a
     * crash finds the payload already stored and only counts the attempt.
     */
    async storePayload(payloadId: string): Promise<{ alreadyStored: boolean }> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('payloads')
          .select(['id', 'status'])
          .where('id', '=', payloadId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw ApplicationFailure.nonRetryable(`payload ${payloadId} is not in the store`, PAYLOAD_NOT_FOUND);
        const alreadyStored = row.status === 'stored';
        // Normalization of each engine's sections into time series, query stats and snapshots plugs in here.
        await trx
          .updateTable('payloads')
          .set({
            status: 'stored',
            stored_at: alreadyStored ? sql<Date>`stored_at` : sql<Date>`now()`,
            store_count: sql<number>`store_count + 1`,
          })
          .where('id', '=', payloadId)
          .execute();
        return { alreadyStored };
      });
    },

    /** Runs the tenant's alert rules against the newly stored data. No rules exist yet, so it records the pass. */
    async evaluateAlerts(payloadId: string): Promise<{ rulesEvaluated: number }> {
      const r = await db
        .updateTable('payloads')
        .set({ evaluated_at: sql<Date>`coalesce(evaluated_at, now())` })
        .where('id', '=', payloadId)
        .where('status', '=', 'stored')
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw ApplicationFailure.nonRetryable(`payload ${payloadId} is not stored yet`, PAYLOAD_NOT_FOUND);
      return { rulesEvaluated: 0 };
    },
  };
}
