import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { ApiRequestError, createApiClient, type ApiClient } from '$lib/api';

/** The API client for this request: `event.fetch` with relative URLs, routed to the API by hooks.server.ts. */
export function apiFor(event: Pick<RequestEvent, 'fetch'>): ApiClient {
  return createApiClient(event.fetch);
}

/**
 * Turns an API failure in a load function into the page's error state: 401 goes to sign-in (and back here after),
 * anything else to +error.svelte with the API's message and what to do.
 */
export function failLoad(err: unknown, url: URL): never {
  if (err instanceof ApiRequestError) {
    if (err.status === 401) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
    error(err.status === 0 ? 503 : err.status, { message: err.message, hint: err.hint, code: err.code });
  }
  throw err;
}

export async function loadOr<T>(url: URL, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    failLoad(err, url);
  }
}
