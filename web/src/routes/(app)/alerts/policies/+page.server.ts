import { alertAdminApi } from '$lib/api/alert-admin';
import { integrationsApi } from '$lib/api/integrations';
import { apiFor, loadOr } from '$lib/server/api';
import { field } from '$lib/server/form-failure';
import { adminFailure, fieldsFailure, valuesOf } from '../admin-form';
import { horizonMinutes, policyOf } from './policy-form';
import type { Actions, PageServerLoad } from './$types';

const SEVERITIES = ['critical', 'warning', 'info'] as const;

export const load = (async (event) => {
  const { session } = await event.parent();
  const canManage = session.permissions.includes('alert-rules:manage');
  const [policies, users, integrations] = await loadOr(event.url, () =>
    Promise.all([
      alertAdminApi(event.fetch).policies(),
      apiFor(event).users(),
      // Integrations are listed to those who manage them; the others see recipients by id.
      session.permissions.includes('integrations:manage') ? integrationsApi(event.fetch).integrations() : Promise.resolve({ items: [] }),
    ]),
  );
  const editId = event.url.searchParams.get('edit');
  return {
    canManage,
    policies: policies.items,
    users: users.items.map((u) => ({ id: u.id, name: u.name, email: u.email })),
    integrations: integrations.items.map((i) => ({ id: i.id, name: i.name, kind: i.kind, enabled: i.enabled })),
    editing: canManage && editId ? (policies.items.find((p) => p.id === editId) ?? null) : null,
    now: Date.now(),
  };
}) satisfies PageServerLoad;

export const actions = {
  save: async (event) => {
    const data = await event.request.formData();
    const values = valuesOf(data);
    const { input, issues } = policyOf(data);
    if (issues.length) return fieldsFailure(issues, values);
    const id = field(data, 'id');
    const api = alertAdminApi(event.fetch);
    try {
      const saved = id ? await api.updatePolicy(id, input) : await api.createPolicy(input);
      return { done: `Escalation policy "${saved.name}" saved.`, savedId: saved.id, created: !id };
    } catch (err) {
      return adminFailure(err, values);
    }
  },
  simulate: async (event) => {
    const data = await event.request.formData();
    const values = valuesOf(data);
    const { input, issues } = policyOf(data);
    if (issues.length) return fieldsFailure(issues, values);
    const severity = SEVERITIES.find((s) => s === field(data, 'severity')) ?? 'critical';
    // The editor's "fires at" is UTC, like every time the product shows; empty or unreadable: now.
    const local = field(data, 'firesAt');
    const firesAt = Date.parse(`${local}${/T\d\d:\d\d$/.test(local) ? ':00' : ''}Z`);
    try {
      const simulation = await alertAdminApi(event.fetch).simulate(input, horizonMinutes(input));
      return { simulation, severity, firesAt: Number.isFinite(firesAt) ? firesAt : Date.now(), policyName: input.name.trim() || 'this policy', values };
    } catch (err) {
      return adminFailure(err, values);
    }
  },
  delete: async (event) => {
    const data = await event.request.formData();
    try {
      await alertAdminApi(event.fetch).deletePolicy(field(data, 'id'));
    } catch (err) {
      return adminFailure(err);
    }
    return { done: `Escalation policy "${field(data, 'name')}" removed.` };
  },
} satisfies Actions;
