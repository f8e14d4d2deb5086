import { redirect } from '@sveltejs/kit';
import { ApiRequestError } from '$lib/api';
import { apiFor } from '$lib/server/api';
import { requestProtocol } from '$lib/server/internal-api';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => redirect(303, '/databases')) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    try {
      await apiFor(event).logout();
    } catch (err) {
      // Already signed out is fine: the goal is to be signed out.
      if (!(err instanceof ApiRequestError) || err.status !== 401) throw err;
    }
    // The API clears the cookie; this covers a session that had already ended (API answered 401).
    event.cookies.delete('logstag_session', { path: '/', secure: requestProtocol(event) === 'https' });
    redirect(303, '/login');
  },
} satisfies Actions;
