import { apiFor, loadOr } from '$lib/server/api';
import { chooseTarget } from '$lib/server/target-choice';
import { rangeFrom } from '$lib/time-range';
import { waitSeries, waitStep } from './waits';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  // The page refreshes every 10 s with invalidate('app:activity').
  event.depends('app:activity');
  const api = apiFor(event);
  const range = rangeFrom(event.url);
  return loadOr(event.url, async () => {
    const { targets, target } = await chooseTarget(api, event.url);
    if (!target) return { targets, target: null, range, live: null };
    const id = target.targetId;
    const [sessions, blocking, connections, waits] = await Promise.all([
      api.sessions(id),
      api.blocking(id),
      api.connections(id, range),
      api.waits(id, range, waitStep(range.from, range.to)),
    ]);
    return { targets, target, range, live: { sessions, blocking, connections, waits: waitSeries(waits), fetchedAt: Date.now() } };
  });
}) satisfies PageServerLoad;
