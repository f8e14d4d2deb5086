import { sql, type Transaction } from 'kysely';
import type { Database } from '../database';
import type { Db } from '../db';
import type { PayloadFailureReason, PayloadStatus } from './payloads.tables';

/** A payload as the admin list shows it: routing columns, state and failure, sizes; never its body. */
export interface PayloadListRow {
  id: string;
  status: PayloadStatus;
  target_id: string | null;
  engine: string | null;
  category: string | null;
  kind: string;
  collected_at: Date;
  received_at: Date;
  workflow_started_at: Date | null;
  error_reason: PayloadFailureReason | null;
  error_message: string | null;
  error_code: string | null;
  failed_at: Date | null;
  attempts: number;
  discarded_at: Date | null;
  body_bytes: number;
  raw_bytes: number;
}

/** Unfinished payloads accepted longer ago than this are stuck. */
export type StuckThreshold = { olderThanMs: number };

function listColumns(db: Db) {
  return db
    .selectFrom('payloads')
    .select([
      'id',
      'status',
      'target_id',
      'engine',
      'category',
      'kind',
      'collected_at',
      // Generated<Timestamp> selects as the column type, not Date.
      sql<Date>`received_at`.as('received_at'),
      'workflow_started_at',
      'error_reason',
      'error_message',
      'error_code',
      'failed_at',
      'attempts',
      'discarded_at',
      'body_bytes',
      sql<number>`octet_length(body_raw)`.as('raw_bytes'),
    ]);
}

const olderThan = (ms: number) => sql<Date>`now() - make_interval(secs => ${ms / 1000})`;

/** Failed payloads of one organization, latest failure first; `after` is the last row of the previous page. */
export async function listFailedPayloads(db: Db, organizationId: string, after: { at: Date; id: string } | undefined, limit: number): Promise<PayloadListRow[]> {
  let q = listColumns(db).where('organization_id', '=', organizationId).where('status', '=', 'failed');
  if (after) q = q.where(sql<boolean>`(failed_at, id) < (${after.at}, ${after.id}::uuid)`);
  return q.orderBy('failed_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Payloads of one organization accepted longer ago than the threshold and still pending or started, oldest first. */
export async function listStuckPayloads(db: Db, organizationId: string, stuck: StuckThreshold, after: { at: Date; id: string } | undefined, limit: number): Promise<PayloadListRow[]> {
  let q = listColumns(db)
    .where('organization_id', '=', organizationId)
    .where('status', 'in', ['pending', 'started'])
    .where(sql<boolean>`received_at < ${olderThan(stuck.olderThanMs)}`);
  if (after) q = q.where(sql<boolean>`(received_at, id) > (${after.at}, ${after.id}::uuid)`);
  return q.orderBy('received_at').orderBy('id').limit(limit).execute();
}

/** Tenant-scoped: another organization's payload id finds nothing. Locks the row in a transaction. */
export async function findPayloadForUpdate(trx: Transaction<Database>, organizationId: string, id: string): Promise<PayloadListRow | undefined> {
  return listColumns(trx).where('organization_id', '=', organizationId).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Back to `pending` with no claim: the dispatcher takes it into a new batch. The last error stays for reference. */
export async function requeuePayload(trx: Transaction<Database>, organizationId: string, id: string): Promise<void> {
  await trx
    .updateTable('payloads')
    .set({ status: 'pending', batch_id: null, workflow_started_at: null, claim_expires_at: null })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .execute();
}

/** Given up for good. The raw bytes stay (see the README, payload states). */
export async function discardPayload(trx: Transaction<Database>, organizationId: string, id: string): Promise<void> {
  await trx
    .updateTable('payloads')
    .set({ status: 'discarded', discarded_at: sql<Date>`now()`, batch_id: null, claim_expires_at: null })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .execute();
}

/** Store-wide failed payloads by reason, for /metrics (reads the partial index of failed payloads). */
export async function countFailedByReason(db: Db): Promise<Partial<Record<PayloadFailureReason, number>>> {
  const rows = await db
    .selectFrom('payloads')
    .select(['error_reason', sql<number>`count(*)::int`.as('n')])
    .where('status', '=', 'failed')
    .groupBy('error_reason')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.error_reason ?? 'data_error', r.n]));
}

/** Store-wide stuck payloads by status, for /metrics (reads the partial index of unfinished payloads). */
export async function countStuckByStatus(db: Db, stuck: StuckThreshold): Promise<Partial<Record<'pending' | 'started', number>>> {
  const rows = await db
    .selectFrom('payloads')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('status', 'in', ['pending', 'started'])
    .where(sql<boolean>`received_at < ${olderThan(stuck.olderThanMs)}`)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
