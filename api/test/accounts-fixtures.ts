// An organization with one user per role, all signed in, built through the public API (invite → accept → sign in).
import { randomUUID } from 'node:crypto';
import type { Role } from '@logstag/store';
import { ApiClient, signedIn } from './accounts-client';
import { seedOrganization, type SeededOrganization, type TestContext } from './context';

export interface OrgWithRoles extends SeededOrganization {
  clients: Record<Role, ApiClient>;
  userIds: Record<Role, string>;
  emails: Record<Role, string>;
  passwords: Record<Role, string>;
}

/** Invites `email` as `role` from `inviter`, accepts with a fresh password, and returns the new user's id and password. */
export async function inviteAndAccept(ctx: TestContext, inviter: ApiClient, email: string, role: Role): Promise<{ id: string; password: string }> {
  const invited = await inviter.post('/api/invitations', { email, role });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const password = `pw-${randomUUID()}`;
  const accepted = await new ApiClient(ctx.url).post('/api/invitations/accept', { token: invited.body.token, name: `${role} user`, password });
  if (accepted.status !== 201) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { id: accepted.body.user.id, password };
}

export async function orgWithRoles(ctx: TestContext, name: string): Promise<OrgWithRoles> {
  const seeded = await seedOrganization(ctx, name);
  const owner = await signedIn(ctx, seeded.ownerEmail, seeded.ownerPassword);
  const tag = randomUUID().slice(0, 8);
  const emails: Record<Role, string> = { owner: seeded.ownerEmail, admin: `admin-${tag}@example.com`, member: `member-${tag}@example.com` };
  const admin = await inviteAndAccept(ctx, owner, emails.admin, 'admin');
  const member = await inviteAndAccept(ctx, owner, emails.member, 'member');
  return {
    ...seeded,
    emails,
    passwords: { owner: seeded.ownerPassword, admin: admin.password, member: member.password },
    userIds: { owner: seeded.ownerId, admin: admin.id, member: member.id },
    clients: {
      owner,
      admin: await signedIn(ctx, emails.admin, admin.password),
      member: await signedIn(ctx, emails.member, member.password),
    },
  };
}
