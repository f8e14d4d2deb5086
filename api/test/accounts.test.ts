import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionTableMarkdown } from '../src/auth/permissions-table';
import { ApiClient, signedIn } from './accounts-client';
import { inviteAndAccept, orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { startTestContext, type StoreBackend, type TestContext } from './context';

describe('the README permission table', () => {
  it('is exactly the one generated from PERMISSION_MATRIX', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const section = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(readme)?.[1];
    expect(section).toBe(permissionTableMarkdown());
  });
});

describe.each<StoreBackend>(['pglite', 'postgres'])('users, invitations and roles (%s store)', (backend) => {
  let ctx: TestContext;
  let org: OrgWithRoles;
  beforeAll(async () => {
    ctx = await startTestContext(backend);
    org = await orgWithRoles(ctx, 'People Co');
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  it('accepts an invitation once: the token is refused the second time and stored only hashed', async () => {
    const email = `once-${randomUUID()}@example.com`;
    const invited = await org.clients.admin.post('/api/invitations', { email, role: 'member' });
    expect(invited.status).toBe(201);
    const token: string = invited.body.token;
    const stored = await ctx.app.store.db.selectFrom('invitations').selectAll().where('id', '=', invited.body.invitation.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    const anon = new ApiClient(ctx.url);
    expect((await anon.post('/api/invitations/accept', { token, name: 'Once', password: 'a-good-long-password' })).status).toBe(201);
    const again = await anon.post('/api/invitations/accept', { token, name: 'Twice', password: 'a-good-long-password' });
    expect(again.status).toBe(404);
    const listed = await org.clients.admin.get('/api/invitations');
    expect(listed.body.items.find((i: { id: string }) => i.id === invited.body.invitation.id).status).toBe('accepted');
    const member = await signedIn(ctx, email, 'a-good-long-password');
    expect((await member.get('/api/session')).body.user.role).toBe('member');
  });

  it('refuses a revoked invitation', async () => {
    const invited = await org.clients.owner.post('/api/invitations', { email: `revoked-${randomUUID()}@example.com`, role: 'member' });
    expect((await org.clients.owner.delete(`/api/invitations/${invited.body.invitation.id}`)).status).toBe(204);
    const res = await new ApiClient(ctx.url).post('/api/invitations/accept', { token: invited.body.token, name: 'X', password: 'a-good-long-password' });
    expect(res.status).toBe(404);
  });

  it('lets an Admin invite Admins and Members but not Account Owners; an Owner may', async () => {
    expect((await org.clients.admin.post('/api/invitations', { email: `o-${randomUUID()}@example.com`, role: 'owner' })).status).toBe(403);
    expect((await org.clients.admin.post('/api/invitations', { email: `a-${randomUUID()}@example.com`, role: 'admin' })).status).toBe(201);
    expect((await org.clients.member.post('/api/invitations', { email: `m-${randomUUID()}@example.com`, role: 'member' })).status).toBe(403);
    expect((await org.clients.owner.post('/api/invitations', { email: `o-${randomUUID()}@example.com`, role: 'owner' })).status).toBe(201);
  });

  it('refuses to invite an address that already has an account', async () => {
    expect((await org.clients.owner.post('/api/invitations', { email: org.emails.member.toUpperCase(), role: 'member' })).status).toBe(409);
  });

  it('lets only an Owner change roles, effective on the next request without signing in again', async () => {
    const { id, password } = await inviteAndAccept(ctx, org.clients.owner, `promote-${randomUUID()}@example.com`, 'member');
    const user = await signedIn(ctx, (await org.clients.owner.get(`/api/users/${id}`)).body.email, password);
    expect((await user.get('/api/agent-keys')).status).toBe(403);
    expect((await org.clients.admin.patch(`/api/users/${id}/role`, { role: 'admin' })).status).toBe(403);
    expect((await org.clients.member.patch(`/api/users/${id}/role`, { role: 'admin' })).status).toBe(403);
    const changed = await org.clients.owner.patch(`/api/users/${id}/role`, { role: 'admin' });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('admin');
    expect((await user.get('/api/agent-keys')).status).toBe(200);
  });

  it('never demotes or removes the last Account Owner, and allows it once there is another', async () => {
    const solo = await orgWithRoles(ctx, 'Solo');
    const ownerId = solo.userIds.owner;
    const demote = await solo.clients.owner.patch(`/api/users/${ownerId}/role`, { role: 'admin' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last Account Owner/);
    expect((await solo.clients.owner.delete(`/api/users/${ownerId}`)).status).toBe(409);
    expect((await solo.clients.owner.get('/api/session')).body.user.role).toBe('owner');
    // A second owner makes the first one removable.
    expect((await solo.clients.owner.patch(`/api/users/${solo.userIds.admin}/role`, { role: 'owner' })).status).toBe(200);
    expect((await solo.clients.admin.delete(`/api/users/${ownerId}`)).status).toBe(204);
    // The remaining owner is now the last one.
    expect((await solo.clients.admin.delete(`/api/users/${solo.userIds.admin}`)).status).toBe(409);
  });

  it('signs a removed user out everywhere at once', async () => {
    const { id, password } = await inviteAndAccept(ctx, org.clients.owner, `leaver-${randomUUID()}@example.com`, 'member');
    const email = (await org.clients.owner.get(`/api/users/${id}`)).body.email;
    const leaver = await signedIn(ctx, email, password);
    expect((await leaver.get('/api/session')).status).toBe(200);
    expect((await org.clients.owner.delete(`/api/users/${id}`)).status).toBe(204);
    expect((await leaver.get('/api/session')).status).toBe(401);
    expect((await org.clients.owner.get(`/api/users/${id}`)).status).toBe(404);
  });

  it('lists users page by page with a cursor, each user once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await org.clients.member.get(
        `/api/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(Object.values(org.userIds)));
    expect((await org.clients.member.get('/api/users?limit=0')).status).toBe(400);
  });

  it('validates input with the JSON error shape naming the field', async () => {
    const res = await org.clients.owner.post('/api/invitations', { email: 'not-an-email', role: 'emperor' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['email', 'role']));
  });

  it('lets only an Owner change organization settings', async () => {
    expect((await org.clients.admin.patch('/api/organization', { name: 'Hijacked' })).status).toBe(403);
    const res = await org.clients.owner.patch('/api/organization', { name: 'People Co Renamed' });
    expect(res.status).toBe(200);
    expect((await org.clients.member.get('/api/organization')).body.name).toBe('People Co Renamed');
  });
});
