import { ApiRequestError } from '$lib/api';
import { alertsApi } from '$lib/api/alerts';
import { loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const api = alertsApi(event.fetch);
  const [rules, policies] = await loadOr(event.url, () => Promise.all([api.rules(), api.policies()]));
  return { rules: rules.items, policies: policies.items };
}) satisfies PageServerLoad;

/** A threshold rule from the editor's fields (the API validates it and names the field at fault). */
function ruleOf(data: FormData) {
  const num = (name: string) => (field(data, name).trim() === '' ? Number.NaN : Number(field(data, name)));
  const targets = field(data, 'targetIds').split(',').map((t) => t.trim()).filter(Boolean);
  return {
    name: field(data, 'name'),
    severity: field(data, 'severity'),
    condition: { kind: 'threshold', metric: field(data, 'metric'), comparator: field(data, 'comparator'), value: num('value'), forSeconds: num('forSeconds'), clearForSeconds: num('clearForSeconds') },
    scope: { targetIds: targets },
    summaryTemplate: field(data, 'summaryTemplate') || '{{rule}} on {{target}}: {{value}}',
    escalationPolicyId: field(data, 'escalationPolicyId') || null,
  };
}

const valuesOf = (data: FormData) => Object.fromEntries([...data.entries()].filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, v as string]));

export const actions = {
  preview: async (event) => {
    const data = await event.request.formData();
    try {
      const preview = await alertsApi(event.fetch).previewRule(ruleOf(data));
      return { preview, values: valuesOf(data) };
    } catch (err) {
      return formFailure(err, valuesOf(data));
    }
  },
  create: async (event) => {
    const data = await event.request.formData();
    try {
      const rule = await alertsApi(event.fetch).createRule(ruleOf(data));
      return { done: `Rule "${rule.name}" saved.` };
    } catch (err) {
      return formFailure(err, valuesOf(data));
    }
  },
  simulate: async (event) => {
    const data = await event.request.formData();
    const policy = (await alertsApi(event.fetch).policies()).items.find((p) => p.id === field(data, 'policyId'));
    if (!policy) return formFailure(new ApiRequestError(404, 'not_found', 'escalation policy not found'));
    try {
      const simulation = await alertsApi(event.fetch).simulatePolicy({ ...policy, minutes: 240 });
      return { simulation, policyName: policy.name };
    } catch (err) {
      return formFailure(err);
    }
  },
} satisfies Actions;
