import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { defaultPayloadConverter, type Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { payloadSchema } from '@logstag/schema';
import { payloadBodyFromJson } from '@logstag/store';
import { connectWorker, createWorker, workflowIds, workflowTypes } from '@logstag/temporal';
import { ConfigError, serverConfigFromEnv } from '../src/config';
import { claimPendingBatch, insertPayload } from '@logstag/store';
import { createIngestDispatcher } from '../src/server/ingest-dispatcher';
import { createMetrics } from '../src/metrics';
import { collectionPayload, postPayload, seedOrganization, startTestContext, waitFor, type SeededOrganization, type TestContext } from './context';

const CLAIM_TIMEOUT_SECONDS = 2;

/**
 * The dispatcher's re-claim path, with the claim timeout shortened from 5 minutes to 2 seconds: a stuck batch, a
 * dispatcher that crashed between claim and start, a terminated workflow. The real app (PostgreSQL store, dispatcher),
 * the real Temporal dev server, and a worker with the real activities, one of which can be held at a gate.
 */
describe('ingest dispatcher re-claims (PostgreSQL store, real Temporal)', () => {
  let ctx: TestContext;
  let org: SeededOrganization;
  let workerConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  /** Payload ids whose first store attempt waits until the test opens its gate. */
  const gates = new Map<string, { reached: () => void; opened: Promise<void> }>();

  /** Holds the first store attempt of a batch holding `id`; resolves `reached` once it waits. */
  function holdStoreOf(id: string): { reached: Promise<void>; open: () => void } {
    let reached!: () => void;
    let open!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    gates.set(id, { reached, opened: new Promise<void>((r) => (open = r)) });
    return { reached: reachedP, open };
  }

  beforeAll(async () => {
    ctx = await startTestContext('postgres', {
      runWorker: false,
      recoveryIntervalMs: 200,
      // The load below posts one payload per request, well over the default 600 requests a minute per agent key.
      env: { LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS: String(CLAIM_TIMEOUT_SECONDS), LOGSTAG_INGEST_RATE_PER_MINUTE: '100000' },
    });
    org = await seedOrganization(ctx);
    const real = createActivities({ db: ctx.app.store.db });
    workerConnection = await connectWorker({ address: ctx.temporal.address, namespace: 'logstag' });
    worker = await createWorker({
      connection: workerConnection,
      namespace: 'logstag',
      activities: {
        ...real,
        storePayloads: async (ids: string[]) => {
          const held = ids.find((id) => gates.has(id));
          const gate = held ? gates.get(held) : undefined;
          if (held && gate) {
            gates.delete(held);
            gate.reached();
            await gate.opened;
          }
          return real.storePayloads(ids);
        },
      },
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await workerRun?.catch(() => undefined);
    await workerConnection?.close();
    await ctx?.stop();
  });

  const client = (): Client => ctx.temporal.client;
  const rows = (ids: string[]) =>
    ctx.app.store.db.selectFrom('payloads').select(['id', 'status', 'store_count']).where('id', 'in', ids).orderBy('id').execute();
  const allStored = async (ids: string[]) => (await rows(ids)).filter((r) => r.status === 'stored').length === ids.length;

  /** Counters of /metrics: workflow starts by result, and claim checks by outcome. */
  async function dispatchMetrics() {
    const text = await (await fetch(`${ctx.url}/metrics`)).text();
    const of = (name: string, label: string, value: string) =>
      Number(new RegExp(`${name}\\{${label}="${value}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return {
      alreadyStarted: of('logstag_ingest_workflow_starts_total', 'result', 'already_started'),
      running: of('logstag_ingest_claim_checks_total', 'outcome', 'running'),
      released: of('logstag_ingest_claim_checks_total', 'outcome', 'released'),
      restarted: of('logstag_ingest_claim_checks_total', 'outcome', 'restarted'),
    };
  }

  /** Every ingest workflow execution with the payload ids it was started with (read from its history). */
  async function ingestExecutions(): Promise<Array<{ workflowId: string; status: string; payloadIds: string[] }>> {
    const out = [];
    for await (const wf of client().workflow.list({ query: `WorkflowType = '${workflowTypes.ingest}'` })) {
      const history = await client().workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      out.push({ workflowId: wf.workflowId, status: wf.status.name, payloadIds: input ? defaultPayloadConverter.fromPayload<string[]>(input) : [] });
    }
    return out;
  }
  const executionsHolding = async (id: string) => (await ingestExecutions()).filter((e) => e.payloadIds.includes(id));

  async function postAll(payloads: ReturnType<typeof collectionPayload>[]): Promise<void> {
    const answers = await Promise.all(payloads.map(async (p) => (await postPayload(ctx.url, p, { key: org.agentKey })).status));
    expect(answers.every((s) => s === 202)).toBe(true);
  }

  it('never adds new payloads to a stuck batch: while its workflow runs past the claim timeout, every new payload is stored by a workflow of its own', async () => {
    const stuck = collectionPayload();
    const gate = holdStoreOf(stuck.id);
    const before = await dispatchMetrics();
    // A second dispatcher on the same store, as another API replica runs one: it claims and checks claims too.
    const replicaMetrics = createMetrics();
    const replica = createIngestDispatcher({
      db: ctx.app.store.db,
      temporal: () => ctx.app.client,
      logger: pino({ level: 'silent' }),
      metrics: replicaMetrics,
      recoveryIntervalMs: 150,
      staleClaimMs: CLAIM_TIMEOUT_SECONDS * 1000,
    });
    replica.startRecoveryLoop();
    try {
      await postAll([stuck]);
      await gate.reached;

      // Load for four claim timeouts: 10 payloads every 200 ms (50/s), while the stuck batch's claim expires again
      // and again underneath.
      const sent: string[] = [];
      const loadEnds = Date.now() + 4 * CLAIM_TIMEOUT_SECONDS * 1000;
      while (Date.now() < loadEnds) {
        const burst = Array.from({ length: 10 }, () => collectionPayload());
        sent.push(...burst.map((p) => p.id));
        await Promise.all([postAll(burst), new Promise((r) => setTimeout(r, 200))]);
      }

      // Each new payload is stored within a few seconds, while the stuck one still waits at its gate.
      await waitFor(() => allStored(sent), 3 * CLAIM_TIMEOUT_SECONDS * 1000 + 10_000, `all ${sent.length} payloads sent during the load to be stored`);
      const leftStarted = await ctx.app.store.db.selectFrom('payloads').select('id').where('status', '=', 'started').execute();
      expect(leftStarted.map((r) => r.id)).toEqual([stuck.id]);
      expect((await rows([stuck.id]))[0]?.status).toBe('started');
      // Its claim was checked (still running: left alone), and no start ever collided with an existing workflow id.
      const during = await dispatchMetrics();
      const replicaRunning = (await replicaMetrics.claimChecks.get()).values.find((v) => v.labels.outcome === 'running')?.value ?? 0;
      expect(during.running - before.running + replicaRunning).toBeGreaterThan(0);
      expect(during.alreadyStarted).toBe(before.alreadyStarted);
      const replicaStarts = (await replicaMetrics.workflowStarts.get()).values;
      expect(replicaStarts.filter((v) => v.labels.result === 'already_started')).toEqual([]);
      // The replica took its share of the load.
      expect(replicaStarts.find((v) => v.labels.result === 'started')?.value).toBeGreaterThan(0);

      gate.open();
      await waitFor(() => allStored([stuck.id]), 20_000, 'the stuck payload to be stored once its workflow goes on');
      expect((await rows([...sent, stuck.id])).every((r) => r.store_count === 1)).toBe(true);

      // One workflow per payload: the batches are disjoint, and the stuck one ran with its payload alone.
      const executions = (await ingestExecutions()).filter((e) => e.payloadIds.some((id) => id === stuck.id || sent.includes(id)));
      const counted = new Map<string, number>();
      for (const e of executions) for (const id of e.payloadIds) counted.set(id, (counted.get(id) ?? 0) + 1);
      expect(counted.size).toBe(sent.length + 1);
      expect([...counted.values()].every((n) => n === 1)).toBe(true);
      expect(executions.filter((e) => e.payloadIds.includes(stuck.id)).map((e) => e.payloadIds)).toEqual([[stuck.id]]);
    } finally {
      gate.open();
      await replica.stopRecoveryLoop();
    }
  });

  it('starts a batch whose dispatcher crashed between claim and start under the same batch id, with exactly its payloads', async () => {
    const crashed = Array.from({ length: 3 }, () => payloadSchema.parse(collectionPayload()));
    // Committed and claimed in one transaction, and never started: what a dispatcher that died right after the claim
    // leaves behind. The app's own dispatcher cannot see the rows before they are claimed.
    const batch = await ctx.app.store.db.transaction().execute(async (trx) => {
      for (const p of crashed) await insertPayload(trx, org.organizationId, p, await payloadBodyFromJson(p));
      return claimPendingBatch(trx, { limit: 10, claimTimeoutMs: CLAIM_TIMEOUT_SECONDS * 1000 });
    });
    const ids = crashed.map((p) => p.id).sort();
    expect(batch?.payloadIds.slice().sort()).toEqual(ids);
    const before = await dispatchMetrics();

    // Payloads keep arriving meanwhile (10 every 200 ms); none of them may join the crashed batch.
    const sent: string[] = [];
    const deadline = Date.now() + 2 * CLAIM_TIMEOUT_SECONDS * 1000 + 15_000;
    while (!(await allStored(ids))) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the crashed batch to be started and stored');
      const burst = Array.from({ length: 10 }, () => collectionPayload());
      sent.push(...burst.map((p) => p.id));
      await Promise.all([postAll(burst), new Promise((r) => setTimeout(r, 200))]);
    }
    const result = await client().workflow.getHandle(workflowIds.ingestBatch(batch!.batchId)).result();
    expect(result).toMatchObject({ stored: 3, alreadyStored: 0 });
    await waitFor(() => allStored(sent), 20_000, 'the payloads sent meanwhile to be stored');
    const holding = (await ingestExecutions()).filter((e) => e.payloadIds.some((id) => ids.includes(id)));
    expect(holding.map((e) => ({ workflowId: e.workflowId, payloadIds: e.payloadIds.slice().sort() }))).toEqual([
      { workflowId: workflowIds.ingestBatch(batch!.batchId), payloadIds: ids },
    ]);
    expect((await dispatchMetrics()).restarted).toBeGreaterThan(before.restarted);
  });

  it('releases the payloads of a terminated workflow once their claim times out, and a new batch stores them', async () => {
    const doomed = collectionPayload();
    const gate = holdStoreOf(doomed.id);
    const before = await dispatchMetrics();
    try {
      await postAll([doomed]);
      await gate.reached;
      const [first] = await executionsHolding(doomed.id);
      expect(first?.status).toBe('RUNNING');
      await client().workflow.getHandle(first!.workflowId).terminate('test: a workflow ended by an operator');

      await waitFor(() => allStored([doomed.id]), 2 * CLAIM_TIMEOUT_SECONDS * 1000 + 15_000, 'the released payload to be stored by a new batch');
      const executions = await executionsHolding(doomed.id);
      expect(executions).toHaveLength(2);
      expect((await client().workflow.getHandle(first!.workflowId).describe()).status.name).toBe('TERMINATED');
      const next = executions.find((e) => e.workflowId !== first!.workflowId);
      expect(next?.payloadIds).toEqual([doomed.id]);
      await expect(client().workflow.getHandle(next!.workflowId).result()).resolves.toMatchObject({ stored: 1, alreadyStored: 0 });
      expect((await dispatchMetrics()).released).toBeGreaterThan(before.released);
    } finally {
      gate.open();
    }
  });
});

describe('LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS', () => {
  it('defaults to 5 minutes, takes seconds (fractions too), and refuses anything but a positive number', () => {
    expect(serverConfigFromEnv({}).ingestClaimTimeoutMs).toBe(300_000);
    expect(serverConfigFromEnv({ LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS: '2.5' }).ingestClaimTimeoutMs).toBe(2_500);
    for (const bad of ['0', '-1', 'five', 'Infinity']) {
      expect(() => serverConfigFromEnv({ LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS: bad })).toThrow(ConfigError);
    }
  });
});
