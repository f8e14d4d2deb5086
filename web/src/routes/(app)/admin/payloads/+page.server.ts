import type { PayloadListStatus } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { apiAction, field } from '$lib/server/form-failure';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const status: PayloadListStatus = event.url.searchParams.get('status') === 'stuck' ? 'stuck' : 'failed';
  const cursor = event.url.searchParams.get('cursor') || undefined;
  const page = await loadOr(event.url, () => apiFor(event).payloads(status, cursor));
  return { status, payloads: page.items, nextCursor: page.nextCursor };
}) satisfies PageServerLoad;

export const actions = {
  retry: apiAction((api, data) => api.retryPayload(field(data, 'id')), 'Payload queued again. It is stored within seconds, or comes back here if it fails again.'),
  discard: apiAction((api, data) => api.discardPayload(field(data, 'id')), 'Payload discarded. It will not be stored; its raw bytes are kept.'),
} satisfies Actions;
