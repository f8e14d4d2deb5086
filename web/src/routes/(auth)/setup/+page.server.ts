import { redirect } from '@sveltejs/kit';
import { apiFor, loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const { required } = await loadOr(event.url, () => apiFor(event).setupStatus());
  if (!required) redirect(303, '/login');
  return {};
}) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const values = { organizationName: field(data, 'organizationName'), email: field(data, 'email'), name: field(data, 'name') };
    const password = field(data, 'password');
    const api = apiFor(event);
    try {
      await api.setup({ ...values, token: field(data, 'token'), password });
      await api.login(values.email, password);
    } catch (err) {
      return formFailure(err, values);
    }
    redirect(303, '/databases');
  },
} satisfies Actions;
