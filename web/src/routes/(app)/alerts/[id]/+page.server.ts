import { alertsApi } from '$lib/api/alerts';
import { integrationsApi, type DeliveryView } from '$lib/api/integrations';
import { loadOr } from '$lib/server/api';
import { alertActions } from '../actions';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const [detail, { session }] = await Promise.all([loadOr(event.url, () => alertsApi(event.fetch).detail(event.params.id)), event.parent()]);
  // The episode's deliveries with every attempt, for those who manage integrations (the delivery log is theirs).
  let deliveries: DeliveryView[] | null = null;
  if (session.permissions.includes('integrations:manage')) {
    deliveries = (await loadOr(event.url, () => integrationsApi(event.fetch).deliveries({ episodeId: detail.episode.id }))).items;
  }
  return { ...detail, deliveries };
}) satisfies PageServerLoad;

export const actions = alertActions satisfies Actions;
