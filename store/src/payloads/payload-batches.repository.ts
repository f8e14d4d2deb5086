import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db';

/** Payloads claimed together: their workflow is `ingest:<batchId>` and takes exactly these ids. */
export interface ClaimedBatch {
  batchId: string;
  payloadIds: string[];
}

/**
 * The pending payloads the next batch takes, grouped by target: the targets of the `limit` oldest pending payloads,
 * in the order of their oldest one, each with its pending payloads oldest first, up to `limit` in all. The oldest
 * pending payload is always taken (its target comes first), so nothing starves; when few payloads are pending (they
 * are claimed as they arrive) this is all of them, as before. From a backlog it is many payloads of few targets: a
 * batch then upserts each series, statement and target row once for many payloads instead of once per payload (a
 * time slice across all targets updated every target's rows for each payload), and batches running at the same time
 * hold different targets, so they do not queue on each other's rows. Payloads without a target (heartbeats) are one
 * group. Rows another dispatcher is claiming are skipped (SKIP LOCKED).
 */
function pendingBatchIds(limit: number) {
  // The seeds' ORDER BY lets PostgreSQL read the targets' pending rows one target at a time and stop at `limit`
  // (an incremental sort over the nested loop): about a millisecond with 60,000 pending, instead of reading them all.
  // Parenthesized: kysely writes a raw CTE body as it is.
  return sql<{ id: string }>`(
    select picked.id
    from (
      select coalesce(oldest.target_id, '') as target_group, min(oldest.received_at) as first_received
      from (select target_id, received_at from payloads where status = 'pending' order by received_at limit ${limit}) oldest
      group by 1
      order by 2
    ) seeds
    cross join lateral (
      select p.id, p.received_at from payloads p
      where p.status = 'pending' and coalesce(p.target_id, '') = seeds.target_group
      order by p.received_at
      limit ${limit}
      for update of p skip locked
    ) picked
    order by seeds.first_received, picked.received_at
    limit ${limit}
  )`;
}

/**
 * Claims up to `limit` pending payloads, the oldest pending one first and grouped by target (pendingBatchIds), as a new
 * batch under a fresh id. SKIP LOCKED lets several dispatchers (API replicas) claim disjoint batches without waiting
 * on each other. The claim expires after `claimTimeoutMs`, when the dispatcher asks Temporal about the batch's workflow.
 */
export async function claimPendingBatch(db: Db, { limit, claimTimeoutMs }: { limit: number; claimTimeoutMs: number }): Promise<ClaimedBatch | null> {
  const batchId = uuidv7();
  // The pick is a materialized CTE, evaluated once. As `id in (subquery)` the planner may rescan the subquery once per candidate
  // row (a nested-loop semi join, as PGlite plans it), and each rescan locks and returns other rows: the batch then
  // took every pending payload of the picked targets, well over `limit`.
  const rows = await db
    .with((cte) => cte('picked').materialized(), () => pendingBatchIds(limit))
    .updateTable('payloads')
    .set({
      status: 'started',
      batch_id: batchId,
      workflow_started_at: sql<Date>`now()`,
      claim_expires_at: sql<Date>`now() + make_interval(secs => ${claimTimeoutMs / 1000})`,
    })
    .where('id', 'in', (eb) => eb.selectFrom('picked').select('picked.id'))
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return rows.length === 0 ? null : { batchId, payloadIds: rows.map((r) => r.id) };
}

/** Payloads claimed by batches whose workflows have not stored them yet (in flight). */
export async function countClaimedPayloads(db: Db): Promise<number> {
  const row = await db.selectFrom('payloads').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'started').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Batches whose claim has expired, the longest expired first. */
export async function findExpiredBatches(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('payloads')
    .select('batch_id')
    .where('status', '=', 'started')
    .where('claim_expires_at', '<=', sql<Date>`now()`)
    .groupBy('batch_id')
    .orderBy(sql`min(claim_expires_at)`)
    .limit(limit)
    .execute();
  return rows.flatMap((r) => (r.batch_id ? [r.batch_id] : []));
}

/**
 * Takes the check of an expired batch by extending its claim (compare-and-set on the expiry, so of several
 * dispatchers exactly one checks it). Returns the batch's payloads still claimed, or none when another dispatcher took
 * the check first.
 */
export async function takeExpiredBatch(db: Db, batchId: string, claimTimeoutMs: number): Promise<string[]> {
  const taken = await db
    .updateTable('payloads')
    .set({ claim_expires_at: sql<Date>`now() + make_interval(secs => ${claimTimeoutMs / 1000})` })
    .where('batch_id', '=', batchId)
    .where('status', '=', 'started')
    .where('claim_expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 0) return [];
  const rows = await db.selectFrom('payloads').select('id').where('batch_id', '=', batchId).where('status', '=', 'started').orderBy('received_at').execute();
  return rows.map((r) => r.id);
}

/** Lets a batch's claim expire now, so that the next dispatch pass checks its workflow (its start did not answer). */
export async function expireBatchClaim(db: Db, batchId: string): Promise<void> {
  await db.updateTable('payloads').set({ claim_expires_at: sql<Date>`now()` }).where('batch_id', '=', batchId).where('status', '=', 'started').execute();
}

/**
 * Gives back the payloads a batch's workflow ended without storing (terminated, timed out, failed): they are pending
 * again and a new batch, under a new id, takes them. Returns how many.
 */
export async function releaseBatch(db: Db, batchId: string): Promise<number> {
  const r = await db
    .updateTable('payloads')
    .set({ status: 'pending', batch_id: null, workflow_started_at: null, claim_expires_at: null })
    .where('batch_id', '=', batchId)
    .where('status', '=', 'started')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
