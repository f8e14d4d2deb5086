// Health Check → Alerts on the real stack (Temporal dev server, PostgreSQL 15, a signed webhook to a loopback
// receiver): the health report workflow tells alert evaluation after storing a report; the default pack's
// "Health finding became critical" rule opens one alert per finding that became critical and the alert workflow's
// normal clear path resolves it when a later report finds it fixed. The target's data are the recorded PostgreSQL
// collections (the recording server ran with fsync off: the critical finding pg.config.fsync-off), then collections
// of the same recording with that one setting changed, missing (the rule skipped) or sent again from the spool.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '@logstag/activities';
import { insertPayloadRows, type PayloadJson } from '@logstag/activities/testing';
import { loopbackDeliveryDeps, newSigningSecret, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { createAcceptedRisk, episodeTimeline, findHealthReport, insertEscalationPolicy, listEpisodeHistory, openStore, seedDefaultAlertRules, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { createWorker, TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { HealthReportResult } from '../src/health-report.workflow';

const TARGET = 'pg-shop';
const FSYNC = 'pg.config.fsync-off';
const lines = readFileSync(new URL('../../api/test/fixtures/postgresql.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PayloadJson & { category: string; data: Record<string, unknown> });
const settingsLine = lines.filter((l) => Array.isArray(l.data.settings)).at(-1)!;

/** The recorded collections as collections of the last minutes (fresh ids, times shifted to before `at`). */
function recordedBodies(at: number): PayloadJson[] {
  return lines.map((p, i) => ({ ...p, id: randomUUID(), targetId: TARGET, collectedAt: new Date(at - (lines.length - i) * 5_000).toISOString() }));
}

/** The recorded settings collection again at `at`, its settings changed by `edit` (undefined: not collected). */
function settingsBody(at: number, edit: (s: Array<Record<string, unknown>>) => Array<Record<string, unknown>> | undefined, extra: Partial<PayloadJson> = {}): PayloadJson {
  const settings = edit((settingsLine.data.settings as Array<Record<string, unknown>>).map((s) => ({ ...s })));
  const data = { ...settingsLine.data };
  if (settings) data.settings = settings;
  else delete data.settings;
  return { ...settingsLine, ...extra, id: randomUUID(), targetId: TARGET, collectedAt: new Date(at).toISOString(), data };
}
const fsyncOn = (s: Array<Record<string, unknown>>) => s.map((x) => (x.name === 'fsync' ? { ...x, setting: 'on' } : x));

describe('health findings open and resolve alerts (dev server, PostgreSQL, loopback webhook)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDatabase;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;
  let receiver: Receiver;
  let activities: ReturnType<typeof createActivities>;
  let org: string;

  beforeAll(async () => {
    [env, tdb] = await Promise.all([startTestTemporal(), createTestDatabase('logstag_health_alerts')]);
    store = await openStore({ databaseUrl: tdb.url, poolSize: 6 });
    activities = createActivities({ db: store.db, temporal: () => env.client, delivery: loopbackDeliveryDeps });
    worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'logstag', activities });
    running = worker.run();
    receiver = await startReceiver();
    org = await testOrganization(store.db);
    // The organization's default rule pack, as a new organization gets it, and one webhook to notify.
    await seedDefaultAlertRules(store.db, org);
    const hook = await testIntegration(store.db, org, 'webhook', { url: receiver.url }, { signingSecret: newSigningSecret(), previousSigningSecret: null });
    await insertEscalationPolicy(store.db, org, { name: 'on call', tiers: [{ delaySeconds: 0, recipients: [{ kind: 'integration', integrationId: hook }] }], repeat: 0, ackTimeoutSeconds: null, isDefault: true });
    await save(recordedBodies(Date.now() - 60_000));
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await receiver?.close();
    await store?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  /** Stores collections as the ingest workflow's first step does. */
  async function save(bodies: PayloadJson[], options: { replayed?: boolean } = {}) {
    const ids = await insertPayloadRows(store.db, org, bodies, options.replayed ? { replayed: true } : {});
    await new MockActivityEnvironment().run(activities.storePayloads, ids);
    return ids;
  }

  const report = async () =>
    (await env.client.workflow.execute(workflowTypes.healthReport, {
      workflowId: `${workflowIds.healthReport(org, TARGET)}:now:${randomUUID()}`,
      taskQueue: TASK_QUEUE,
      args: [{ organizationId: org, targetId: TARGET, trigger: 'manual' }],
    })) as HealthReportResult;
  const healthEpisodes = async () => (await listEpisodeHistory(store.db, org, {})).filter((e) => (e.labels as Record<string, string>).healthRuleId !== undefined);
  const fsyncEpisodes = async () => (await healthEpisodes()).filter((e) => (e.labels as Record<string, string>).healthRuleId === FSYNC);
  const hooks = () => receiver.requests.map((q) => JSON.parse(q.body) as { data: { episodeId: string; event: string; alert: { labels: Record<string, string>; values: Record<string, unknown> } } });

  async function waitFor<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  it('a critical finding opens exactly one alert, linked both ways; the same finding in the next report opens none', async () => {
    const first = await report();
    expect(first.becameCritical).toContainEqual({ ruleId: FSYNC, object: 'fsync' });
    // One alert per finding that became critical, each fingerprint holding the finding's identity.
    const episodes = await waitFor('the alerts of the critical findings', healthEpisodes, (e) => e.length === first.becameCritical.length && e.every((x) => x.status === 'firing'));
    expect(new Set(episodes.map((e) => e.fingerprint)).size).toBe(first.becameCritical.length);
    const [ep] = await fsyncEpisodes();
    expect(ep).toMatchObject({ severity: 'critical', target_id: TARGET, rule_name: 'Health finding became critical', labels: { healthRuleId: FSYNC, object: 'fsync' } });
    expect(ep!.fingerprint).toContain(FSYNC);
    expect(ep!.values).toMatchObject({ healthRuleId: FSYNC, object: 'fsync', reportId: first.reportId });
    // The webhook's trigger carries the same link.
    const trigger = await waitFor('the trigger', () => hooks().filter((h) => h.data.episodeId === ep!.id), (h) => h.length === 1);
    expect(trigger[0]!.data).toMatchObject({ event: 'trigger', alert: { labels: { healthRuleId: FSYNC, object: 'fsync' }, values: { reportId: first.reportId } } });

    const second = await report();
    expect(second.reportId).not.toBe(first.reportId);
    expect(second.becameCritical).toEqual([]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await fsyncEpisodes()).toHaveLength(1);
    expect((await fsyncEpisodes())[0]!.status).toBe('firing');
    expect(hooks().filter((h) => h.data.episodeId === ep!.id).map((h) => h.data.event)).toEqual(['trigger']);
  }, 60_000);

  it('a report in which the rule is skipped neither opens nor resolves; the fix in the next report resolves the alert once', async () => {
    const [ep] = await fsyncEpisodes();
    expect(ep?.status).toBe('firing');
    // The settings collector failed (a privilege lost): the rule is skipped, the alert stays as it was.
    await save([settingsBody(Date.now() - 20_000, () => undefined, { errors: [{ collector: 'settings', message: 'permission denied for view pg_settings', code: 'insufficient_privilege' }] })]);
    const skipped = await report();
    const row = await findHealthReport(store.db, org, skipped.reportId!);
    const fsyncResult = (row!.results as Array<{ ruleId: string; status: string }>).find((r) => r.ruleId === FSYNC);
    expect(fsyncResult?.status).toBe('skipped');
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await fsyncEpisodes()).map((e) => e.status)).toEqual(['firing']);

    // Fixed: fsync on in the latest settings collection.
    await save([settingsBody(Date.now() - 10_000, fsyncOn)]);
    const fixed = await report();
    const fixedRow = await findHealthReport(store.db, org, fixed.reportId!);
    expect((fixedRow!.diff as Array<{ ruleId: string; state: string }>).filter((d) => d.ruleId === FSYNC).map((d) => d.state)).toEqual(['fixed']);
    const [resolved] = await waitFor('the resolution', fsyncEpisodes, (e) => e[0]?.status === 'resolved');
    expect(resolved).toMatchObject({ id: ep!.id, resolve_reason: 'cleared' });
    // The alert workflow's clear path: the resolve reaches the receiver that got the trigger, once.
    await waitFor('the resolve', () => hooks().filter((h) => h.data.episodeId === ep!.id).map((h) => h.data.event), (e) => e.includes('resolve'));
    const timeline = await episodeTimeline(store.db, org, ep!.id);
    expect(timeline.find((e) => e.kind === 'condition_cleared')?.data).toMatchObject({ reportId: fixed.reportId });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hooks().filter((h) => h.data.episodeId === ep!.id).map((h) => h.data.event)).toEqual(['trigger', 'resolve']);
    expect(await fsyncEpisodes()).toHaveLength(1);
  }, 60_000);

  it('fsync off sent again from the spool (older than the fix) opens nothing, by ingest or by the next report', async () => {
    const before = (await healthEpisodes()).length;
    const ids = await save([settingsBody(Date.now() - 40_000, (s) => s, { replayed: true })], { replayed: true });
    // The ingest workflow's alert step: replayed payloads are skipped, and health findings are not its business.
    const evaluated = (await new MockActivityEnvironment().run(activities.evaluateAlerts, ids)) as { transitions: number };
    expect(evaluated.transitions).toBe(0);
    const next = await report();
    expect(next.becameCritical).not.toContainEqual({ ruleId: FSYNC, object: 'fsync' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await healthEpisodes()).length).toBe(before);
    expect((await fsyncEpisodes()).map((e) => e.status)).toEqual(['resolved']);
  }, 60_000);

  it('a regression opens a new episode of the same alert; accepting the finding\'s risk clears it', async () => {
    await save([settingsBody(Date.now() - 5_000, (s) => s)]);
    const regressed = await report();
    expect(regressed.becameCritical).toContainEqual({ ruleId: FSYNC, object: 'fsync' });
    const episodes = await waitFor('a second episode', fsyncEpisodes, (e) => e.length === 2 && e.some((x) => x.status === 'firing'));
    expect(new Set(episodes.map((e) => e.fingerprint)).size).toBe(1);
    const open = episodes.find((e) => e.status === 'firing')!;
    expect(open.values).toMatchObject({ reportId: regressed.reportId });

    await createAcceptedRisk(store.db, { organizationId: org, targetId: TARGET, ruleId: FSYNC, object: 'fsync', reason: 'test cluster, fsync off on purpose', expiresAt: new Date(Date.now() + 86_400_000), createdBy: 'admin@test' });
    await report();
    await waitFor('the accepted finding\'s alert resolved', fsyncEpisodes, (e) => e.every((x) => x.status === 'resolved'));
    expect((await fsyncEpisodes()).find((e) => e.id === open.id)?.resolve_reason).toBe('cleared');
  }, 60_000);
});
