import type { Handle } from '@sveltejs/kit';
import { handleApiFetch } from '$lib/server/forward-fetch';

/**
 * The API's helmet headers say `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` with a form
 * post, and SvelteKit's CSRF check would refuse our own forms. `same-origin` sends the origin (and referrer) only to
 * this server and still nothing to other sites, so query text in our URLs never leaks.
 */
export const handle: Handle = async ({ event, resolve }) => {
  event.setHeaders({ 'referrer-policy': 'same-origin' });
  return resolve(event);
};

export const handleFetch = handleApiFetch;
