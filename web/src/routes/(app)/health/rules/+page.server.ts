import { healthApi } from '$lib/api/health';
import { loadOr } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  const engine = event.url.searchParams.get('engine') || undefined;
  const catalog = await loadOr(event.url, () => healthApi(event.fetch).rules(engine));
  return { ...catalog, engine: engine ?? '' };
}) satisfies PageServerLoad;
