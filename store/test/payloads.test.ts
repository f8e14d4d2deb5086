import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import {
  claimPendingBatch,
  countFailedByReason,
  discardPayload,
  expireBatchClaim,
  findExpiredBatches,
  findPayloadForUpdate,
  insertPayloadRows,
  listFailedPayloads,
  lockPayloads,
  markPayloadFailed,
  markPayloadsEvaluated,
  markPayloadsFailed,
  markPayloadsStored,
  payloadBodyFromJson,
  payloadStatuses,
  releaseBatch,
  requeuePayload,
  storableMessage,
  takeExpiredBatch,
  type NewPayloadRow,
} from '../src/index';
import { backends, suiteStore } from './backends';

describe.each(backends)('payloads on %s', (_name, open) => {
  const store = suiteStore(open);
  const org = randomUUID();

  async function accept(targetId: string, n: number): Promise<string[]> {
    const rows: NewPayloadRow[] = [];
    for (let i = 0; i < n; i++) {
      const id = uuidv7();
      rows.push({ id, organization_id: org, agent_id: 'a', target_id: targetId, engine: 'postgresql', category: 'metrics', kind: 'collection', collected_at: new Date(), replayed: false, ...(await payloadBodyFromJson({ id })) });
    }
    const inserted = await insertPayloadRows(store.db, rows);
    expect(inserted.size).toBe(n);
    return rows.map((r) => r.id);
  }

  it('inserts a payload once per id', async () => {
    const [id] = await accept('t0', 1);
    const again = await store.db.selectFrom('payloads').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(await insertPayloadRows(store.db, [{ ...again, body_raw: again.body_raw }])).toEqual(new Set());
  });

  it('claims pending payloads as one batch, releases them, and claims them again under a new batch', async () => {
    await store.db.updateTable('payloads').set({ status: 'stored' }).execute();
    const ids = await accept('t1', 3);
    const batch = await claimPendingBatch(store.db, { limit: 10, claimTimeoutMs: 60_000 });
    expect(batch?.payloadIds.sort()).toEqual([...ids].sort());
    expect(await claimPendingBatch(store.db, { limit: 10, claimTimeoutMs: 60_000 })).toBeNull();
    expect(await findExpiredBatches(store.db, 10)).toEqual([]);
    await expireBatchClaim(store.db, batch!.batchId);
    expect(await findExpiredBatches(store.db, 10)).toEqual([batch!.batchId]);
    expect((await takeExpiredBatch(store.db, batch!.batchId, 60_000)).sort()).toEqual([...ids].sort());
    expect(await takeExpiredBatch(store.db, batch!.batchId, 60_000)).toEqual([]);
    expect(await releaseBatch(store.db, batch!.batchId)).toBe(3);
    const again = await claimPendingBatch(store.db, { limit: 10, claimTimeoutMs: 60_000 });
    expect(again?.batchId).not.toBe(batch!.batchId);
    expect(again?.payloadIds.length).toBe(3);
  });

  it('marks payloads stored under a lock, counting each pass, and evaluated once', async () => {
    const ids = await accept('t2', 2);
    await store.db.transaction().execute(async (trx) => {
      expect((await lockPayloads(trx, ids)).map((r) => r.id).sort()).toEqual([...ids].sort());
      await markPayloadsStored(trx, ids);
    });
    await markPayloadsStored(store.db, ids);
    await markPayloadsEvaluated(store.db, ids);
    const rows = await store.db.selectFrom('payloads').select(['status', 'store_count', 'stored_at', 'evaluated_at']).where('id', 'in', ids).execute();
    expect(rows.every((r) => r.status === 'stored' && r.store_count === 2 && r.stored_at instanceof Date && r.evaluated_at instanceof Date)).toBe(true);
    expect((await payloadStatuses(store.db, ids)).map((r) => r.status)).toEqual(['stored', 'stored']);
  });

  it('marks a payload failed with a storable message, lists it for Admins, requeues and discards it', async () => {
    const [id, other] = await accept('t3', 2);
    expect(await markPayloadFailed(store.db, id!, { reason: 'data_error', message: 'bad \u0000 byte', code: '22021', attempts: 1 })).toBe(true);
    expect(await markPayloadsFailed(store.db, [other!], 'store', { reason: 'retries_exhausted', message: 'gave up', code: null, attempts: 5 })).toBe(1);
    expect(storableMessage('a\u0000b')).toBe('a\uFFFDb');
    const failed = await listFailedPayloads(store.db, org, undefined, 10);
    expect(failed.map((r) => r.id).sort()).toEqual([id, other].sort());
    expect(failed.find((r) => r.id === id)).toMatchObject({ error_message: 'bad \uFFFD byte', error_code: '22021', attempts: 1 });
    expect(await countFailedByReason(store.db)).toEqual({ data_error: 1, retries_exhausted: 1 });
    await store.db.transaction().execute(async (trx) => {
      expect(await findPayloadForUpdate(trx, randomUUID(), id!)).toBeUndefined();
      await requeuePayload(trx, org, id!);
      await discardPayload(trx, org, other!);
    });
    expect((await payloadStatuses(store.db, [id!, other!])).map((r) => r.status).sort()).toEqual(['discarded', 'pending']);
  });
});
