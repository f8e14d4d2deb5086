import type { TopOrder } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { chooseTarget } from '$lib/server/target-choice';
import { rangeFrom } from '$lib/time-range';
import type { PageServerLoad } from './$types';

const ORDERS: readonly TopOrder[] = ['totalTime', 'calls', 'meanTime', 'rows'];

export const load = (async (event) => {
  const api = apiFor(event);
  const range = rangeFrom(event.url);
  const params = event.url.searchParams;
  const wanted = params.get('sort') as TopOrder | null;
  const orderBy: TopOrder = wanted && ORDERS.includes(wanted) ? wanted : 'totalTime';
  // The agent's own monitoring statements are hidden unless asked for (issue 14).
  const filter = { search: (params.get('q') ?? '').trim().slice(0, 200), database: params.get('database') ?? '', monitoring: params.get('monitoring') === 'true' };
  return loadOr(event.url, async () => {
    const { targets, target } = await chooseTarget(api, event.url);
    const top = target ? await api.topQueries(target.targetId, range, orderBy, filter) : null;
    return { targets, target, range, orderBy, filter, top };
  });
}) satisfies PageServerLoad;
