import { apiFor, loadOr } from '$lib/server/api';
import { rangeFrom } from '$lib/time-range';
import type { PageServerLoad } from './$types';

/** Home: the fleet overview, every target's state and first numbers over the chosen range. */
export const load = (async (event) => {
  const api = apiFor(event);
  const range = rangeFrom(event.url);
  return loadOr(event.url, async () => ({ range, fleet: await api.fleet(range), now: Date.now() }));
}) satisfies PageServerLoad;
