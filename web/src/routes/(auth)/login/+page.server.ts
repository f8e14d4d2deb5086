import { redirect } from '@sveltejs/kit';
import { ApiRequestError } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import { safeNextPath } from '$lib/server/safe-next';
import type { Actions, PageServerLoad } from './$types';

/** Only paths of this origin: `next` comes from the address bar and must not send the user elsewhere. */
function safeNext(url: URL): string {
  return safeNextPath(url.searchParams.get('next'), url.origin);
}

export const load = (async (event) => {
  const api = apiFor(event);
  const { required } = await loadOr(event.url, () => api.setupStatus());
  if (required) redirect(303, '/setup');
  try {
    await api.session();
    redirect(303, safeNext(event.url));
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
    redirect(303, safeNext(event.url));
  },
} satisfies Actions;
