import { alertsApi } from '$lib/api/alerts';
import { loadOr } from '$lib/server/api';
import { alertActions } from '../actions';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const detail = await loadOr(event.url, () => alertsApi(event.fetch).detail(event.params.id));
  return { ...detail };
}) satisfies PageServerLoad;

export const actions = alertActions satisfies Actions;
