import { apiFor, loadOr } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  const page = await loadOr(event.url, () => apiFor(event).inventory());
  return { targets: page.items, more: page.nextCursor !== null, now: Date.now() };
}) satisfies PageServerLoad;
