// Integrations and deliveries through the REST API, on PostgreSQL with the real Temporal dev server and a worker:
// secrets encrypted and masked, test send, the failed-delivery list with filters, replay (one, by filter, with edit)
// keeping the idempotency key, audit events, and who may do what.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, notification, ok, startReceiver, type Receiver } from '@logstag/activities/delivery-testing';
import { TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { DeliveryResult, NotificationRequest } from '@logstag/schema';
import { listAlertRules, recordEpisode } from '@logstag/store';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { startTestContext, waitFor, type TestContext } from './context';

// Loopback receivers are private addresses: allowlisted here as an operator would for a local receiver.
process.env.LOGSTAG_OUTBOUND_ALLOW = '127.0.0.0/8';

describe('integrations and deliveries API (PostgreSQL, Temporal dev server)', () => {
  let ctx: TestContext;
  let org: OrgWithRoles;
  let other: OrgWithRoles;
  let receiver: Receiver;
  const secret = newSigningSecret();

  beforeAll(async () => {
    ctx = await startTestContext('postgres');
    [org, other, receiver] = await Promise.all([orgWithRoles(ctx, 'Integrations Co'), orgWithRoles(ctx, 'Other Co'), startReceiver()]);
  });
  afterAll(async () => {
    await receiver?.close();
    await ctx?.stop();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.fallback = ok();
  });

  const createWebhook = async (url = receiver.url, signingSecret = secret) => {
    const res = await org.clients.admin.post('/api/integrations', { kind: 'webhook', name: `hook ${randomUUID().slice(0, 6)}`, config: { url }, secrets: { signingSecret } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secrets: Record<string, string | null> };
  };

  /** A delivery as the alert workflow starts it, waited for. */
  const deliver = (request: NotificationRequest) =>
    ctx.temporal.client.workflow.execute(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: TASK_QUEUE, args: [request] }) as Promise<DeliveryResult>;

  it('creates an integration with its secrets sealed, masked in every answer and absent from the audit log', async () => {
    const created = await createWebhook();
    expect(created.secrets.signingSecret).toBe(`••••${secret.slice(-4)}`);
    const row = await ctx.app.store.db.selectFrom('integrations').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secrets_sealed).toMatch(/^v1\./);
    expect(row.secrets_sealed).not.toContain(secret.slice(6, 20));
    for (const res of [await org.clients.admin.get('/api/integrations'), await org.clients.admin.get(`/api/integrations/${created.id}`)]) {
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(secret.slice(6, 20));
    }
    const audit = await org.clients.owner.get(`/api/audit-events?action=integration.created&objectId=${created.id}`);
    expect(audit.body.items).toHaveLength(1);
    expect(JSON.stringify(audit.body.items)).not.toContain(secret.slice(6, 20));
    expect(audit.body.items[0].after.sealedFieldsSet).toEqual(['signingSecret']);
  });

  it('refuses a signing secret under 24 bytes and a config of the wrong shape, naming the field', async () => {
    const short = await org.clients.admin.post('/api/integrations', { kind: 'webhook', name: 'bad', config: { url: receiver.url }, secrets: { signingSecret: `whsec_${Buffer.alloc(16).toString('base64')}` } });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].path).toBe('secrets.signingSecret');
    const badUrl = await org.clients.admin.post('/api/integrations', { kind: 'webhook', name: 'bad', config: { url: 'ftp://x' }, secrets: { signingSecret: secret } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.details.issues[0].path).toBe('config.url');
  });

  it('test-sends through the integration and shows it in its health', async () => {
    const { id } = await createWebhook();
    const res = await org.clients.admin.post(`/api/integrations/${id}/test`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.delivery).toMatchObject({ status: 'delivered', event: 'test', attemptCount: 1, integrationId: id });
    expect(res.body.delivery.attempts[0]).toMatchObject({ attempt: 1, verdict: 'delivered', status: 200 });
    const r = receiver.requests.at(-1)!;
    expect((new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string }).type).toBe('alert.test');
    const one = await org.clients.admin.get(`/api/integrations/${id}`);
    expect(one.body.health).toMatchObject({ successRate7d: 1, delivered7d: 1, failed7d: 0 });
    expect(one.body.health.lastSuccessAt).toBeTruthy();
  });

  it('marks Opsgenie legacy (Atlassian ends its support on 2027-04-05), and no other kind', async () => {
    const og = await org.clients.admin.post('/api/integrations', { kind: 'opsgenie', name: 'OG', config: {}, secrets: { apiKey: 'og-key-123456' } });
    expect(og.status, JSON.stringify(og.body)).toBe(201);
    expect(og.body.legacy).toEqual({ endOfSupport: '2027-04-05', note: expect.stringContaining('Atlassian ends Opsgenie support on 2027-04-05') });
    expect((await org.clients.admin.get(`/api/integrations/${(await createWebhook()).id}`)).body.legacy).toBeNull();
  });

  it('rotates the signing secret by PATCH, keeping fields left out, and signs with both', async () => {
    const { id } = await createWebhook();
    const next = newSigningSecret();
    const res = await org.clients.admin.patch(`/api/integrations/${id}`, { secrets: { signingSecret: next, previousSigningSecret: secret } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.secrets).toEqual({ signingSecret: `••••${next.slice(-4)}`, previousSigningSecret: `••••${secret.slice(-4)}` });
    await org.clients.admin.post(`/api/integrations/${id}/test`);
    const r = receiver.requests.at(-1)!;
    for (const s of [secret, next]) new Webhook(s).verify(r.body, r.headers as Record<string, string>);
  });

  it('lists failed deliveries with their attempts by integration, alert and status code, and replays one with the same idempotency key', async () => {
    const { id } = await createWebhook();
    receiver.fallback = { kind: 'status', status: 400, body: 'unknown event type' };
    const request = notification(org.organizationId, id);
    expect((await deliver(request)).outcome).toBe('failed');
    const firstId = receiver.requests.at(-1)!.headers['webhook-id'];

    const failed = await org.clients.admin.get(`/api/deliveries?status=failed&integrationId=${id}&statusCode=400&alertId=${request.alert.alertId}`);
    expect(failed.status).toBe(200);
    expect(failed.body.items.map((d: { id: string }) => d.id)).toEqual([request.notificationId]);
    expect(failed.body.items[0].attempts[0]).toMatchObject({ status: 400, verdict: 'failed', responseExcerpt: 'unknown event type' });
    expect((await org.clients.admin.get(`/api/deliveries?status=failed&integrationId=${id}&statusCode=500`)).body.items).toEqual([]);
    // By alert episode (the alert's page lists its episode's deliveries).
    expect((await org.clients.admin.get(`/api/deliveries?episodeId=${request.episodeId}`)).body.items.map((d: { id: string }) => d.id)).toEqual([request.notificationId]);
    expect((await org.clients.admin.get(`/api/deliveries?episodeId=ep-${randomUUID()}`)).body.items).toEqual([]);
    // By time: from is inclusive, to exclusive, on when the delivery was asked for.
    const createdAt = Date.parse(failed.body.items[0].createdAt);
    const inWindow = (from: number, to: number) =>
      org.clients.admin.get(`/api/deliveries?status=failed&integrationId=${id}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    expect((await inWindow(createdAt, createdAt + 1)).body.items.map((d: { id: string }) => d.id)).toEqual([request.notificationId]);
    expect((await inWindow(createdAt + 1, createdAt + 60_000)).body.items).toEqual([]);
    expect((await inWindow(createdAt - 60_000, createdAt)).body.items).toEqual([]);
    expect((await other.clients.owner.get(`/api/deliveries?status=failed&integrationId=${id}`)).body.items).toEqual([]);

    receiver.fallback = ok();
    const replay = await org.clients.admin.post('/api/deliveries/replay', { ids: [request.notificationId] });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    const [{ deliveryId }] = replay.body.replayed;
    const replayed = await waitFor(async () => {
      const d = (await org.clients.admin.get(`/api/deliveries/${deliveryId}`)).body;
      return d.status === 'delivered' ? d : null;
    });
    expect(replayed).toMatchObject({ replayOf: request.notificationId, idempotencyKey: request.idempotencyKey });
    expect(receiver.requests.at(-1)!.headers['webhook-id']).toBe(firstId);
    const audit = await org.clients.owner.get(`/api/audit-events?action=delivery.replayed&objectId=${request.notificationId}`);
    expect(audit.body.items[0].after).toMatchObject({ deliveryId });
  });

  it('replays everything a filter matches, and replays with edit to another integration and an overridden summary', async () => {
    const broken = await createWebhook(`http://127.0.0.1:${receiver.port}/broken`);
    receiver.check = (r) => (r.path === '/broken' ? 'no such hook' : null);
    try {
      const requests = [notification(org.organizationId, broken.id), notification(org.organizationId, broken.id)];
      for (const r of requests) expect((await deliver(r)).outcome).toBe('failed');
      const fixed = await createWebhook();
      const res = await org.clients.admin.post('/api/deliveries/replay', {
        filter: { status: 'failed', integrationId: broken.id },
        edit: { integrationId: fixed.id, summary: 'Re-sent after fixing the URL' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.replayed.map((r: { originalId: string }) => r.originalId).sort()).toEqual(requests.map((r) => r.notificationId).sort());
      await waitFor(async () => receiver.requests.filter((r) => r.path === '/hook').length >= 2 || null);
      const bodies = receiver.requests.filter((r) => r.path === '/hook').map((r) => JSON.parse(r.body) as { data: { alert: { summary: string }; replayOf: string } });
      expect(bodies.map((b) => b.data.alert.summary)).toEqual(['Re-sent after fixing the URL', 'Re-sent after fixing the URL']);
      expect(bodies.map((b) => b.data.replayOf).sort()).toEqual(requests.map((r) => r.notificationId).sort());
    } finally {
      receiver.check = null;
    }
  });

  it('refuses to replay a delivery that did not fail, and Members may neither replay nor manage integrations', async () => {
    const { id } = await createWebhook();
    const request = notification(org.organizationId, id);
    expect((await deliver(request)).outcome).toBe('delivered');
    expect((await org.clients.admin.post('/api/deliveries/replay', { ids: [request.notificationId] })).status).toBe(409);
    expect((await org.clients.member.post('/api/deliveries/replay', { ids: [request.notificationId] })).status).toBe(403);
    expect((await org.clients.member.get('/api/integrations')).status).toBe(403);
    expect((await org.clients.member.post('/api/integrations', { kind: 'webhook', name: 'x', config: {}, secrets: {} })).status).toBe(403);
    // The alert's own deliveries and their attempts are the Member's to read (did the page go out?), not another
    // organization's. The episode is stored as the alert workflow would have stored it.
    const db = ctx.app.store.db;
    const rule = (await listAlertRules(db, org.organizationId))[0]!;
    const t = new Date().toISOString();
    await recordEpisode(
      db,
      { id: request.episodeId, organizationId: org.organizationId, fingerprint: `${rule.id}:pg-1`, workflowId: `alert:${org.organizationId}:${rule.id}:pg-1`, ruleId: rule.id, ruleName: rule.name, targetId: 'pg-1', agentId: null, labels: {}, status: 'firing', severity: 'critical', summary: 'busy', values: {}, startedAt: t, firingAt: t, acknowledgedAt: null, acknowledgedBy: null, snoozedUntil: null, resolvedAt: null, resolveReason: null, updatedAt: t },
      [],
    );
    const mine = await org.clients.member.get(`/api/alerts/${encodeURIComponent(request.episodeId)}/deliveries`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((d: { id: string; attempts: unknown[] }) => [d.id, d.attempts.length])).toEqual([[request.notificationId, 1]]);
    expect((await other.clients.owner.get(`/api/alerts/${encodeURIComponent(request.episodeId)}/deliveries`)).status).toBe(404);
    // Another organization's Owner sees none of it.
    expect((await other.clients.owner.get(`/api/integrations/${id}`)).status).toBe(404);
    expect((await other.clients.owner.post('/api/deliveries/replay', { ids: [request.notificationId] })).status).toBe(404);
  });

  it('deletes an integration (audit-logged), keeping its deliveries in the log', async () => {
    const { id } = await createWebhook();
    const request = notification(org.organizationId, id);
    await deliver(request);
    expect((await org.clients.admin.delete(`/api/integrations/${id}`)).status).toBe(204);
    expect((await org.clients.admin.get(`/api/integrations/${id}`)).status).toBe(404);
    expect((await org.clients.admin.get(`/api/deliveries/${request.notificationId}`)).body).toMatchObject({ status: 'delivered', integrationId: null });
    expect((await org.clients.owner.get(`/api/audit-events?action=integration.deleted&objectId=${id}`)).body.items).toHaveLength(1);
  });
});
