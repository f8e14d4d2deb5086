import { integrationsApi } from '$lib/api/integrations';
import { loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import { partsFromForm } from './fields';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const api = integrationsApi(event.fetch);
  const [list, e2eTest] = await Promise.all([loadOr(event.url, () => api.integrations()), loadOr(event.url, () => api.e2eTestSettings())]);
  return { integrations: list.items, e2eTest };
}) satisfies PageServerLoad;

export const actions = {
  create: async (event) => {
    const data = await event.request.formData();
    const kind = field(data, 'kind');
    const name = field(data, 'name');
    const values = Object.fromEntries([...data.entries()].filter(([k, v]) => typeof v === 'string' && !/secret|password|token|key|webhookUrl|workflowUrl/i.test(k)).map(([k, v]) => [k, v as string]));
    try {
      const created = await integrationsApi(event.fetch).createIntegration({ kind, name, ...partsFromForm(kind, data) });
      return { done: `Integration "${created.name}" added. Send a test to check it works.`, createdId: created.id };
    } catch (err) {
      // Secrets are never echoed back into the form.
      return formFailure(err, values);
    }
  },
  test: async (event) => {
    const data = await event.request.formData();
    try {
      const { delivery } = await integrationsApi(event.fetch).testIntegration(field(data, 'id'));
      return { tested: { id: field(data, 'id'), delivery } };
    } catch (err) {
      return formFailure(err);
    }
  },
  e2eTest: async (event) => {
    const data = await event.request.formData();
    const values = { enabled: field(data, 'enabled'), hour: field(data, 'hour'), timeZone: field(data, 'timeZone') };
    try {
      const saved = await integrationsApi(event.fetch).saveE2eTestSettings({ enabled: values.enabled === 'on', hour: Number(values.hour), timeZone: values.timeZone.trim() || 'UTC' });
      const hh = String(saved.hour).padStart(2, '0');
      return { done: saved.enabled ? `Daily end-to-end test on: every day at ${hh}:00 ${saved.timeZone}.` : 'Daily end-to-end test off.' };
    } catch (err) {
      return formFailure(err, values);
    }
  },
  toggle: async (event) => {
    const data = await event.request.formData();
    const enabled = field(data, 'enabled') === 'true';
    try {
      await integrationsApi(event.fetch).updateIntegration(field(data, 'id'), { enabled });
      return { done: enabled ? 'Integration turned on.' : 'Integration turned off: notifications to it are not sent.' };
    } catch (err) {
      return formFailure(err);
    }
  },
} satisfies Actions;
