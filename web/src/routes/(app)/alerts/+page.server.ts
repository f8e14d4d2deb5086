import { alertsApi } from '$lib/api/alerts';
import { loadOr } from '$lib/server/api';
import { alertActions } from './actions';
import type { Actions, PageServerLoad } from './$types';

const SEVERITIES = new Set(['critical', 'warning', 'info']);

export const load = (async (event) => {
  const q = event.url.searchParams;
  const filter = {
    ruleId: q.get('ruleId') || undefined,
    targetId: q.get('targetId') || undefined,
    severity: SEVERITIES.has(q.get('severity') ?? '') ? (q.get('severity') as string) : undefined,
    from: q.get('from') ? new Date(`${q.get('from')}T00:00:00Z`).toISOString() : undefined,
  };
  const api = alertsApi(event.fetch);
  const [active, history, rules] = await loadOr(event.url, () => Promise.all([api.active(filter.targetId), api.history(filter), api.rules()]));
  return { active: active.items, history: history.items, rules: rules.items, filter, now: Date.now() };
}) satisfies PageServerLoad;

export const actions = alertActions satisfies Actions;
