// The store activity on a batch holding a payload the store refuses, run in Temporal's activity environment against
// both real stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { openStore, readPayloadBody, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import pg from 'pg';
import { createAlertActivities } from '../src/alerts';
import { createIngestActivities, STORE_UNAVAILABLE } from '../src/ingest';
import { insertPayloadRow, poisonBody, validBody } from './payload-rows';

type Backend = 'pglite' | 'postgres';

// The activity environment logs every failed run as a warning; the failures here are the point of the tests.
const quiet: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const activityEnv = () => new MockActivityEnvironment(undefined, { logger: quiet });

describe.each<Backend>(['pglite', 'postgres'])('storePayloads isolates what the store refuses (%s)', (backend) => {
  let tdb: TestDatabase | undefined;
  let store: Store;
  let activities: ReturnType<typeof createIngestActivities> & ReturnType<typeof createAlertActivities>;
  const env = activityEnv();
  beforeAll(async () => {
    if (backend === 'postgres') tdb = await createTestDatabase();
    store = await openStore(tdb ? { databaseUrl: tdb.url, poolSize: 4 } : { dataDir: 'memory://' });
    activities = { ...createIngestActivities({ db: store.db }), ...createAlertActivities({ db: store.db }) };
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  const rowsOf = (ids: string[]) => store.db.selectFrom('payloads').selectAll().where('id', 'in', ids).execute();

  it('stores the 50 valid payloads of a batch and keeps the poison one failed with its error and raw bytes', async () => {
    const t0 = Date.now() - 120_000;
    const valid = await Promise.all(Array.from({ length: 50 }, (_, i) => insertPayloadRow(store.db, validBody(`pg-${i % 5}`, new Date(t0 + i * 1000)))));
    const poison = poisonBody('pg-0', new Date(t0 + 25_500));
    await insertPayloadRow(store.db, poison);
    const ids = [...valid.slice(0, 25), poison.id, ...valid.slice(25)];

    const result = await env.run(activities.storePayloads, ids);
    expect(result).toEqual({ stored: 50, alreadyStored: 0, failed: 1 });

    const rows = await rowsOf(ids);
    expect(rows.filter((r) => r.status === 'stored').map((r) => r.id).sort()).toEqual([...valid].sort());
    const failed = rows.find((r) => r.id === poison.id)!;
    expect(failed).toMatchObject({ status: 'failed', error_reason: 'data_error', attempts: 1, stored_at: null, store_count: 0 });
    expect(failed.error_code).toMatch(/^(22021|22P05|54000)$/);
    expect(failed.error_message).toBeTruthy();
    expect(failed.failed_at).toBeInstanceOf(Date);
    // The raw bytes are the agent's, untouched: they read back as the poison payload, NUL included.
    expect(await readPayloadBody(failed)).toEqual(poison);

    // A retry of the activity (the worker crashed after the commit) changes nothing and fails nothing twice.
    await expect(env.run(activities.storePayloads, ids)).resolves.toEqual({ stored: 0, alreadyStored: 50, failed: 1 });
    expect((await rowsOf([poison.id]))[0]).toMatchObject({ status: 'failed', attempts: 1 });

    // Alert evaluation takes the stored ones and does not stumble on the failed one.
    await expect(env.run(activities.evaluateAlerts, ids)).resolves.toEqual({ rulesEvaluated: 0, transitions: 0 });
    const evaluated = await rowsOf(ids);
    expect(evaluated.filter((r) => r.evaluated_at !== null).map((r) => r.id).sort()).toEqual([...valid].sort());
  });

  it('fails a batch of one poison payload at once, without retrying it', async () => {
    const poison = poisonBody();
    await insertPayloadRow(store.db, poison);
    await expect(env.run(activities.storePayloads, [poison.id])).resolves.toEqual({ stored: 0, alreadyStored: 0, failed: 1 });
    expect((await rowsOf([poison.id]))[0]).toMatchObject({ status: 'failed', error_reason: 'data_error' });
  });

  it('skips a payload an Admin discarded meanwhile', async () => {
    const a = await insertPayloadRow(store.db, validBody());
    const b = await insertPayloadRow(store.db, validBody());
    await store.db.updateTable('payloads').set({ status: 'discarded' }).where('id', '=', b).execute();
    await expect(env.run(activities.storePayloads, [a, b])).resolves.toEqual({ stored: 1, alreadyStored: 0, failed: 1 });
    expect((await rowsOf([b]))[0]?.status).toBe('discarded');
  });

  it('marks the unfinished payloads of a workflow that gave up, and only those', async () => {
    const stored = await insertPayloadRow(store.db, validBody());
    await env.run(activities.storePayloads, [stored]);
    const started = await insertPayloadRow(store.db, validBody());
    await store.db.updateTable('payloads').set({ status: 'started' }).where('id', '=', started).execute();
    const failure = { reason: 'retries_exhausted' as const, message: 'retries exhausted: connection refused', code: 'ECONNREFUSED', attempts: 10 };
    await expect(env.run(activities.markPayloadsFailed, [stored, started], 'store' as const, failure)).resolves.toEqual({ marked: 1 });
    const rows = await rowsOf([stored, started]);
    expect(rows.find((r) => r.id === stored)?.status).toBe('stored');
    expect(rows.find((r) => r.id === started)).toMatchObject({ status: 'failed', error_reason: 'retries_exhausted', error_code: 'ECONNREFUSED', attempts: 10 });
  });
});

describe('storePayloads on a store that cannot answer now (PostgreSQL)', () => {
  let tdb: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    // Lock waits give up after 300 ms, as a store under a long lock would answer.
    const url = new URL(tdb.url);
    url.searchParams.set('options', '-c lock_timeout=300');
    store = await openStore({ databaseUrl: url.toString(), poolSize: 4 });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('throws a lock timeout as retryable, fails no payload, and stores the batch once the lock is gone', async () => {
    const activities = createIngestActivities({ db: store.db });
    const ids = [await insertPayloadRow(store.db, validBody()), await insertPayloadRow(store.db, validBody())];
    const holder = new pg.Client({ connectionString: tdb.url });
    await holder.connect();
    try {
      await holder.query('begin; lock table payloads in access exclusive mode');
      const err = await activityEnv().run(activities.storePayloads, ids).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: STORE_UNAVAILABLE, nonRetryable: false, details: [{ code: '55P03' }] });
      await holder.query('rollback');
    } finally {
      await holder.end();
    }
    const statuses = await store.db.selectFrom('payloads').select('status').where('id', 'in', ids).execute();
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'pending']);
    await expect(activityEnv().run(activities.storePayloads, ids)).resolves.toEqual({ stored: 2, alreadyStored: 0, failed: 0 });
  });
});
