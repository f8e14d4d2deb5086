// Alerts through the REST API on PostgreSQL with the real Temporal dev server and the server's own worker: the default
// rule pack of a new organization, rules and policies (Admins only, audit-logged), a breaching payload posted to
// /v1/ingest that opens an alert, and Members acknowledging, resolving and reopening it (audit-logged), its timeline,
// the history, and a rule's deletion resolving its open alert.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PACK } from '@logstag/schema';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { collectionPayload, postPayload, startTestContext, waitFor, type TestContext } from './context';

describe('alerts API (PostgreSQL, Temporal dev server)', () => {
  let ctx: TestContext;
  let org: OrgWithRoles;

  beforeAll(async () => {
    ctx = await startTestContext('postgres');
    org = await orgWithRoles(ctx, 'Alerts Co');
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  const audit = async (action: string, objectId: string) => (await org.clients.owner.get(`/api/audit-events?action=${action}&objectId=${encodeURIComponent(objectId)}`)).body.items as Array<{ actor: string; after: Record<string, unknown> | null }>;

  it('gives a new organization the default rule pack, readable by Members', async () => {
    const res = await org.clients.member.get('/api/alert-rules');
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { packKey: string }) => r.packKey).sort()).toEqual(DEFAULT_RULE_PACK.map((p) => p.key).sort());
  });

  it('lets Admins, not Members, manage rules and policies, audit-logged; refuses an invalid rule naming the field', async () => {
    const rule = { name: 'Lag', severity: 'critical', condition: { kind: 'threshold', metric: 'replication.lag_seconds', comparator: '>', value: 30, forSeconds: 60, clearForSeconds: 60 } };
    expect((await org.clients.member.post('/api/alert-rules', rule)).status).toBe(403);
    const bad = await org.clients.admin.post('/api/alert-rules', { ...rule, condition: { ...rule.condition, comparator: '=>' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('condition');
    const created = await org.clients.admin.post('/api/alert-rules', rule);
    expect(created.status).toBe(201);
    expect(await audit('alert_rule.created', created.body.id)).toHaveLength(1);
    const changed = await org.clients.admin.request('PUT', `/api/alert-rules/${created.body.id}`, { ...rule, name: 'Lag (changed)' });
    expect(changed.body).toMatchObject({ name: 'Lag (changed)', version: 2 });
    expect((await audit('alert_rule.updated', created.body.id))[0]!.after).toMatchObject({ name: 'Lag (changed)' });

    expect((await org.clients.member.post('/api/escalation-policies', { name: 'p', tiers: [{ delaySeconds: 0, recipients: [] }] })).status).toBe(403);
    const policy = await org.clients.admin.post('/api/escalation-policies', { name: 'Night', tiers: [{ delaySeconds: 300, recipients: [] }], repeat: 2, ackTimeoutSeconds: 1800, isDefault: true });
    expect(policy.status).toBe(201);
    expect(policy.body).toMatchObject({ repeat: 2, ackTimeoutSeconds: 1800, isDefault: true });
    expect(await audit('escalation_policy.created', policy.body.id)).toHaveLength(1);
  });

  it('opens an alert from a posted breaching payload; a Member acknowledges, resolves and reopens it (audit-logged); deleting the rule resolves it', async () => {
    const target = `pg-${randomUUID().slice(0, 8)}`;
    const rule = await org.clients.admin.post('/api/alert-rules', {
      name: 'Busy <script>',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 50, forSeconds: 0, clearForSeconds: 1 },
      scope: { targetIds: [target] },
      summaryTemplate: '{{target}} has {{value}} connections',
    });
    expect(rule.status).toBe(201);
    expect((await postPayload(ctx.url, collectionPayload({ targetId: target, data: { connections: { total: 90, max_connections: 100 } } }), { key: org.agentKey })).status).toBe(202);
    const firing = await waitFor(async () => {
      const res = await org.clients.member.get(`/api/alerts?state=active&targetId=${target}`);
      return res.body.items.find((a: { status: string }) => a.status === 'firing') as { id: string; summary: string; ruleName: string } | undefined;
    }, 30_000, 'alert firing');
    expect(firing).toMatchObject({ ruleName: 'Busy <script>', summary: `${target} has 90 connections` });

    const ack = await org.clients.member.post(`/api/alerts/${firing.id}/acknowledge`, { reason: 'looking' });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ episodeId: firing.id, status: 'acknowledged' });
    expect((await audit('alert.acknowledged', firing.id))[0]).toMatchObject({ actor: org.emails.member });
    // Acknowledging twice is a conflict, not a second acknowledgement.
    expect((await org.clients.member.post(`/api/alerts/${firing.id}/acknowledge`, {})).status).toBe(409);

    const resolved = await org.clients.member.post(`/api/alerts/${firing.id}/resolve`, { reason: 'restarted the pool' });
    expect(resolved.body.status).toBe('resolved');
    expect(await audit('alert.resolved', firing.id)).toHaveLength(1);
    const detail = await waitFor(async () => {
      const d = await org.clients.member.get(`/api/alerts/${firing.id}`);
      return d.body.episode?.status === 'resolved' ? d.body : undefined;
    }, 10_000, 'resolved in the store');
    expect(detail.episode.resolveReason).toBe('resolved');
    const kinds = detail.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['pending', 'firing', 'acknowledged', 'resolved']));
    expect(detail.timeline.find((e: { kind: string }) => e.kind === 'acknowledged')).toMatchObject({ actor: `user:${org.emails.member}`, reason: 'looking' });
    expect((await org.clients.member.post(`/api/alerts/${firing.id}/snooze`, { until: new Date(Date.now() + 3600_000).toISOString() })).status).toBe(409);

    const history = await org.clients.member.get(`/api/alerts?state=history&ruleId=${rule.body.id}`);
    expect(history.body.items.map((a: { id: string }) => a.id)).toEqual([firing.id]);

    expect((await org.clients.member.post(`/api/alerts/${firing.id}/reopen`, { reason: 'not fixed' })).status).toBe(200);
    const reopened = await waitFor(async () => {
      const res = await org.clients.member.get(`/api/alerts?state=active&ruleId=${rule.body.id}`);
      return res.body.items.find((a: { status: string; id: string }) => a.status === 'firing' && a.id !== firing.id) as { id: string } | undefined;
    }, 15_000, 'reopened episode');

    expect((await org.clients.admin.delete(`/api/alert-rules/${rule.body.id}`)).status).toBe(204);
    const ended = await waitFor(async () => {
      const d = await org.clients.member.get(`/api/alerts/${reopened.id}`);
      return d.body.episode?.status === 'resolved' ? d.body.episode : undefined;
    }, 15_000, 'resolved by the deletion');
    expect(ended.resolveReason).toBe('rule_deleted');
    expect(await audit('alert_rule.deleted', rule.body.id)).toHaveLength(1);
  }, 60_000);

  it('silences hold back a matching alert\'s notifications (timeline says why); windows validate their zone and RRULE; Admins only, audit-logged', async () => {
    const target = `pg-${randomUUID().slice(0, 8)}`;
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    expect((await org.clients.member.post('/api/silences', { matchers: { targetIds: [target] }, reason: 'failover drill', endsAt })).status).toBe(403);
    const silence = await org.clients.admin.post('/api/silences', { matchers: { targetIds: [target] }, reason: 'failover drill', endsAt });
    expect(silence.status, JSON.stringify(silence.body)).toBe(201);
    expect(await audit('alert_silence.created', silence.body.id)).toHaveLength(1);
    expect((await org.clients.member.get('/api/silences')).body.items.map((x: { id: string }) => x.id)).toContain(silence.body.id);

    const policy = await org.clients.admin.post('/api/escalation-policies', { name: 'Pager', tiers: [{ delaySeconds: 60, recipients: [{ kind: 'user', userId: 'u-1', email: 'oncall@example.com' }] }] });
    const rule = await org.clients.admin.post('/api/alert-rules', {
      name: 'Silenced busy',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 50, forSeconds: 0, clearForSeconds: 60 },
      scope: { targetIds: [target] },
      escalationPolicyId: policy.body.id,
    });
    expect(rule.status).toBe(201);
    expect((await postPayload(ctx.url, collectionPayload({ targetId: target, data: { connections: { total: 80, max_connections: 100 } } }), { key: org.agentKey })).status).toBe(202);
    const alert = await waitFor(async () => (await org.clients.member.get(`/api/alerts?state=active&ruleId=${rule.body.id}`)).body.items[0] as { id: string } | undefined, 30_000, 'alert');
    const timeline = await waitFor(async () => {
      const t = (await org.clients.member.get(`/api/alerts/${alert.id}`)).body.timeline as Array<{ kind: string; reason: string | null }>;
      return t.some((e) => e.kind === 'suppressed') ? t : undefined;
    }, 15_000, 'suppressed');
    expect(timeline.find((e) => e.kind === 'suppressed')!.reason).toBe('silenced: failover drill');
    expect(timeline.some((e) => e.kind === 'notification')).toBe(false);
    expect((await org.clients.admin.delete(`/api/silences/${silence.body.id}`)).status).toBe(204);

    const bad = await org.clients.admin.post('/api/maintenance-windows', { name: 'w', matchers: { targetIds: [target] }, start: '2026-12-06T02:00', durationMinutes: 60, timeZone: 'Mars/Olympus', rrule: 'FREQ=SOMETIMES' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toMatch(/timeZone[\s\S]*rrule|rrule[\s\S]*timeZone/);
    const window = await org.clients.admin.post('/api/maintenance-windows', { name: 'Sunday patching', matchers: { tags: { env: 'prod' } }, start: '2026-12-06T02:00', durationMinutes: 120, timeZone: 'Europe/Paris', rrule: 'FREQ=WEEKLY;BYDAY=SU' });
    expect(window.status, JSON.stringify(window.body)).toBe(201);
    expect(window.body).toMatchObject({ timeZone: 'Europe/Paris', rrule: 'FREQ=WEEKLY;BYDAY=SU', createdBy: org.emails.admin });
    expect(await audit('maintenance_window.created', window.body.id)).toHaveLength(1);
    expect((await org.clients.admin.delete(`/api/maintenance-windows/${window.body.id}`)).status).toBe(204);
  }, 60_000);

  it('previews a rule over the last 24 hours of stored data with its hysteresis, and simulates a policy minute by minute', async () => {
    const target = `pg-${randomUUID().slice(0, 8)}`;
    const start = Date.now() - 20 * 3600_000;
    // Every 5 minutes: busy for 30 min, quiet 1 h, busy 20 min, a 5-minute dip, busy 15 min, quiet to the end.
    const values = [...Array(6).fill(90), ...Array(12).fill(10), 90, 90, 90, 90, 10, 90, 90, 90, ...Array(10).fill(10)];
    const ids: string[] = [];
    for (const [i, total] of values.entries()) {
      const p = collectionPayload({ targetId: target, collectedAt: new Date(start + i * 300_000).toISOString(), data: { connections: { total, max_connections: 100 } } });
      ids.push(p.id);
      expect((await postPayload(ctx.url, p, { key: org.agentKey })).status).toBe(202);
    }
    await waitFor(async () => (await ctx.app.store.db.selectFrom('payloads').select('id').where('id', 'in', ids).where('status', '=', 'stored').execute()).length === ids.length, 30_000, 'stored');
    const rule = { name: 'Busy', severity: 'warning', condition: { kind: 'threshold', metric: 'connections.used', ratioOf: ['connections.max'], comparator: '>', value: 50, forSeconds: 600, clearForSeconds: 900 }, scope: { targetIds: [target] } };
    expect((await org.clients.member.post('/api/alert-rule-previews', rule)).status).toBe(403);
    const preview = await org.clients.admin.post('/api/alert-rule-previews', rule);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    // Two openings: the first burst, and the second (the dip is inside clear-for); `for` of 10 min delays each.
    expect(preview.body).toMatchObject({ series: 1, openings: 2 });
    expect(preview.body.episodes[0]).toMatchObject({ targetId: target, firedAt: new Date(start + 2 * 300_000).toISOString(), peak: 90 });
    // With no `for` and no clear-for, the dip splits the second burst: three.
    const strict = await org.clients.admin.post('/api/alert-rule-previews', { ...rule, condition: { ...rule.condition, forSeconds: 0, clearForSeconds: 0 } });
    expect(strict.body.openings).toBe(3);

    const sim = await org.clients.admin.post('/api/escalation-simulations', {
      name: 'sim',
      tiers: [
        { delaySeconds: 300, recipients: [{ kind: 'integration', integrationId: 'i1' }] },
        { delaySeconds: 600, recipients: [] },
        { delaySeconds: 0, recipients: [{ kind: 'user', userId: 'u1', email: 'oncall@example.com' }] },
      ],
      repeat: 1,
      minutes: 60,
    });
    expect(sim.status, JSON.stringify(sim.body)).toBe(200);
    expect(sim.body.steps.map((x: { minute: number; tier: number; event: string; recipients: string[] }) => [x.minute, x.tier, x.event, x.recipients.join()])).toEqual([
      [0, 1, 'trigger', 'integration:i1'],
      [5, 3, 'escalate', 'user:u1'],
      [5, 1, 'escalate', 'integration:i1'],
      [10, 3, 'escalate', 'user:u1'],
    ]);
  }, 60_000);
});
