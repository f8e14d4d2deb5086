import type { UserRow } from '@logstag/store';
import { ROLE_TITLES } from '../auth/permissions';
import type { User } from '@logstag/schema/api';

/** A user as the API shows it: never the password hash. */
export function userView(u: UserRow): User {
  return { id: u.id, email: u.email, name: u.name, role: u.role, roleTitle: ROLE_TITLES[u.role], createdAt: u.created_at.toISOString() };
}
export type UserView = ReturnType<typeof userView>;
