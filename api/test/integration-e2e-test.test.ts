// The optional daily end-to-end test of integrations through the REST API, on PostgreSQL with the real Temporal dev
// server and a worker: Admins turn it on at an hour of a time zone (audit-logged; the organization's Temporal Schedule
// is put), the Schedule fires (triggered here rather than waited for), a test notification goes through every enabled
// integration by the delivery workflow, and each integration shows its last success or failure.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { newSigningSecret, startReceiver, type Receiver } from '@logstag/activities/delivery-testing';
import { createScheduleService, restoreIntegrationE2eTestSchedules } from '@logstag/temporal';
import { scheduleIds } from '@logstag/temporal/contracts';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { startTestContext, waitFor, type TestContext } from './context';

// Loopback receivers are private addresses: allowlisted here as an operator would for a local receiver.
process.env.LOGSTAG_OUTBOUND_ALLOW = '127.0.0.0/8';

interface E2eView {
  lastRunAt: string;
  lastResult: 'ok' | 'failed';
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  deliveryId: string | null;
}

describe('daily end-to-end test of integrations (PostgreSQL, Temporal dev server)', () => {
  let ctx: TestContext;
  let org: OrgWithRoles;
  let receiver: Receiver;
  const secret = newSigningSecret();

  beforeAll(async () => {
    ctx = await startTestContext('postgres');
    [org, receiver] = await Promise.all([orgWithRoles(ctx, 'E2E Co'), startReceiver()]);
    // /broken refuses everything (a URL someone mistyped): a 400 is not retried, so its test fails at once.
    receiver.check = (r) => (r.path === '/broken' ? 'no such hook' : null);
  });
  afterAll(async () => {
    await receiver?.close();
    await ctx?.stop();
  });

  const createWebhook = async (path: string) => {
    const res = await org.clients.admin.post('/api/integrations', { kind: 'webhook', name: `hook ${path} ${randomUUID().slice(0, 4)}`, config: { url: `http://127.0.0.1:${receiver.port}${path}` }, secrets: { signingSecret: secret } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const schedule = () => ctx.temporal.client.schedule.getHandle(scheduleIds.integrationE2eTest(org.organizationId));

  it('is off until an Admin turns it on at an hour of a time zone (audit-logged, Schedule put); Members cannot', async () => {
    expect((await org.clients.admin.get('/api/integration-e2e-test')).body).toEqual({ enabled: false, hour: 6, timeZone: 'UTC', updatedAt: null });
    expect((await org.clients.member.request('PUT', '/api/integration-e2e-test', { enabled: true, hour: 7, timeZone: 'UTC' })).status).toBe(403);
    const badZone = await org.clients.admin.request('PUT', '/api/integration-e2e-test', { enabled: true, hour: 7, timeZone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect((await org.clients.admin.request('PUT', '/api/integration-e2e-test', { enabled: true, hour: 24, timeZone: 'UTC' })).status).toBe(400);

    const res = await org.clients.admin.request('PUT', '/api/integration-e2e-test', { enabled: true, hour: 7, timeZone: 'Europe/Paris' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ enabled: true, hour: 7, timeZone: 'Europe/Paris' });
    expect((await org.clients.admin.get('/api/integration-e2e-test')).body).toMatchObject({ enabled: true, hour: 7, timeZone: 'Europe/Paris' });

    // The Schedule's next run is at 07:00 in Paris, whatever the offset that day.
    const described = await schedule().describe();
    expect(described.spec.timezone).toBe('Europe/Paris');
    const next = described.info.nextActionTimes[0]!;
    const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next);
    expect(paris).toBe('07:00');

    const audit = (await org.clients.owner.get(`/api/audit-events?action=integration_e2e_test.updated&objectId=${org.organizationId}`)).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { enabled: false, hour: 6, timeZone: 'UTC' }, after: { enabled: true, hour: 7, timeZone: 'Europe/Paris' } });
  });

  it('sends a test notification through every enabled integration when the Schedule fires, and shows each one’s last success or failure', async () => {
    const good = await createWebhook('/hook');
    const broken = await createWebhook('/broken');
    const off = await createWebhook('/off');
    expect((await org.clients.admin.patch(`/api/integrations/${off}`, { enabled: false })).status).toBe(200);
    expect((await org.clients.admin.get(`/api/integrations/${good}`)).body.e2eTest).toBeNull();

    await schedule().trigger();
    const byId = await waitFor(
      async () => {
        const items = (await org.clients.admin.get('/api/integrations')).body.items as Array<{ id: string; e2eTest: E2eView | null }>;
        const map = new Map(items.map((i) => [i.id, i.e2eTest]));
        return map.get(good) && map.get(broken) ? map : null;
      },
      45_000,
      'both end-to-end results',
    );

    const ok = byId.get(good)!;
    expect(ok).toMatchObject({ lastResult: 'ok', lastFailureAt: null, lastError: null });
    expect(ok.lastSuccessAt).toBe(ok.lastRunAt);
    const failed = byId.get(broken)!;
    expect(failed).toMatchObject({ lastResult: 'failed', lastSuccessAt: null });
    expect(failed.lastFailureAt).toBe(failed.lastRunAt);
    expect(failed.lastError).toContain('400');
    expect(byId.get(off)).toBeNull();

    // The receiver got a signed test: it says it is one.
    const got = receiver.requests.filter((r) => r.path === '/hook');
    expect(got).toHaveLength(1);
    const body = new Webhook(secret).verify(got[0]!.body, got[0]!.headers as Record<string, string>) as { type: string; data: { alert: { summary: string; labels: Record<string, string> } } };
    expect(body.type).toBe('alert.test');
    expect(body.data.alert.labels.logstag_test).toBe('true');
    expect(body.data.alert.summary).toContain('It is a test: nothing needs doing');
    expect(receiver.requests.filter((r) => r.path === '/off')).toEqual([]);

    // Ordinary deliveries: in the log with their attempts, and the failed one listed for replay.
    const delivered = (await org.clients.admin.get(`/api/deliveries/${ok.deliveryId}`)).body;
    expect(delivered).toMatchObject({ event: 'test', status: 'delivered', integrationId: good, attemptCount: 1 });
    const listed = (await org.clients.admin.get(`/api/deliveries?status=failed&integrationId=${broken}`)).body.items as Array<{ id: string }>;
    expect(listed.map((d) => d.id)).toEqual([failed.deliveryId]);

    // The next day the broken hook is fixed: its last failure is kept beside the new success.
    receiver.check = null;
    // ALLOW_ALL: the first run may still be finishing its last step; the Schedule itself skips overlaps.
    await schedule().trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const fixed = await waitFor(
      async () => {
        const e = (await org.clients.admin.get(`/api/integrations/${broken}`)).body.e2eTest as E2eView;
        return e.lastResult === 'ok' ? e : null;
      },
      45_000,
      'the fixed hook to pass',
    );
    expect(fixed.lastFailureAt).toBe(failed.lastFailureAt);
    expect(fixed.lastSuccessAt).toBe(fixed.lastRunAt);
  });

  it('puts the Schedule back at start-up when Temporal lost it (the start-up step, run here on the same store)', async () => {
    await schedule().delete();
    await expect(schedule().describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await restoreIntegrationE2eTestSchedules(createScheduleService(ctx.temporal.client), ctx.app.store.db)).toBe(1);
    expect((await schedule().describe()).spec.timezone).toBe('Europe/Paris');
  });

  it('turning it off removes the Schedule (audit-logged)', async () => {
    const res = await org.clients.admin.request('PUT', '/api/integration-e2e-test', { enabled: false, hour: 7, timeZone: 'Europe/Paris' });
    expect(res.status).toBe(200);
    await expect(schedule().describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await org.clients.owner.get(`/api/audit-events?action=integration_e2e_test.updated&objectId=${org.organizationId}`)).body.items).toHaveLength(2);
  });
});
