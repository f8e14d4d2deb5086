import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { normalizePayloads } from './normalize/index';
import { preparePartitions } from './normalize/partitions';

export interface IngestDeps {
  db: Kysely<Database>;
}

/** Thrown (non-retryable) when a workflow names payloads the store does not have: retrying cannot help. */
export const PAYLOAD_NOT_FOUND = 'PayloadNotFound';

export function createIngestActivities({ db }: IngestDeps) {
  return {
    /**
     * Normalizes the stored raw payloads into the explorer tables and marks them stored, in one transaction.
     * Idempotent: a retry after a crash finds them stored and only counts the attempt.
     */
    async storePayloads(payloadIds: string[]): Promise<{ stored: number; alreadyStored: number }> {
      const times = await db.selectFrom('payloads').select('collected_at').where('id', 'in', payloadIds).execute();
      await preparePartitions(db, times.map((t) => t.collected_at));
      return db.transaction().execute(async (trx) => {
        const rows = await trx.selectFrom('payloads').selectAll().where('id', 'in', payloadIds).orderBy('collected_at').forUpdate().execute();
        if (rows.length !== payloadIds.length) {
          const found = new Set(rows.map((r) => r.id));
          throw ApplicationFailure.nonRetryable(
            `payloads not in the store: ${payloadIds.filter((id) => !found.has(id)).join(', ')}`,
            PAYLOAD_NOT_FOUND,
          );
        }
        const fresh = rows.filter((r) => r.status !== 'stored');
        await normalizePayloads(trx, fresh);
        await trx
          .updateTable('payloads')
          .set({
            status: 'stored',
            // The time normalization finished (now() would be the transaction's start): stored_at - received_at is
            // the end-to-end latency that ingest is measured by.
            stored_at: sql<Date>`coalesce(stored_at, clock_timestamp())`,
            store_count: sql<number>`store_count + 1`,
          })
          .where('id', 'in', payloadIds)
          .execute();
        return { stored: fresh.length, alreadyStored: rows.length - fresh.length };
      });
    },

    /** Runs the tenant's alert rules against the newly stored data. No rules exist yet, so it records the pass. */
    async evaluateAlerts(payloadIds: string[]): Promise<{ rulesEvaluated: number }> {
      const r = await db
        .updateTable('payloads')
        .set({ evaluated_at: sql<Date>`coalesce(evaluated_at, now())` })
        .where('id', 'in', payloadIds)
        .where('status', '=', 'stored')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== payloadIds.length) {
        throw ApplicationFailure.nonRetryable(`${payloadIds.length - Number(r.numUpdatedRows)} payloads are not stored yet`, PAYLOAD_NOT_FOUND);
      }
      return { rulesEvaluated: 0 };
    },
  };
}
