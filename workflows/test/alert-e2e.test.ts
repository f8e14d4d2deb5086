// Alerts end to end on the real stack: payloads stored by the ingest workflow on the Temporal dev server and
// PostgreSQL 15, evaluated by evaluateAlerts, the alert workflow signalled-with-start on transitions, and every
// notification delivered by the Integrations issue's deliveryWorkflow as a signed webhook to loopback receivers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { insertPayloadRows, validBody } from '@logstag/activities/testing';
import { loopbackDeliveryDeps, newSigningSecret, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { episodeTimeline, insertAlertRule, insertEscalationPolicy, listEpisodeHistory, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { createWorker, TASK_QUEUE } from '@logstag/temporal';
import { alertAbsence } from '@logstag/temporal/contracts';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { AlertView, RuleInput } from '@logstag/schema';

interface Hook {
  type: string;
  data: { episodeId: string; event: string; alert: { ruleName: string; status: string; summary: string } };
}

describe('alerts end to end (dev server, PostgreSQL, signed webhooks to loopback receivers)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;
  let tier1: Receiver;
  let tier2: Receiver;
  const secret = newSigningSecret();

  beforeAll(async () => {
    [env, tdb] = await Promise.all([startTestTemporal(), createTestDatabase()]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 8 });
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'logstag',
      activities: createActivities({ db: store.db, temporal: () => env.client, delivery: loopbackDeliveryDeps }),
    });
    running = worker.run();
    [tier1, tier2] = await Promise.all([startReceiver(), startReceiver()]);
  });
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await Promise.all([tier1?.close(), tier2?.close()]);
    await store?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  /** An organization with a webhook per tier (tier 1 waits `delaySeconds` for an acknowledgement) and one rule. */
  async function setUp(rule: Partial<RuleInput> = {}, delaySeconds = 4) {
    const org = await testOrganization(store.db);
    const secrets = { signingSecret: secret, previousSigningSecret: null };
    const i1 = await testIntegration(store.db, org, 'webhook', { url: tier1.url }, secrets);
    const i2 = await testIntegration(store.db, org, 'webhook', { url: tier2.url }, secrets);
    await insertEscalationPolicy(store.db, org, {
      name: 'on call',
      tiers: [
        { delaySeconds, recipients: [{ kind: 'integration', integrationId: i1 }] },
        { delaySeconds: 0, recipients: [{ kind: 'integration', integrationId: i2 }] },
      ],
      repeat: 0,
      ackTimeoutSeconds: null,
      isDefault: true,
    });
    const created = await insertAlertRule(store.db, org, {
      name: 'Connections <b>high</b>',
      enabled: true,
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'connections.used', ratioOf: ['connections.max'], comparator: '>', value: 85, forSeconds: 2, clearForSeconds: 3 },
      scope: { engines: ['postgresql'], targetIds: [], tags: {} },
      summaryTemplate: '{{target}}: connections at {{value}} %',
      escalationPolicyId: null,
      ...rule,
    });
    return { org, rule: created, target: `pg-${randomUUID().slice(0, 8)}` };
  }

  /** One runtime collection with `used` of 100 connections, stored by the ingest workflow as the dispatcher would run it. */
  async function ingest(org: string, target: string, used: number, options: { replayed?: boolean; at?: Date } = {}) {
    const body = { ...validBody(target, options.at ?? new Date()), data: { connections: { total: used, max_connections: 100 } } };
    const ids = await insertPayloadRows(store.db, org, [body], { status: 'started', workflow_started_at: new Date(), replayed: options.replayed ?? false });
    return env.client.workflow.execute('ingestWorkflow', { workflowId: `ingest-test:${randomUUID()}`, taskQueue: TASK_QUEUE, args: [ids] });
  }

  // The receivers are shared by the tests: each test's notifications are told apart by their episode ids.
  const hooks = (r: Receiver) => r.requests.map((q) => ({ q, hook: JSON.parse(q.body) as Hook }));
  const episodesOf = async (org: string) => listEpisodeHistory(store.db, org, {});

  async function waitFor<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const eventsFor = (r: Receiver, episodeId: string) => hooks(r).filter(({ hook }) => hook.data.episodeId === episodeId).map(({ hook }) => hook.data.event);

  it('opens after `for`, notifies tier 1 with a signed webhook, escalates to tier 2 when nobody acknowledges, and resolves each once after `clear for`', async () => {
    const { org, target } = await setUp();
    const t0 = Date.now();
    await ingest(org, target, 95);
    const [episode] = await waitFor('an episode', () => episodesOf(org), (e) => e.length === 1);
    const ep = episode!.id;
    await waitFor('tier-1 trigger', () => eventsFor(tier1, ep), (e) => e.length === 1);
    const trigger = hooks(tier1).find(({ hook }) => hook.data.episodeId === ep)!;
    // Fired no sooner than `for` (2 s) after the breaching payload was accepted.
    expect(trigger.q.at - t0).toBeGreaterThanOrEqual(2_000);
    expect(() => new Webhook(secret).verify(trigger.q.body, trigger.q.headers as Record<string, string>)).not.toThrow();
    expect(trigger.hook).toMatchObject({ type: 'alert.trigger', data: { event: 'trigger', alert: { ruleName: 'Connections <b>high</b>', status: 'firing' } } });
    expect(trigger.hook.data.alert.summary).toMatch(/connections at 95 %/);

    // Still breaching, not acknowledged: tier 2 after tier 1's 4 s (margin for a loaded machine).
    await ingest(org, target, 96);
    await waitFor('tier-2 escalation', () => eventsFor(tier2, ep), (e) => e.length === 1, 30_000);
    const escalated = hooks(tier2).find(({ hook }) => hook.data.episodeId === ep)!;
    // Tier 2 is due 4 s after the episode fired (the workflow's clock), not after tier 1's request arrived: that one
    // can arrive late on a loaded machine and leave less than 4 s between the two arrivals.
    const firedAt = new Date((await episodesOf(org))[0]!.firing_at!).getTime();
    expect(escalated.q.at - firedAt).toBeGreaterThanOrEqual(4_000 - 50);
    expect(escalated.hook.data.event).toBe('escalate');

    // Clears, flaps back within clear-for, clears again: one episode, and after 3 s clear, one resolve per receiver.
    await ingest(org, target, 40);
    await ingest(org, target, 97);
    await ingest(org, target, 40);
    await waitFor('resolves', () => [...eventsFor(tier1, ep), ...eventsFor(tier2, ep)], (e) => e.filter((x) => x === 'resolve').length === 2, 30_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(eventsFor(tier1, ep)).toEqual(['trigger', 'resolve']);
    expect(eventsFor(tier2, ep)).toEqual(['escalate', 'resolve']);
    expect(await episodesOf(org)).toHaveLength(1);
    const timeline = await waitFor('delivery results on the timeline', () => episodeTimeline(store.db, org, ep), (t) => t.filter((e) => e.kind === 'delivery').length === 4);
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['pending', 'firing', 'escalation', 'notification', 'delivery', 'condition_cleared', 'resolved']));
    expect(timeline.filter((e) => e.kind === 'delivery').every((e) => (e.data as { outcome: string }).outcome === 'delivered')).toBe(true);
  }, 60_000);

  it('does not escalate once acknowledged', async () => {
    const { org, target } = await setUp({}, 3);
    await ingest(org, target, 99);
    const [episode] = await waitFor('an episode', () => episodesOf(org), (e) => e.length === 1 && e[0]!.status === 'firing');
    const ep = episode!.id;
    await waitFor('tier-1 trigger', () => eventsFor(tier1, ep), (e) => e.length === 1);
    const handle = env.client.workflow.getHandle(episode!.workflow_id);
    const view = await handle.executeUpdate<AlertView, [{ actor: string }]>('acknowledgeUpdate', { args: [{ actor: 'user:alice' }] });
    expect(view.status).toBe('acknowledged');
    await new Promise((r) => setTimeout(r, 5_000));
    expect(eventsFor(tier2, ep)).toEqual([]);
    expect(eventsFor(tier1, ep)).toEqual(['trigger', 'acknowledge']);
  }, 60_000);

  it('opens nothing for a breaching payload replayed from the spool', async () => {
    const { org, target } = await setUp();
    const result = (await ingest(org, target, 99, { replayed: true })) as { stored: number };
    expect(result.stored).toBe(1);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await episodesOf(org)).toEqual([]);
    expect(await store.db.selectFrom('alert_conditions').selectAll().where('organization_id', '=', org).execute()).toEqual([]);
  }, 60_000);

  it('target silent fires on the absence pass and suppresses the notifications of its target’s other alerts', async () => {
    const { org, target } = await setUp({}, 60);
    await insertAlertRule(store.db, org, {
      name: 'Target silent',
      enabled: true,
      severity: 'critical',
      condition: { kind: 'absence', subject: 'target', silentSeconds: 60, forSeconds: 0, clearForSeconds: 0 },
      scope: { engines: [], targetIds: [], tags: {} },
      summaryTemplate: '{{target}}: no data',
      escalationPolicyId: null,
    });
    // A collection two minutes ago and nothing since: silent for the 60 s rule.
    await ingest(org, target, 10, { at: new Date(Date.now() - 120_000) });
    await env.client.workflow.execute(alertAbsence.workflowType, { workflowId: `absence-test:${randomUUID()}`, taskQueue: TASK_QUEUE, args: [] });
    const [silent] = await waitFor('target silent firing', () => episodesOf(org), (e) => e.length === 1 && e[0]!.status === 'firing');
    expect(silent!.rule_name).toBe('Target silent');
    await waitFor('target-silent trigger', () => eventsFor(tier1, silent!.id), (e) => e.length === 1);

    // A late, breaching collection (still older than the silence): the connections alert fires but notifies nobody.
    await ingest(org, target, 99, { at: new Date(Date.now() - 90_000) });
    const episodes = await waitFor('connections alert firing', () => episodesOf(org), (e) => e.length === 2 && e.every((x) => x.status === 'firing'));
    const other = episodes.find((e) => e.id !== silent!.id)!;
    const timeline = await waitFor('suppressed on the timeline', () => episodeTimeline(store.db, org, other.id), (t) => t.some((e) => e.kind === 'suppressed'));
    expect(timeline.find((e) => e.kind === 'suppressed')!.reason).toMatch(/Target silent/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(eventsFor(tier1, other.id)).toEqual([]);
  }, 60_000);

  it('rate of change: opens when a series rises faster than the rule allows between two collections, not on a slow rise', async () => {
    const { org, target } = await setUp({
      name: 'Connections surging',
      condition: { kind: 'rate', metric: 'connections.used', comparator: '>', value: 5, forSeconds: 0, clearForSeconds: 60 },
      scope: { engines: [], targetIds: [], tags: {} },
      summaryTemplate: '{{target}}: {{value}} connections/s',
    });
    const t0 = Date.now() - 60_000;
    // +20 in 10 s (2/s): under the rule. Then +60 in 10 s (6/s): over it.
    await ingest(org, target, 10, { at: new Date(t0) });
    await ingest(org, target, 30, { at: new Date(t0 + 10_000) });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await episodesOf(org)).toEqual([]);
    await ingest(org, target, 90, { at: new Date(t0 + 20_000) });
    const [episode] = await waitFor('a rate alert', () => episodesOf(org), (e) => e.length === 1);
    expect(episode!.summary).toBe(`${target}: 6 connections/s`);
  }, 60_000);

  it('a worker stopped during the acknowledgement wait and replaced: tier 2 still arrives on time, nothing is sent twice', async () => {
    const { org, target } = await setUp({}, 6);
    await ingest(org, target, 95);
    const [episode] = await waitFor('an episode', () => episodesOf(org), (e) => e.length === 1 && e[0]!.status === 'firing');
    const ep = episode!.id;
    await waitFor('tier-1 trigger', () => eventsFor(tier1, ep), (e) => e.length === 1);
    const triggeredAt = hooks(tier1).find(({ hook }) => hook.data.episodeId === ep)!.q.at;
    // The worker goes away while the workflow waits out tier 1's 6 s, and a new one (new process state) takes over.
    worker.shutdown();
    await running;
    await new Promise((r) => setTimeout(r, 2_000));
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'logstag',
      activities: createActivities({ db: store.db, temporal: () => env.client, delivery: loopbackDeliveryDeps }),
    });
    running = worker.run();
    await waitFor('tier-2 escalation', () => eventsFor(tier2, ep), (e) => e.length === 1, 30_000);
    const escalatedAt = hooks(tier2).find(({ hook }) => hook.data.episodeId === ep)!.q.at;
    // Due 6 s after the episode fired (the workflow's clock; tier 1's arrival can be late under load).
    expect(escalatedAt - new Date(episode!.firing_at!).getTime()).toBeGreaterThanOrEqual(6_000 - 50);
    expect(escalatedAt - triggeredAt).toBeLessThan(6_000 + 5_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(eventsFor(tier1, ep)).toEqual(['trigger']);
    expect(eventsFor(tier2, ep)).toEqual(['escalate']);
  }, 60_000);
});
