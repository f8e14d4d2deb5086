import { apiFor, loadOr } from '$lib/server/api';
import { apiAction, field, formFailure } from '$lib/server/form-failure';
import type { Role } from '$lib/api';
import { organizationApi } from '$lib/api/organization';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const { session } = await event.parent();
  const api = apiFor(event);
  const canInvite = session.permissions.includes('users:invite');
  const [users, invitations] = await loadOr(event.url, () => Promise.all([api.users(), canInvite ? api.invitations() : Promise.resolve(null)]));
  return { users: users.items, invitations: invitations?.items ?? null };
}) satisfies PageServerLoad;

const asRole = (v: string): Role => (v === 'owner' || v === 'admin' ? v : 'member');

export const actions = {
  invite: async (event) => {
    const data = await event.request.formData();
    const values = { email: field(data, 'email'), role: field(data, 'role') };
    try {
      const created = await apiFor(event).invite(values.email, asRole(values.role));
      return { invited: { email: created.invitation.email, path: created.acceptPath } };
    } catch (err) {
      return formFailure(err, values);
    }
  },
  revoke: apiAction((api, data) => api.revokeInvitation(field(data, 'id')), 'Invitation revoked.'),
  role: apiAction((api, data) => api.changeRole(field(data, 'id'), asRole(field(data, 'role'))), 'Role changed.'),
  remove: apiAction((api, data) => api.removeUser(field(data, 'id')), 'User removed.'),
  rename: async (event) => {
    const data = await event.request.formData();
    const values = { name: field(data, 'name').trim() };
    try {
      const renamed = await organizationApi(event.fetch).rename(values.name);
      return { done: `Organization renamed to ${renamed.name}.` };
    } catch (err) {
      return formFailure(err, values);
    }
  },
} satisfies Actions;
