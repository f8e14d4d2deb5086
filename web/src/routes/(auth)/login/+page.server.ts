import { redirect } from '@sveltejs/kit';
import { ApiRequestError } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import type { Actions, PageServerLoad } from './$types';

/** Only same-site paths: `next` comes from the address bar and must not send the user elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/databases';
}

export const load = (async (event) => {
  const api = apiFor(event);
  const { required } = await loadOr(event.url, () => api.setupStatus());
  if (required) redirect(303, '/setup');
  try {
    await api.session();
    redirect(303, safeNext(event.url.searchParams.get('next')));
  } catch (err) {
    if (!(err instanceof ApiRequestError)) throw err;
  }
  return {};
}) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const email = field(data, 'email');
    try {
      await apiFor(event).login(email, field(data, 'password'));
    } catch (err) {
      return formFailure(err, { email }, { 401: 'Check the email and password and try again. After repeated failures the account is locked for a few minutes.' });
    }
    redirect(303, safeNext(event.url.searchParams.get('next')));
  },
} satisfies Actions;
