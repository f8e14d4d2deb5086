import { healthApi } from '$lib/api/health';
import { apiFor, loadOr } from '$lib/server/api';
import { rangeFrom } from '$lib/time-range';
import type { PageServerLoad } from './$types';

/** Home: the fleet overview, every target's state and first numbers over the chosen range. */
export const load = (async (event) => {
  const api = apiFor(event);
  const range = rangeFrom(event.url);
  // Health scores (issue 17) are an extra: the overview shows without them if their API fails.
  const health = healthApi(event.fetch).fleet().then((f) => Object.fromEntries(f.items.map((t) => [t.targetId, t.score])), () => ({}) as Record<string, number | null>);
  return loadOr(event.url, async () => ({ range, fleet: await api.fleet(range), healthScores: await health, now: Date.now() }));
}) satisfies PageServerLoad;
