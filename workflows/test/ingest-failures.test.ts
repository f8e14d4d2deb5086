// The ingest workflow on the real Temporal dev server and PostgreSQL 15 when payloads cannot be stored: a poison payload
// in a batch, a store that is locked for a while, and one that stays locked past every attempt.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { insertPayloadRows, poisonBody, validBody, type Body } from '@logstag/activities/testing';
import { openStore, readPayloadBody, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { createWorker, TASK_QUEUE } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { IngestLimits, IngestResult } from '../src/ingest.workflow';

describe('the ingest workflow with payloads that cannot be stored (Temporal dev server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    env = await startTestTemporal();
    tdb = await createTestDatabase();
    // Lock waits give up after 300 ms, so that a table held locked by the test fails the activity's attempts quickly.
    const url = new URL(tdb.url);
    url.searchParams.set('options', '-c lock_timeout=300');
    store = await openStore({ databaseUrl: url.toString(), poolSize: 6 });
    worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'logstag', activities: createActivities({ db: store.db }) });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await store?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  /** Commits payloads as claimed by the dispatcher ('started'), as ingest and the dispatcher would. */
  async function claimed(bodies: Body[]): Promise<string[]> {
    return insertPayloadRows(store.db, 'org-1', bodies, { status: 'started', workflow_started_at: new Date() });
  }

  async function run(ids: string[], limits: Partial<IngestLimits> = {}) {
    const handle = await env.client.workflow.start('ingestWorkflow', { workflowId: `ingest-test:${randomUUID()}`, taskQueue: TASK_QUEUE, args: [ids, limits] });
    const result = (await handle.result()) as IngestResult;
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    return { result, attempts, scheduled };
  }

  const rowsOf = (ids: string[]) => store.db.selectFrom('payloads').selectAll().where('id', 'in', ids).execute();

  /** Holds `table` locked (ACCESS EXCLUSIVE) from another session until release() is called. */
  async function lock(table: string) {
    const holder = new pg.Client({ connectionString: tdb.url });
    await holder.connect();
    await holder.query(`begin; lock table ${table} in access exclusive mode`);
    return {
      release: async () => {
        await holder.query('rollback');
        await holder.end();
      },
    };
  }

  it('stores 50 valid payloads batched with a poison one, fails the poison one with its error and raw bytes, and completes at once', async () => {
    const t0 = Date.now() - 60_000;
    const valid = Array.from({ length: 50 }, (_, i) => validBody(`pg-${i % 4}`, new Date(t0 + i * 500)));
    const poison = poisonBody('pg-main', new Date(t0 + 10_250));
    const ids = await claimed([...valid.slice(0, 20), poison, ...valid.slice(20)]);

    const { result, attempts, scheduled } = await run(ids);
    expect(result).toEqual({ stored: 50, alreadyStored: 0, failed: 1, rulesEvaluated: 0 });
    // Not retried: one attempt of each step, and nothing marked by a give-up.
    expect(scheduled).toEqual(['storePayloads', 'evaluateAlerts']);
    expect(attempts).toEqual([1, 1]);

    const rows = await rowsOf(ids);
    expect(rows.filter((r) => r.status === 'stored')).toHaveLength(50);
    expect(rows.filter((r) => r.evaluated_at !== null)).toHaveLength(50);
    const failed = rows.find((r) => r.id === poison.id)!;
    expect(failed).toMatchObject({ status: 'failed', error_reason: 'data_error', error_code: '22021', attempts: 1, evaluated_at: null });
    expect(failed.error_message).toMatch(/invalid byte sequence/);
    expect(await readPayloadBody(failed)).toEqual(poison);
  });

  it('retries a store that is locked for a while and then stores the batch', async () => {
    const ids = await claimed([validBody(), validBody()]);
    const held = await lock('payloads');
    const releasing = new Promise((resolve) => setTimeout(resolve, 2_000)).then(() => held.release());
    const { result, attempts } = await run(ids, { initialInterval: '200 milliseconds', maximumInterval: '500 milliseconds' });
    await releasing;
    expect(result).toEqual({ stored: 2, alreadyStored: 0, failed: 0, rulesEvaluated: 0 });
    // The first storePayloads attempts met the lock (lock_timeout, 55P03) and were retried.
    expect(Math.max(...attempts)).toBeGreaterThan(1);
    expect((await rowsOf(ids)).map((r) => r.status)).toEqual(['stored', 'stored']);
  });

  it('marks the batch failed with the last error when the store stays unavailable past every attempt, and completes', async () => {
    const ids = await claimed([validBody(), validBody()]);
    // Normalization needs the targets table; marking the payloads does not.
    const held = await lock('targets');
    try {
      const { result, scheduled, attempts } = await run(ids, { maximumAttempts: 3, initialInterval: '100 milliseconds', maximumInterval: '200 milliseconds' });
      expect(result).toEqual({ stored: 0, alreadyStored: 0, failed: 2, rulesEvaluated: 0 });
      expect(scheduled).toEqual(['storePayloads', 'markPayloadsFailed']);
      expect(attempts[0]).toBe(3);
    } finally {
      await held.release();
    }
    for (const row of await rowsOf(ids)) {
      expect(row).toMatchObject({ status: 'failed', error_reason: 'retries_exhausted', error_code: '55P03', attempts: 3 });
      expect(row.error_message).toMatch(/^retries exhausted: .*lock timeout/);
    }
  });
});
