// Alerts under faults (issue 15): the worker (a separate LOGSTAG_ROLE=worker process) and the Temporal dev server are
// SIGKILLed at one moment when three alerts are each in a fragile state — one waiting for an acknowledgement with its
// tier-2 escalation pending, one whose trigger delivery is in its back-off after a 429, one cleared and waiting out
// `clear for` before its resolve — and started again on the same SQLite file. Afterwards the escalation fires on time,
// a receiver that de-duplicates on webhook-id sees every notification once, and every resolve arrives.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { insertPayloadRows, validBody } from '@logstag/activities/testing';
import { newSigningSecret, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { createSecretBox, episodeTimeline, insertAlertRule, insertEscalationPolicy, listEpisodeHistory, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { connectClient, freePort, startDevServer, TASK_QUEUE, workflowIds, type DevServer } from '@logstag/temporal';
import { testTemporalCli } from '@logstag/temporal/testing';

const ROOT = resolve(import.meta.dirname, '../..');
const NAMESPACE = 'logstag';

interface Hook {
  data: { episodeId: string; event: string };
}

/** What a receiver that de-duplicates on webhook-id notifies: each webhook-id once, in arrival order. */
function notified(r: Receiver): { id: string; episodeId: string; event: string; at: number }[] {
  const seen = new Map<string, { id: string; episodeId: string; event: string; at: number }>();
  for (const q of r.requests) {
    const id = String(q.headers['webhook-id']);
    if (seen.has(id)) continue;
    const hook = JSON.parse(q.body) as Hook;
    seen.set(id, { id, episodeId: hook.data.episodeId, event: hook.data.event, at: q.at });
  }
  return [...seen.values()];
}
const events = (r: Receiver) => notified(r).map((n) => n.event);

async function until<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('alerts across a SIGKILL of the worker process and the Temporal dev server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-alert-faults-'));
  const dbFile = join(dir, 'temporal.db');
  const key = randomBytes(32);
  const secret = newSigningSecret();
  let port: number;
  let server: DevServer;
  let client: Client;
  let tdb: TestDatabase;
  let store: Store;
  const receivers: Receiver[] = [];
  const workers: ChildProcess[] = [];
  const t0 = Date.now();
  const step = (what: string) => process.stdout.write(`alert-faults +${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}\n`);

  const startServer = async () => startDevServer({ binary: testTemporalCli(), port, uiPort: null, dbFile, namespace: NAMESPACE, logFile: join(dir, 'temporal.log') });

  async function startWorker(): Promise<ChildProcess> {
    let err = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOGSTAG_ROLE: 'worker',
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: NAMESPACE,
        DATABASE_URL: tdb.url,
        LOGSTAG_DATA_DIR: join(dir, 'data'),
        LOGSTAG_SECRET_KEY: key.toString('base64'),
        LOGSTAG_OUTBOUND_ALLOW: '127.0.0.0/8',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.push(child);
    child.stderr?.on('data', (d) => {
      err += d;
      process.stderr.write(`worker: ${d}`);
    });
    await new Promise<void>((ready, fail) => {
      child.stdout?.on('data', (d) => String(d).includes('worker is running') && ready());
      child.once('exit', (code) => fail(new Error(`worker exited ${code}: ${err}`)));
    });
    return child;
  }

  async function receiver(): Promise<Receiver> {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  /** An organization whose default policy notifies `tiers` receivers in turn, and one threshold rule on connections. */
  async function organization(tiers: { receiver: Receiver; delaySeconds: number }[], clearForSeconds: number) {
    const org = await testOrganization(store.db);
    const box = createSecretBox(key);
    const recipients = [];
    for (const t of tiers) {
      const id = await testIntegration(store.db, org, 'webhook', { url: t.receiver.url }, { signingSecret: secret, previousSigningSecret: null }, box);
      recipients.push({ delaySeconds: t.delaySeconds, recipients: [{ kind: 'integration' as const, integrationId: id }] });
    }
    await insertEscalationPolicy(store.db, org, { name: 'on call', tiers: recipients, repeat: 0, ackTimeoutSeconds: null, isDefault: true });
    await insertAlertRule(store.db, org, {
      name: 'Connections high',
      enabled: true,
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'connections.used', ratioOf: ['connections.max'], comparator: '>', value: 85, forSeconds: 1, clearForSeconds },
      scope: { engines: ['postgresql'], targetIds: [], tags: {} },
      summaryTemplate: '{{target}}: connections at {{value}} %',
      escalationPolicyId: null,
    });
    return { org, target: `pg-${randomUUID().slice(0, 8)}` };
  }

  /** One collection with `used` of 100 connections, stored by the ingest workflow as the dispatcher would run it. */
  async function ingest(o: { org: string; target: string }, used: number) {
    const body = { ...validBody(o.target, new Date()), data: { connections: { total: used, max_connections: 100 } } };
    const ids = await insertPayloadRows(store.db, o.org, [body], { status: 'started', workflow_started_at: new Date(), replayed: false });
    await client.workflow.execute('ingestWorkflow', { workflowId: `ingest-test:${randomUUID()}`, taskQueue: TASK_QUEUE, args: [ids] });
  }

  const episodeOf = async (org: string) => (await until('an episode', () => listEpisodeHistory(store.db, org, {}), (e) => e.length === 1))[0]!;

  beforeAll(async () => {
    port = await freePort();
    [server, tdb] = await Promise.all([startServer(), createTestDatabase()]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
    client = await connectClient({ address: server.address, namespace: NAMESPACE });
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await client?.connection.close();
    await server?.stop({ signal: 'SIGKILL' });
    await Promise.all(receivers.map((r) => r.close()));
    await store?.close();
    await tdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('escalates on time, notifies each webhook-id once and delivers every resolve after the restart', async () => {
    const ESCALATE_S = 15;
    const [a1, a2, b1, c1] = await Promise.all([receiver(), receiver(), receiver(), receiver()]);
    // A: waits for an acknowledgement, tier 2 after 15 s. B: its receiver answers the trigger with 429 Retry-After 20,
    // so the delivery sits in a 20 s back-off. C: cleared, waiting out a 12 s `clear for` before resolving.
    const [A, B, C] = await Promise.all([
      organization([{ receiver: a1, delaySeconds: ESCALATE_S }, { receiver: a2, delaySeconds: 0 }], 2),
      organization([{ receiver: b1, delaySeconds: 3_600 }], 2),
      organization([{ receiver: c1, delaySeconds: 3_600 }], 12),
    ]);
    b1.script({ kind: 'status', status: 429, headers: { 'retry-after': '20' }, body: 'slow down' });
    let worker = await startWorker();
    step('worker up');

    await Promise.all([ingest(A, 95), ingest(B, 95), ingest(C, 95)]);
    const [epA, epB, epC] = await Promise.all([episodeOf(A.org), episodeOf(B.org), episodeOf(C.org)]);
    step('episodes open');
    await until('A and C triggered', () => [events(a1), events(c1)], ([a, c]) => a!.length === 1 && c!.length === 1);
    // Tier 2 is due ESCALATE_S after A fired (the workflow's clock), not after tier 1's request arrived: that one can
    // arrive late on a loaded machine, and tier 2 then lands less than ESCALATE_S after it.
    const firedA = new Date((await listEpisodeHistory(store.db, A.org, {}))[0]!.firing_at!).getTime();
    step('A and C triggered');
    await ingest(C, 10);
    step('C cleared by a collection');
    // B's delivery is in its back-off: attempt 1 answered 429 and the workflow's timer is running.
    const notes = async () => (await episodeTimeline(store.db, B.org, epB.id)).filter((e) => e.kind === 'notification');
    const [noteB] = await until('B asked for its trigger', notes, (n) => n.length === 1);
    const notificationB = (noteB!.data as { notificationId: string }).notificationId;
    step('B asked');
    await until(
      'B in its back-off',
      async () => ((await client.workflow.getHandle(workflowIds.delivery(notificationB)).fetchHistory()).events ?? []).some((e) => e.timerStartedEventAttributes),
      (started) => started,
    );
    // C's clear is recorded: its resolve waits for `clear for`.
    await until('C cleared', () => episodeTimeline(store.db, C.org, epC.id), (t) => t.some((e) => e.kind === 'condition_cleared'));

    // The fragile states hold at the kill: no escalation yet, B not delivered (one 429), C not resolved.
    expect(Date.now() - firedA).toBeLessThan(ESCALATE_S * 1_000);
    expect(events(a2)).toEqual([]);
    expect(b1.requests).toHaveLength(1);
    expect(events(c1)).toEqual(['trigger']);
    step('killing');
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    await server.stop({ signal: 'SIGKILL' });
    const restartAt = Date.now();
    server = await startServer();
    worker = await startWorker();
    const workerUpAt = Date.now();
    step('restarted');

    // Tier 2 fires not before its due time, and within its delay + 5 s of the restart (and within 5 s of the later
    // of its due time and the new worker being up).
    await until('tier-2 escalation', () => events(a2), (e) => e.length === 1, 40_000);
    const escalatedAt = notified(a2)[0]!.at;
    step('escalated');
    const dueAt = firedA + ESCALATE_S * 1_000;
    expect(escalatedAt).toBeGreaterThanOrEqual(dueAt - 50);
    expect(escalatedAt - restartAt).toBeLessThan(ESCALATE_S * 1_000 + 5_000);
    expect(escalatedAt - Math.max(dueAt, workerUpAt)).toBeLessThan(5_000);
    // B's trigger is retried after the restart, with the same webhook-id; C's resolve arrives by itself.
    await until('B delivered', () => b1.requests.length, (n) => n === 2, 40_000);
    await until('C resolved', () => events(c1), (e) => e.includes('resolve'), 40_000);
    step('B delivered, C resolved');

    // A and B clear after the restart: each receiver that got a trigger or an escalation gets one resolve.
    await Promise.all([ingest(A, 10), ingest(B, 10)]);
    await until('every resolve', () => [events(a1), events(a2), events(b1)], (l) => l.every((e) => e.includes('resolve')), 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(events(a1)).toEqual(['trigger', 'resolve']);
    expect(events(a2)).toEqual(['escalate', 'resolve']);
    expect(events(b1)).toEqual(['trigger', 'resolve']);
    expect(events(c1)).toEqual(['trigger', 'resolve']);
    expect(new Set(b1.requests.slice(0, 2).map((q) => q.headers['webhook-id'])).size).toBe(1);
    for (const [r, ep] of [[a1, epA], [a2, epA], [b1, epB], [c1, epC]] as const) expect(notified(r).every((n) => n.episodeId === ep.id)).toBe(true);
    const statuses = await Promise.all([A, B, C].map(async (o) => (await listEpisodeHistory(store.db, o.org, {})).map((e) => e.status)));
    expect(statuses).toEqual([['resolved'], ['resolved'], ['resolved']]);
    worker.kill('SIGKILL');
  }, 120_000);
});
