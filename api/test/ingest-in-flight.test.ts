import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { connectWorker, createWorker } from '@logstag/temporal';
import { collectionPayload, postPayload, seedOrganization, startTestContext, waitFor, type SeededOrganization, type TestContext } from './context';

/**
 * The dispatcher keeps at most LOGSTAG_INGEST_MAX_IN_FLIGHT payloads claimed and not yet stored; the rest of a backlog
 * waits `pending` in the store (where claims take it grouped by target) and is claimed as workflows store theirs.
 */
describe('ingest dispatcher, payloads in flight (PostgreSQL store, real Temporal)', () => {
  let ctx: TestContext;
  let org: SeededOrganization;
  let workerConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;

  beforeAll(async () => {
    ctx = await startTestContext('postgres', {
      runWorker: false,
      recoveryIntervalMs: 200,
      env: { LOGSTAG_INGEST_MAX_BATCH: '4', LOGSTAG_INGEST_MAX_IN_FLIGHT: '8', LOGSTAG_INGEST_RATE_PER_MINUTE: '100000' },
    });
    org = await seedOrganization(ctx);
  });

  afterAll(async () => {
    worker?.shutdown();
    await workerRun?.catch(() => undefined);
    await workerConnection?.close();
    await ctx?.stop();
  });

  const countByStatus = async () => {
    const rows = await ctx.app.store.db.selectFrom('payloads').select(['status']).execute();
    const out: Record<string, number> = {};
    for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
    return out;
  };

  it('leaves a backlog beyond the bound pending while no worker stores, then stores all of it', async () => {
    const payloads = Array.from({ length: 20 }, (_, i) => collectionPayload({ targetId: `t-${i % 4}` }));
    // One NDJSON request: the 20 are committed together before the dispatcher's linger ends, so it claims full batches
    // up to the bound. Posted one by one on a loaded machine, a pass could claim a partial batch first and end above
    // the bound by design (a batch is claimed whole while fewer than the bound are in flight).
    const body = payloads.map((p) => JSON.stringify(p)).join('\n');
    const res = await postPayload(ctx.url, body, { key: org.agentKey, headers: { 'content-type': 'application/x-ndjson' } });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { results: Array<{ status: string }> }).results.every((r) => r.status === 'accepted')).toBe(true);
    await waitFor(async () => (await countByStatus()).started === 8, 15_000, 'two batches of 4 to be claimed');
    // Several dispatch passes later (nudges, the 200 ms recovery loop), nothing more is claimed.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await countByStatus()).toEqual({ started: 8, pending: 12 });

    workerConnection = await connectWorker({ address: ctx.temporal.address, namespace: 'logstag' });
    worker = await createWorker({ connection: workerConnection, namespace: 'logstag', activities: createActivities({ db: ctx.app.store.db }) });
    workerRun = worker.run();
    await waitFor(async () => (await countByStatus()).stored === 20, 60_000, 'the whole backlog to be stored');
  });
});
