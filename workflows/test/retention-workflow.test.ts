// The retention workflow with its real activities on PostgreSQL 15, on Temporal's time-skipping test server: a rollup
// pass that hits a locked table is retried on the workflow's backoff (5 s, 10 s, 20 s, 40 s), and the test waits for
// none of it.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { createActivities, type Activities } from '@logstag/activities';
import { openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { TASK_QUEUE, workflowBundle, workflowTypes } from '@logstag/temporal';
import { startTimeSkippingTemporal } from '@logstag/temporal/testing';
import type { RetentionResult } from '../src/retention.workflow';

type Policy = Parameters<Activities['dropExpiredPartitions']>[0];
const POLICY: Policy = { rawHours: 72, rollup1mHours: 14 * 24, rollup1hHours: 400 * 24, activityHours: 48, queryStatsHours: 30 * 24 };

describe('the retention workflow when the store is locked (time-skipping test server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    env = await startTimeSkippingTemporal();
    tdb = await createTestDatabase('logstag_retention_wf');
    // Lock waits give up after 300 ms, as a store under a long lock would answer.
    const url = new URL(tdb.url);
    url.searchParams.set('options', '-c lock_timeout=300');
    store = await openStore({ databaseUrl: url.toString(), poolSize: 3 });
    // The rollup's days exist, so an attempt fails on the locked insert after 300 ms rather than on a partition's
    // creation after its own 5 s lock timeout (real seconds, which time skipping cannot skip).
    const admin = new pg.Client({ connectionString: tdb.url });
    await admin.connect();
    await admin.query(`select logstag_ensure_partitions('metric_rollup_1m', (now() at time zone 'UTC')::date - 2, 4)`);
    await admin.end();
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  /** Holds metric_rollup_1m locked exclusively from another session until release() is called. */
  async function lockRollups() {
    const holder = new pg.Client({ connectionString: tdb.url });
    await holder.connect();
    await holder.query('begin; lock table metric_rollup_1m in access exclusive mode');
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await holder.query('rollback');
      await holder.end();
    };
  }

  /** Runs the workflow with the real activities; `beforeRollup(attempt)` runs before each buildRollups attempt. */
  async function run(beforeRollup: (attempt: number) => Promise<void>) {
    const real = createActivities({ db: store.db });
    let attempt = 0;
    // Wall time is counted from the first rollup attempt: worker start-up on a loaded machine is not what is measured.
    let firstAttemptAt: number | undefined;
    const activities: Activities = {
      ...real,
      buildRollups: async (...args) => {
        firstAttemptAt ??= Date.now();
        await beforeRollup(++attempt);
        return real.buildRollups(...args);
      },
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities,
    });
    const handle = await env.client.workflow.start(workflowTypes.retention, { workflowId: `retention-test:${randomUUID()}`, taskQueue: TASK_QUEUE, args: [POLICY, 1] });
    const outcome = await worker.runUntil(handle.result() as Promise<RetentionResult>).then(
      (result) => ({ result, error: null }),
      (error: unknown) => ({ result: null, error }),
    );
    const wallMs = Date.now() - (firstAttemptAt ?? Date.now());
    const events = (await handle.fetchHistory()).events ?? [];
    const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const workflowMs = at(events[events.length - 1]!) - at(events[0]!);
    const startedAttempts = events.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
    return { ...outcome, wallMs, workflowMs, attempts: attempt, startedAttempts };
  }

  it('retries a rollup pass that hit a lock on its backoff and completes once the lock is gone, the 35 s of backoff skipped', async () => {
    const release = await lockRollups();
    try {
      const r = await run(async (attempt) => {
        if (attempt === 4) await release();
      });
      expect(r.error).toBeNull();
      expect(r.result).toMatchObject({ pendingHours: 0 });
      expect(r.attempts).toBe(4);
      // The server's record: partitions, rollups (started for the 4th time), expiry.
      expect(r.startedAttempts).toEqual([1, 4, 1]);
      // Backoff 5, 10 and 20 s between the four attempts, on the server's clock; without skipping, 35 s of wall time.
      expect(r.workflowMs).toBeGreaterThanOrEqual(35_000);
      expect(r.wallMs).toBeLessThan(30_000);
    } finally {
      await release();
    }
  });

  it('fails the run after 5 attempts when the lock stays, 75 s of backoff on the server clock in seconds of wall time', async () => {
    const release = await lockRollups();
    try {
      const r = await run(async () => undefined);
      expect(r.error).toBeInstanceOf(WorkflowFailedError);
      expect(r.attempts).toBe(5);
      expect(r.startedAttempts).toEqual([1, 5]);
      expect(r.workflowMs).toBeGreaterThanOrEqual(75_000);
      expect(r.wallMs).toBeLessThan(30_000);
    } finally {
      await release();
    }
  });
});
