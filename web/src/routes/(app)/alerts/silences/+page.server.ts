import { alertAdminApi } from '$lib/api/alert-admin';
import { alertsApi } from '$lib/api/alerts';
import { apiFor, loadOr } from '$lib/server/api';
import { field } from '$lib/server/form-failure';
import { adminFailure, fieldsFailure, targetsAndTagsOf, valuesOf, type FieldIssue } from '../admin-form';
import type { Actions, PageServerLoad } from './$types';

/** The "ends in" choices, in minutes. */
const DURATIONS = new Set(['30', '60', '120', '240', '480', '1440', '4320', '10080']);

export const load = (async (event) => {
  const { session } = await event.parent();
  const api = alertAdminApi(event.fetch);
  const [active, ended, rules, targets] = await loadOr(event.url, () => Promise.all([api.silences('active'), api.silences('ended'), alertsApi(event.fetch).rules(), apiFor(event).inventory()]));
  return {
    canManage: session.permissions.includes('alert-rules:manage'),
    active: active.items,
    ended: ended.items,
    rules: rules.items.map((r) => ({ id: r.id, name: r.name })),
    targetIds: targets.items.map((t) => t.targetId),
    now: Date.now(),
  };
}) satisfies PageServerLoad;

export const actions = {
  create: async (event) => {
    const data = await event.request.formData();
    const values = valuesOf(data);
    const issues: FieldIssue[] = [];
    const { targetIds, tags } = targetsAndTagsOf(field(data, 'targetIds'), field(data, 'tags'), issues);
    const ruleId = field(data, 'ruleId');
    const matchers = { ruleIds: ruleId ? [ruleId] : [], targetIds, tags };
    // A silence without matchers holds back every notification of the organization: only when asked for in so many words.
    if (!ruleId && matchers.targetIds.length === 0 && Object.keys(tags).length === 0 && field(data, 'everything') !== 'on') {
      issues.push({ path: 'matchers', message: 'pick a rule, targets or tags, or tick "every alert" to silence everything' });
    }
    const duration = field(data, 'duration');
    let endsAt: string;
    if (duration === 'custom') {
      const local = field(data, 'endsAt');
      const ms = Date.parse(`${local}${/T\d\d:\d\d$/.test(local) ? ':00' : ''}Z`);
      if (!Number.isFinite(ms)) issues.push({ path: 'endsAt', message: 'a date and time (UTC)' });
      endsAt = Number.isFinite(ms) ? new Date(ms).toISOString() : '';
    } else {
      endsAt = new Date(Date.now() + (DURATIONS.has(duration) ? Number(duration) : 60) * 60_000).toISOString();
    }
    if (issues.length) return fieldsFailure(issues, values);
    try {
      await alertAdminApi(event.fetch).createSilence({ matchers, reason: field(data, 'reason'), endsAt });
    } catch (err) {
      return adminFailure(err, values);
    }
    return { done: `Silence added until ${endsAt.slice(0, 16).replace('T', ' ')} UTC.`, created: true };
  },
  expire: async (event) => {
    const data = await event.request.formData();
    try {
      await alertAdminApi(event.fetch).expireSilence(field(data, 'id'));
    } catch (err) {
      return adminFailure(err);
    }
    return { done: `Silence "${field(data, 'reason')}" ended.` };
  },
} satisfies Actions;
