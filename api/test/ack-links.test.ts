// Acknowledge links end to end: an alert opened by a breaching payload escalates to a signed-webhook integration
// (the alert workflow starting deliveryWorkflow), the message carries a signed link, GET on it only shows a
// confirmation, POST acknowledges the alert through its workflow (audit-logged as the link); tampered, expired and
// cross-origin uses are refused.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSigningSecret, startReceiver, type Receiver } from '@logstag/activities/delivery-testing';
import { createAckLinks } from '@logstag/store';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { collectionPayload, postPayload, startTestContext, waitFor, type TestContext } from './context';

const key = randomBytes(32);
process.env.LOGSTAG_SECRET_KEY = key.toString('base64');
process.env.LOGSTAG_PUBLIC_URL = 'https://logstag.example';
process.env.LOGSTAG_OUTBOUND_ALLOW = '127.0.0.0/8';

describe('acknowledge links (PostgreSQL, Temporal dev server)', () => {
  let ctx: TestContext;
  let org: OrgWithRoles;
  let receiver: Receiver;

  beforeAll(async () => {
    [ctx, receiver] = await Promise.all([startTestContext('postgres'), startReceiver()]);
    org = await orgWithRoles(ctx, 'Ack Co');
  });
  afterAll(async () => {
    await receiver?.close();
    await ctx?.stop();
  });

  /** The link as a browser would open it here: the same path on the test server. */
  const local = (link: string) => `${ctx.url}${new URL(link).pathname}`;

  it('carries a signed link in the page; GET changes nothing, POST acknowledges through the alert workflow, once', async () => {
    const hook = await org.clients.admin.post('/api/integrations', { kind: 'webhook', name: 'pager hook', config: { url: receiver.url }, secrets: { signingSecret: newSigningSecret() } });
    expect(hook.status).toBe(201);
    const policy = await org.clients.admin.post('/api/escalation-policies', { name: 'Now', tiers: [{ delaySeconds: 0, recipients: [{ kind: 'integration', integrationId: hook.body.id }] }] });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const target = `pg-${randomUUID().slice(0, 8)}`;
    const rule = await org.clients.admin.post('/api/alert-rules', {
      name: 'Too many <b>connections</b>',
      severity: 'critical',
      condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 50, forSeconds: 0, clearForSeconds: 60 },
      scope: { targetIds: [target] },
      escalationPolicyId: policy.body.id,
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    expect((await postPayload(ctx.url, collectionPayload({ targetId: target, data: { connections: { total: 90, max_connections: 100 } } }), { key: org.agentKey })).status).toBe(202);

    const message = await waitFor(async () => {
      const r = receiver.requests.find((x) => (JSON.parse(x.body) as { type: string }).type === 'alert.trigger');
      return r ? (JSON.parse(r.body) as { data: { episodeId: string; ackUrl: string | null } }) : undefined;
    }, 45_000, 'the page to reach the webhook');
    expect(message.data.ackUrl).toMatch(/^https:\/\/logstag\.example\/ack\/[\w-]+\.[\w-]+$/);
    const link = local(message.data.ackUrl!);
    const episodeId = message.data.episodeId;
    const statusOf = async () => (await org.clients.member.get(`/api/alerts/${episodeId}`)).body.episode.status as string;

    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain('Acknowledge this alert?');
    expect(html).toContain('Too many &lt;b&gt;connections&lt;/b&gt;');
    expect(html).not.toContain('<b>connections</b>');
    expect(await statusOf()).toBe('firing');

    // From another site: refused before anything happens.
    expect((await fetch(link, { method: 'POST', headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect(await statusOf()).toBe('firing');

    const acked = await fetch(link, { method: 'POST' });
    expect(acked.status).toBe(200);
    expect(await acked.text()).toContain('The alert is acknowledged');
    // The workflow records the episode's new state right after it answers the update.
    await waitFor(async () => (await statusOf()) === 'acknowledged', 20_000, 'the episode to be stored acknowledged');
    const audit = (await org.clients.owner.get(`/api/audit-events?action=alert.acknowledged&objectId=${episodeId}`)).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('acknowledge link');
    // The same link again: the alert is acknowledged already.
    expect((await fetch(link, { method: 'POST' })).status).toBe(409);
  });

  it('refuses a tampered link (404), an expired one (410), and one signed with another key', async () => {
    const links = createAckLinks(key);
    const token = links.sign({ organizationId: org.organizationId, episodeId: randomUUID() }, new Date());
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ o: org.organizationId, e: 'other', x: 9_999_999_999 })).toString('base64url');
    expect((await fetch(`${ctx.url}/ack/${forged}.${signature}`)).status).toBe(404);
    expect(await (await fetch(`${ctx.url}/ack/${forged}.${signature}`)).text()).toContain('This link is not valid');
    expect((await fetch(`${ctx.url}/ack/${payload}.${signature}x`, { method: 'POST' })).status).toBe(404);
    const expired = links.sign({ organizationId: org.organizationId, episodeId: randomUUID() }, new Date(Date.now() - 13 * 3_600_000));
    const res = await fetch(`${ctx.url}/ack/${expired}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('expired');
    const otherKey = createAckLinks(randomBytes(32)).sign({ organizationId: org.organizationId, episodeId: randomUUID() }, new Date());
    expect((await fetch(`${ctx.url}/ack/${otherKey}`, { method: 'POST' })).status).toBe(404);
    // A valid link to an episode that does not exist.
    expect((await fetch(`${ctx.url}/ack/${token}`)).status).toBe(404);
  });
});
