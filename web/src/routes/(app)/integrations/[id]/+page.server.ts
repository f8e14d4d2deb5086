import { integrationsApi } from '$lib/api/integrations';
import { loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import { redirect } from '@sveltejs/kit';
import { partsFromForm } from '../fields';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const api = integrationsApi(event.fetch);
  const [integration, deliveries] = await loadOr(event.url, () => Promise.all([api.integration(event.params.id), api.deliveries({ integrationId: event.params.id })]));
  return { integration, deliveries: deliveries.items, origin: event.url.origin };
}) satisfies PageServerLoad;

export const actions = {
  save: async (event) => {
    const data = await event.request.formData();
    const api = integrationsApi(event.fetch);
    try {
      const current = await api.integration(event.params.id);
      const { config, secrets } = partsFromForm(current.kind, data);
      await api.updateIntegration(event.params.id, { name: field(data, 'name'), config: { ...current.config, ...config }, ...(Object.keys(secrets).length ? { secrets } : {}) });
      return { done: 'Saved.' };
    } catch (err) {
      return formFailure(err);
    }
  },
  test: async (event) => {
    try {
      const { delivery } = await integrationsApi(event.fetch).testIntegration(event.params.id);
      return { tested: delivery };
    } catch (err) {
      return formFailure(err);
    }
  },
  delete: async (event) => {
    try {
      await integrationsApi(event.fetch).deleteIntegration(event.params.id);
    } catch (err) {
      return formFailure(err);
    }
    redirect(303, '/integrations');
  },
} satisfies Actions;
