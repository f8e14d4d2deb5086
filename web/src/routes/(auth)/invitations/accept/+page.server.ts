import { redirect } from '@sveltejs/kit';
import { apiFor } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import type { Actions } from './$types';

export const actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const name = field(data, 'name');
    const password = field(data, 'password');
    const api = apiFor(event);
    try {
      const { user } = await api.acceptInvitation({ token: field(data, 'token'), name, password });
      await api.login(user.email, password);
    } catch (err) {
      return formFailure(err, { name });
    }
    redirect(303, '/databases');
  },
} satisfies Actions;
