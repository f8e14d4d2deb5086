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
  const filter = {
    search: (params.get('q') ?? '').trim().slice(0, 200),
    database: params.get('database') ?? '',
    monitoring: params.get('monitoring') === 'true',
    // PostgreSQL roles (pg_stat_statements is per role), and applications seen in sampled activity (issue 14).
    user: (params.get('user') ?? '').slice(0, 200),
    application: (params.get('application') ?? '').slice(0, 200),
  };
  return loadOr(event.url, async () => {
    const { targets, target } = await chooseTarget(api, event.url);
    // Applications come from the activity snapshots, which only PostgreSQL's sessions tie to a statement (query_id).
    const [top, applications] = target
      ? await Promise.all([api.topQueries(target.targetId, range, orderBy, filter), target.engine === 'postgresql' ? api.queryApplications(target.targetId, range) : null])
      : [null, null];
    return { targets, target, range, orderBy, filter, top, applications };
  });
}) satisfies PageServerLoad;
