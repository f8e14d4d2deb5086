import { error } from '@sveltejs/kit';
import type { MetricSeries } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { rangeFrom } from '$lib/time-range';
import { buildCharts, metricsNeeded } from './charts';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  const targetId = event.params.target;
  const range = rangeFrom(event.url);
  const api = apiFor(event);
  return loadOr(event.url, async () => {
    const [inventory, metrics] = await Promise.all([api.inventory(), api.metricsOf(targetId)]);
    const target = inventory.items.find((t) => t.targetId === targetId);
    if (!target) error(404, { message: `no target ${targetId}`, hint: 'Pick a target from the Database Explorer list.' });
    const needed = metricsNeeded(new Set(metrics.items.map((m) => m.metric)));
    const fetched = new Map<string, MetricSeries>(await Promise.all(needed.map(async (m) => [m, await api.series(targetId, m, range)] as const)));
    return { target, range, charts: buildCharts(fetched), metricCount: metrics.items.length, now: Date.now() };
  });
}) satisfies PageServerLoad;
