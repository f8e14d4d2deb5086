import { alertsApi } from '$lib/api/alerts';
import { integrationsApi, type DeliveryView } from '$lib/api/integrations';
import { loadOr } from '$lib/server/api';
import { alertActions } from '../actions';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const detail = await loadOr(event.url, () => alertsApi(event.fetch).detail(event.params.id));
  // The episode's deliveries with every attempt, for whoever reads the alert (did the page go out?).
  const deliveries: DeliveryView[] = (await loadOr(event.url, () => integrationsApi(event.fetch).alertDeliveries(detail.episode.id))).items;
  return { ...detail, deliveries };
}) satisfies PageServerLoad;

export const actions = alertActions satisfies Actions;
