import { apiFor, loadOr } from '$lib/server/api';
import { chooseTarget } from '$lib/server/target-choice';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  const api = apiFor(event);
  return loadOr(event.url, async () => {
    const { targets, target } = await chooseTarget(api, event.url);
    if (!target) return { targets, target: null, settings: null, now: Date.now() };
    return { targets, target, settings: await api.settings(target.targetId), now: Date.now() };
  });
}) satisfies PageServerLoad;
