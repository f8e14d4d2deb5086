import { healthApi } from '$lib/api/health';
import { loadOr } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  const fleet = await loadOr(event.url, () => healthApi(event.fetch).fleet());
  return { fleet: fleet.items };
}) satisfies PageServerLoad;
