import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { startTestTemporal } from '@logstag/temporal/testing';
import { collectionPayload, postPayload, seedOrganization, startTestContext, waitFor, type TestContext } from './context';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Scale-out shape: an API replica without a worker (LOGSTAG_ROLE=api) and a worker in a process of its own
 * (LOGSTAG_ROLE=worker) sharing PostgreSQL and the Temporal cluster.
 */
describe('API and worker in separate processes', () => {
  let temporal: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let ctx: TestContext;
  let worker: ChildProcess;
  let workerErr = '';
  beforeAll(async () => {
    temporal = await startTestTemporal();
    tdb = await createTestDatabase();
    ctx = await startTestContext('postgres', { temporal, runWorker: false, env: { DATABASE_URL: tdb.url } });
    worker = spawn(process.execPath, ['--import', 'tsx', 'api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, LOGSTAG_ROLE: 'worker', TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: tdb.url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stderr?.on('data', (d) => (workerErr += d));
    await new Promise<void>((ready, fail) => {
      worker.stdout?.on('data', (d) => String(d).includes('worker is running') && ready());
      worker.once('exit', (code) => fail(new Error(`worker exited ${code}: ${workerErr}`)));
    });
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await ctx?.stop();
    await temporal?.teardown();
    await tdb?.drop();
  });

  it('stores payloads accepted by a worker-less API through the separate worker process', async () => {
    const org = await seedOrganization(ctx);
    const payload = collectionPayload();
    expect((await postPayload(ctx.url, payload, { key: org.agentKey })).status).toBe(202);
    const row = await waitFor(
      () => ctx.app.store.db.selectFrom('payloads').select(['status', 'evaluated_at']).where('id', '=', payload.id).where('evaluated_at', 'is not', null).executeTakeFirst(),
      30_000,
      'the worker process to store the payload',
    );
    expect(row.status).toBe('stored');
  });
});
