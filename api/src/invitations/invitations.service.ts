import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database, InvitationRow, Role } from '@logstag/store';
import { hashPassword } from '../auth/password';
import { rolesInvitableBy } from '../auth/permissions';
import { randomToken, tokenHash } from '../auth/tokens';
import { recordAuditEvent, type AuditContext } from '../audit';
import { ApiError } from '../http/api-error';
import { canonicalEmail, findUserByEmail, insertUser } from '@logstag/store';
import { userView, type UserView } from '../users/user-view';
import { claimInvitation, findInvitation, insertInvitation, revokeInvitation } from '@logstag/store';
import type { Invitation } from '@logstag/schema/api';

export function invitationView(i: InvitationRow): Invitation {
  const status = i.accepted_at ? 'accepted' : i.revoked_at ? 'revoked' : i.expires_at.getTime() <= Date.now() ? 'expired' : 'pending';
  return { id: i.id, email: i.email, role: i.role, status, createdAt: i.created_at.toISOString(), expiresAt: i.expires_at.toISOString() };
}

export function createInvitationsService(db: Kysely<Database>, ttlMs: number) {
  return {
    /** Returns the one-time token once; only its hash is stored. */
    async invite(organizationId: string, inviter: { userId: string; role: Role }, email: string, role: Role, audit: AuditContext) {
      if (!rolesInvitableBy(inviter.role).includes(role)) throw new ApiError(403, 'forbidden', `your role (${inviter.role}) cannot invite an ${role}`);
      const normalized = canonicalEmail(email);
      if (await findUserByEmail(db, normalized)) throw new ApiError(409, 'conflict', 'a user with this email already exists');
      const token = randomToken();
      const invitation = await db.transaction().execute(async (trx) => {
        const row = await insertInvitation(trx, {
          id: uuidv7(),
          organization_id: organizationId,
          email: normalized,
          role,
          token_hash: tokenHash(token),
          invited_by: inviter.userId,
          expires_at: new Date(Date.now() + ttlMs),
        });
        await recordAuditEvent(trx, { ...audit, action: 'user.invited', object: { type: 'invitation', id: row.id }, after: { email: normalized, role } });
        return row;
      });
      return { invitation: invitationView(invitation), token };
    },

    async revoke(organizationId: string, id: string, audit: AuditContext): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const invitation = await findInvitation(trx, organizationId, id);
        if (!invitation) throw new ApiError(404, 'not_found', 'invitation not found');
        if (invitation.accepted_at || invitation.revoked_at) throw new ApiError(409, 'conflict', 'the invitation was already used or revoked');
        await revokeInvitation(trx, organizationId, id);
        await recordAuditEvent(trx, { ...audit, action: 'invitation.revoked', object: { type: 'invitation', id }, before: { email: invitation.email, role: invitation.role } });
      });
    },

    async accept(token: string, name: string, password: string, audit: Pick<AuditContext, 'ip' | 'userAgent'>): Promise<UserView> {
      const passwordHash = await hashPassword(password);
      return db.transaction().execute(async (trx) => {
        const invitation = await claimInvitation(trx, tokenHash(token));
        if (!invitation) throw new ApiError(404, 'not_found', 'this invitation is unknown, used, revoked or expired; ask for a new one');
        if (await findUserByEmail(trx, invitation.email)) throw new ApiError(409, 'conflict', 'a user with this email already exists');
        const user = await insertUser(trx, {
          id: uuidv7(),
          organization_id: invitation.organization_id,
          email: invitation.email,
          name,
          password_hash: passwordHash,
          role: invitation.role,
        });
        await recordAuditEvent(trx, {
          ...audit,
          organizationId: invitation.organization_id,
          actor: { userId: user.id, label: user.email },
          action: 'invitation.accepted',
          object: { type: 'user', id: user.id },
          after: { email: user.email, role: user.role, invitationId: invitation.id },
        });
        return userView(user);
      });
    },
  };
}
