// PagerDuty v3 webhooks flowing back into Logstag: an alert opened by a breaching payload is acknowledged, then
// resolved, by signed incident.acknowledged and incident.resolved events whose incident_key is the episode (the
// dedup_key Logstag sent), audit-logged with PagerDuty as the actor; a bad signature changes nothing. The bodies are
// PagerDuty's documented v3 payload (fixtures/pagerduty/README.md), only the event type, time, status and
// incident_key changed.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

  const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/pagerduty/${name}`, import.meta.url), 'utf8')) as { event: Record<string, any> };
  /** The documented incident event, as PagerDuty would send it for this incident's acknowledgement or resolution. */
  const event = (type: string, incidentKey: string) => {
    const body = fixture('v3-incident-event.json');
    body.event.event_type = type;
    body.event.occurred_at = new Date().toISOString();
    body.event.data.status = type === 'incident.acknowledged' ? 'acknowledged' : type === 'incident.resolved' ? 'resolved' : 'triggered';
    body.event.data.incident_key = incidentKey;
    return JSON.stringify(body);
  };
  /** An incident.annotated event: its data is an incident_note, which names the incident by reference only. */
  const noteEvent = () => {
    const body = fixture('v3-incident-event.json');
    body.event.event_type = 'incident.annotated';
    body.event.data = fixture('v3-incident-note-data.json');
    return JSON.stringify(body);
  };
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
    expect((await post(pd.body.id, ack.replace('Tenex', 'Eve'), sign(ack))).status).toBe(401);
    expect((await post(pd.body.id, ack, '')).status).toBe(401);
    expect(await statusOf()).toBe('firing');

    // During a rotation PagerDuty sends two signatures; one verifying is enough.
    const res = await post(pd.body.id, ack, `v1=${'0'.repeat(64)}, ${sign(ack)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'acknowledged', reason: null });
    await waitFor(async () => (await statusOf()) === 'acknowledged', 20_000, 'acknowledged');
    const audit = (await org.clients.owner.get(`/api/audit-events?action=alert.acknowledged&objectId=${alert.id}`)).body.items;
    expect(audit[0].actor).toBe('PagerDuty: Tenex Engineer');

    // Delivered again (PagerDuty retries): acknowledged already, answered 200 so it stops retrying.
    expect(await (await post(pd.body.id, ack, sign(ack))).json()).toMatchObject({ outcome: 'ignored' });
    const other = event('incident.priority_updated', alert.id);
    expect(await (await post(pd.body.id, other, sign(other))).json()).toMatchObject({ outcome: 'ignored' });
    const note = noteEvent();
    expect(await (await post(pd.body.id, note, sign(note))).json()).toEqual({ outcome: 'ignored', reason: 'incident.annotated, no incident_key' });
    // An incident PagerDuty opened from something else (its own incident_key) is not one of Logstag's episodes.
    const foreign = event('incident.resolved', 'd3640fbd41094207a1c11e58e46b1662');
    expect(await (await post(pd.body.id, foreign, sign(foreign))).json()).toMatchObject({ outcome: 'ignored' });
    expect(await statusOf()).toBe('acknowledged');

    const resolved = event('incident.resolved', alert.id);
    expect(await (await post(pd.body.id, resolved, sign(resolved))).json()).toEqual({ outcome: 'resolved', reason: null });
    await waitFor(async () => (await statusOf()) === 'resolved', 20_000, 'resolved');

    expect((await post(randomUUID(), ack, sign(ack))).status).toBe(404);
  });
});
