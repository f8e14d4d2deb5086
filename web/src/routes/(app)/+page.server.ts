import { alertsApi } from '$lib/api/alerts';
import { healthApi } from '$lib/api/health';
import { apiFor, loadOr } from '$lib/server/api';
import { rangeFrom } from '$lib/time-range';
import type { PageServerLoad } from './$types';
import { openAlertsByTarget, type OpenAlerts } from './fleet';

/** Home: the fleet overview, every target's state and first numbers over the chosen range. */
export const load = (async (event) => {
  const api = apiFor(event);
  const range = rangeFrom(event.url);
  // Health scores (issue 17) are an extra: the overview shows without them if their API fails.
  const health = healthApi(event.fetch).fleet().then((f) => Object.fromEntries(f.items.map((t) => [t.targetId, t.score])), () => ({}) as Record<string, number | null>);
  // Open alerts the same way: the overview shows without them (null: unknown, not "none") if their API fails.
  const alerts = alertsApi(event.fetch).active().then((a) => openAlertsByTarget(a.items), () => null as Record<string, OpenAlerts> | null);
  return loadOr(event.url, async () => ({ range, fleet: await api.fleet(range), healthScores: await health, openAlerts: await alerts, now: Date.now() }));
}) satisfies PageServerLoad;
