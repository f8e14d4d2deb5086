import type { Kysely } from 'kysely';
import type { Database, Role } from '@logstag/store';
import { recordAuditEvent, type AuditContext } from '../audit';
import { ApiError } from '../http/api-error';
import { deleteUser, findUser, lockOwnerIds, updateUserRole } from '@logstag/store';
import { userView, type UserView } from './user-view';

function notFound(): ApiError {
  return new ApiError(404, 'not_found', 'user not found');
}

/** Refuses a change that would leave the organization without an Account Owner. Call inside the change's transaction. */
function assertNotLastOwner(ownerIds: string[], userId: string, what: string): void {
  if (ownerIds.length === 1 && ownerIds[0] === userId) {
    throw new ApiError(409, 'conflict', `cannot ${what} the last Account Owner; make another user an owner first`);
  }
}

export function createUsersService(db: Kysely<Database>) {
  return {
    async changeRole(organizationId: string, userId: string, role: Role, audit: AuditContext): Promise<UserView> {
      return db.transaction().execute(async (trx) => {
        const ownerIds = await lockOwnerIds(trx, organizationId);
        const user = await findUser(trx, organizationId, userId);
        if (!user) throw notFound();
        if (user.role === role) return userView(user);
        if (user.role === 'owner') assertNotLastOwner(ownerIds, userId, 'demote');
        await updateUserRole(trx, organizationId, userId, role);
        await recordAuditEvent(trx, {
          ...audit,
          action: 'user.role_changed',
          object: { type: 'user', id: userId },
          before: { email: user.email, role: user.role },
          after: { email: user.email, role },
        });
        return userView({ ...user, role });
      });
    },

    async remove(organizationId: string, userId: string, audit: AuditContext): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const ownerIds = await lockOwnerIds(trx, organizationId);
        const user = await findUser(trx, organizationId, userId);
        if (!user) throw notFound();
        if (user.role === 'owner') assertNotLastOwner(ownerIds, userId, 'remove');
        // Their sessions go with them (foreign key cascade): a removed user is signed out everywhere at once.
        await deleteUser(trx, organizationId, userId);
        await recordAuditEvent(trx, {
          ...audit,
          action: 'user.removed',
          object: { type: 'user', id: userId },
          before: { email: user.email, name: user.name, role: user.role },
        });
      });
    },
  };
}
