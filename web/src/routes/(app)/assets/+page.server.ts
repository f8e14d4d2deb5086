import { apiFor, loadOr } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  const api = apiFor(event);
  const [hosts, agents, targets] = await loadOr(event.url, () => Promise.all([api.hosts(), api.agents(), api.inventory()]));
  return { hosts: hosts.items, agents: agents.items, targets: targets.items, now: Date.now() };
}) satisfies PageServerLoad;
