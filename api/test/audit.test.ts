import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../src/audit';
import { csvCell } from '../src/audit/audit-csv';
import { ApiClient, signedIn } from './accounts-client';
import { inviteAndAccept, orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { startTestContext, type StoreBackend, type TestContext } from './context';

interface AuditItem {
  id: string;
  time: string;
  actor: string;
  actorUserId: string | null;
  action: string;
  object: { type: string; id: string } | null;
  ip: string | null;
  userAgent: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe('CSV cells', () => {
  it('defuse spreadsheet formulas and quote everything', () => {
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-1')).toBe(`"'-1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('a "quoted" word')).toBe('"a ""quoted"" word"');
    expect(csvCell(null)).toBe('""');
  });
});

describe.each<StoreBackend>(['pglite', 'postgres'])('audit log (%s store)', (backend) => {
  let ctx: TestContext;
  let org: OrgWithRoles;
  const secrets: string[] = [];
  const UA = 'audit-test-agent/1.0';

  beforeAll(async () => {
    // Behind a proxy on this host, so the test can sign in from a chosen address (X-Forwarded-For).
    ctx = await startTestContext(backend, { env: { LOGSTAG_TRUST_PROXY: 'loopback' } });
    org = await orgWithRoles(ctx, 'Audited');
    secrets.push(...Object.values(org.passwords), org.agentKey);
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  const events = async (query = ''): Promise<AuditItem[]> => {
    const res = await org.clients.owner.get(`/api/audit-events?limit=200${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };

  it('records every listed administrative action with actor, object, time, IP, user agent and before/after', async () => {
    const ip = '192.0.2.44';
    const actor = await signedIn(ctx, org.emails.owner, org.passwords.owner, { 'x-forwarded-for': ip, 'user-agent': UA });
    await new ApiClient(ctx.url, { 'x-forwarded-for': ip, 'user-agent': UA }).post('/api/session', { email: org.emails.member, password: 'wrong-password-!' });

    const invited = await actor.post('/api/invitations', { email: `audited-${randomUUID()}@example.com`, role: 'member' });
    secrets.push(invited.body.token);
    const revokedInvite = await actor.post('/api/invitations', { email: `gone-${randomUUID()}@example.com`, role: 'member' });
    secrets.push(revokedInvite.body.token);
    await actor.delete(`/api/invitations/${revokedInvite.body.invitation.id}`);
    const accepted = await new ApiClient(ctx.url).post('/api/invitations/accept', { token: invited.body.token, name: 'Audited', password: 'audited-password-1' });
    secrets.push('audited-password-1');
    const newUserId: string = accepted.body.user.id;
    await actor.patch(`/api/users/${newUserId}/role`, { role: 'admin' });
    await actor.delete(`/api/users/${newUserId}`);
    const key = await actor.post('/api/agent-keys', { name: 'audited key' });
    secrets.push(key.body.key);
    const rotated = await actor.post(`/api/agent-keys/${key.body.agentKey.id}/rotate`, { overlapSeconds: 60 });
    secrets.push(rotated.body.key);
    await actor.delete(`/api/agent-keys/${rotated.body.agentKey.id}`);
    await actor.patch('/api/organization', { name: 'Audited Renamed' });
    await actor.delete('/api/session');

    const all = await events();
    const one = (action: string) => {
      const e = all.find((x) => x.action === action && (x.ip === ip || action === 'invitation.accepted'));
      expect(e, action).toBeDefined();
      return e as AuditItem;
    };
    const login = one('login.succeeded');
    expect(login).toMatchObject({ actor: org.emails.owner, actorUserId: org.userIds.owner, ip, userAgent: UA, object: { type: 'user', id: org.userIds.owner } });
    expect(Date.now() - Date.parse(login.time)).toBeLessThan(60_000);
    expect(one('login.failed')).toMatchObject({ actor: org.emails.member, object: { type: 'user', id: org.userIds.member } });
    expect(one('user.invited').after).toMatchObject({ role: 'member' });
    expect(one('invitation.revoked').object).toEqual({ type: 'invitation', id: revokedInvite.body.invitation.id });
    expect(one('invitation.accepted')).toMatchObject({ actorUserId: newUserId, object: { type: 'user', id: newUserId } });
    expect(one('user.role_changed')).toMatchObject({ object: { type: 'user', id: newUserId }, before: { role: 'member' }, after: { role: 'admin' } });
    expect(one('user.removed')).toMatchObject({ object: { type: 'user', id: newUserId }, before: { role: 'admin' } });
    expect(one('agent_key.created')).toMatchObject({ object: { type: 'agent_key', id: key.body.agentKey.id }, after: { name: 'audited key', status: 'active' } });
    expect(one('agent_key.rotated')).toMatchObject({ object: { type: 'agent_key', id: key.body.agentKey.id }, after: { replacedBy: { id: rotated.body.agentKey.id } } });
    expect(one('agent_key.revoked')).toMatchObject({ before: { status: 'active' }, after: { status: 'revoked' } });
    expect(one('organization.settings_changed')).toMatchObject({ before: { name: 'Audited' }, after: { name: 'Audited Renamed' } });
    expect(one('logout')).toMatchObject({ actorUserId: org.userIds.owner });

    // No password, token or key anywhere in the log, not even in the failed sign-in.
    const dump = JSON.stringify(await ctx.app.store.db.selectFrom('audit_events').selectAll().execute());
    for (const s of secrets) expect(dump).not.toContain(s);
  });

  it('records a failed sign-in for an unknown address as an installation event, read by the first organization’s owners', async () => {
    const ghost = `Nobody-${randomUUID()}@Example.COM`;
    const recorded = ghost.toLowerCase();
    const ip = '192.0.2.91';
    const client = new ApiClient(ctx.url, { 'x-forwarded-for': ip, 'user-agent': UA });
    const unknown = await client.post('/api/session', { email: `  ${ghost} `, password: 'wrong-password-!' });
    const wrong = await client.post('/api/session', { email: org.emails.member, password: 'wrong-password-!' });
    // The answer does not tell an unknown address from a wrong password.
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);

    const res = await org.clients.owner.get('/api/audit-events?scope=installation&action=login.failed');
    expect(res.status).toBe(200);
    const e = (res.body.items as AuditItem[]).find((x) => x.actor === recorded);
    expect(e).toMatchObject({ actorUserId: null, action: 'login.failed', object: null, ip, userAgent: UA, after: { reason: 'unknown account' } });
    expect(Date.now() - Date.parse(e?.time ?? '')).toBeLessThan(60_000);
    // Only installation events there, and never in an organization's own log.
    expect((res.body.items as AuditItem[]).every((x) => x.actorUserId === null)).toBe(true);
    expect((await events()).some((x) => x.actor === recorded)).toBe(false);
    const csv = await org.clients.owner.get<string>('/api/audit-events.csv?scope=installation');
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(`"${recorded}"`);

    // The owners of another organization, and admins, do not read them.
    const second = await orgWithRoles(ctx, 'Second tenant');
    const refused = await second.clients.owner.get('/api/audit-events?scope=installation');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await org.clients.admin.get('/api/audit-events?scope=installation')).status).toBe(403);
  });

  it('replaces secret-looking fields in summaries other features pass in', async () => {
    await recordAuditEvent(ctx.app.store.db, {
      organizationId: org.organizationId,
      actor: { userId: org.userIds.admin, label: org.emails.admin },
      action: 'integration.created',
      object: { type: 'integration', id: 'int-1' },
      after: { name: 'PagerDuty', config: { routingKey: 'x', apiKey: 'pd-secret-123', webhookSecret: 'whsec-999', password: 'p4ss' } },
    });
    const [e] = await events('&action=integration.created');
    expect(JSON.stringify(e)).not.toMatch(/pd-secret-123|whsec-999|p4ss/);
    expect(e?.after).toMatchObject({ name: 'PagerDuty', config: { apiKey: '[redacted]', webhookSecret: '[redacted]', password: '[redacted]' } });
  });

  it('filters by actor, action, object and time range, newest first, page by page', async () => {
    const byAction = await events('&action=user.invited');
    expect(byAction.length).toBeGreaterThan(0);
    expect(byAction.every((e) => e.action === 'user.invited')).toBe(true);
    const byActor = await events(`&actor=${encodeURIComponent(org.emails.admin)}`);
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actor === org.emails.admin)).toBe(true);
    expect((await events(`&actor=${org.userIds.admin}`)).length).toBe(byActor.length);
    const byObject = await events(`&objectType=user&objectId=${org.userIds.owner}`);
    expect(byObject.length).toBeGreaterThan(0);
    expect(byObject.every((e) => e.object?.id === org.userIds.owner)).toBe(true);
    expect(await events(`&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect((await events(`&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).length).toBeGreaterThan(0);
    const all = await events();
    expect(all.map((e) => Number(e.id))).toEqual([...all.map((e) => Number(e.id))].sort((a, b) => b - a));
    const first = await org.clients.owner.get('/api/audit-events?limit=2');
    const second = await org.clients.owner.get(`/api/audit-events?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((e: AuditItem) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
  });

  it('exports CSV with formula cells defused, as .csv or ?format=csv', async () => {
    // An attacker-chosen sign-in address lands in the actor column.
    await new ApiClient(ctx.url, { 'user-agent': '@evil' }).post('/api/session', { email: '=HYPERLINK("http://evil")', password: 'x' });
    // Addresses are lower-cased before they are recorded.
    const events = await ctx.app.store.db.selectFrom('audit_events').select('id').where('action', '=', 'login.failed').where('actor', 'like', '=hyperlink%').execute();
    expect(events).toHaveLength(1);
    // The failed sign-in for an unknown address has no organization, so it is in nobody's export; record one that is.
    await recordAuditEvent(ctx.app.store.db, { organizationId: org.organizationId, actor: { userId: null, label: '=HYPERLINK("http://evil")' }, action: 'test.csv', userAgent: '-2+3' });
    for (const path of ['/api/audit-events.csv?action=test.csv', '/api/audit-events?format=csv&action=test.csv']) {
      const res = await org.clients.owner.get<string>(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = res.body.trim().split('\r\n');
      expect(lines[0]).toBe('"id","created_at","actor","actor_user_id","action","object_type","object_id","ip","user_agent","before","after"');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(lines[1]).toContain(`"'-2+3"`);
      expect(lines[1]).not.toMatch(/(^|,)"[=+\-@]/);
    }
  });

  it('is for Account Owners only', async () => {
    for (const role of ['admin', 'member'] as const) {
      expect((await org.clients[role].get('/api/audit-events')).status).toBe(403);
      expect((await org.clients[role].get('/api/audit-events.csv')).status).toBe(403);
    }
  });

  it('is append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const db = ctx.app.store.db;
    const before = await db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(sql`update audit_events set action = 'rewritten'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only/);
    const after = await db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await db.selectFrom('audit_events').select('id').where('action', '=', 'rewritten').execute()).toEqual([]);
  });

  it('rolls an event back with the change it records', async () => {
    const action = `rollback.${randomUUID()}`;
    await expect(
      ctx.app.store.db.transaction().execute(async (trx) => {
        await recordAuditEvent(trx, { organizationId: org.organizationId, actor: { userId: null, label: 'test' }, action });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await events(`&action=${action}`)).toEqual([]);
  });

  it('records a member who accepted an invitation as the actor of the acceptance', async () => {
    const { id } = await inviteAndAccept(ctx, org.clients.admin, `actor-${randomUUID()}@example.com`, 'member');
    const [e] = await events(`&action=invitation.accepted&objectId=${id}`);
    expect(e?.actorUserId).toBe(id);
  });
});
