// Real runs of every workflow type on the real dev server, with the real activities on a store, whose histories the
// replay test keeps in histories/ (`npm run record-histories -w @logstag/workflows`). A new workflow type gets a
// recorder here; replay.test.ts fails while an exported workflow has no recorder or no recorded history.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type Activities } from '@logstag/activities';
import { insertPayloadRows, type PayloadJson } from '@logstag/activities/testing';
import { payloadSchema, SCHEMA_VERSION } from '@logstag/schema';
import { insertAlertRule, insertEscalationPolicy, payloadBodyFromJson, saveE2eTestSettings, type Store } from '@logstag/store';
import { TASK_QUEUE, workflowBundle, workflowIds, workflowTypes } from '@logstag/temporal';
import { alertQueries, alertSignals, alertUpdates } from '@logstag/temporal/contracts';
import { loopbackDeliveryDeps, newSigningSecret, notification, startReceiver, testIntegration, testOrganization } from '@logstag/activities/delivery-testing';

export interface RecordContext {
  env: TestWorkflowEnvironment;
  store: Store;
}

export interface RecordedRun {
  workflowId: string;
  /** protobufjs's JSON form of the history (History.toJSON): what histories/*.json hold. */
  history: unknown;
}

/** histories/<file> of a workflow type: `retentionWorkflow` → `retention-workflow.json`. */
export function historyFile(workflowType: string): string {
  return `${workflowType.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.json`;
}

type ActivityDepsOverrides = Partial<Parameters<typeof createActivities>[0]>;

/** A worker on the recording's test server with the real activities on its store. */
async function recordingWorker(ctx: RecordContext, deps: ActivityDepsOverrides = {}): Promise<Worker> {
  return Worker.create({
    connection: ctx.env.nativeConnection,
    namespace: ctx.env.namespace ?? 'logstag',
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: ctx.store.db, ...deps }),
  });
}

/** The recorded alerts' rule: connections above 50, firing at once, resolving after `clearForSeconds`. */
function insertConnectionsRule(ctx: RecordContext, org: string, severity: 'warning' | 'critical', clearForSeconds: number) {
  return insertAlertRule(ctx.store.db, org, {
    name: 'Connections',
    enabled: true,
    severity,
    condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 50, forSeconds: 0, clearForSeconds },
    scope: { engines: [], targetIds: [], tags: {} },
    summaryTemplate: '{{target}}: {{value}}',
    escalationPolicyId: null,
  });
}

/** The evaluator's signal for pg-1 at 90 connections: the condition started at `severity`, or cleared. */
function conditionSignal(change: 'started' | 'cleared', severity: 'warning' | 'critical') {
  return { change, severity: change === 'started' ? severity : null, value: 90, summary: 'pg-1: 90', observedAt: new Date().toISOString() };
}

async function execute(ctx: RecordContext, workflowType: string, workflowId: string, args: unknown[], deps: ActivityDepsOverrides = {}): Promise<RecordedRun> {
  const worker = await recordingWorker(ctx, deps);
  await worker.runUntil(ctx.env.client.workflow.execute(workflowType, { workflowId, taskQueue: TASK_QUEUE, args }));
  const history = await ctx.env.client.workflow.getHandle(workflowId).fetchHistory();
  // protobufjs's own JSON form; historyToJSON trips over vitest loading two copies of the proto module.
  return { workflowId, history: JSON.parse(JSON.stringify(history)) };
}

/** One real, schema-valid payload stored and normalized by the ingest workflow. */
export async function recordIngest(ctx: RecordContext): Promise<RecordedRun> {
  const id = crypto.randomUUID().replace(/^(.{14})./, '$17');
  const collectedAt = new Date().toISOString();
  const body = payloadSchema.parse({
    id,
    kind: 'collection',
    agentId: 'agent-1',
    targetId: 'redis-1',
    engine: 'redis',
    category: 'runtime',
    collectedAt,
    schemaVersion: SCHEMA_VERSION,
    data: {},
  });
  await ctx.store.db
    .insertInto('payloads')
    .values({ id, organization_id: 'org', agent_id: 'agent-1', target_id: 'redis-1', engine: 'redis', category: 'runtime', kind: 'collection', collected_at: collectedAt, replayed: false, ...(await payloadBodyFromJson(body)) })
    .execute();
  return execute(ctx, workflowTypes.ingest, workflowIds.ingest(id), [[id]]);
}

/** A retention pass as its Schedule starts it, over a store with an expired day of raw points to drop. */
export async function recordRetention(ctx: RecordContext): Promise<RecordedRun> {
  const policy: Parameters<Activities['dropExpiredPartitions']>[0] = { rawHours: 72, rollup1mHours: 14 * 24, rollup1hHours: 400 * 24, activityHours: 48, queryStatsHours: 30 * 24 };
  const expiredDay = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
  await sql`select logstag_ensure_partitions('metric_points', ${expiredDay}::date, 1)`.execute(ctx.store.db);
  return execute(ctx, workflowTypes.retention, `retention-record:${crypto.randomUUID()}`, [policy, 3]);
}

/** A signed webhook delivery whose receiver answers 503 once, then 200: an attempt, a wait, and a second attempt. */
export async function recordDelivery(ctx: RecordContext): Promise<RecordedRun> {
  const receiver = await startReceiver();
  try {
    receiver.script({ kind: 'status', status: 503, body: 'busy' });
    const org = await testOrganization(ctx.store.db);
    const integration = await testIntegration(ctx.store.db, org, 'webhook', { url: receiver.url }, { signingSecret: newSigningSecret(), previousSigningSecret: null });
    const request = notification(org, integration);
    return await execute(ctx, workflowTypes.delivery, workflowIds.delivery(request.notificationId), [request, { schedule: [100] }], { delivery: loopbackDeliveryDeps });
  } finally {
    await receiver.close();
  }
}

/** The recorder of each exported workflow type. */
export const recorders: Record<string, (ctx: RecordContext) => Promise<RecordedRun>> = {
  [workflowTypes.ingest]: recordIngest,
  [workflowTypes.retention]: recordRetention,
  [workflowTypes.delivery]: recordDelivery,
};

/** An absence pass (target silent, agent silent) as its Schedule starts it. */
export async function recordAlertAbsence(ctx: RecordContext): Promise<RecordedRun> {
  return execute(ctx, workflowTypes.alertAbsence, `alert-absence-record:${crypto.randomUUID()}`, []);
}

/**
 * One alert's episode with the real activities: the condition starts (pending, then firing at once: `for` 0), an
 * acknowledgement, then the condition clears and the episode resolves after `clear for` (1 s); the run ends.
 */
export async function recordAlert(ctx: RecordContext): Promise<RecordedRun> {
  const org = await testOrganization(ctx.store.db);
  const rule = await insertConnectionsRule(ctx, org, 'warning', 1);
  const fingerprint = `${rule.id}:pg-1`;
  const workflowId = workflowIds.alert(org, fingerprint);
  const worker = await recordingWorker(ctx);
  const client = ctx.env.client.workflow;
  const signal = (change: 'started' | 'cleared') => conditionSignal(change, 'warning');
  await worker.runUntil(async () => {
    await client.signalWithStart(workflowTypes.alert, { workflowId, taskQueue: TASK_QUEUE, args: [{ alert: { organizationId: org, fingerprint, ruleId: rule.id, targetId: 'pg-1', agentId: null, labels: {} } }], signal: alertSignals.condition, signalArgs: [signal('started')] });
    const handle = client.getHandle(workflowId);
    for (let i = 0; (await handle.query<{ status: string }>(alertQueries.state)).status !== 'firing'; i++) {
      if (i > 200) throw new Error('the alert never fired');
      await new Promise((r) => setTimeout(r, 50));
    }
    await handle.executeUpdate(alertUpdates.acknowledge, { args: [{ actor: 'user:recorder', reason: 'recording' }] });
    await handle.signal(alertSignals.condition, signal('cleared'));
    await handle.result();
  });
  const history = await client.getHandle(workflowId).fetchHistory();
  return { workflowId, history: JSON.parse(JSON.stringify(history)) };
}

recorders[workflowTypes.alert] = recordAlert;

/**
 * One alert's episode as bench:alerts runs it, with deliveries: a policy of two webhook tiers (the second 1 s after
 * the first), the condition starts (firing at once), tier 1 gets its trigger (a deliveryWorkflow child), tier 2 its
 * escalation after 1 s, an Operator resolves it (each tier gets its resolve), the condition clears and the run ends.
 */
export async function recordAlertWithDeliveries(ctx: RecordContext): Promise<RecordedRun> {
  const [r1, r2] = await Promise.all([startReceiver(), startReceiver()]);
  try {
    const org = await testOrganization(ctx.store.db);
    const signing = { signingSecret: newSigningSecret(), previousSigningSecret: null };
    const i1 = await testIntegration(ctx.store.db, org, 'webhook', { url: r1.url }, signing);
    const i2 = await testIntegration(ctx.store.db, org, 'webhook', { url: r2.url }, signing);
    await insertEscalationPolicy(ctx.store.db, org, {
      name: 'record',
      tiers: [
        { delaySeconds: 1, recipients: [{ kind: 'integration', integrationId: i1 }] },
        { delaySeconds: 0, recipients: [{ kind: 'integration', integrationId: i2 }] },
      ],
      repeat: 0,
      ackTimeoutSeconds: null,
      isDefault: true,
    });
    const rule = await insertConnectionsRule(ctx, org, 'critical', 600);
    const fingerprint = `${rule.id}:pg-1`;
    const workflowId = workflowIds.alert(org, fingerprint);
    const worker = await recordingWorker(ctx, { delivery: loopbackDeliveryDeps });
    const client = ctx.env.client.workflow;
    const signal = (change: 'started' | 'cleared') => conditionSignal(change, 'critical');
    const waitFor = async (what: string, done: () => boolean) => {
      for (let i = 0; !done(); i++) {
        if (i > 600) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await worker.runUntil(async () => {
      await client.signalWithStart(workflowTypes.alert, { workflowId, taskQueue: TASK_QUEUE, args: [{ alert: { organizationId: org, fingerprint, ruleId: rule.id, targetId: 'pg-1', agentId: null, labels: {} } }], signal: alertSignals.condition, signalArgs: [signal('started')] });
      await waitFor('the tier-2 escalation', () => r2.requests.length >= 1);
      const handle = client.getHandle(workflowId);
      await handle.executeUpdate(alertUpdates.resolve, { args: [{ actor: 'user:recorder', reason: 'recording' }] });
      await waitFor('both resolves', () => r1.requests.length >= 2 && r2.requests.length >= 2);
      await handle.signal(alertSignals.condition, signal('cleared'));
      await handle.result();
    });
    const history = await client.getHandle(workflowId).fetchHistory();
    return { workflowId, history: JSON.parse(JSON.stringify(history)) };
  } finally {
    await Promise.all([r1.close(), r2.close()]);
  }
}

/**
 * Histories of later code paths, kept beside each type's first one (histories/<type>.json, recorded before the
 * patches: re-recording those files would drop the replay of runs started before them). Recorded by file name:
 * `LOGSTAG_RECORD_HISTORIES=alert-workflow-local-store-steps.json`.
 */
export const pathRecorders: Record<string, (ctx: RecordContext) => Promise<RecordedRun>> = {
  // The alert and delivery workflows' store steps as local activities (patches alert-local-store-steps and
  // delivery-local-store-steps).
  'alert-workflow-local-store-steps.json': recordAlert,
  'alert-workflow-with-deliveries.json': recordAlertWithDeliveries,
  'delivery-workflow-local-store-steps.json': recordDelivery,
};
recorders[workflowTypes.alertAbsence] = recordAlertAbsence;

/** A run-now health report of a target whose recorded PostgreSQL collections the ingest activity stored first. */
export async function recordHealthReport(ctx: RecordContext): Promise<RecordedRun> {
  const org = `org-health-record-${crypto.randomUUID()}`;
  const target = 'pg-shop';
  const lines = readFileSync(new URL('../../api/test/fixtures/postgresql.jsonl', import.meta.url), 'utf8').trim().split('\n');
  const now = Date.now();
  const bodies = lines.map((l, i) => ({ ...(JSON.parse(l) as PayloadJson), id: crypto.randomUUID(), targetId: target, collectedAt: new Date(now - (lines.length - i) * 5_000).toISOString() }));
  const ids = await insertPayloadRows(ctx.store.db, org, bodies);
  await new MockActivityEnvironment().run(createActivities({ db: ctx.store.db }).storePayloads, ids);
  return execute(ctx, workflowTypes.healthReport, `${workflowIds.healthReport(org, target)}:record`, [{ organizationId: org, targetId: target, trigger: 'manual' }]);
}

recorders[workflowTypes.healthReport] = recordHealthReport;

/**
 * A daily end-to-end test of an organization with two webhook integrations, one whose receiver answers 200 and one
 * 400: two delivery children (recorded with the run as child workflow events) and both results recorded.
 */
export async function recordIntegrationE2eTest(ctx: RecordContext): Promise<RecordedRun> {
  const receiver = await startReceiver();
  try {
    receiver.check = (r) => (r.path === '/broken' ? 'no such hook' : null);
    const org = await testOrganization(ctx.store.db);
    await saveE2eTestSettings(ctx.store.db, org, { enabled: true, hour: 6, timeZone: 'UTC' });
    const signing = { signingSecret: newSigningSecret(), previousSigningSecret: null };
    await testIntegration(ctx.store.db, org, 'webhook', { url: receiver.url }, signing);
    await testIntegration(ctx.store.db, org, 'webhook', { url: `http://127.0.0.1:${receiver.port}/broken` }, signing);
    return await execute(ctx, workflowTypes.integrationE2eTest, `${workflowIds.integrationE2eTest(org)}:record`, [{ organizationId: org }], { delivery: loopbackDeliveryDeps });
  } finally {
    await receiver.close();
  }
}

recorders[workflowTypes.integrationE2eTest] = recordIntegrationE2eTest;
