// The alert workflow under Temporal's time-skipping test server: hysteresis (`for`, `clearFor`), escalation delays
// (tier 2 after its delay, none once acknowledged, empty tiers add no wait, repeats, acknowledgement expiry), severity
// changes, and the resolve guarantee on every path that ends an episode. Delivery is a stand-in child that records
// each request with the workflow clock (test-workflows.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startTimeSkippingTemporal } from '@logstag/temporal/testing';
import type { AlertView, ConditionSignal } from '@logstag/schema';
import { escalationSteps } from '../src/alert.workflow';
import { harness, integration, policy } from './alerts/alert-harness';

const MIN = 60_000;
const TQ = 'alert-time-skipping';

describe('alert workflow (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let h: ReturnType<typeof harness>;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    env = await startTimeSkippingTemporal();
    bundle = await bundleWorkflowCode({
      workflowsPath: new URL('./alerts/test-workflows.ts', import.meta.url).pathname,
      logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });
  // One worker for the file: the test server does not move a workflow off a stopped worker's sticky queue, so the
  // activities delegate to the current test's harness instead.
  beforeEach(async () => {
    h = harness();
    if (worker) return;
    const current = () => h.activities;
    const activities = {
      loadAlertContext: (...a: Parameters<typeof h.activities.loadAlertContext>) => current().loadAlertContext(...a),
      recordAlertEpisode: (...a: Parameters<typeof h.activities.recordAlertEpisode>) => current().recordAlertEpisode(...a),
      alertNotificationGate: (...a: Parameters<typeof h.activities.alertNotificationGate>) => current().alertNotificationGate(...a),
      recordNotification: (...a: Parameters<typeof h.activities.recordNotification>) => current().recordNotification(...a),
    };
    worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue: TQ, workflowBundle: bundle, activities });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
  });

  function alertOf(fp: string) {
    return { organizationId: 'org-1', fingerprint: fp, ruleId: 'r1', targetId: 'pg-main', agentId: null, labels: {} };
  }
  const idOf = (fp: string) => `alert:org-1:${fp}`;
  const handle = (fp: string) => env.client.workflow.getHandle(idOf(fp));
  const query = (fp: string) => handle(fp).query<AlertView>('alertStateQuery');

  let longestRun = 0;
  async function until(fp: string, pred: (v: AlertView) => boolean, what: string): Promise<AlertView> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const v = await query(fp);
      longestRun = Math.max(longestRun, v.runHistoryLength);
      if (pred(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function condition(fp: string, change: ConditionSignal['change'], severity: ConditionSignal['severity'] = 'warning', limits = {}) {
    await env.client.workflow.signalWithStart('alertWorkflow', {
      workflowId: idOf(fp),
      taskQueue: TQ,
      args: [{ alert: alertOf(fp), limits }],
      signal: 'alertConditionSignal',
      signalArgs: [{ change, severity: change === 'cleared' ? null : severity, value: 91, summary: 'pg-main: connections at 91 %', observedAt: new Date().toISOString() }],
    });
    await until(fp, (v) => v.breaching === (change !== 'cleared'), `condition ${change}`);
  }

  const update = (fp: string, name: string, arg: object) => handle(fp).executeUpdate<AlertView, [object]>(name, { args: [arg] });
  const sentTo = (recipient: string, event?: string) => h.sent.filter((s) => s.recipient === recipient && (!event || s.event === event));

  it('lists escalation steps: an empty tier adds no wait, a repeat runs the tiers again', () => {
    const steps = escalationSteps(policy([{ delaySeconds: 600, recipients: [] }, { delaySeconds: 300, recipients: [integration('a')] }, { delaySeconds: 0, recipients: [integration('b')] }], 1));
    expect(steps.map((s) => [s.offsetMs / MIN, s.tier, s.round])).toEqual([
      [0, 1, 0],
      [5, 2, 0],
      [5, 1, 1],
      [10, 2, 1],
    ]);
  });

  it('fires only after `for`, resolves only after `clearFor`, and a metric flapping inside clearFor keeps one episode', async () => {
    h.state.context.policy = policy([{ delaySeconds: 900, recipients: [integration('a')] }]);
    const fp = `flap-${randomUUID()}`;
    // Before the signal: the workflow counts `for` from the workflow task that handles it.
    const start = await env.currentTimeMs();
    await condition(fp, 'started');
    expect((await query(fp)).status).toBe('pending');
    await env.sleep(4 * MIN);
    expect((await query(fp)).status).toBe('pending');
    await env.sleep(2 * MIN);
    const firing = await until(fp, (v) => v.status === 'firing' && v.triggered.length === 1, 'firing after for');
    await until(fp, () => sentTo('integration:a', 'trigger').length === 1, 'trigger delivered');
    expect(sentTo('integration:a', 'trigger')[0]!.at - start).toBeGreaterThanOrEqual(5 * MIN);
    // Flapping: cleared and back every 3 minutes, inside the 10-minute clearFor, for an hour.
    for (let i = 0; i < 10; i++) {
      await condition(fp, 'cleared');
      await env.sleep(3 * MIN);
      await condition(fp, 'started');
      await env.sleep(3 * MIN);
    }
    expect((await query(fp)).episodeId).toBe(firing.episodeId);
    await condition(fp, 'cleared');
    await env.sleep(9 * MIN);
    expect((await query(fp)).status).toBe('firing');
    await env.sleep(2 * MIN);
    await handle(fp).result();
    expect(h.episodes.size).toBe(1);
    expect(sentTo('integration:a').map((s) => s.event)).toEqual(['trigger', 'resolve']);
    expect([...h.episodes.values()][0]).toMatchObject({ status: 'resolved', resolveReason: 'cleared' });
  });

  it('a start and a clear arriving together (a backlog caught up after an outage) fire and resolve once when the evaluator saw the condition hold for `for`, and drop it when it held less', async () => {
    h.state.context.policy = policy([{ delaySeconds: 0, recipients: [integration('a')] }]);
    // for 5 min, clearFor 10 min (the harness's rule). Both signals are sent back to back, as the evaluator catching up
    // on a backlog sends them; only their observation times tell how long the condition held.
    const send = async (fp: string, change: 'started' | 'cleared', observedAt: number) =>
      env.client.workflow.signalWithStart('alertWorkflow', {
        workflowId: idOf(fp),
        taskQueue: TQ,
        args: [{ alert: alertOf(fp), limits: {} }],
        signal: 'alertConditionSignal',
        signalArgs: [{ change, severity: change === 'cleared' ? null : 'warning', value: 91, summary: 'pg-main: connections at 91 %', observedAt: new Date(observedAt).toISOString() }],
      });
    const t0 = (await env.currentTimeMs()) - 30 * MIN;
    const held = `held-${randomUUID()}`;
    await send(held, 'started', t0);
    await send(held, 'cleared', t0 + 6 * MIN);
    await env.sleep(11 * MIN);
    await handle(held).result();
    expect(h.sent.map((x) => [x.recipient, x.event])).toEqual([
      ['integration:a', 'trigger'],
      ['integration:a', 'resolve'],
    ]);
    const [episode] = [...h.episodes.values()];
    expect(episode).toMatchObject({ status: 'resolved', resolveReason: 'cleared' });
    expect(episode!.firingAt).not.toBeNull();

    const sentBefore = h.sent.length;
    const short = `short-${randomUUID()}`;
    await send(short, 'started', t0);
    await send(short, 'cleared', t0 + 2 * MIN);
    await env.sleep(11 * MIN);
    await handle(short).result();
    expect(h.sent.length).toBe(sentBefore);
  });

  it('escalates to tier 2 after the tier-1 delay when nobody acknowledges, and not at all once acknowledged', async () => {
    h.state.context.forSeconds = 0;
    h.state.context.policy = policy([{ delaySeconds: 15 * 60, recipients: [integration('t1')] }, { delaySeconds: 0, recipients: [integration('t2')] }]);
    const fp = `esc-${randomUUID()}`;
    await condition(fp, 'started');
    await until(fp, (v) => v.status === 'firing', 'firing');
    await until(fp, () => sentTo('integration:t1').length === 1, 'tier 1');
    const t0 = sentTo('integration:t1')[0]!.at;
    await env.sleep(16 * MIN);
    await until(fp, () => sentTo('integration:t2').length === 1, 'tier 2');
    const tier2 = sentTo('integration:t2')[0]!;
    expect(tier2.event).toBe('escalate');
    // The workflow's own clock: tier 2 is sent the tier-1 delay after firing (the children start a moment later).
    const firedAt = Date.parse(h.events.find((e) => e.kind === 'firing' && e.episodeId === tier2.episodeId)!.ts);
    const steps = h.events.filter((e) => e.kind === 'escalation' && e.episodeId === tier2.episodeId).map((e) => Date.parse(e.ts));
    expect(steps).toHaveLength(2);
    expect(steps[1]! - firedAt).toBeGreaterThanOrEqual(15 * MIN);
    expect(steps[1]! - firedAt).toBeLessThan(15 * MIN + 5_000);
    expect(tier2.at - t0).toBeGreaterThan(15 * MIN - 1_000);
    expect(tier2.at - t0).toBeLessThan(16 * MIN + 5_000);

    const acked = `ack-${randomUUID()}`;
    await condition(acked, 'started');
    await until(acked, (v) => v.status === 'firing', 'firing');
    await env.sleep(5 * MIN);
    const view = await update(acked, 'acknowledgeUpdate', { actor: 'user:alice', reason: 'on it' });
    expect(view.status).toBe('acknowledged');
    await env.sleep(30 * MIN);
    const ep = (await query(acked)).episodeId!;
    expect(h.sent.filter((s) => s.episodeId === ep).map((s) => [s.recipient, s.event])).toEqual([
      ['integration:t1', 'trigger'],
      ['integration:t1', 'acknowledge'],
    ]);
  });

  it('skips an empty tier without waiting its delay', async () => {
    h.state.context.forSeconds = 0;
    h.state.context.policy = policy([{ delaySeconds: 30 * 60, recipients: [] }, { delaySeconds: 0, recipients: [integration('b')] }]);
    const fp = `empty-${randomUUID()}`;
    await condition(fp, 'started');
    await until(fp, () => sentTo('integration:b').length === 1, 'tier 2 at once');
    const v = await query(fp);
    expect(v.status).toBe('firing');
    expect(sentTo('integration:b')[0]!.event).toBe('trigger');
  });

  it('repeats the policy, and an expired acknowledgement re-triggers the escalation', async () => {
    h.state.context.forSeconds = 0;
    h.state.context.policy = policy([{ delaySeconds: 10 * 60, recipients: [integration('r')] }], 2, 30 * 60);
    const fp = `repeat-${randomUUID()}`;
    await condition(fp, 'started');
    await env.sleep(25 * MIN);
    await until(fp, () => sentTo('integration:r').length === 3, 'three rounds');
    expect(sentTo('integration:r').map((s) => s.event)).toEqual(['trigger', 'escalate', 'escalate']);
    await update(fp, 'acknowledgeUpdate', { actor: 'user:bob' });
    await env.sleep(31 * MIN);
    await until(fp, (v) => v.status === 'firing', 'ack expired');
    await until(fp, () => sentTo('integration:r', 'escalate').length === 3, 're-triggered');
    expect(h.events.some((e) => e.kind === 'ack_expired')).toBe(true);
  });

  it('notifies again on warning → critical, and neither notifies nor resolves on critical → warning', async () => {
    h.state.context.forSeconds = 0;
    h.state.context.policy = policy([{ delaySeconds: 3600, recipients: [integration('s')] }]);
    const fp = `sev-${randomUUID()}`;
    await condition(fp, 'started');
    await until(fp, () => sentTo('integration:s').length === 1, 'trigger');
    await env.client.workflow.getHandle(idOf(fp)).signal('alertConditionSignal', { change: 'severity', severity: 'critical', value: 99, summary: 'x', observedAt: new Date().toISOString() });
    await until(fp, (v) => v.severity === 'critical', 'critical');
    await until(fp, () => sentTo('integration:s').length === 2, 'severity change');
    await env.client.workflow.getHandle(idOf(fp)).signal('alertConditionSignal', { change: 'severity', severity: 'warning', value: 90, summary: 'x', observedAt: new Date().toISOString() });
    await until(fp, (v) => v.severity === 'warning', 'warning');
    await env.sleep(MIN);
    expect(sentTo('integration:s').map((s) => s.event)).toEqual(['trigger', 'severity_change']);
    expect((await query(fp)).status).toBe('firing');
  });

  describe('the resolve guarantee: every recipient that got a trigger gets exactly one resolve', () => {
    async function firingWithTwoTiers(fp: string) {
      h.state.context.forSeconds = 0;
      h.state.context.clearForSeconds = 300;
      h.state.context.policy = policy([{ delaySeconds: 5 * 60, recipients: [integration('p1')] }, { delaySeconds: 0, recipients: [integration('p2'), { kind: 'user', userId: 'u1', email: 'oncall@example.com' }] }]);
      await condition(fp, 'started');
      await env.sleep(6 * MIN);
      await until(fp, (v) => v.triggered.length === 3, 'both tiers notified');
    }
    async function expectOneResolveEach(fp: string, episodeId: string, reason: string) {
      await until(fp, () => h.sent.filter((s) => s.episodeId === episodeId && s.event === 'resolve').length === 3, 'resolves');
      await env.sleep(MIN);
      const resolves = h.sent.filter((s) => s.episodeId === episodeId && s.event === 'resolve').map((s) => s.recipient).sort();
      expect(resolves).toEqual(['integration:p1', 'integration:p2', 'user:u1']);
      expect(h.episodes.get(episodeId)).toMatchObject({ status: 'resolved', resolveReason: reason });
    }

    it('manual resolve (the condition still holding opens nothing new until it clears and starts again)', async () => {
      const fp = `g-resolve-${randomUUID()}`;
      await firingWithTwoTiers(fp);
      const ep = (await query(fp)).episodeId!;
      await update(fp, 'resolveUpdate', { actor: 'user:alice', reason: 'fixed' });
      await expectOneResolveEach(fp, ep, 'resolved');
      await env.sleep(10 * MIN);
      expect((await query(fp)).status).toBe('resolved');
    });

    it('snoozed, then cleared', async () => {
      const fp = `g-snooze-${randomUUID()}`;
      await firingWithTwoTiers(fp);
      const ep = (await query(fp)).episodeId!;
      const until1 = new Date((await env.currentTimeMs()) + 2 * 3600_000).toISOString();
      expect((await update(fp, 'snoozeUpdate', { actor: 'user:alice', until: until1 })).status).toBe('snoozed');
      await condition(fp, 'cleared');
      await env.sleep(6 * MIN);
      await expectOneResolveEach(fp, ep, 'cleared');
      await handle(fp).result();
    });

    it('rule edited', async () => {
      const fp = `g-edit-${randomUUID()}`;
      await firingWithTwoTiers(fp);
      const ep = (await query(fp)).episodeId!;
      await handle(fp).signal('ruleChangedSignal', { actor: 'user:admin', reason: 'threshold changed' });
      await expectOneResolveEach(fp, ep, 'rule_changed');
    });

    it('rule deleted', async () => {
      const fp = `g-del-${randomUUID()}`;
      await firingWithTwoTiers(fp);
      const ep = (await query(fp)).episodeId!;
      await handle(fp).signal('ruleDeletedSignal', { actor: 'user:admin' });
      await expectOneResolveEach(fp, ep, 'rule_deleted');
      await handle(fp).result();
    });

    it('target removed, and a second removal sends nothing more', async () => {
      const fp = `g-target-${randomUUID()}`;
      await firingWithTwoTiers(fp);
      const ep = (await query(fp)).episodeId!;
      await handle(fp).signal('targetRemovedSignal', { actor: 'user:admin' });
      await handle(fp).signal('targetRemovedSignal', { actor: 'user:admin' });
      await expectOneResolveEach(fp, ep, 'target_removed');
      await handle(fp).result();
    });
  });

  describe('maintenance windows and silences (notifications held back, evaluation not)', () => {
    it('holds a trigger back during a window and sends one catch-up when it ends while still firing', async () => {
      h.state.context.forSeconds = 0;
      h.state.context.policy = policy([{ delaySeconds: 3600, recipients: [integration('m')] }]);
      const end = (await env.currentTimeMs()) + 2 * 3600_000;
      h.state.gate = (at) => (at < end ? { suppressed: 'maintenance window "Sunday patching"', until: new Date(end).toISOString() } : { suppressed: null, until: null });
      const fp = `maint-${randomUUID()}`;
      await condition(fp, 'started');
      await until(fp, (v) => v.status === 'firing', 'firing');
      await env.sleep(90 * MIN);
      expect(sentTo('integration:m')).toEqual([]);
      expect(h.events.some((e) => e.kind === 'suppressed' && e.reason === 'maintenance window "Sunday patching"')).toBe(true);
      await env.sleep(31 * MIN);
      await until(fp, () => sentTo('integration:m').length === 1, 'catch-up');
      expect(sentTo('integration:m')[0]!.event).toBe('catch_up');
      expect(sentTo('integration:m')[0]!.at).toBeGreaterThanOrEqual(end);
      // Cleared later: the catch-up counts as a trigger, so its recipient gets the one resolve.
      await condition(fp, 'cleared');
      await env.sleep(11 * MIN);
      await handle(fp).result();
      expect(sentTo('integration:m').map((x) => x.event)).toEqual(['catch_up', 'resolve']);
    });

    it('cleared during a window after a trigger: the resolve is never held back', async () => {
      h.state.context.forSeconds = 0;
      h.state.context.clearForSeconds = 60;
      h.state.context.policy = policy([{ delaySeconds: 3600, recipients: [integration('w')] }]);
      const fp = `maint-clear-${randomUUID()}`;
      await condition(fp, 'started');
      await until(fp, () => sentTo('integration:w').length === 1, 'trigger before the window');
      h.state.gate = () => ({ suppressed: 'maintenance window "Nightly"', until: null });
      await condition(fp, 'cleared');
      await env.sleep(2 * MIN);
      await handle(fp).result();
      expect(sentTo('integration:w').map((x) => x.event)).toEqual(['trigger', 'resolve']);
    });

    it('an alert that starts and clears inside a silence notifies nobody, neither trigger nor resolve', async () => {
      h.state.context.forSeconds = 0;
      h.state.context.clearForSeconds = 60;
      h.state.context.policy = policy([{ delaySeconds: 3600, recipients: [integration('s')] }]);
      h.state.gate = () => ({ suppressed: 'silenced: failover drill', until: null });
      const fp = `silence-${randomUUID()}`;
      await condition(fp, 'started');
      await until(fp, (v) => v.status === 'firing', 'firing');
      await env.sleep(5 * MIN);
      await condition(fp, 'cleared');
      await env.sleep(2 * MIN);
      await handle(fp).result();
      expect(sentTo('integration:s')).toEqual([]);
    });
  });

  it('a 7-day flapping alert continues as new and keeps every run under 10,240 events', async () => {
    h.state.context.forSeconds = 60;
    h.state.context.clearForSeconds = 2 * 3600;
    h.state.context.policy = policy([{ delaySeconds: 3600, recipients: [integration('f')] }]);
    const fp = `week-${randomUUID()}`;
    // The limit is lowered from 4,000 so that a test-sized week (about 2,000 events) continues as new several times.
    const limits = { historyLimit: 600 };
    longestRun = 0;
    // Holds for an hour, clears for an hour (inside the 2-hour clearFor), for 7 days: one episode, 168 signals.
    for (let i = 0; i < 7 * 12; i++) {
      await condition(fp, 'started', 'warning', limits);
      await env.sleep(60 * MIN);
      await condition(fp, 'cleared', 'warning', limits);
      await env.sleep(60 * MIN);
    }
    const last = await query(fp);
    longestRun = Math.max(longestRun, (await handle(fp).fetchHistory()).events?.length ?? 0);
    expect(last.status).toBe('firing');
    expect(last.runs).toBeGreaterThan(2);
    expect(longestRun).toBeLessThan(700);
    await env.sleep(61 * MIN);
    await handle(fp).result();
    expect(sentTo('integration:f').map((x) => x.event)).toEqual(['trigger', 'resolve']);
    expect(new Set(sentTo('integration:f').map((x) => x.episodeId)).size).toBe(1);
  }, 120_000);
});
