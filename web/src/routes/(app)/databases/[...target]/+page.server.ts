import { error } from '@sveltejs/kit';
import { ApiRequestError, type MetricSeries } from '$lib/api';
import { alertsApi } from '$lib/api/alerts';
import { apiFor, loadOr } from '$lib/server/api';
import { findTarget } from '$lib/server/target-choice';
import { rangeFrom } from '$lib/time-range';
import { buildCharts, chartMetrics, databaseRows, dataSinceOf } from './charts';
import type { PageServerLoad } from './$types';

function absentAsNull(err: unknown): null {
  if (err instanceof ApiRequestError && err.status === 404) return null;
  throw err;
}

export const load = (async (event) => {
  const targetId = event.params.target;
  const range = rangeFrom(event.url);
  const api = apiFor(event);
  return loadOr(event.url, async () => {
    // The target first: its engine says which series its charts read. Open alerts are an extra: the page shows
    // without them (null: unknown) if their API fails.
    const [target, openAlerts] = await Promise.all([findTarget(api, targetId), alertsApi(event.fetch).active(targetId).then((a) => a.items, () => null)]);
    if (!target) error(404, { message: `no target ${targetId}`, hint: 'Pick a target from the Database Explorer list.' });
    // Every series its charts could show, asked for at once: one the target does not report answers 404.
    const series = await Promise.all(chartMetrics(target.engine).map((m) => api.series(targetId, m, range).catch(absentAsNull)));
    const fetched = new Map<string, MetricSeries>(series.filter((s): s is MetricSeries => s !== null).map((s) => [s.metric, s]));
    return {
      target,
      range,
      openAlerts,
      charts: buildCharts(target.engine, fetched),
      databases: target.engine === 'postgresql' ? databaseRows(fetched) : [],
      dataSince: dataSinceOf(fetched) ?? null,
      reportsMetrics: target.lastPayloads.runtime !== undefined,
      now: Date.now(),
    };
  });
}) satisfies PageServerLoad;
