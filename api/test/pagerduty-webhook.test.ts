// PagerDuty v3 webhooks flowing back into Logstag: an alert opened by a breaching payload is acknowledged, then
// resolved, by signed incident.acknowledged and incident.resolved events whose incident_key is the episode (the
// dedup_key Logstag sent), audit-logged with PagerDuty as the actor; a bad signature changes nothing.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { collectionPayload, postPayload, startTestContext, waitFor, type TestContext } from './context';

describe('PagerDuty v3 webhooks (PostgreSQL, Temporal dev server)', () => {
  let ctx: TestContext;
  let org: OrgWithRoles;
  const webhookSecret = `pd-${randomUUID()}`;

  beforeAll(async () => {
    ctx = await startTestContext('postgres');
    org = await orgWithRoles(ctx, 'PD Co');
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  const event = (type: string, incidentKey: string) =>
    JSON.stringify({
      event: {
        id: randomUUID(),
        event_type: type,
        resource_type: 'incident',
        occurred_at: new Date().toISOString(),
        agent: { type: 'user_reference', summary: 'Ada Lovelace' },
        data: { id: 'PGR0VU2', type: 'incident', status: type.split('.')[1], incident_key: incidentKey, title: 'Too many connections' },
      },
    });
  const post = (integrationId: string, body: string, signature: string) =>
    fetch(`${ctx.url}/hooks/pagerduty/${integrationId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature }, body });
  const sign = (body: string, secret = webhookSecret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('acknowledges and resolves the alert from signed events, refuses a bad signature, ignores what it does not act on', async () => {
    const pd = await org.clients.admin.post('/api/integrations', { kind: 'pagerduty', name: 'PD', config: {}, secrets: { routingKey: 'R0UT1NGKEY0000000000000000000000', webhookSecret } });
    expect(pd.status, JSON.stringify(pd.body)).toBe(201);
    expect(JSON.stringify(pd.body)).not.toContain(webhookSecret);
    const target = `pg-${randomUUID().slice(0, 8)}`;
    const rule = await org.clients.admin.post('/api/alert-rules', {
      name: 'Connections',
      severity: 'critical',
      condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 50, forSeconds: 0, clearForSeconds: 60 },
      scope: { targetIds: [target] },
    });
    expect(rule.status).toBe(201);
    expect((await postPayload(ctx.url, collectionPayload({ targetId: target, data: { connections: { total: 90, max_connections: 100 } } }), { key: org.agentKey })).status).toBe(202);
    const alert = await waitFor(async () => {
      const res = await org.clients.member.get(`/api/alerts?state=active&targetId=${target}`);
      return res.body.items.find((a: { status: string }) => a.status === 'firing') as { id: string } | undefined;
    }, 30_000, 'alert firing');
    const statusOf = async () => (await org.clients.member.get(`/api/alerts/${alert.id}`)).body.episode.status as string;

    const ack = event('incident.acknowledged', alert.id);
    // Wrong secret, altered body, no header: 401, nothing changes.
    expect((await post(pd.body.id, ack, sign(ack, 'another secret'))).status).toBe(401);
    expect((await post(pd.body.id, ack.replace('Ada', 'Eve'), sign(ack))).status).toBe(401);
    expect((await post(pd.body.id, ack, '')).status).toBe(401);
    expect(await statusOf()).toBe('firing');

    // During a rotation PagerDuty sends two signatures; one verifying is enough.
    const res = await post(pd.body.id, ack, `v1=${'0'.repeat(64)}, ${sign(ack)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'acknowledged', reason: null });
    await waitFor(async () => (await statusOf()) === 'acknowledged', 20_000, 'acknowledged');
    const audit = (await org.clients.owner.get(`/api/audit-events?action=alert.acknowledged&objectId=${alert.id}`)).body.items;
    expect(audit[0].actor).toBe('PagerDuty: Ada Lovelace');

    // Delivered again (PagerDuty retries): acknowledged already, answered 200 so it stops retrying.
    expect(await (await post(pd.body.id, ack, sign(ack))).json()).toMatchObject({ outcome: 'ignored' });
    const other = event('incident.priority_updated', alert.id);
    expect(await (await post(pd.body.id, other, sign(other))).json()).toMatchObject({ outcome: 'ignored' });

    const resolved = event('incident.resolved', alert.id);
    expect(await (await post(pd.body.id, resolved, sign(resolved))).json()).toEqual({ outcome: 'resolved', reason: null });
    await waitFor(async () => (await statusOf()) === 'resolved', 20_000, 'resolved');

    expect((await post(randomUUID(), ack, sign(ack))).status).toBe(404);
  });
});
