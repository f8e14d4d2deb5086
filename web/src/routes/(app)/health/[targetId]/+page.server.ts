import { fail } from '@sveltejs/kit';
import { healthApi } from '$lib/api/health';
import { loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const api = healthApi(event.fetch);
  const targetId = event.params.targetId;
  const [reports, risks, catalog] = await loadOr(event.url, () => Promise.all([api.reports(targetId, 60), api.risks(targetId), api.rules()]));
  const chosen = event.url.searchParams.get('report') ?? reports.items[0]?.id;
  const report = chosen ? await loadOr(event.url, () => api.report(chosen)) : null;
  return {
    targetId,
    reports: reports.items,
    report,
    risks: risks.items.filter((r) => r.active),
    catalog: catalog.rules,
    filter: event.url.searchParams.get('show') ?? 'findings',
    canManage: (await event.parent()).session.permissions.includes('targets:manage'),
  };
}) satisfies PageServerLoad;

export const actions = {
  run: async (event) => {
    try {
      await healthApi(event.fetch).runNow(event.params.targetId);
      return { done: 'Report started: it appears here within seconds (reload).' };
    } catch (err) {
      return formFailure(err);
    }
  },
  accept: async (event) => {
    const data = await event.request.formData();
    const days = Number(field(data, 'days'));
    if (!Number.isFinite(days) || days <= 0 || days > 365) return fail(400, { error: 'Choose an expiry between 1 and 365 days.' });
    try {
      await healthApi(event.fetch).acceptRisk({
        targetId: event.params.targetId,
        ruleId: field(data, 'ruleId'),
        object: field(data, 'object'),
        reason: field(data, 'reason'),
        expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
      });
      return { done: 'Risk accepted: the finding leaves the score from the next report until the expiry.' };
    } catch (err) {
      return formFailure(err);
    }
  },
  revoke: async (event) => {
    const data = await event.request.formData();
    try {
      await healthApi(event.fetch).revokeRisk(Number(field(data, 'id')));
      return { done: 'Accepted risk revoked: the finding counts again from the next report.' };
    } catch (err) {
      return formFailure(err);
    }
  },
} satisfies Actions;
